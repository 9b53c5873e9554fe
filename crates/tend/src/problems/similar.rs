//! What the search index's likeness (`tend_search::SearchIndex::similar`,
//! a More-Like-This query over subject and text, in every language) tells
//! about problems:
//!
//! - **Proposals** for a conversation: the problems whose linked
//!   conversations are like it (a problem scores the best likeness among
//!   them), and the similar conversations of the last 30 days.
//! - **Known problem suggestions**: when the best proposal is a `known`
//!   problem with a workaround, scoring at least [`KNOWN_MATCH`], and the
//!   conversation is linked to nothing yet, its workaround is offered as
//!   the answer (never sent by itself) with the link.
//! - **Trending**: clusters of similar new conversations linked to no
//!   problem (see [`trending`]).
//!
//! Likeness is relative (0–1): a hit's score over the conversation's own
//! score against its own terms, so that one threshold holds for short and
//! long conversations alike.

use std::collections::{HashMap, HashSet};

use tend_search::{SearchIndex, SimilarOptions};

use crate::agents::Viewer;
use crate::state::AppState;
use crate::vocab::Status;
use crate::{Error, Result};

use super::model::{
    Cluster, ProblemStatus, Proposals, ProposedProblem, SimilarConversation, Suggestion,
};
use super::repo;

/// A known problem at least this alike has its workaround suggested.
pub const KNOWN_MATCH: f32 = 0.3;

/// Two new conversations at least this alike are one trend.
pub const CLUSTER_MATCH: f32 = 0.3;

/// Similar conversations shown are at least this alike (below it, a
/// shared word or two).
const SHOWN_MATCH: f32 = 0.1;

/// How far back similar conversations are shown (30 days).
const RECENT_MS: i64 = 30 * 86_400_000;

/// Most new conversations trending looks at (the newest).
pub const TRENDING_MAX: i64 = 200;

fn internal(e: tend_search::Error) -> Error {
    Error::Internal(anyhow::Error::new(e).context("comparing conversations in the search index"))
}

/// Runs `f` on the index off the async threads; `None` when this node has
/// no index yet.
async fn on_index<T: Send + 'static>(
    st: &AppState,
    f: impl FnOnce(&SearchIndex) -> tend_search::Result<T> + Send + 'static,
) -> Result<Option<T>> {
    let Some(index) = st.search().existing().map_err(internal)? else {
        return Ok(None);
    };
    tokio::task::spawn_blocking(move || f(&index))
        .await
        .map_err(|e| Error::Internal(e.into()))?
        .map(Some)
        .map_err(internal)
}

/// The problem proposals for a conversation the viewer may see.
pub async fn proposals(st: &AppState, viewer: &Viewer, id: i64) -> Result<Proposals> {
    let linked = super::service::of_conversation(st, viewer, id).await?;
    let inboxes = {
        let mut c = st.db.pool().acquire().await?;
        viewer.visible_inboxes(&mut c).await?
    };
    let opts = SimilarOptions {
        limit: 50,
        inboxes,
        since: None,
        among: None,
    };
    let hits = on_index(st, move |index| index.similar(id, &opts))
        .await?
        .unwrap_or_default();
    let ids: Vec<i64> = hits.iter().map(|h| h.conversation_id).collect();
    let mut c = st.db.pool().acquire().await?;
    let problem_of: HashMap<i64, i64> =
        repo::problems_of(&mut c, &ids).await?.into_iter().collect();
    // A problem scores its best-matching linked conversation.
    let mut scores: HashMap<i64, (f32, i64)> = HashMap::new();
    for h in &hits {
        if let Some(p) = problem_of.get(&h.conversation_id) {
            let e = scores.entry(*p).or_insert((0.0, 0));
            e.0 = e.0.max(h.relative);
            e.1 += 1;
        }
    }
    let found: Vec<i64> = scores.keys().copied().collect();
    let mut problems: Vec<ProposedProblem> = repo::many(&mut c, &found)
        .await?
        .into_iter()
        .filter(|p| p.status != ProblemStatus::Fixed)
        .filter(|p| linked.as_ref().is_none_or(|l| l.id != p.id))
        .map(|p| {
            let (score, matches) = scores[&p.id];
            ProposedProblem {
                problem: p,
                score,
                matches,
            }
        })
        .collect();
    problems.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.matches.cmp(&a.matches))
            .then(b.problem.id.cmp(&a.problem.id))
    });
    problems.truncate(5);

    let now = st.clock.now_ms();
    let shown: Vec<i64> = hits
        .iter()
        .filter(|h| h.relative >= SHOWN_MATCH)
        .map(|h| h.conversation_id)
        .collect();
    let about: HashMap<i64, (String, String, i64)> = repo::subjects(&mut c, &shown)
        .await?
        .into_iter()
        .map(|(id, subject, status, created)| (id, (subject, status, created)))
        .collect();
    let mut similar = Vec::new();
    for h in &hits {
        let Some((subject, status, created)) = about.get(&h.conversation_id) else {
            continue;
        };
        if *created < now - RECENT_MS {
            continue;
        }
        similar.push(SimilarConversation {
            conversation_id: h.conversation_id,
            subject: subject.clone(),
            status: Status::from_db(status)?,
            problem_id: problem_of.get(&h.conversation_id).copied(),
            score: h.relative,
        });
        if similar.len() >= 10 {
            break;
        }
    }
    let suggestion = match (&linked, problems.first()) {
        (None, Some(top))
            if top.problem.status == ProblemStatus::Known && top.score >= KNOWN_MATCH =>
        {
            top.problem.workaround.as_ref().map(|w| Suggestion {
                problem_id: top.problem.id,
                title: top.problem.title.clone(),
                workaround: w.clone(),
                score: top.score,
            })
        }
        _ => None,
    };
    Ok(Proposals {
        linked,
        problems,
        similar,
        suggestion,
    })
}

/// Clusters of similar conversations opened in the last `hours` that are
/// linked to no problem, biggest first (those of two or more).
///
/// Greedy and bounded: the [`TRENDING_MAX`] newest such conversations the
/// viewer may see are taken newest first; each one not yet in a cluster
/// starts one, which grows by likeness: every member, in turn, takes the
/// conversations not yet in a cluster that are at least [`CLUSTER_MATCH`]
/// like it (one More-Like-This query among them), so "crash on checkout"
/// and "checkout crashes" meet through a third that is like both. Each
/// conversation is compared once: at most [`TRENDING_MAX`] queries, each
/// over at most as many conversations.
pub async fn trending(st: &AppState, viewer: &Viewer, hours: i64) -> Result<Vec<Cluster>> {
    if !(1..=720).contains(&hours) {
        return Err(Error::invalid(
            "hours",
            "look back 1 to 720 hours (30 days)",
        ));
    }
    let since = st.clock.now_ms() - hours * 3_600_000;
    let recent = {
        let mut c = st.db.pool().acquire().await?;
        repo::recent_unlinked(&mut c, viewer, since, TRENDING_MAX).await?
    };
    if recent.len() < 2 {
        return Ok(Vec::new());
    }
    let clusters = on_index(st, move |index| {
        let mut taken: HashSet<i64> = HashSet::new();
        let mut clusters = Vec::new();
        for (id, subject) in &recent {
            if !taken.insert(*id) {
                continue;
            }
            let mut members = vec![*id];
            let mut next = 0;
            while let Some(&seed) = members.get(next) {
                next += 1;
                let among: Vec<i64> = recent
                    .iter()
                    .map(|(i, _)| *i)
                    .filter(|i| !taken.contains(i))
                    .collect();
                if among.is_empty() {
                    break;
                }
                let opts = SimilarOptions {
                    limit: among.len(),
                    inboxes: None,
                    since: None,
                    among: Some(among),
                };
                for h in index.similar(seed, &opts)? {
                    if h.relative >= CLUSTER_MATCH && taken.insert(h.conversation_id) {
                        members.push(h.conversation_id);
                    }
                }
            }
            if members.len() >= 2 {
                // Newest first, as the list was.
                members.sort_unstable_by(|a, b| b.cmp(a));
                clusters.push(Cluster {
                    count: members.len() as i64,
                    subject: subject.clone(),
                    conversation_ids: members,
                });
            }
        }
        Ok(clusters)
    })
    .await?;
    let mut clusters = clusters.unwrap_or_default();
    clusters.sort_by_key(|c| std::cmp::Reverse(c.count));
    Ok(clusters)
}
