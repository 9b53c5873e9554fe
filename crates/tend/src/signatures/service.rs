//! Reading, replacing and choosing signatures.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::repo;
use crate::agents::Viewer;
use crate::state::AppState;
use crate::{Error, Result};

/// The longest signature (characters).
const MAX_CHARS: usize = 2_000;

/// Whose signatures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// An agent's own (user id).
    Agent(i64),
    /// An inbox's (inbox id).
    Inbox(i64),
}

/// One signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    /// The customer's language it is for (`ja`, `lv`, …); `null`: any
    /// language (the fallback).
    #[serde(default)]
    pub language: Option<String>,
    /// Plain text (at most 2,000 characters); mailed as text and as HTML.
    pub text: String,
}

/// All of an agent's or an inbox's signatures.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignatureSet {
    /// At most one per language, and one without (the fallback).
    pub items: Vec<Signature>,
}

/// Agents write their own; an inbox's are written by admins.
fn may_write(viewer: &Viewer, owner: Owner) -> Result<()> {
    match owner {
        Owner::Agent(uid) if viewer.user_id == Some(uid) => Ok(()),
        Owner::Agent(_) => Err(Error::NotFound("user")),
        Owner::Inbox(_) => viewer.require_admin(),
    }
}

/// `owner`'s signatures (agents: their own; inboxes: admins).
pub async fn get(st: &AppState, viewer: &Viewer, owner: Owner) -> Result<SignatureSet> {
    may_write(viewer, owner)?;
    let mut c = st.db.pool().acquire().await?;
    Ok(SignatureSet {
        items: repo::list(&mut c, owner)
            .await?
            .into_iter()
            .map(|(l, text)| Signature {
                language: Some(l).filter(|l| !l.is_empty()),
                text,
            })
            .collect(),
    })
}

/// A language code as signatures key it: `ja`, `pt-br` (lowercase).
fn language_code(raw: &str, i: usize) -> Result<String> {
    let l = raw.trim().to_ascii_lowercase();
    let mut parts = l.split('-');
    let primary_ok = parts
        .next()
        .is_some_and(|p| (2..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_lowercase()));
    let rest_ok =
        parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    if primary_ok && rest_ok {
        Ok(l)
    } else {
        Err(Error::invalid(
            format!("items[{i}].language"),
            format!(
                "{raw:?} is not a language code; use one like \"ja\" or \"lv\", or null for any language"
            ),
        ))
    }
}

/// Replaces `owner`'s signatures; empty texts are dropped.
pub async fn replace(
    st: &AppState,
    viewer: &Viewer,
    owner: Owner,
    set: SignatureSet,
) -> Result<SignatureSet> {
    may_write(viewer, owner)?;
    if let Owner::Inbox(id) = owner {
        crate::inboxes::service::get_inbox(st, viewer, id).await?;
    }
    let mut rows: Vec<(String, String)> = Vec::new();
    for (i, s) in set.items.iter().enumerate() {
        let language = match &s.language {
            Some(l) if !l.trim().is_empty() => language_code(l, i)?,
            _ => String::new(),
        };
        let text = s.text.trim_end().to_string();
        if text.chars().count() > MAX_CHARS {
            return Err(Error::invalid(
                format!("items[{i}].text"),
                format!("a signature is at most {MAX_CHARS} characters"),
            ));
        }
        if rows.iter().any(|(l, _)| *l == language) {
            return Err(Error::invalid(
                format!("items[{i}].language"),
                "one signature per language (and one for any language)",
            ));
        }
        if !text.trim().is_empty() {
            rows.push((language, text));
        }
    }
    let now = st.clock.now_ms();
    st.db
        .write(move |c| Box::pin(async move { repo::replace(c, owner, &rows, now).await }))
        .await?;
    get(st, viewer, owner).await
}

/// The lines a mail reply by `user_id` from `inbox_id` ends with, for a
/// customer in `language`: the agent's, then the inbox's (each in that
/// language, else its fallback). `None`: no signature.
pub async fn for_reply(
    st: &AppState,
    user_id: Option<i64>,
    inbox_id: i64,
    language: Option<&str>,
) -> Result<Option<String>> {
    let lang = language
        .map(|l| l.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let primary = lang.split('-').next().unwrap_or("").to_string();
    let mut c = st.db.pool().acquire().await?;
    let mut parts = Vec::new();
    let owners = user_id
        .map(Owner::Agent)
        .into_iter()
        .chain([Owner::Inbox(inbox_id)]);
    for owner in owners {
        let mut found = repo::pick(&mut c, owner, &lang).await?;
        if found.is_none() && primary != lang {
            found = repo::pick(&mut c, owner, &primary).await?;
        }
        parts.extend(found);
    }
    Ok((!parts.is_empty()).then(|| parts.join("\n\n")))
}

/// `text` and `html` with the signature under them (`-- ` above it in
/// the plain text, as mail readers expect).
pub fn signed(text: &str, html: Option<&str>, signature: &str) -> (String, Option<String>) {
    let text = format!("{}\n\n-- \n{signature}", text.trim_end());
    let html = html.map(|h| {
        let lines: Vec<String> = signature.lines().map(crate::html::escape).collect();
        format!(
            "{h}<div class=\"signature\"><p>--<br>{}</p></div>",
            lines.join("<br>")
        )
    });
    (text, html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_goes_under_the_text_and_is_escaped_in_html() {
        let (t, h) = signed(
            "Hello\n",
            Some("<p>Hello</p>"),
            "Ana <Support>\nExample Ltd",
        );
        assert_eq!(t, "Hello\n\n-- \nAna <Support>\nExample Ltd");
        assert_eq!(
            h.as_deref(),
            Some(
                "<p>Hello</p><div class=\"signature\"><p>--<br>Ana &lt;Support&gt;<br>Example Ltd</p></div>"
            )
        );
        assert_eq!(signed("Hi", None, "A").1, None);
    }

    #[test]
    fn language_codes_are_checked() {
        assert_eq!(language_code("JA", 0).unwrap(), "ja");
        assert_eq!(language_code("pt-BR", 0).unwrap(), "pt-br");
        assert!(language_code("japanese!", 0).is_err());
        assert!(language_code("j", 0).is_err());
    }
}
