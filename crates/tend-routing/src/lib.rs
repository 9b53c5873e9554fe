//! Tend's routing decision, as pure functions without IO.
//!
//! Given a snapshot of the agents (presence, capacity and load per channel,
//! languages, skills with levels, teams, when each last received a
//! conversation) and one conversation (team, channel, language, skills,
//! previous agent), [`decide`] answers [`Decision::Assign`] or
//! [`Decision::Queue`]. [`plan_queue`] applies the same decision to a queue,
//! longest wait first, and [`expected_wait_secs`] estimates how long a new
//! arrival would wait.
//!
//! The database side (locking the agents, counting loads, writing the
//! result) lives in the `tend` crate; this crate only decides, so that every
//! strategy and every fallback is unit-tested and benchmarked in isolation.

mod decide;
mod estimate;

pub use decide::{Basis, Decision, decide, next_stamp, plan_queue};
pub use estimate::{QueueLoad, expected_wait_secs};

/// Whether an agent takes conversations now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Presence {
    /// Available for new conversations.
    Online,
    /// Keeps their conversations but receives no new ones.
    Away,
    /// Gone: receives nothing, and their chats go back to the queue.
    Offline,
}

impl Presence {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Presence::Online => "online",
            Presence::Away => "away",
            Presence::Offline => "offline",
        }
    }

    /// Parses a stored or user-given name.
    pub fn parse(s: &str) -> Option<Presence> {
        match s {
            "online" => Some(Presence::Online),
            "away" => Some(Presence::Away),
            "offline" => Some(Presence::Offline),
            _ => None,
        }
    }
}

/// A stored presence that is none of the three.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownPresence(pub String);

impl std::fmt::Display for UnknownPresence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown presence {:?} in the database", self.0)
    }
}

impl std::error::Error for UnknownPresence {}

impl TryFrom<String> for Presence {
    type Error = UnknownPresence;
    fn try_from(s: String) -> Result<Presence, UnknownPresence> {
        Presence::parse(&s).ok_or(UnknownPresence(s))
    }
}

/// How an agent is chosen among equally suitable ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Strategy {
    /// The agent who waited longest since their last assignment.
    RoundRobin,
    /// The agent with the lowest load on the channel relative to their
    /// capacity (then the lowest total load, then round-robin).
    LeastLoaded,
}

impl Strategy {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::RoundRobin => "round_robin",
            Strategy::LeastLoaded => "least_loaded",
        }
    }

    /// Parses a stored or user-given name.
    pub fn parse(s: &str) -> Option<Strategy> {
        match s {
            "round_robin" => Some(Strategy::RoundRobin),
            "least_loaded" => Some(Strategy::LeastLoaded),
            _ => None,
        }
    }
}

/// An inbox's routing rule, as far as the decision is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rule {
    /// The team whose members receive the conversations.
    pub team_id: i64,
    /// Tie-break among suitable agents.
    pub strategy: Strategy,
    /// Prefer agents who speak the conversation's language (and then those
    /// with the best matching skills), when such an agent is available.
    pub skills_first: bool,
    /// A returning customer goes back to their previous agent when that
    /// agent is available and has capacity.
    pub sticky: bool,
}

/// Concurrent conversations an agent takes on a channel when nobody said
/// otherwise: 3 chats, 20 of anything else.
pub fn default_capacity(channel: &str) -> u32 {
    if channel == "chat" { 3 } else { 20 }
}

/// Capacity and current load on one channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slots {
    /// Channel name (`chat`, `email`, …).
    pub channel: String,
    /// Most concurrent conversations; 0 means none on this channel.
    pub max: u32,
    /// Unsolved conversations the agent owns on this channel.
    pub load: u32,
}

/// What the router knows about one agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agent {
    /// User id.
    pub id: i64,
    /// Presence.
    pub presence: Presence,
    /// Teams the agent belongs to.
    pub teams: Vec<i64>,
    /// Capacity and load per channel; a channel not listed has
    /// [`default_capacity`] and the load given in `other_load`.
    pub slots: Vec<Slots>,
    /// Languages spoken (BCP 47 primary tags, lowercase: `ja`, `en`).
    pub languages: Vec<String>,
    /// Skills (product areas, categories) with a level from 1 to 5.
    pub skills: Vec<(String, u8)>,
    /// When (ms) the agent last received a conversation; orders round-robin.
    pub last_assigned: i64,
}

impl Agent {
    /// Capacity on `channel`.
    pub fn max(&self, channel: &str) -> u32 {
        self.slots
            .iter()
            .find(|s| s.channel == channel)
            .map_or_else(|| default_capacity(channel), |s| s.max)
    }

    /// Load on `channel`.
    pub fn load(&self, channel: &str) -> u32 {
        self.slots
            .iter()
            .find(|s| s.channel == channel)
            .map_or(0, |s| s.load)
    }

    /// Free places on `channel`.
    pub fn free(&self, channel: &str) -> u32 {
        self.max(channel).saturating_sub(self.load(channel))
    }

    /// Load over every channel.
    pub fn total_load(&self) -> u32 {
        self.slots.iter().map(|s| s.load).sum()
    }

    /// Records one more conversation on `channel`.
    pub fn add_load(&mut self, channel: &str) {
        match self.slots.iter_mut().find(|s| s.channel == channel) {
            Some(s) => s.load += 1,
            None => self.slots.push(Slots {
                channel: channel.to_string(),
                max: default_capacity(channel),
                load: 1,
            }),
        }
    }

    /// Whether the agent speaks `language` (compared by primary subtag, so
    /// `pt-BR` matches `pt`).
    pub fn speaks(&self, language: &str) -> bool {
        let want = primary(language);
        self.languages.iter().any(|l| primary(l) == want)
    }

    /// Sum of the agent's levels in the conversation's skills.
    pub fn skill_score(&self, wanted: &[String]) -> u32 {
        wanted
            .iter()
            .filter_map(|w| self.skills.iter().find(|(s, _)| s == w))
            .map(|(_, level)| u32::from(*level))
            .sum()
    }
}

fn primary(tag: &str) -> String {
    tag.split(['-', '_'])
        .next()
        .unwrap_or(tag)
        .to_ascii_lowercase()
}

/// The conversation being routed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversation {
    /// Id (only carried through, never used to decide).
    pub id: i64,
    /// Channel it arrived on.
    pub channel: String,
    /// Detected or given language.
    pub language: Option<String>,
    /// Skills it needs (its tags, e.g. `billing`).
    pub skills: Vec<String>,
    /// The customer's previous agent, for sticky routing.
    pub previous_agent: Option<i64>,
}
