//! The help centre's look, set by admins: the company's name, its logo (an
//! image of the knowledge base, same rules), and a primary colour with
//! the colour of text on it. Colours are `#rrggbb` and nothing else, so
//! nothing can be slipped into the style sheet that carries them
//! (`/help/theme.css`, linked by the help centre and the contact form).
//! Whether the pair can be read (WCAG AA, 4.5:1) is a pure rule here; the
//! admin page warns when it fails.

use axum::extract::State;
use axum::response::Response;

use crate::agents::Viewer;
use crate::attachments::Upload;
use crate::state::AppState;
use crate::{Error, Result};

use super::images;

use super::media_repo::{self, ThemeRow};

/// The contrast WCAG AA asks of body text.
pub const AA_CONTRAST: f64 = 4.5;
/// Longest company name, in characters.
const MAX_NAME_CHARS: usize = 100;

/// A colour as `#rrggbb` (lower case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Colour(String);

impl Colour {
    /// Reads `#rgb` or `#rrggbb`; anything else is refused for `field`.
    pub fn parse(field: &str, s: &str) -> Result<Colour> {
        let t = s.trim();
        let hex = t.strip_prefix('#').unwrap_or("");
        let ok = hex.bytes().all(|b| b.is_ascii_hexdigit());
        let full = match hex.len() {
            6 if ok => hex.to_ascii_lowercase(),
            3 if ok => hex
                .chars()
                .flat_map(|c| [c, c])
                .collect::<String>()
                .to_ascii_lowercase(),
            _ => {
                return Err(Error::invalid(
                    field,
                    format!("{t:?} is not a colour; write it as #rrggbb, like #1d2330"),
                ));
            }
        };
        Ok(Colour(format!("#{full}")))
    }

    /// `#rrggbb`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// WCAG relative luminance.
    fn luminance(&self) -> f64 {
        let channel = |i: usize| {
            let v = u8::from_str_radix(self.0.get(i..i + 2).unwrap_or("00"), 16).unwrap_or(0);
            let c = f64::from(v) / 255.0;
            if c <= 0.040_45 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
    }
}

/// The WCAG contrast ratio of two colours (1 to 21).
pub fn contrast(a: &Colour, b: &Colour) -> f64 {
    let (x, y) = (a.luminance(), b.luminance());
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// The help centre's look.
#[derive(Debug, Clone)]
pub struct Theme {
    /// The company's name (empty: none shown).
    pub company_name: String,
    /// The logo's address.
    pub logo: Option<String>,
    /// The header's and buttons' colour.
    pub primary: Colour,
    /// The colour of text on `primary`.
    pub text: Colour,
    /// When it was saved (`None`: Tend's own look, no style sheet).
    pub changed_at: Option<i64>,
    /// The chat inbox the pages offer (`help_chat_inbox`, configured).
    pub chat_inbox: Option<i64>,
}

impl Default for Theme {
    fn default() -> Self {
        Theme {
            company_name: String::new(),
            logo: None,
            primary: Colour("#1d2330".into()),
            text: Colour("#ffffff".into()),
            changed_at: None,
            chat_inbox: None,
        }
    }
}

impl Theme {
    /// The style sheet's address, changing with each save; none for
    /// Tend's own look.
    pub fn css_href(&self) -> Option<String> {
        self.changed_at.map(|v| format!("/help/theme.css?v={v}"))
    }

    /// The style sheet: the two colours as custom properties of
    /// `help.css` (both checked to be `#rrggbb`).
    pub fn css(&self) -> String {
        let (p, t) = (self.primary.as_str(), self.text.as_str());
        format!(":root {{ --brand: {p}; --brand-fg: {t}; --button: {p}; --button-fg: {t}; }}\n")
    }

    /// The contrast of text on the primary colour.
    pub fn contrast(&self) -> f64 {
        contrast(&self.primary, &self.text)
    }
}

/// What an admin saves.
#[derive(Debug, Clone, Default)]
pub struct ThemeInput {
    /// The company's name.
    pub company_name: String,
    /// `#rrggbb`.
    pub primary: String,
    /// `#rrggbb`.
    pub text: String,
    /// A new logo.
    pub logo: Option<Upload>,
    /// Remove the logo.
    pub remove_logo: bool,
}

fn theme_of(r: ThemeRow) -> Theme {
    let d = Theme::default();
    Theme {
        logo: r
            .logo_sha256
            .zip(
                r.logo_type
                    .as_deref()
                    .and_then(images::ImageKind::from_content_type),
            )
            .map(|(sha, kind)| images::url_of(&sha, kind)),
        company_name: r.company_name,
        primary: Colour::parse("primary", &r.primary_colour).unwrap_or(d.primary),
        text: Colour::parse("text", &r.text_colour).unwrap_or(d.text),
        changed_at: Some(r.changed_at),
        chat_inbox: None,
    }
}

/// The help centre's look now (Tend's own when none was saved, or when
/// it cannot be read: a page is better shown plain than not at all).
pub async fn current(st: &AppState) -> Theme {
    let theme = match load(st).await {
        Ok(t) => t,
        Err(e) => {
            tracing::warn!(error = %e, "the help centre's theme could not be read");
            Theme::default()
        }
    };
    Theme {
        chat_inbox: st.config.help_chat_inbox,
        ..theme
    }
}

async fn load(st: &AppState) -> Result<Theme> {
    let mut c = st.db.pool().acquire().await?;
    Ok(media_repo::theme(&mut c)
        .await?
        .map_or_else(Theme::default, theme_of))
}

/// Saves the look (admins). The colours must be `#rrggbb`; a logo must be
/// a picture like an article's.
#[tracing::instrument(skip_all, fields(user_id = ?viewer.user_id))]
pub async fn save(st: &AppState, viewer: &Viewer, input: ThemeInput) -> Result<Theme> {
    viewer.require_admin()?;
    let company_name = input.company_name.trim().to_string();
    if company_name.chars().count() > MAX_NAME_CHARS {
        return Err(Error::invalid(
            "company_name",
            format!("a name has at most {MAX_NAME_CHARS} characters"),
        ));
    }
    let primary = Colour::parse("primary", &input.primary)?;
    let text = Colour::parse("text", &input.text)?;
    let logo = match input.logo {
        Some(u) => Some(images::store(st, viewer.user_id, u).await?.sha256),
        None => None,
    };
    let now = st.clock.now_ms();
    let by = viewer.user_id;
    let remove = input.remove_logo;
    st.db
        .write(move |c| {
            Box::pin(async move {
                let old = media_repo::theme(c).await?;
                let kept = old.as_ref().and_then(|o| o.logo_sha256.clone());
                // Each save gets a new style-sheet address, even with a
                // clock that stands still.
                let changed_at = old.as_ref().map_or(now, |o| now.max(o.changed_at + 1));
                let row = ThemeRow {
                    company_name,
                    logo_sha256: logo.or(if remove { None } else { kept }),
                    primary_colour: primary.as_str().to_string(),
                    text_colour: text.as_str().to_string(),
                    changed_at,
                    logo_type: None,
                };
                media_repo::save_theme(c, &row, by).await
            })
        })
        .await?;
    load(st).await
}

/// `GET /help/theme.css`: the colours of the saved look. Its address
/// carries the save (`?v=`), so it is kept for a year.
pub(super) async fn css(State(st): State<AppState>) -> Response {
    images::immutable(current(&st).await.css(), "text/css; charset=utf-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hex_colours_pass() {
        assert_eq!(Colour::parse("p", "#1D2330").unwrap().as_str(), "#1d2330");
        assert_eq!(Colour::parse("p", " #fa0 ").unwrap().as_str(), "#ffaa00");
        for bad in [
            "red",
            "#12345",
            "#1234567",
            "1d2330",
            "#1d2330;}body{background:url(x)",
            "#ggg",
            "",
            "#１２３",
        ] {
            assert!(Colour::parse("p", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn contrast_follows_wcag() {
        let c = |s| Colour::parse("c", s).unwrap();
        assert!((contrast(&c("#000000"), &c("#ffffff")) - 21.0).abs() < 0.01);
        assert!((contrast(&c("#777777"), &c("#ffffff")) - 4.48).abs() < 0.01);
        assert!(contrast(&c("#1d2330"), &c("#ffffff")) > AA_CONTRAST);
        assert!(contrast(&c("#ffff00"), &c("#ffffff")) < AA_CONTRAST);
    }
}
