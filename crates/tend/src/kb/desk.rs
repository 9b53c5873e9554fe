//! The knowledge base for agents at work: the composer's article search in
//! the conversation's language (with the help centre's fallback), a draft
//! article from an answered conversation, and the articles customers
//! found unhelpful ("Did this help?" answered No).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::agents::Viewer;
use crate::conversations::Message;
use crate::locale::{DEFAULT, LOCALES};
use crate::state::AppState;
use crate::vocab::{ActorKind, Direction};
use crate::{Error, Result};

use super::model::{Article, ArticleInput, TranslationInput};
use super::public::{self, article_path};

/// Most articles the composer's search answers.
const MAX_FOUND: usize = 10;

/// `GET /conversations/{id}/kb-articles` parameters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ComposerQuery {
    /// Words to search for (published articles, in any language).
    pub q: Option<String>,
    /// At most this many (1–10, default 5).
    #[param(minimum = 1, maximum = 10)]
    pub limit: Option<i64>,
}

/// An article the composer may insert.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ComposerArticle {
    /// Article id.
    pub id: i64,
    /// Title, in `lang`.
    pub title: String,
    /// The language of the translation (the conversation's, else the
    /// first of its fallback).
    pub lang: String,
    /// Whether that is another language than the conversation's.
    pub fallback: bool,
    /// The article's address in the help centre, in the customer's
    /// language when the help centre speaks it.
    pub url: String,
    /// Around the words searched for.
    pub snippet: String,
    /// The whole text, plain, to insert.
    pub text: String,
}

/// The composer's search: its language and what it found.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ComposerArticles {
    /// The language searched for: the conversation's (its own, else its
    /// customer's), else English.
    pub language: String,
    /// The best matches first.
    pub items: Vec<ComposerArticle>,
}

/// A language tag's primary subtag, lower-case: what the help centre's
/// translations and fallback chains are keyed by.
fn primary(tag: &str) -> Option<String> {
    let p = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    (!p.is_empty()).then_some(p)
}

/// The language to look for in a conversation: its own, else its
/// customer's, else English.
fn conversation_language(c: &crate::conversations::Conversation) -> String {
    crate::conversations::model::spoken_language(
        c.language.as_deref(),
        c.customer.language.as_deref(),
    )
    .and_then(primary)
    .unwrap_or_else(|| DEFAULT.to_string())
}

/// Published articles for the composer of a conversation the viewer may
/// see, each in the conversation's language with the fallback.
pub async fn for_conversation(
    st: &AppState,
    viewer: &Viewer,
    conversation_id: i64,
    q: &ComposerQuery,
) -> Result<ComposerArticles> {
    let limit = q.limit.unwrap_or(5);
    if !(1..=10).contains(&limit) {
        return Err(Error::invalid("limit", "limit must be between 1 and 10"));
    }
    let conv = crate::conversations::service::get(st, viewer, conversation_id).await?;
    let lang = conversation_language(&conv);
    let words: String =
        q.q.as_deref()
            .unwrap_or("")
            .trim()
            .chars()
            .take(200)
            .collect();
    if words.is_empty() {
        return Ok(ComposerArticles {
            language: lang,
            items: vec![],
        });
    }
    let found = public::search(
        st,
        &lang,
        &words,
        usize::try_from(limit).unwrap_or(5).min(MAX_FOUND),
    )
    .await?;
    // A link in the customer's language when the help centre has pages in
    // it, else in the language shown.
    let site = |l: &str| LOCALES.iter().find(|s| **s == l).copied();
    let page_lang = site(&lang);
    let base = st.link_base();
    let items = found
        .into_iter()
        .map(|a| {
            let at = page_lang.or(site(&a.lang)).unwrap_or(DEFAULT);
            ComposerArticle {
                url: format!("{base}{}", article_path(at, a.id, &a.slug)),
                fallback: a.lang != lang,
                id: a.id,
                title: a.title,
                lang: a.lang,
                snippet: a.snippet,
                text: a.text,
            }
        })
        .collect();
    Ok(ComposerArticles {
        language: lang,
        items,
    })
}

/// The public text of a message: an email's new part (without quotes and
/// signature) when known, else the whole text.
fn said(m: &Message) -> &str {
    m.reply_text.as_deref().unwrap_or(&m.text).trim()
}

/// The customer's question and the agent's first public answer after it.
fn question_and_answer(messages: &[Message]) -> Option<(&Message, &Message)> {
    let q = messages
        .iter()
        .position(|m| m.direction == Direction::In && !m.internal && !said(m).is_empty())?;
    let a = messages[q + 1..].iter().find(|m| {
        m.direction == Direction::Out
            && !m.internal
            && m.author.kind == ActorKind::Agent
            && !said(m).is_empty()
    })?;
    Some((&messages[q], a))
}

/// A slug from a title: its ASCII letters and digits, lower-case, words
/// joined by hyphens (at most 60 characters); `conversation-{id}` when
/// that leaves nothing (Japanese, Korean).
fn slug_of(title: &str, conversation_id: i64) -> String {
    let mut s = String::new();
    for w in title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if s.len() + w.len() + 1 > 60 {
            break;
        }
        if !s.is_empty() {
            s.push('-');
        }
        s.push_str(&w.to_ascii_lowercase());
    }
    if s.is_empty() {
        format!("conversation-{conversation_id}")
    } else {
        s
    }
}

/// The draft a conversation gives: the subject (else the question's first
/// line) as the title; the question quoted, then the answer, as the body.
fn draft_text(subject: &str, question: &str, answer: &str) -> (String, String) {
    let title = Some(subject.trim())
        .filter(|s| !s.is_empty())
        .or_else(|| question.lines().map(str::trim).find(|l| !l.is_empty()))
        .unwrap_or_default();
    let title: String = title.chars().take(120).collect();
    let quoted: Vec<String> = question.lines().map(|l| format!("> {l}")).collect();
    let body = format!("{}\n\n{}\n", quoted.join("\n"), answer.trim());
    (title, body)
}

/// Turns an answered conversation the viewer may see into a draft article
/// in the conversation's language (any user; see
/// `service::create_draft`).
pub async fn draft_from_conversation(
    st: &AppState,
    viewer: &Viewer,
    conversation_id: i64,
) -> Result<Article> {
    let conv = crate::conversations::service::get(st, viewer, conversation_id).await?;
    let (messages, _) =
        crate::conversations::service::messages(st, viewer, conversation_id, None, 200).await?;
    let (question, answer) = question_and_answer(&messages).ok_or_else(|| {
        Error::invalid(
            "conversation",
            "this conversation has no public answer from an agent to a customer's question yet",
        )
    })?;
    let (title, body) = draft_text(&conv.subject, said(question), said(answer));
    let lang = conversation_language(&conv);
    let slug = slug_of(&title, conversation_id);
    let input = |slug: String| ArticleInput {
        slug,
        category: None,
        source_lang: Some(lang.clone()),
        translations: BTreeMap::from([(
            lang.clone(),
            TranslationInput {
                title: title.clone(),
                body_markdown: body.clone(),
                published: false,
            },
        )]),
    };
    // A slug another article has: the conversation's number makes it its
    // own, then a count (another draft of the same conversation).
    let mut tries = std::iter::once(slug.clone())
        .chain(std::iter::once(format!("{slug}-{conversation_id}")))
        .chain((2..=20).map(|n| format!("{slug}-{conversation_id}-{n}")))
        .peekable();
    loop {
        let Some(candidate) = tries.next() else {
            return Err(Error::invalid(
                "slug",
                "this conversation has many drafts already",
            ));
        };
        match super::service::create_draft(st, viewer, input(candidate)).await {
            Err(Error::Invalid { field, .. }) if field == "slug" && tries.peek().is_some() => {}
            other => return other,
        }
    }
}

/// An article customers found unhelpful.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Unhelpful {
    /// Article id.
    pub article_id: i64,
    /// Slug.
    pub slug: String,
    /// Title (in the caller's language with the fallback).
    pub title: String,
    /// "Yes" answers.
    pub helpful: i64,
    /// "No" answers.
    pub unhelpful: i64,
}

/// The articles with at least one "No" to "Did this help?", the most "No"
/// first (at most 200). Every user may see them.
pub async fn unhelpful(st: &AppState, lang: &str) -> Result<Vec<Unhelpful>> {
    let mut c = st.db.pool().acquire().await?;
    let rows = super::deflection_repo::unhelpful(&mut c, 200).await?;
    drop(c);
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let labels = public::labels(st, &ids, lang).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, helpful, unhelpful)| {
            let (slug, title) = labels.get(&id)?.clone();
            Some(Unhelpful {
                article_id: id,
                slug,
                title,
                helpful,
                unhelpful,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_come_from_the_title_or_the_conversation() {
        assert_eq!(
            slug_of("How do I reset my password?", 7),
            "how-do-i-reset-my-password"
        );
        assert_eq!(slug_of("返金について", 7), "conversation-7");
        assert_eq!(slug_of("Café — opening hours", 7), "caf-opening-hours");
    }

    #[test]
    fn the_draft_quotes_the_question_and_keeps_the_answer() {
        let (title, body) = draft_text(
            "",
            "\nMy card was charged twice.\nWhy?",
            "We refund it in 5 days.",
        );
        assert_eq!(title, "My card was charged twice.");
        assert_eq!(
            body,
            "> \n> My card was charged twice.\n> Why?\n\nWe refund it in 5 days.\n"
        );
        let (title, _) = draft_text("Double charge", "x", "y");
        assert_eq!(title, "Double charge");
    }
}
