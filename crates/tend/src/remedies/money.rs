//! Money as remedies keep it: integers in a currency's minor units
//! (cents), never floats; written and read for people in major units.

/// How many decimals a currency's minor unit has (ISO 4217: two for
/// most; none for JPY, KRW and a few others; three for some dinars).
pub fn minor_digits(currency: &str) -> u32 {
    match currency {
        "JPY" | "KRW" | "ISK" | "CLP" | "VND" | "XAF" | "XOF" | "UGX" | "PYG" | "RWF" => 0,
        "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
        _ => 2,
    }
}

/// An amount in minor units with its currency, for people (`12.50 EUR`).
pub fn money(minor: i64, currency: &str) -> String {
    let digits = minor_digits(currency);
    if digits == 0 {
        return format!("{minor} {currency}");
    }
    let unit = 10_u64.pow(digits);
    let sign = if minor < 0 { "-" } else { "" };
    let m = minor.unsigned_abs();
    format!(
        "{sign}{}.{:0width$} {currency}",
        m / unit,
        m % unit,
        width = digits as usize
    )
}

/// An amount as a person types it in major units (`12.5`, `12,50`, `7`)
/// into minor units; `None` when it is not one (more decimals than the
/// currency has, a sign, letters).
pub fn parse_money(s: &str, currency: &str) -> Option<i64> {
    let digits = minor_digits(currency) as usize;
    let s = s.trim().replace(',', ".");
    let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
    if (whole.is_empty() && frac.is_empty())
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
        || frac.len() > digits
    {
        return None;
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let frac: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<digits$}").parse().ok()?
    };
    whole
        .checked_mul(10_i64.pow(digits as u32))?
        .checked_add(frac)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_in_minor_units_both_ways() {
        assert_eq!(money(1250, "EUR"), "12.50 EUR");
        assert_eq!(money(5, "EUR"), "0.05 EUR");
        assert_eq!(money(1500, "JPY"), "1500 JPY");
        assert_eq!(money(1234, "KWD"), "1.234 KWD");
        assert_eq!(parse_money("12.5", "EUR"), Some(1250));
        assert_eq!(parse_money("12,50", "EUR"), Some(1250));
        assert_eq!(parse_money("7", "EUR"), Some(700));
        assert_eq!(parse_money(".05", "EUR"), Some(5));
        assert_eq!(parse_money("1500", "JPY"), Some(1500));
        assert_eq!(parse_money("1500.5", "JPY"), None);
        assert_eq!(parse_money("1.005", "EUR"), None);
        assert_eq!(parse_money("-3", "EUR"), None);
        assert_eq!(parse_money("3e2", "EUR"), None);
        assert_eq!(parse_money("", "EUR"), None);
        assert_eq!(parse_money("99999999999999999999", "EUR"), None);
    }
}
