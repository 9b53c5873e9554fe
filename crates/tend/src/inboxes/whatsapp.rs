//! A WhatsApp inbox's settings (`PATCH /inboxes/{id}` `{"whatsapp": …}`):
//! the business phone number's id, the access token, the app secret and
//! the webhook's verify token (the three write-only, stored sealed), the
//! Graph API base, and the approved message templates the desk may send
//! outside the 24-hour window, one of which the survey may use.
//! `channels::whatsapp` reads them through [`super::ChannelInbox`].

use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use utoipa::ToSchema;

use super::model::InboxKind;
use super::whatsapp_repo as repo;
use crate::secrets::Purpose;
use crate::state::AppState;
use crate::{Error, Result};

/// The Graph API unless an inbox names another.
pub const DEFAULT_API_BASE: &str = "https://graph.facebook.com/v20.0";

/// The longest token, secret or id accepted.
const MAX_CHARS: usize = 1000;
/// The most templates an inbox registers.
const MAX_TEMPLATES: usize = 200;
/// The most parameters of a template (WhatsApp's body takes this many).
const MAX_PARAMETERS: u32 = 30;

/// An approved message template (its name and language as registered with
/// WhatsApp, and how many `{{n}}` parameters its body has).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = WhatsappTemplate)]
pub struct Template {
    /// The template's name (`a-z`, `0-9`, `_`).
    pub name: String,
    /// Its language code (`en`, `en_US`, `ja`…).
    pub language: String,
    /// How many parameters its body takes (`{{1}}` … `{{n}}`).
    #[serde(default)]
    pub parameters: u32,
}

/// A WhatsApp inbox's settings, as shown (secrets never are).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WhatsappSettings {
    /// The business phone number's id (`null`: not set).
    pub phone_number_id: Option<String>,
    /// The Graph API base (`https://graph.facebook.com/v20.0` unless set).
    pub api_base: String,
    /// Whether the access token is set.
    pub has_access_token: bool,
    /// Whether the app secret (the webhook's signature key) is set.
    pub has_app_secret: bool,
    /// Whether the webhook's verify token is set.
    pub has_verify_token: bool,
    /// The approved templates the desk may send outside the window.
    pub templates: Vec<Template>,
    /// The template the survey uses outside the window (`null`: the
    /// survey is then skipped).
    pub survey_template: Option<String>,
}

/// What the channel needs of a WhatsApp inbox.
#[derive(Debug, Clone)]
pub struct WhatsappChannel {
    /// The business phone number's id.
    pub phone_number_id: Option<String>,
    /// The access token, sealed (`Purpose::BotToken`).
    pub sealed_token: Option<String>,
    /// The app secret, sealed (`Purpose::ChannelSecret`).
    pub sealed_app_secret: Option<String>,
    /// The verify token, sealed (`Purpose::ChannelSecret`).
    pub sealed_verify_token: Option<String>,
    /// The Graph API base, without a trailing `/`.
    pub api_base: String,
    /// The approved templates.
    pub templates: Vec<Template>,
    /// The survey's template, by name.
    pub survey_template: Option<String>,
}

impl WhatsappChannel {
    /// The settings of an inbox that has none stored yet.
    pub fn unset() -> WhatsappChannel {
        WhatsappChannel {
            phone_number_id: None,
            sealed_token: None,
            sealed_app_secret: None,
            sealed_verify_token: None,
            api_base: DEFAULT_API_BASE.to_string(),
            templates: Vec::new(),
            survey_template: None,
        }
    }

    /// As shown.
    pub fn shown(&self) -> WhatsappSettings {
        WhatsappSettings {
            phone_number_id: self.phone_number_id.clone(),
            api_base: self.api_base.clone(),
            has_access_token: self.sealed_token.is_some(),
            has_app_secret: self.sealed_app_secret.is_some(),
            has_verify_token: self.sealed_verify_token.is_some(),
            templates: self.templates.clone(),
            survey_template: self.survey_template.clone(),
        }
    }

    /// The registered template `name` (in `language`, when given).
    pub fn template(&self, name: &str, language: Option<&str>) -> Option<&Template> {
        self.templates
            .iter()
            .find(|t| t.name == name && language.is_none_or(|l| t.language == l))
    }
}

/// `PATCH /inboxes/{id}` `{"whatsapp": …}`; absent fields stay.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WhatsappInput {
    /// The business phone number's id (Graph API `phone_number_id`).
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(value_type = Option<String>, max_length = 1000)]
    pub phone_number_id: Option<Option<String>>,
    /// A system user's access token. Write-only, stored sealed; `null`
    /// removes it (nothing is sent then).
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(value_type = Option<String>, max_length = 1000)]
    pub access_token: Option<Option<String>>,
    /// The Meta app's secret: the key of `X-Hub-Signature-256`.
    /// Write-only, stored sealed; `null` removes it (webhook calls are
    /// then refused).
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(value_type = Option<String>, max_length = 1000)]
    pub app_secret: Option<Option<String>>,
    /// The verify token typed when subscribing the webhook
    /// (`hub.verify_token`). Write-only, stored sealed.
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(value_type = Option<String>, max_length = 1000)]
    pub verify_token: Option<Option<String>>,
    /// The Graph API base: `https://graph.facebook.com/v20.0` (the
    /// default); `http://` or `https://`.
    #[schema(max_length = 2000)]
    pub api_base: Option<String>,
    /// The approved templates (replaces the list).
    pub templates: Option<Vec<Template>>,
    /// The template the survey uses outside the window, by name (one of
    /// `templates`, taking one parameter: the survey link); `null`: none.
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(value_type = Option<String>)]
    pub survey_template: Option<Option<String>>,
}

/// Checked changes, secrets sealed.
#[derive(Debug, Clone, Default)]
pub struct WhatsappChanges {
    pub(super) phone_number_id: Option<Option<String>>,
    pub(super) sealed_token: Option<Option<String>>,
    pub(super) sealed_app_secret: Option<Option<String>>,
    pub(super) sealed_verify_token: Option<Option<String>>,
    pub(super) api_base: Option<String>,
    pub(super) templates: Option<Vec<Template>>,
    pub(super) survey_template: Option<Option<String>>,
}

/// Checks a value that goes into a URL or a header: printable ASCII
/// without spaces, `/`, `?` or `#`.
fn check_plain(field: &str, v: &str) -> Result<String> {
    let t = v.trim();
    let ok = !t.is_empty()
        && t.chars().count() <= MAX_CHARS
        && t.chars()
            .all(|c| c.is_ascii_graphic() && !matches!(c, '/' | '?' | '#' | '%'));
    if ok {
        Ok(t.to_string())
    } else {
        Err(Error::invalid(
            field,
            format!(
                "{field} must be 1 to {MAX_CHARS} printable ASCII characters without spaces, /, ?, # or %"
            ),
        ))
    }
}

/// Checks a template as WhatsApp names them.
pub fn check_template(i: usize, t: &Template) -> Result<Template> {
    let name = t.name.trim();
    if name.is_empty()
        || name.len() > 512
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return Err(Error::invalid(
            format!("whatsapp.templates[{i}].name"),
            "a template's name has a-z, 0-9 and _ only, as WhatsApp Manager shows it",
        ));
    }
    let language = t.language.trim();
    if language.is_empty()
        || language.len() > 20
        || !language
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err(Error::invalid(
            format!("whatsapp.templates[{i}].language"),
            "a template's language is a code like en, en_US or ja",
        ));
    }
    if t.parameters > MAX_PARAMETERS {
        return Err(Error::invalid(
            format!("whatsapp.templates[{i}].parameters"),
            format!("a template takes at most {MAX_PARAMETERS} parameters"),
        ));
    }
    Ok(Template {
        name: name.to_string(),
        language: language.to_string(),
        parameters: t.parameters,
    })
}

fn sealed(
    st: &AppState,
    field: &str,
    purpose: Purpose,
    v: Option<Option<String>>,
) -> Result<Option<Option<String>>> {
    Ok(match v {
        Some(Some(t)) => Some(Some(st.secrets().seal(purpose, &check_plain(field, &t)?))),
        other => other.map(|_| None),
    })
}

/// Checks the input and seals its secrets.
pub fn check(st: &AppState, input: WhatsappInput) -> Result<WhatsappChanges> {
    let phone_number_id = match input.phone_number_id {
        Some(Some(p)) => Some(Some(check_plain("whatsapp.phone_number_id", &p)?)),
        other => other.map(|_| None),
    };
    let api_base = input
        .api_base
        .map(|u| {
            crate::webhooks::model::check_url_of("whatsapp.api_base", &u)
                .map(|u| u.trim_end_matches('/').to_string())
        })
        .transpose()?;
    let templates = input
        .templates
        .map(|list| {
            if list.len() > MAX_TEMPLATES {
                return Err(Error::invalid(
                    "whatsapp.templates",
                    format!("at most {MAX_TEMPLATES} templates"),
                ));
            }
            list.iter()
                .enumerate()
                .map(|(i, t)| check_template(i, t))
                .collect::<Result<Vec<_>>>()
        })
        .transpose()?;
    let survey_template = match input.survey_template {
        Some(Some(n)) if n.trim().is_empty() => Some(None),
        Some(Some(n)) => Some(Some(n.trim().to_string())),
        other => other,
    };
    Ok(WhatsappChanges {
        phone_number_id,
        sealed_token: sealed(
            st,
            "whatsapp.access_token",
            Purpose::BotToken,
            input.access_token,
        )?,
        sealed_app_secret: sealed(
            st,
            "whatsapp.app_secret",
            Purpose::ChannelSecret,
            input.app_secret,
        )?,
        sealed_verify_token: sealed(
            st,
            "whatsapp.verify_token",
            Purpose::ChannelSecret,
            input.verify_token,
        )?,
        api_base,
        templates,
        survey_template,
    })
}

/// Applies checked changes to inbox `id` of kind `kind`, inside the
/// caller's transaction. A new token or base clears the inbox's failing
/// state. The survey's template must be one of the inbox's templates.
pub(crate) async fn apply_in(
    c: &mut AnyConnection,
    id: i64,
    kind: InboxKind,
    ch: &WhatsappChanges,
) -> Result<()> {
    if kind != InboxKind::Whatsapp {
        return Err(Error::invalid(
            "whatsapp",
            "only inboxes of kind whatsapp take WhatsApp settings",
        ));
    }
    repo::ensure(c, id).await?;
    let templates = ch
        .templates
        .as_ref()
        .map(|t| serde_json::to_string(t).map_err(anyhow::Error::from))
        .transpose()?;
    repo::update(c, id, ch, templates.as_deref()).await?;
    let now = repo::channel(c, id)
        .await?
        .unwrap_or_else(WhatsappChannel::unset);
    if let Some(name) = &now.survey_template {
        match now.template(name, None) {
            None => {
                return Err(Error::invalid(
                    "whatsapp.survey_template",
                    format!("{name:?} is not one of the inbox's whatsapp.templates"),
                ));
            }
            Some(t) if t.parameters > 1 => {
                return Err(Error::invalid(
                    "whatsapp.survey_template",
                    format!(
                        "the survey's template takes at most one parameter (the survey link); {name:?} takes {}",
                        t.parameters
                    ),
                ));
            }
            Some(_) => {}
        }
    }
    if ch.sealed_token.is_some() || ch.api_base.is_some() {
        super::channel_repo::set_failing(c, id, None).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_checked() {
        let t = |name: &str, language: &str, parameters| Template {
            name: name.into(),
            language: language.into(),
            parameters,
        };
        assert!(check_template(0, &t("order_update", "en_US", 2)).is_ok());
        for bad in [
            t("Order Update", "en", 0),
            t("", "en", 0),
            t("x", "", 0),
            t("x", "en US", 0),
            t("x", "en", 31),
        ] {
            assert!(check_template(0, &bad).is_err(), "{bad:?}");
        }
        assert!(check_plain("f", "1234567890").is_ok());
        assert!(check_plain("f", "a/b").is_err());
        assert!(check_plain("f", "a b").is_err());
    }
}
