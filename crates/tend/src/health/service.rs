//! Use cases of customer health: refreshing scores (inside the reports
//! projection's pass), the daily scoring, a customer's health, the radar,
//! and deciding outreaches' outcomes (starting one: `health::outreach`).

use std::collections::HashMap;

use sqlx::AnyConnection;

use super::facts::{self, CONVERSATIONS, Head, MESSAGES, OUTREACH_WAIT_DAYS};
use super::model::{
    Facts, Health, Outcome, OutreachSummary, RadarItem, RadarPage, SignalView, Weights,
};
use super::repo::{self, Filter, Scored};
use super::rules::assess;
use crate::agents::Viewer;
use crate::conversations::history;
use crate::state::AppState;
use crate::time::rfc3339;
use crate::{Error, Result};

const DAY_MS: i64 = 86_400_000;
/// Customers per transaction of the daily scoring.
const RESCORE_PAGE: i64 = 500;
/// The outreach summary's period.
const SUMMARY_DAYS: i64 = 90;

/// What scoring needs besides the facts: the weights, the surveys'
/// unhappy threshold, the time.
#[derive(Debug, Clone)]
pub struct Scoring {
    /// The weights and the radar's threshold.
    pub weights: Weights,
    /// `survey_unhappy_rating`.
    pub unhappy_rating: i64,
    /// Now (ms).
    pub now: i64,
}

impl Scoring {
    /// The settings of this node, now.
    pub fn of(st: &AppState) -> Scoring {
        Scoring {
            weights: st.config.health.clone(),
            unhappy_rating: st.config.surveys.unhappy_rating,
            now: st.clock.now_ms(),
        }
    }
}

/// Refreshes the health of the customers of these conversations and the
/// outcome of their outreaches, inside the caller's transaction (the
/// reports projection's pass: one follower of the event log).
pub async fn refresh_in(
    c: &mut AnyConnection,
    conversation_ids: &[i64],
    s: &Scoring,
) -> Result<()> {
    if conversation_ids.is_empty() {
        return Ok(());
    }
    let customers = history::customers_of_in(c, conversation_ids).await?;
    let briefs: HashMap<i64, crate::customers::service::Brief> =
        crate::customers::service::briefs_in(c, &customers)
            .await?
            .into_iter()
            .map(|b| (b.id, b))
            .collect();
    for id in customers {
        let heads = history::customer_conversations_in(c, id, CONVERSATIONS as i64).await?;
        let brief = briefs.get(&id);
        if heads.is_empty() || brief.is_none_or(|b| b.merged_into.is_some()) {
            repo::forget(c, id).await?;
            continue;
        }
        let ids: Vec<i64> = heads.iter().map(|h| h.id).collect();
        let histories = history::histories_in(c, &ids).await?;
        let texts = history::customer_texts_in(c, &ids, MESSAGES as i64).await?;
        let latest_inbox = heads.first().map(|h| h.inbox_id);
        let heads: Vec<Head> = heads
            .into_iter()
            .map(|h| Head {
                id: h.id,
                subject: h.subject,
                created_at: h.created_at,
            })
            .collect();
        let f = facts::facts_of(&heads, &histories, &texts, s.unhappy_rating);
        store_in(c, id, &f, true, latest_inbox, brief, s).await?;
    }
    decide_outreaches_in(c, conversation_ids, s).await
}

/// Scores `f` and stores it (with the facts when `with_facts`).
async fn store_in(
    c: &mut AnyConnection,
    customer_id: i64,
    f: &Facts,
    with_facts: bool,
    inbox_id: Option<i64>,
    brief: Option<&crate::customers::service::Brief>,
    s: &Scoring,
) -> Result<()> {
    let h = assess(f, s.now, &s.weights);
    let signals = serde_json::to_string(&h.signals).map_err(anyhow::Error::from)?;
    let facts = if with_facts {
        Some(serde_json::to_string(f).map_err(anyhow::Error::from)?)
    } else {
        None
    };
    repo::store(
        c,
        &Scored {
            customer_id,
            score: h.score,
            signals: &signals,
            facts: facts.as_deref(),
            inbox_id,
            language: brief.and_then(|b| b.language.as_deref()),
            organization_id: brief.and_then(|b| b.organization_id),
            below: s.weights.at_risk_below,
            now: s.now,
        },
    )
    .await
}

/// Decides again the outreaches of these conversations.
async fn decide_outreaches_in(
    c: &mut AnyConnection,
    conversation_ids: &[i64],
    s: &Scoring,
) -> Result<()> {
    let rows = repo::outreaches_of(c, conversation_ids).await?;
    decide_in(c, rows, s).await
}

async fn decide_in(c: &mut AnyConnection, rows: Vec<repo::OutreachRow>, s: &Scoring) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.conversation_id).collect();
    let histories: HashMap<i64, history::History> = history::histories_in(c, &ids)
        .await?
        .into_iter()
        .map(|h| (h.conversation_id, h))
        .collect();
    for r in rows {
        let Some(h) = histories.get(&r.conversation_id) else {
            continue;
        };
        let now = facts::outcome(h, r.created_at, s.now, s.unhappy_rating);
        if now != r.outcome {
            repo::set_outcome(c, r.id, now, s.now).await?;
        }
    }
    Ok(())
}

/// Scores every customer again from their stored facts (the time-based
/// signals move with the clock; the weights may have changed) and decides
/// the outreaches whose wait is over. Answers how many were scored.
pub async fn rescore(st: &AppState) -> Result<u64> {
    let s = Scoring::of(st);
    let mut after = 0;
    let mut done = 0;
    loop {
        let s = s.clone();
        let (last, n) = st
            .db
            .write(move |c| {
                Box::pin(async move {
                    let rows = repo::facts_after(c, after, RESCORE_PAGE).await?;
                    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
                    let briefs: HashMap<i64, crate::customers::service::Brief> =
                        crate::customers::service::briefs_in(c, &ids)
                            .await?
                            .into_iter()
                            .map(|b| (b.id, b))
                            .collect();
                    for (id, facts) in &rows {
                        let brief = briefs.get(id);
                        if brief.is_none_or(|b| b.merged_into.is_some()) {
                            repo::forget(c, *id).await?;
                            continue;
                        }
                        let f: Facts = serde_json::from_str(facts).unwrap_or_default();
                        store_in(c, *id, &f, false, None, brief, &s).await?;
                    }
                    Ok((ids.last().copied(), ids.len() as u64))
                })
            })
            .await?;
        done += n;
        match last {
            Some(l) if n == RESCORE_PAGE as u64 => after = l,
            _ => break,
        }
    }
    loop {
        let s = s.clone();
        let n = st
            .db
            .write(move |c| {
                Box::pin(async move {
                    let due = s.now - OUTREACH_WAIT_DAYS * DAY_MS;
                    let rows = repo::pending_before(c, due, RESCORE_PAGE).await?;
                    let n = rows.len();
                    decide_in(c, rows, &s).await?;
                    Ok(n)
                })
            })
            .await?;
        if n < RESCORE_PAGE as usize {
            break;
        }
    }
    Ok(done)
}

/// The daily scoring, when it is due on this node: once a day across
/// nodes and restarts (the `rescore` mark), and again at once when the
/// weights changed. Answers whether it ran.
pub async fn daily(st: &AppState) -> Result<bool> {
    let now = st.clock.now_ms();
    let note = st.config.health.fingerprint();
    let claimed = st
        .db
        .write(move |c| {
            Box::pin(async move { repo::claim_mark(c, "rescore", now - DAY_MS, &note, now).await })
        })
        .await?;
    if claimed {
        let n = rescore(st).await?;
        tracing::info!(customers = n, "customer health scored again");
    }
    Ok(claimed)
}

fn signals_of(json: &str) -> Vec<SignalView> {
    serde_json::from_str(json).unwrap_or_default()
}

/// A customer's stored health, inside the caller's connection (the
/// customer's profile); `None` before it was first computed.
pub(crate) async fn of_customer_in(
    c: &mut AnyConnection,
    customer_id: i64,
) -> Result<Option<Health>> {
    Ok(repo::get(c, customer_id)
        .await?
        .map(|(score, signals)| Health {
            score,
            signals: signals_of(&signals),
        }))
}

/// The radar's filters, as given.
#[derive(Debug, Clone, Default)]
pub struct RadarFilter {
    /// Organisation.
    pub organization_id: Option<i64>,
    /// Inbox of the latest conversation.
    pub inbox_id: Option<i64>,
    /// Language.
    pub language: Option<String>,
}

/// Parses a radar cursor (`score.customer_id`).
fn parse_cursor(s: &str) -> Result<(i64, i64)> {
    s.split_once('.')
        .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)))
        .ok_or_else(|| Error::invalid("cursor", "not a cursor from next_cursor"))
}

/// Customers at risk (score below the threshold), the lowest score first,
/// one page after `cursor`; supervisors and admins.
#[tracing::instrument(skip_all, fields(user_id = viewer.user_id))]
pub async fn radar(
    st: &AppState,
    viewer: &Viewer,
    filter: &RadarFilter,
    cursor: Option<&str>,
    limit: i64,
) -> Result<RadarPage> {
    viewer.require_supervisor("only admins and supervisors may see the radar")?;
    let after = cursor
        .filter(|c| !c.is_empty())
        .map(parse_cursor)
        .transpose()?;
    let f = Filter {
        organization_id: filter.organization_id,
        inbox_id: filter.inbox_id,
        language: filter.language.as_deref().map(str::to_ascii_lowercase),
    };
    let mut c = st.db.pool().acquire().await?;
    let mut rows =
        repo::radar(&mut c, &f, st.config.health.at_risk_below, after, limit + 1).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let ids: Vec<i64> = rows.iter().map(|r| r.customer_id).collect();
    let names: HashMap<i64, Option<String>> = crate::customers::service::briefs_in(&mut c, &ids)
        .await?
        .into_iter()
        .map(|b| (b.id, b.name))
        .collect();
    let next_cursor = if more {
        rows.last()
            .map(|r| format!("{}.{}", r.score, r.customer_id))
    } else {
        None
    };
    let items = rows
        .into_iter()
        .map(|r| RadarItem {
            customer_id: r.customer_id,
            name: names.get(&r.customer_id).cloned().flatten(),
            language: r.language,
            inbox_id: r.inbox_id,
            score: r.score,
            signals: signals_of(&r.signals),
            at_risk_since: r.at_risk_since.map(rfc3339),
        })
        .collect();
    let outreach = summary_in(&mut c, st.clock.now_ms()).await?;
    Ok(RadarPage {
        items,
        next_cursor,
        outreach,
    })
}

async fn summary_in(c: &mut AnyConnection, now: i64) -> Result<OutreachSummary> {
    let mut s = OutreachSummary::default();
    for (outcome, n) in repo::outcome_counts(c, now - SUMMARY_DAYS * DAY_MS).await? {
        s.total += n;
        match Outcome::from_db(&outcome)? {
            Outcome::Pending => s.pending += n,
            Outcome::Answered => s.answered += n,
            Outcome::Satisfied => s.satisfied += n,
            Outcome::Left => s.left += n,
        }
    }
    Ok(s)
}
