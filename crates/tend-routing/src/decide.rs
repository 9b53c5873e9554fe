//! The decision itself and its application to a whole queue.

use std::cmp::Ordering;

use crate::{Agent, Conversation, Presence, Rule, Strategy};

/// Why an agent was chosen (recorded in the `assigned` event).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Basis {
    /// The customer's previous agent (sticky).
    Sticky,
    /// Speaks the conversation's language and has the best matching skills.
    LanguageAndSkill,
    /// Speaks the conversation's language.
    Language,
    /// Has the best matching skills (nobody available speaks the language,
    /// or the conversation has none).
    Skill,
    /// The strategy alone, among every available team member: the rule asks
    /// for nothing more, or nobody matching was available (the fallback).
    Strategy,
}

impl Basis {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Sticky => "sticky",
            Basis::LanguageAndSkill => "language_and_skill",
            Basis::Language => "language",
            Basis::Skill => "skill",
            Basis::Strategy => "strategy",
        }
    }
}

/// The outcome of routing one conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Give it to this agent.
    Assign {
        /// User id.
        agent: i64,
        /// Why this agent.
        basis: Basis,
    },
    /// Nobody in the team is online with a free place on the channel: it
    /// waits in the team's queue.
    Queue,
}

/// Decides who gets `conv` under `rule`, from the agents' snapshot.
///
/// Only online members of the rule's team with a free place on the
/// conversation's channel are candidates; none means [`Decision::Queue`].
/// Then, in order: the previous agent (sticky); the agents speaking the
/// language, narrowed to the best skill score (skills-first), each step
/// skipped when it would leave nobody; finally the strategy picks one.
pub fn decide(agents: &[Agent], conv: &Conversation, rule: &Rule) -> Decision {
    let channel = conv.channel.as_str();
    let available = |a: &&Agent| {
        a.presence == Presence::Online && a.teams.contains(&rule.team_id) && a.free(channel) > 0
    };
    if rule.sticky
        && let Some(prev) = conv.previous_agent
        && agents.iter().filter(available).any(|a| a.id == prev)
    {
        return Decision::Assign {
            agent: prev,
            basis: Basis::Sticky,
        };
    }
    let mut candidates: Vec<&Agent> = agents.iter().filter(available).collect();
    if candidates.is_empty() {
        return Decision::Queue;
    }
    let mut by_language = false;
    let mut by_skill = false;
    if rule.skills_first {
        if let Some(lang) = conv.language.as_deref()
            && candidates.iter().any(|a| a.speaks(lang))
        {
            candidates.retain(|a| a.speaks(lang));
            by_language = true;
        }
        if !conv.skills.is_empty() {
            let best = candidates
                .iter()
                .map(|a| a.skill_score(&conv.skills))
                .max()
                .unwrap_or(0);
            if best > 0 {
                candidates.retain(|a| a.skill_score(&conv.skills) == best);
                by_skill = true;
            }
        }
    }
    let chosen = match rule.strategy {
        Strategy::RoundRobin => candidates.into_iter().min_by(|a, b| round_robin(a, b)),
        Strategy::LeastLoaded => candidates
            .into_iter()
            .min_by(|a, b| least_loaded(a, b, channel)),
    };
    let basis = match (by_language, by_skill) {
        (true, true) => Basis::LanguageAndSkill,
        (true, false) => Basis::Language,
        (false, true) => Basis::Skill,
        (false, false) => Basis::Strategy,
    };
    match chosen {
        Some(a) => Decision::Assign { agent: a.id, basis },
        None => Decision::Queue,
    }
}

fn round_robin(a: &Agent, b: &Agent) -> Ordering {
    a.last_assigned.cmp(&b.last_assigned).then(a.id.cmp(&b.id))
}

fn least_loaded(a: &Agent, b: &Agent, channel: &str) -> Ordering {
    // load/max compared without division: a.load * b.max vs b.load * a.max.
    let (la, ma) = (u64::from(a.load(channel)), u64::from(a.max(channel)));
    let (lb, mb) = (u64::from(b.load(channel)), u64::from(b.max(channel)));
    (la * mb)
        .cmp(&(lb * ma))
        .then(a.total_load().cmp(&b.total_load()))
        .then(round_robin(a, b))
}

/// The round-robin stamp for the next assignment: `now`, or one past the
/// latest stamp when several assignments share a millisecond, so that a
/// burst still goes round the team.
pub fn next_stamp(agents: &[Agent], now: i64) -> i64 {
    let latest = agents.iter().map(|a| a.last_assigned).max().unwrap_or(0);
    now.max(latest.saturating_add(1))
}

/// Routes a queue, longest wait first (`queue` is in that order, each with
/// its inbox's rule). Returns `(index in queue, agent, basis)` for every
/// conversation that finds an agent; `agents` is updated (loads, stamps) as
/// if the assignments were made. Conversations that find nobody keep their
/// place; a later one may still fit (another channel or team).
pub fn plan_queue(
    agents: &mut [Agent],
    queue: &[(Conversation, Rule)],
    now: i64,
) -> Vec<(usize, i64, Basis)> {
    let mut out = Vec::new();
    for (i, (conv, rule)) in queue.iter().enumerate() {
        if !agents
            .iter()
            .any(|a| a.presence == Presence::Online && a.max(&conv.channel) > a.load(&conv.channel))
        {
            continue;
        }
        if let Decision::Assign { agent, basis } = decide(agents, conv, rule) {
            let stamp = next_stamp(agents, now);
            if let Some(a) = agents.iter_mut().find(|a| a.id == agent) {
                a.add_load(&conv.channel);
                a.last_assigned = stamp;
            }
            out.push((i, agent, basis));
        }
    }
    out
}

#[cfg(test)]
#[path = "decide_tests.rs"]
mod tests;
