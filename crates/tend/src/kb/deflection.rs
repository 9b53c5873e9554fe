//! Answers offered before asking (deflection): which articles the contact
//! form and the chat widget suggested to a visitor while they typed, which
//! ones they opened, and whether they then still sent their message; and
//! the report of it per article and per inbox.
//!
//! A **visit** is one visitor typing into one inbox's form or widget,
//! named by a random token their page makes ([`VisitToken`]). It starts
//! with the first suggestion shown to it: `GET /help/api/suggest` with a
//! `token` and an `inbox_id` records the articles it answers (one insert
//! per answer; an article offered again is not counted twice). Opening
//! one and sending anyway are then marked on what exists: neither can add
//! rows. Bounds against an anonymous caller: the help centre's per-address
//! limit on suggestions, [`NEW_VISITS_PER_HOUR`] new visits per address
//! and [`MAX_OFFERS`] offers per visit.
//!
//! **Deflected** ([`outcome`]): a visit that opened a suggested article
//! and did not send its message (so far). Shown and not opened, not sent,
//! is not counted either way: the visitor may simply have left.

use std::collections::HashMap;

use serde::Serialize;
use utoipa::ToSchema;

use crate::agents::Viewer;
use crate::inboxes::model::InboxKind;
use crate::state::AppState;
use crate::{Error, Result};

use super::deflection_repo as repo;

crate::vocab::closed_set! {
    /// What happens to a suggestion.
    pub enum Event ("deflection event") {
        /// Shown to the visitor (recorded by the suggestion itself).
        Shown = "shown",
        /// Opened by the visitor.
        Opened = "opened",
        /// The visitor sent their message anyway.
        Sent = "sent",
    }
}

/// Most articles one visit is counted as having been offered.
pub const MAX_OFFERS: i64 = 30;

/// New visits one client address may start per hour.
pub const NEW_VISITS_PER_HOUR: usize = 30;

/// A visitor's token, as their page made it: 16–64 letters, digits, `-`
/// and `_` (a random value; Tend's pages use 32 hex digits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitToken(String);

impl VisitToken {
    /// The token, when it has the shape of one.
    pub fn parse(s: &str) -> Option<VisitToken> {
        let ok = (16..=64).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        ok.then(|| VisitToken(s.to_string()))
    }

    /// The token.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What became of an offer (or of a visit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Opened, and no message sent.
    Deflected,
    /// The message was sent anyway, opened or not.
    SentAnyway,
    /// Neither opened nor sent: the visitor may have left; not counted.
    Unknown,
}

/// The deflection rule.
pub fn outcome(opened: bool, sent: bool) -> Outcome {
    match (opened, sent) {
        (_, true) => Outcome::SentAnyway,
        (true, false) => Outcome::Deflected,
        (false, false) => Outcome::Unknown,
    }
}

/// The counts of one line of the report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct DeflectionCounts {
    /// Visits it was shown to (for an inbox: visits shown any suggestion).
    pub shown: i64,
    /// Of those, visits that opened it (any suggestion).
    pub opened: i64,
    /// Of those shown, visits that sent their message anyway.
    pub sent_anyway: i64,
    /// Visits that opened it (any) and sent nothing.
    pub deflected: i64,
    /// `deflected / shown`, null when nothing was shown.
    pub deflection_rate: Option<f64>,
}

/// Adds up `(opened, sent, visits)` groups by the rule.
pub fn tally(groups: impl IntoIterator<Item = (bool, bool, i64)>) -> DeflectionCounts {
    let mut c = DeflectionCounts::default();
    for (opened, sent, n) in groups {
        c.shown += n;
        if opened {
            c.opened += n;
        }
        match outcome(opened, sent) {
            Outcome::Deflected => c.deflected += n,
            Outcome::SentAnyway => c.sent_anyway += n,
            Outcome::Unknown => {}
        }
    }
    c.deflection_rate = crate::surveys::feedback::ratio(c.deflected, c.shown);
    c
}

/// One article's line.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeflectionArticle {
    /// Article id.
    pub article_id: i64,
    /// Its slug.
    pub slug: String,
    /// Its title (in the caller's language with the fallback).
    pub title: String,
    /// The counts.
    #[serde(flatten)]
    pub counts: DeflectionCounts,
}

/// One inbox's line.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeflectionInbox {
    /// Inbox id.
    pub inbox_id: i64,
    /// Its name.
    pub name: String,
    /// `web` (the contact form) or `chat` (the widget).
    pub kind: InboxKind,
    /// The counts.
    #[serde(flatten)]
    pub counts: DeflectionCounts,
}

/// The deflection report over a range.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeflectionReport {
    /// From (RFC 3339, included).
    pub from: String,
    /// To (RFC 3339, excluded).
    pub to: String,
    /// Per article, the most shown first.
    pub articles: Vec<DeflectionArticle>,
    /// Per inbox, the most visits first.
    pub inboxes: Vec<DeflectionInbox>,
    /// Every visit.
    pub total: DeflectionCounts,
}

/// Whether suggestions may be recorded for this inbox: the public
/// channels where a visitor types (the contact form, the widget).
async fn visitor_inbox(st: &AppState, inbox_id: i64) -> Result<bool> {
    match crate::inboxes::service::get_inbox(st, &Viewer::system(), inbox_id).await {
        Ok(i) => Ok(matches!(i.kind, InboxKind::Web | InboxKind::Chat)),
        Err(Error::NotFound(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// What a visitor's page (or Tend) records.
#[derive(Debug, Clone, Copy)]
pub enum Record<'a> {
    /// These articles were suggested, in `lang`.
    Shown {
        /// The suggestion's language.
        lang: &'a str,
        /// The articles (at most a few).
        articles: &'a [i64],
        /// The client address, for the new-visit limit.
        ip: std::net::IpAddr,
    },
    /// The visitor opened this suggested article.
    Opened {
        /// The article.
        article_id: i64,
    },
    /// The visitor sent their message (with the conversation it became,
    /// when Tend knows it).
    Sent {
        /// The conversation.
        conversation_id: Option<i64>,
    },
}

impl Record<'_> {
    /// Its event.
    pub fn event(&self) -> Event {
        match self {
            Record::Shown { .. } => Event::Shown,
            Record::Opened { .. } => Event::Opened,
            Record::Sent { .. } => Event::Sent,
        }
    }
}

/// Records an event of a visit. Returns whether it counted: `false` for an
/// inbox that takes no visitors, a visit over its bounds, an opening of
/// an article that was not offered, a second sending.
pub async fn record(
    st: &AppState,
    token: &VisitToken,
    inbox_id: i64,
    r: Record<'_>,
) -> Result<bool> {
    if !visitor_inbox(st, inbox_id).await? {
        return Ok(false);
    }
    let now = st.clock.now_ms();
    let token = token.as_str().to_string();
    match r {
        Record::Shown { lang, articles, ip } => {
            if articles.is_empty() {
                return Ok(false);
            }
            let mut c = st.db.pool().acquire().await?;
            let known = repo::visit(&mut c, &token).await?;
            drop(c);
            if known.is_none() && !st.kb().new_visits.hit(&crate::ratelimit::ip_key(ip), now) {
                return Ok(false);
            }
            let (lang, articles) = (lang.to_string(), articles.to_vec());
            st.db
                .write(move |c| {
                    Box::pin(async move {
                        let Some(v) = repo::open_visit(c, &token, inbox_id, now).await? else {
                            return Ok(false);
                        };
                        // Another inbox's token, or a visit that is over.
                        if v.inbox_id != inbox_id || v.sent {
                            return Ok(false);
                        }
                        let room = MAX_OFFERS - repo::offers(c, v.id).await?;
                        let take = usize::try_from(room).unwrap_or(0).min(articles.len());
                        if take == 0 {
                            return Ok(false);
                        }
                        repo::insert_offers(c, v.id, &lang, now, &articles[..take]).await?;
                        Ok(true)
                    })
                })
                .await
        }
        Record::Opened { article_id } => {
            st.db
                .write(move |c| {
                    Box::pin(async move {
                        repo::mark_opened(c, &token, inbox_id, article_id, now).await
                    })
                })
                .await
        }
        Record::Sent { conversation_id } => {
            st.db
                .write(move |c| {
                    Box::pin(async move {
                        repo::mark_sent(c, &token, inbox_id, conversation_id, now).await
                    })
                })
                .await
        }
    }
}

/// The report for `[from, to)` (ms): offers shown in it per article, and
/// visits started in it per inbox. Article titles are in `lang` with the
/// help centre's fallback. Admins and supervisors only.
pub async fn report(
    st: &AppState,
    viewer: &Viewer,
    from: i64,
    to: i64,
    lang: &str,
) -> Result<DeflectionReport> {
    viewer.require_supervisor("only admins and supervisors see the deflection report")?;
    let mut c = st.db.pool().acquire().await?;
    let by_article = repo::by_article(&mut c, from, to).await?;
    let by_inbox = repo::by_inbox(&mut c, from, to).await?;
    drop(c);

    let mut articles: HashMap<i64, Vec<(bool, bool, i64)>> = HashMap::new();
    for g in by_article {
        articles
            .entry(g.key)
            .or_default()
            .push((g.opened, g.sent, g.n));
    }
    let mut inboxes: HashMap<i64, Vec<(bool, bool, i64)>> = HashMap::new();
    for g in &by_inbox {
        inboxes
            .entry(g.key)
            .or_default()
            .push((g.opened, g.sent, g.n));
    }
    let ids: Vec<i64> = articles.keys().copied().collect();
    let labels = super::public::labels(st, &ids, lang).await?;
    let mut article_lines: Vec<DeflectionArticle> = articles
        .into_iter()
        .map(|(id, groups)| {
            let (slug, title) = labels.get(&id).cloned().unwrap_or_default();
            DeflectionArticle {
                article_id: id,
                slug,
                title,
                counts: tally(groups),
            }
        })
        .collect();
    article_lines.sort_by(|a, b| {
        b.counts
            .shown
            .cmp(&a.counts.shown)
            .then(a.article_id.cmp(&b.article_id))
    });
    let names: HashMap<i64, (String, InboxKind)> =
        crate::inboxes::service::list_inboxes(st, &Viewer::system())
            .await?
            .into_iter()
            .map(|i| (i.id, (i.name, i.kind)))
            .collect();
    let mut inbox_lines: Vec<DeflectionInbox> = inboxes
        .into_iter()
        .filter_map(|(id, groups)| {
            let (name, kind) = names.get(&id).cloned()?;
            Some(DeflectionInbox {
                inbox_id: id,
                name,
                kind,
                counts: tally(groups),
            })
        })
        .collect();
    inbox_lines.sort_by(|a, b| {
        b.counts
            .shown
            .cmp(&a.counts.shown)
            .then(a.inbox_id.cmp(&b.inbox_id))
    });
    Ok(DeflectionReport {
        from: crate::time::rfc3339(from),
        to: crate::time::rfc3339(to),
        articles: article_lines,
        inboxes: inbox_lines,
        total: tally(by_inbox.iter().map(|g| (g.opened, g.sent, g.n))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opened_and_not_sent_is_deflected() {
        assert_eq!(outcome(true, false), Outcome::Deflected);
        assert_eq!(outcome(true, true), Outcome::SentAnyway);
        assert_eq!(outcome(false, true), Outcome::SentAnyway);
        assert_eq!(outcome(false, false), Outcome::Unknown);
    }

    #[test]
    fn the_rate_is_deflected_over_shown() {
        let c = tally([
            (true, false, 2),
            (true, true, 1),
            (false, true, 3),
            (false, false, 4),
        ]);
        assert_eq!(
            (c.shown, c.opened, c.sent_anyway, c.deflected),
            (10, 3, 4, 2)
        );
        assert_eq!(c.deflection_rate, Some(0.2));
        assert_eq!(tally([]).deflection_rate, None);
    }

    #[test]
    fn tokens_are_random_looking_words() {
        assert!(VisitToken::parse("0123456789abcdef0123456789abcdef").is_some());
        assert!(VisitToken::parse("short").is_none());
        assert!(VisitToken::parse("0123456789abcdef 0123456789abcdef").is_none());
        assert!(VisitToken::parse(&"a".repeat(65)).is_none());
    }
}
