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

/// What refreshing the health of some customers will write: planned from
/// reads alone ([`plan_in`], off the single writer in the follower), then
/// written in a short write ([`apply_in`]).
#[derive(Debug, Default)]
pub struct Plan {
    /// Scores that changed.
    rows: Vec<Row>,
    /// Customers whose score goes (merged away, no conversation left).
    forget: Vec<i64>,
    /// Outreaches whose outcome changed: (outreach, outcome).
    outcomes: Vec<(i64, Outcome)>,
}

impl Plan {
    /// Whether the plan writes nothing.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty() && self.forget.is_empty() && self.outcomes.is_empty()
    }
}

/// A customer's score as it will be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Row {
    customer_id: i64,
    score: i64,
    /// JSON.
    signals: String,
    /// JSON; `None` keeps the stored facts (a re-scoring).
    facts: Option<String>,
    inbox_id: Option<i64>,
    language: Option<String>,
    organization_id: Option<i64>,
}

impl Row {
    /// Scores `f` (with the facts kept when `with_facts`).
    fn of(
        customer_id: i64,
        f: &Facts,
        with_facts: bool,
        inbox_id: Option<i64>,
        brief: Option<&crate::customers::service::Brief>,
        s: &Scoring,
    ) -> Result<Row> {
        let h = assess(f, s.now, &s.weights);
        Ok(Row {
            customer_id,
            score: h.score,
            signals: json(&h.signals)?,
            facts: if with_facts { Some(json(f)?) } else { None },
            inbox_id,
            language: brief.and_then(|b| b.language.clone()),
            organization_id: brief.and_then(|b| b.organization_id),
        })
    }

    /// Whether the stored row already says this.
    fn is_stored(&self, stored: &repo::StoredRow) -> bool {
        self.score == stored.score
            && self.signals == stored.signals
            && self.facts.as_deref().is_none_or(|f| f == stored.facts)
            && self.inbox_id.is_none_or(|i| Some(i) == stored.inbox_id)
            && self.language == stored.language
            && self.organization_id == stored.organization_id
    }

    async fn store_in(&self, c: &mut AnyConnection, s: &Scoring) -> Result<()> {
        repo::store(
            c,
            &Scored {
                customer_id: self.customer_id,
                score: self.score,
                signals: &self.signals,
                facts: self.facts.as_deref(),
                inbox_id: self.inbox_id,
                language: self.language.as_deref(),
                organization_id: self.organization_id,
                below: s.weights.at_risk_below,
                now: s.now,
            },
        )
        .await
    }
}

fn json<T: serde::Serialize>(v: &T) -> Result<String> {
    Ok(serde_json::to_string(v).map_err(anyhow::Error::from)?)
}

/// Plans the health of the customers of these conversations and the
/// outcome of their outreaches from reads alone: their conversations'
/// histories and texts, scored (pure). Scores equal to the stored ones
/// are left out, so a plan of nothing new writes nothing.
pub async fn plan_in(c: &mut AnyConnection, conversation_ids: &[i64], s: &Scoring) -> Result<Plan> {
    let mut plan = Plan::default();
    if conversation_ids.is_empty() {
        return Ok(plan);
    }
    let customers = history::customers_of_in(c, conversation_ids).await?;
    let briefs: HashMap<i64, crate::customers::service::Brief> =
        crate::customers::service::briefs_in(c, &customers)
            .await?
            .into_iter()
            .map(|b| (b.id, b))
            .collect();
    let stored: HashMap<i64, repo::StoredRow> = repo::stored_of(c, &customers)
        .await?
        .into_iter()
        .map(|r| (r.customer_id, r))
        .collect();
    for id in customers {
        let heads = history::customer_conversations_in(c, id, CONVERSATIONS as i64).await?;
        let brief = briefs.get(&id);
        if heads.is_empty() || brief.is_none_or(|b| b.merged_into.is_some()) {
            if stored.contains_key(&id) {
                plan.forget.push(id);
            }
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
        let row = Row::of(id, &f, true, latest_inbox, brief, s)?;
        if stored.get(&id).is_none_or(|st| !row.is_stored(st)) {
            plan.rows.push(row);
        }
    }
    let outreaches = repo::outreaches_of(c, conversation_ids).await?;
    plan.outcomes = outcomes_in(c, outreaches, s).await?;
    Ok(plan)
}

/// Writes a plan: the changed scores, the forgotten ones, the outcomes.
pub async fn apply_in(c: &mut AnyConnection, plan: &Plan, s: &Scoring) -> Result<()> {
    for row in &plan.rows {
        row.store_in(c, s).await?;
    }
    for id in &plan.forget {
        repo::forget(c, *id).await?;
    }
    for (id, outcome) in &plan.outcomes {
        repo::set_outcome(c, *id, *outcome, s.now).await?;
    }
    Ok(())
}

/// Refreshes the health of the customers of these conversations and the
/// outcome of their outreaches inside the caller's transaction (a
/// rebuild of the reports; the log's follower is `health::follower`).
pub async fn refresh_in(
    c: &mut AnyConnection,
    conversation_ids: &[i64],
    s: &Scoring,
) -> Result<()> {
    let plan = plan_in(c, conversation_ids, s).await?;
    apply_in(c, &plan, s).await
}

/// The outreaches among `rows` whose outcome is now another.
async fn outcomes_in(
    c: &mut AnyConnection,
    rows: Vec<repo::OutreachRow>,
    s: &Scoring,
) -> Result<Vec<(i64, Outcome)>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.conversation_id).collect();
    let histories: HashMap<i64, history::History> = history::histories_in(c, &ids)
        .await?
        .into_iter()
        .map(|h| (h.conversation_id, h))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let h = histories.get(&r.conversation_id)?;
            let now = facts::outcome(h, r.created_at, s.now, s.unhappy_rating);
            (now != r.outcome).then_some((r.id, now))
        })
        .collect())
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
                        Row::of(*id, &f, false, None, brief, &s)?
                            .store_in(c, &s)
                            .await?;
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
                    for (id, outcome) in outcomes_in(c, rows, &s).await? {
                        repo::set_outcome(c, id, outcome, s.now).await?;
                    }
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
