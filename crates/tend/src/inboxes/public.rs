//! Settings of an inbox's public channels: which web origins may embed the
//! chat widget or the contact form, what the pre-chat form asks, identity
//! verification of signed-in site visitors, office hours and the wait above
//! which visitors are offered email instead.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::agents::Viewer;
use crate::secrets::Purpose;
use crate::state::AppState;
use crate::{Error, Result};

/// The days of the week as office hours name them, Monday first.
pub const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Office hours: opening intervals per weekday in one time zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfficeHours {
    /// IANA time zone, e.g. `Europe/Riga`.
    pub timezone: String,
    /// `mon` … `sun` to a list of `["HH:MM", "HH:MM"]` intervals; a day not
    /// listed is closed.
    #[schema(value_type = Object)]
    pub days: BTreeMap<String, Vec<[String; 2]>>,
}

impl OfficeHours {
    /// The office hours of a calendar (its holidays are not shown here; the
    /// calendar itself has them).
    pub fn of_calendar(timezone: &str, week: &tend_calendar::Week) -> OfficeHours {
        let days = DAYS
            .iter()
            .zip([
                &week.mon, &week.tue, &week.wed, &week.thu, &week.fri, &week.sat, &week.sun,
            ])
            .filter(|(_, spans)| !spans.is_empty())
            .map(|(d, spans)| ((*d).to_string(), spans.clone()))
            .collect();
        OfficeHours {
            timezone: timezone.to_string(),
            days,
        }
    }

    /// The opening intervals as a calendar week.
    pub fn week(&self) -> Result<tend_calendar::Week> {
        let bad = |m: String| Error::invalid("office_hours", m);
        let mut week = tend_calendar::Week::default();
        for (day, spans) in &self.days {
            let slot = match day.as_str() {
                "mon" => &mut week.mon,
                "tue" => &mut week.tue,
                "wed" => &mut week.wed,
                "thu" => &mut week.thu,
                "fri" => &mut week.fri,
                "sat" => &mut week.sat,
                "sun" => &mut week.sun,
                _ => return Err(bad(format!("unknown day {day:?}; use mon, tue, … sun"))),
            };
            slot.clone_from(spans);
        }
        Ok(week)
    }

    /// The hours as a business calendar without holidays: the same
    /// arithmetic as service levels (`tend_calendar`). An interval whose
    /// end is not after its start runs past midnight.
    pub fn calendar(&self) -> Result<tend_calendar::Calendar> {
        tend_calendar::Calendar::new(&self.timezone, &self.week()?, &[])
            .map_err(|e| Error::invalid("office_hours", e.to_string()))
    }

    /// Checks the zone, the day names and that each interval is two times
    /// `HH:MM`.
    pub fn validate(&self) -> Result<()> {
        self.calendar().map(|_| ())
    }

    /// Whether `now_ms` falls inside an opening interval. Hours that do not
    /// validate (saved before a rule changed) count as open: visitors are
    /// never turned away by a broken setting.
    pub fn is_open(&self, now_ms: i64) -> bool {
        match (self.calendar(), jiff::Timestamp::from_millisecond(now_ms)) {
            (Ok(c), Ok(t)) => c.is_open(t),
            _ => true,
        }
    }
}

/// An inbox's public-channel settings.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicSettings {
    /// Inbox.
    pub inbox_id: i64,
    /// Web origins allowed to embed the widget or the contact form, e.g.
    /// `https://shop.example`. Tend's own origin is always allowed.
    pub allowed_origins: Vec<String>,
    /// The pre-chat form requires a name.
    pub require_name: bool,
    /// The pre-chat form requires an email address.
    pub require_email: bool,
    /// Whether an identity secret is set (signed-in site visitors are
    /// recognised by an HMAC of their id under it). The secret itself is
    /// never shown.
    pub identity_verification: bool,
    /// Office hours: the opening intervals of the inbox's calendar
    /// (`calendar_id`), whose holidays close it too; `null` means always
    /// open.
    pub office_hours: Option<OfficeHours>,
    /// The inbox's business calendar, whose open time the office hours
    /// are.
    pub calendar_id: Option<i64>,
    /// A predicted wait longer than this (seconds) offers visitors email
    /// instead of waiting.
    pub max_wait_secs: i64,
    /// The calendar itself, holidays included (what "open" means).
    #[serde(skip)]
    pub(crate) calendar: Option<std::sync::Arc<tend_calendar::Calendar>>,
}

impl PublicSettings {
    fn defaults(inbox_id: i64) -> Self {
        PublicSettings {
            inbox_id,
            allowed_origins: vec![],
            require_name: false,
            require_email: false,
            identity_verification: false,
            office_hours: None,
            calendar_id: None,
            max_wait_secs: 300,
            calendar: None,
        }
    }

    /// Whether a request with this `Origin` may use the inbox's public
    /// channels. `own` is Tend's own origin (always allowed).
    pub fn origin_allowed(&self, origin: &str, own: &[String]) -> bool {
        let origin = origin.trim_end_matches('/');
        own.iter().any(|o| o.eq_ignore_ascii_case(origin))
            || self
                .allowed_origins
                .iter()
                .any(|o| o == "*" || o.eq_ignore_ascii_case(origin))
    }

    /// Whether the inbox is inside its office hours at `now_ms`: an open
    /// interval of its calendar on a day that is not a holiday.
    pub fn is_open(&self, now_ms: i64) -> bool {
        match (&self.calendar, jiff::Timestamp::from_millisecond(now_ms)) {
            (Some(c), Ok(t)) => c.is_open(t),
            _ => true,
        }
    }
}

/// `PUT /inboxes/{id}/public-settings`: absent fields stay.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicSettingsInput {
    /// Web origins (`scheme://host[:port]`), or `["*"]` for any.
    pub allowed_origins: Option<Vec<String>>,
    /// Require a name before chatting.
    pub require_name: Option<bool>,
    /// Require an email address before chatting.
    pub require_email: Option<bool>,
    /// Secret for identity verification (at least 16 characters); `null`
    /// turns verification off.
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(value_type = Option<String>)]
    pub identity_secret: Option<Option<String>>,
    /// Office hours; `null` means always open.
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(value_type = Option<OfficeHours>)]
    pub office_hours: Option<Option<OfficeHours>>,
    /// Seconds (0–86400).
    pub max_wait_secs: Option<i64>,
}

/// Normalises an origin (`https://Shop.example/` → `https://shop.example`).
fn parse_origin(s: &str) -> Result<String> {
    if s == "*" {
        return Ok(s.to_string());
    }
    let bad = || {
        Error::invalid(
            "allowed_origins",
            format!("{s:?} is not an origin; write scheme://host or scheme://host:port"),
        )
    };
    let u = url::Url::parse(s).map_err(|_| bad())?;
    if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none() || u.path() != "/" {
        return Err(bad());
    }
    Ok(u.origin().ascii_serialization())
}

struct Stored {
    settings: PublicSettings,
    secret: Option<String>,
}

async fn load(st: &AppState, inbox_id: i64) -> Result<Stored> {
    let mut c = st.db.pool().acquire().await?;
    let row = super::repo::public_settings(&mut c, inbox_id)
        .await?
        .ok_or(Error::NotFound("inbox"))?;
    let calendar_id = super::repo::get(&mut c, inbox_id)
        .await?
        .and_then(|i| i.calendar_id);
    let hours = match calendar_id {
        Some(id) => crate::calendars::service::hours_in(&mut c, id).await?,
        None => None,
    };
    let mut settings = match row {
        None => PublicSettings::defaults(inbox_id),
        Some(ref r) => PublicSettings {
            inbox_id,
            allowed_origins: serde_json::from_str(&r.allowed_origins).unwrap_or_default(),
            require_name: r.require_name,
            require_email: r.require_email,
            identity_verification: r.identity_secret.is_some(),
            office_hours: None,
            calendar_id: None,
            max_wait_secs: r.max_wait_secs,
            calendar: None,
        },
    };
    if let Some((hours, calendar)) = hours {
        settings.office_hours = Some(hours);
        settings.calendar_id = calendar_id;
        settings.calendar = Some(std::sync::Arc::new(calendar));
    }
    Ok(Stored {
        settings,
        secret: row
            .and_then(|r| r.identity_secret)
            .map(|s| st.secrets().open(Purpose::ChatIdentity, &s))
            .transpose()?,
    })
}

/// The settings, for the public endpoints (no viewer).
pub async fn get(st: &AppState, inbox_id: i64) -> Result<PublicSettings> {
    Ok(load(st, inbox_id).await?.settings)
}

/// The identity secret, when set.
pub async fn identity_secret(st: &AppState, inbox_id: i64) -> Result<Option<String>> {
    Ok(load(st, inbox_id).await?.secret)
}

/// The settings, for admins.
pub async fn get_for(st: &AppState, viewer: &Viewer, inbox_id: i64) -> Result<PublicSettings> {
    viewer.require_admin()?;
    get(st, inbox_id).await
}

/// Changes the settings. Admins only.
pub async fn update(
    st: &AppState,
    viewer: &Viewer,
    inbox_id: i64,
    input: PublicSettingsInput,
) -> Result<PublicSettings> {
    viewer.require_admin()?;
    let Stored {
        settings: mut s,
        mut secret,
    } = load(st, inbox_id).await?;
    if let Some(origins) = input.allowed_origins {
        if origins.len() > 100 {
            return Err(Error::invalid("allowed_origins", "at most 100 origins"));
        }
        s.allowed_origins = origins
            .iter()
            .map(|o| parse_origin(o.trim()))
            .collect::<Result<_>>()?;
    }
    if let Some(v) = input.require_name {
        s.require_name = v;
    }
    if let Some(v) = input.require_email {
        s.require_email = v;
    }
    if let Some(v) = input.identity_secret {
        if let Some(sec) = &v
            && !(16..=256).contains(&sec.chars().count())
        {
            return Err(Error::invalid(
                "identity_secret",
                "the secret must be 16 to 256 characters",
            ));
        }
        secret = v;
    }
    let hours = input.office_hours;
    if let Some(Some(h)) = &hours {
        h.validate()?;
    }
    if let Some(v) = input.max_wait_secs {
        if !(0..=86_400).contains(&v) {
            return Err(Error::invalid(
                "max_wait_secs",
                "must be between 0 and 86400 seconds",
            ));
        }
        s.max_wait_secs = v;
    }
    s.identity_verification = secret.is_some();
    let origins = serde_json::to_string(&s.allowed_origins).unwrap_or_else(|_| "[]".into());
    let row = super::repo::PublicRow {
        allowed_origins: origins,
        require_name: s.require_name,
        require_email: s.require_email,
        // Stored sealed: a database dump must not let anyone sign identities.
        identity_secret: secret.map(|s| st.secrets().seal(Purpose::ChatIdentity, &s)),
        max_wait_secs: s.max_wait_secs,
    };
    let now = st.clock.now_ms();
    let events = st
        .db
        .write(move |c| {
            Box::pin(async move {
                super::repo::save_public_settings(c, inbox_id, &row, now).await?;
                // Office hours are the inbox's calendar: changed in place
                // when the inbox has one of its own, else a new one.
                match hours {
                    None => Ok(Vec::new()),
                    Some(None) => super::service::set_calendar_in(c, inbox_id, None, now).await,
                    Some(Some(h)) => {
                        let (id, mut events) =
                            crate::calendars::service::office_hours_in(c, inbox_id, &h, now)
                                .await?;
                        events.extend(
                            super::service::set_calendar_in(c, inbox_id, Some(id), now).await?,
                        );
                        Ok(events)
                    }
                }
            })
        })
        .await?;
    st.publish(events);
    Ok(load(st, inbox_id).await?.settings)
}

/// Tend's own origin(s): the public URL's, and the bound address's.
pub fn own_origins(st: &AppState) -> Vec<String> {
    let mut out = vec![];
    if let Some(u) = st.config.public() {
        out.push(u.origin().ascii_serialization());
    }
    if let Some(a) = st.http_addr.get() {
        out.push(format!("http://{a}"));
        if a.ip().is_loopback() {
            out.push(format!("http://localhost:{}", a.port()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hours() -> OfficeHours {
        OfficeHours {
            timezone: "Asia/Tokyo".into(),
            days: BTreeMap::from([(
                "mon".to_string(),
                vec![["09:00".to_string(), "17:30".to_string()]],
            )]),
        }
    }

    #[test]
    fn office_hours_follow_the_inbox_time_zone() {
        let h = hours();
        h.validate().unwrap();
        // Monday 2026-11-23 00:30 UTC is 09:30 in Tokyo: open.
        let open = jiff::Timestamp::from_second(1_795_393_800).unwrap();
        assert_eq!(
            open.to_zoned_datetime(jiff::tz::TimeZone::UTC).weekday(),
            jiff::civil::Weekday::Monday
        );
        assert!(h.is_open(open.as_millisecond()));
        // 08:30 UTC is 17:30 Tokyo: closed (the end is exclusive).
        assert!(!h.is_open(open.as_millisecond() + 8 * 3_600_000));
        // Tuesday is not listed: closed.
        assert!(!h.is_open(open.as_millisecond() + 24 * 3_600_000));
        // An evening shift runs past midnight, as on a business calendar:
        // Monday 22:00 to Tuesday 06:00 in Tokyo.
        let mut night = hours();
        night
            .days
            .insert("mon".into(), vec![["22:00".into(), "06:00".into()]]);
        night.validate().unwrap();
        // Tuesday 05:30 Tokyo (Monday 20:30 UTC): still Monday's shift.
        assert!(night.is_open(open.as_millisecond() + 20 * 3_600_000));
        // Tuesday 06:00 Tokyo: closed (the end is exclusive).
        assert!(!night.is_open(open.as_millisecond() + 20 * 3_600_000 + 30 * 60_000));
    }

    #[test]
    fn bad_office_hours_and_origins_are_explained() {
        let mut h = hours();
        h.days.insert("funday".into(), vec![]);
        assert!(h.validate().is_err());
        let mut h = hours();
        h.days
            .insert("tue".into(), vec![["18:00".into(), "25:00".into()]]);
        let err = h.validate().unwrap_err().to_string();
        assert!(err.contains("\"25:00\" is not a time of day"), "{err}");
        h.timezone = "Mars/Olympus".into();
        assert!(h.validate().is_err());
        assert_eq!(
            parse_origin("https://Shop.Example/").unwrap(),
            "https://shop.example"
        );
        assert!(parse_origin("https://shop.example/path").is_err());
        assert!(parse_origin("javascript:alert(1)").is_err());
    }

    #[test]
    fn origins_are_checked_against_the_list_and_our_own() {
        let mut s = PublicSettings::defaults(1);
        let own = vec!["https://help.example".to_string()];
        assert!(s.origin_allowed("https://help.example", &own));
        assert!(!s.origin_allowed("https://evil.example", &own));
        s.allowed_origins = vec!["https://shop.example".into()];
        assert!(s.origin_allowed("https://shop.example", &own));
        assert!(!s.origin_allowed("https://shop.example.evil", &own));
    }
}
