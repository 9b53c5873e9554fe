//! The reports' vocabulary and answers: which metric, grouped how, and one
//! line of a report.

use serde::Serialize;
use utoipa::ToSchema;

use crate::vocab::closed_set;

closed_set! {
    /// What a report measures. Each is defined once, in
    /// [`super::metrics`], as a pure function of a conversation's events;
    /// `docs/CONTRACT.md` ("Report metrics") says the same in words.
    pub enum Metric ("report metric") {
        /// From a waiting customer's message to the first public reply of
        /// an agent, once per round (the start, and each reopen). Seconds.
        FirstResponseTime = "first_response_time",
        /// From a waiting customer's message to the agent's public reply,
        /// for every later wait of the round. Seconds.
        NextResponseTime = "next_response_time",
        /// From the start of a round (creation, or the reopen) to the solve
        /// (or a close without a solve). Seconds.
        ResolutionTime = "resolution_time",
        /// From the solve to the customer's confirmation (the customer
        /// closed it). Seconds.
        ConfirmationTime = "confirmation_time",
        /// Service-level targets met without a breach, among those decided.
        SlaAttainment = "sla_attainment",
        /// Ratings of 4 or 5 among the rated survey answers.
        Csat = "csat",
        /// Surveys answered among those sent.
        ResponseRate = "response_rate",
        /// Conversations created.
        Volume = "volume",
        /// Reopens (solved to open or pending).
        Reopens = "reopens",
        /// Transfers from one owner to another.
        Transfers = "transfers",
    }
}

/// What a metric's measurements are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Seconds, with a business-hours value and percentiles; the report's
    /// value is the mean.
    Duration,
    /// 0 or 1; the value is the share of ones.
    Share,
    /// 1 each; the value is their number.
    Count,
}

impl Metric {
    /// What its measurements are.
    pub fn kind(self) -> Kind {
        match self {
            Metric::FirstResponseTime
            | Metric::NextResponseTime
            | Metric::ResolutionTime
            | Metric::ConfirmationTime => Kind::Duration,
            Metric::SlaAttainment | Metric::Csat | Metric::ResponseRate => Kind::Share,
            Metric::Volume | Metric::Reopens | Metric::Transfers => Kind::Count,
        }
    }
}

closed_set! {
    /// What a measurement is attributed to. Agent, team and inbox are
    /// those at the moment the measurement completed; language and tags
    /// are the conversation's now.
    pub enum Dimension ("report dimension") {
        /// The agent (see each metric for which one).
        Agent = "agent",
        /// The conversation's team.
        Team = "team",
        /// The conversation's inbox.
        Inbox = "inbox",
        /// The channel it arrived on.
        Channel = "channel",
        /// Its language.
        Language = "language",
        /// Each of its tags (a conversation with two tags counts in both).
        Tag = "tag",
    }
}

closed_set! {
    /// How a report groups its lines: by a dimension, by day or week in
    /// the caller's time zone, by hour of the week there (the arrivals
    /// heatmap), or not at all (one line, the period's total).
    pub enum GroupBy ("grouping") {
        /// By agent.
        Agent = "agent",
        /// By team.
        Team = "team",
        /// By inbox.
        Inbox = "inbox",
        /// By channel.
        Channel = "channel",
        /// By language.
        Language = "language",
        /// By tag.
        Tag = "tag",
        /// By day.
        Day = "day",
        /// By week (from Monday).
        Week = "week",
        /// By weekday and hour in the caller's time zone, summed over the
        /// period: `1-00` (Monday 00:00–01:00) to `7-23` (Sunday 23:00).
        WeekdayHour = "weekday_hour",
        /// One line for the whole period (key `total`).
        Total = "total",
    }
}

impl GroupBy {
    /// The dimension whose buckets are read. Days, weeks, hours of the
    /// week and the total read the inbox's (every measurement has exactly
    /// one inbox), summed.
    pub fn dimension(self) -> Dimension {
        match self {
            GroupBy::Agent => Dimension::Agent,
            GroupBy::Team => Dimension::Team,
            GroupBy::Channel => Dimension::Channel,
            GroupBy::Language => Dimension::Language,
            GroupBy::Tag => Dimension::Tag,
            GroupBy::Inbox
            | GroupBy::Day
            | GroupBy::Week
            | GroupBy::WeekdayHour
            | GroupBy::Total => Dimension::Inbox,
        }
    }
}

/// One line of a report.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ReportLine {
    /// What the line is: an agent's, team's or inbox's name, a channel,
    /// language or tag, a date (`YYYY-MM-DD`, a week by its Monday), an
    /// hour of the week (`1-09`: Monday 09:00), `total`, or `none` for what
    /// is not attributed (no agent, no team, no language, no tag).
    pub group: String,
    /// The agent, team or inbox id, the channel, language, tag, date, hour
    /// of the week or `total`; empty for `none`.
    pub key: String,
    /// Measurements.
    pub count: i64,
    /// Median (durations only, seconds; within the histogram's precision).
    pub p50: Option<i64>,
    /// 90th percentile (durations only, seconds).
    pub p90: Option<i64>,
    /// Mean (seconds for durations; the share for shares; 1 for counts).
    pub mean: Option<f64>,
    /// The metric's figure: the mean for durations, the share for shares,
    /// the number for counts.
    pub value: Option<f64>,
}

/// A report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Report {
    /// The lines, with `none` last (dates in order).
    pub items: Vec<ReportLine>,
}
