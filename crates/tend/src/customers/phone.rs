//! Phone numbers in E.164 (`+37120000000`): the one rule that turns a
//! number as someone typed it (`+371 2000 0000`, `00371 20000000`,
//! `tel:+371-20000000`, or `20000000` with a default region) into the form
//! calls and customers are matched by. Every place that compares numbers
//! goes through [`E164::parse`].

use std::fmt;

use crate::{Error, Result};

pub use crate::config::Region;

/// A phone number in E.164: `+`, the country code and the national
/// number, digits only.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct E164(String);

impl E164 {
    /// Reads the number `typed` (field `field`, for the error): with
    /// `+country` or an international prefix it stands alone; without,
    /// it belongs to `region`, and with no region it is an input error
    /// that says so.
    pub fn parse(field: &str, typed: &str, region: Option<Region>) -> Result<E164> {
        let t = typed.trim();
        if t.is_empty() {
            return Err(Error::invalid(field, "a phone number is required"));
        }
        if t.chars().any(char::is_control) {
            return Err(Error::invalid(
                field,
                "a phone number has no control characters",
            ));
        }
        if t.chars().count() > 64 {
            return Err(Error::invalid(
                field,
                "a phone number has at most 64 characters",
            ));
        }
        // What comes before the digits: `tel:`, an opening bracket, spaces.
        let lead = t
            .strip_prefix("tel:")
            .unwrap_or(t)
            .trim_start_matches(|c: char| c == '(' || c.is_whitespace());
        let international = lead.starts_with('+') || lead.starts_with("00");
        if !international && region.is_none() {
            return Err(Error::invalid(
                field,
                format!(
                    "{t:?} has no country code: write it as +<country> <number>, or set phone_default_region"
                ),
            ));
        }
        // "00" is the international prefix in most of the world: read it
        // as "+" (the library reads it only with a region that uses it).
        let t = match lead.strip_prefix("00") {
            Some(rest) => format!("+{rest}"),
            None => t.to_string(),
        };
        let n = phonenumber::parse(region.map(Region::id), &t)
            .map_err(|e| Error::invalid(field, format!("{typed:?} is not a phone number ({e})")))?;
        let e164 = n.format().mode(phonenumber::Mode::E164).to_string();
        // Parsing is lenient; a number must at least have its digits.
        if e164.len() < 4 || !e164[1..].bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::invalid(
                field,
                format!("{typed:?} is not a phone number"),
            ));
        }
        Ok(E164(e164))
    }

    /// Whether the number is one its country hands out (a short code or
    /// an extension read in a region parses, but is none).
    pub fn is_assignable(&self) -> bool {
        phonenumber::parse(None, &self.0).is_ok_and(|n| phonenumber::is_valid(&n))
    }

    /// The number as stored and compared (`+37120000000`).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number read back from storage (already normalised).
    pub(crate) fn stored(s: String) -> E164 {
        E164(s)
    }
}

impl fmt::Display for E164 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lv() -> Option<Region> {
        Some("lv".parse().expect("LV is a region"))
    }

    #[test]
    fn one_number_written_many_ways_is_one_number() {
        let want = "+37120000001";
        for typed in [
            "+371 2000 0001",
            "+371-20-000-001",
            "00371 20000001",
            "tel:+371-2000-0001",
            "(+371) 20 000 001",
        ] {
            assert_eq!(
                E164::parse("from", typed, None).unwrap().as_str(),
                want,
                "{typed}"
            );
        }
        assert_eq!(
            E164::parse("from", "2000 0001", lv()).unwrap().as_str(),
            want
        );
        assert_eq!(
            E164::parse("from", "090-1234-5678", Some("JP".parse().unwrap()))
                .unwrap()
                .as_str(),
            "+819012345678"
        );
    }

    #[test]
    fn a_national_number_needs_a_region() {
        let e = E164::parse("phone", "2000 0001", None).unwrap_err();
        assert!(
            matches!(&e, Error::Invalid { field, message } if field == "phone" && message.contains("phone_default_region")),
            "{e:?}"
        );
        assert!(E164::parse("to", "", lv()).is_err());
        assert!(E164::parse("to", "no number here", lv()).is_err());
        assert!(E164::parse("to", "+371\u{0}20000001", None).is_err());
        let short = E164::parse("to", "101", lv());
        assert!(short.is_err() || !short.unwrap().is_assignable());
        assert!(
            E164::parse("to", "+37120000001", None)
                .unwrap()
                .is_assignable()
        );
    }

    #[test]
    fn regions_are_two_known_letters() {
        assert_eq!("jp".parse::<Region>(), "JP".parse::<Region>());
        assert!("jp".parse::<Region>().is_ok());
        assert!("Latvia".parse::<Region>().is_err());
        assert!("QQ".parse::<Region>().is_err());
    }
}
