// Over 500 lines on purpose: one generator of a demo conversation, whose
// steps (arrival, routing, replies, transfers, solving, surveys) read in
// the order they happen; split, the order would be lost.
//! Writes the life of each demo conversation as rows: the customer, the
//! conversation, its messages, tags and timeline events. The steps follow
//! the rules of the conversation service (a public reply opens a new
//! conversation and ends the customer's wait, a customer message reopens a
//! pending or solved one, …) so the rows agree with the events. Pure: no IO.

use super::people::{pick_agent, profile};
use super::phrases::{BANKS, Bank, Topic};
use super::rng::Rng;
use super::rows::{Batch, ConversationRow, CustomerRow, NextIds, Setup};
use super::timeline::{Messages, Timeline, assign, message_data, sign, status};
use crate::vocab::EventKind;

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;
/// Fills `{n}` and `{name}`.
fn fill(template: &str, n: &str, name: &str) -> String {
    if !template.contains('{') {
        return template.to_string();
    }
    template.replace("{n}", n).replace("{name}", name)
}

/// Channel, its relative weight.
const CHANNELS: [(&str, u32); 5] = [
    ("email", 50),
    ("chat", 20),
    ("web", 15),
    ("api", 8),
    ("portal", 7),
];
const PRIORITIES: [(&str, u32); 4] = [("low", 15), ("normal", 60), ("high", 20), ("urgent", 5)];
const STATUSES: [&str; 5] = ["new", "open", "pending", "solved", "closed"];

/// The final status, by how long ago the conversation started: recent
/// ones are still being worked, those of the last two weeks mostly done,
/// and older ones all solved or closed, so that nobody in the demo has
/// waited for months.
fn status_for_age(r: &mut Rng, age: i64) -> &'static str {
    let w: [u32; 5] = if age < 2 * DAY {
        [300, 300, 200, 150, 50]
    } else if age < 14 * DAY {
        [5, 60, 120, 400, 415]
    } else {
        [0, 0, 0, 60, 940]
    };
    STATUSES[r.weighted(&w)]
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    In,
    Out,
    Note,
}

/// Makes batches of demo rows, one conversation after another.
#[derive(Debug)]
pub struct Generator {
    rng: Rng,
    seed: u64,
    setup: Setup,
    by_lang: Vec<Vec<usize>>,
    next: NextIds,
    first_customer: i64,
    total: u64,
    done: u64,
    now: i64,
    span: i64,
    avg_messages: u64,
}

impl Generator {
    /// A generator for `total` conversations with about `avg_messages`
    /// messages each, spread over the year before `now`.
    pub fn new(
        seed: u64,
        setup: Setup,
        next: NextIds,
        total: u64,
        avg_messages: u64,
        now: i64,
    ) -> Generator {
        let by_lang = (0..BANKS.len())
            .map(|l| {
                let mine: Vec<usize> = (0..setup.agents.len())
                    .filter(|&i| setup.agents[i].lang == l)
                    .collect();
                if mine.is_empty() {
                    (0..setup.agents.len()).collect()
                } else {
                    mine
                }
            })
            .collect();
        Generator {
            rng: Rng::new(seed),
            seed,
            setup,
            by_lang,
            next,
            first_customer: next.customer,
            total,
            done: 0,
            now,
            span: 365 * DAY,
            avg_messages: avg_messages.max(1),
        }
    }

    /// The ids the next conversation would use.
    pub fn next_ids(&self) -> NextIds {
        self.next
    }

    /// The id range of the customers created so far: `first..end`.
    pub fn customer_range(&self) -> (i64, i64) {
        (self.first_customer, self.next.customer)
    }

    /// The next `n` conversations (fewer at the end).
    pub fn batch(&mut self, n: u64) -> Batch {
        let n = n.min(self.total - self.done);
        let mut b = Batch {
            conversations: Vec::with_capacity(n as usize),
            messages: Vec::with_capacity((n * (self.avg_messages + 1)) as usize),
            events: Vec::with_capacity((n * (self.avg_messages * 2 + 3)) as usize),
            ..Batch::default()
        };
        for _ in 0..n {
            // Ids grow with time, as they do when conversations arrive.
            let slot = self.span as f64 / self.total.max(1) as f64;
            let t0 = self.now - self.span
                + (self.done as f64 * slot + self.rng.unit() * slot * 0.9) as i64;
            self.conversation(&mut b, t0);
            self.done += 1;
        }
        b
    }

    fn customer(&mut self, b: &mut Batch, t0: i64) -> i64 {
        let made = self.next.customer - self.first_customer;
        if made == 0 || self.rng.chance(0.25) {
            let id = self.next.customer;
            self.next.customer += 1;
            let p = profile(self.seed, id);
            b.customers.push(CustomerRow {
                id,
                name: p.name,
                email: p.email,
                phone: p.phone,
                language: BANKS[p.lang].code,
                timezone: p.timezone,
                created_at: t0,
            });
            id
        } else if self.rng.chance(0.5) {
            self.rng.range(self.first_customer, self.next.customer)
        } else {
            // Recent customers are the likeliest to write again.
            self.next.customer - 1 - self.rng.below(made.min(2000) as u64) as i64
        }
    }

    fn conversation(&mut self, b: &mut Batch, t0: i64) {
        let customer_id = self.customer(b, t0);
        let p = profile(self.seed, customer_id);
        let bank: &'static Bank = BANKS[p.lang];
        let r = &mut self.rng;
        let ti = r.below(bank.topics.len() as u64) as usize;
        let topic: &'static Topic = &bank.topics[ti];
        let order = r.range(100_000, 1_000_000).to_string();
        let channel = CHANNELS[r.weighted(&CHANNELS.map(|c| c.1))].0;
        let inbox_id = match channel {
            "email" => self.setup.email_inbox,
            "chat" => self.setup.chat_inbox,
            "web" | "portal" => self.setup.web_inbox,
            _ => self.setup.default_inbox,
        };
        let mut priority = PRIORITIES[r.weighted(&PRIORITIES.map(|c| c.1))].0;
        let mut tags: Vec<&'static str> = vec![topic.tag];
        if r.chance(0.06) {
            tags.push("vip");
        }
        let target = status_for_age(r, self.now - t0);
        let mut k = 1 + r.below(2 * self.avg_messages - 1);
        let mut steps = vec![Step::In];
        if target == "new" {
            k = k.min(2);
            steps.extend(std::iter::repeat_n(Step::In, k as usize - 1));
        } else {
            k = k.max(2);
            let mut out = true;
            while (steps.len() as u64) < k {
                if r.chance(0.12) {
                    steps.push(Step::Note);
                } else {
                    steps.push(if out { Step::Out } else { Step::In });
                    out = !out;
                }
            }
            let last_public = steps.iter().rposition(|s| *s != Step::Note).unwrap_or(0);
            let has_out = steps.contains(&Step::Out);
            if !has_out || (target != "open" && steps[last_public] == Step::In) {
                // Replies, solving and waiting all need a last word from the desk.
                let i = if last_public == 0 {
                    steps.len()
                } else {
                    last_public
                };
                if i == steps.len() {
                    steps.push(Step::Out);
                } else {
                    steps[i] = Step::Out;
                }
            }
        }

        let id = self.next.conversation;
        self.next.conversation += 1;
        let m0 = b.messages.len();
        let e0 = b.events.len();
        let subject = fill(r.pick(topic.subjects), &order, &p.name);
        let mut c = ConversationRow {
            id,
            inbox_id,
            customer_id,
            subject,
            status: "new",
            priority,
            channel,
            assignee_id: None,
            team_id: None,
            tags: tags.clone(),
            language: bank.code,
            created_at: t0,
            updated_at: t0,
            first_response_at: None,
            solved_at: None,
            closed_at: None,
            waiting_since: Some(t0),
            reopen_count: 0,
            transfer_count: 0,
            message_count: 0,
        };
        let mut tl = Timeline {
            conversation_id: id,
            next_event: &mut self.next.event,
            events: &mut b.events,
        };
        tl.add(
            EventKind::Created,
            "system",
            None,
            serde_json::json!({"subject": c.subject, "channel": channel, "inbox_id": inbox_id,
                "customer_id": customer_id, "priority": priority, "tags": tags})
            .to_string(),
            t0,
        );

        let mut msgs = Messages {
            conversation_id: id,
            next_message: &mut self.next.message,
            messages: &mut b.messages,
            email: channel == "email",
            customer_domain: p
                .email
                .rsplit('@')
                .next()
                .unwrap_or("example.com")
                .to_string(),
        };
        // The first message.
        let mut text = String::with_capacity(400);
        text.push_str(r.pick(bank.hello));
        text.push_str("\n\n");
        text.push_str(&fill(r.pick(topic.problems), &order, &p.name));
        if r.chance(0.6) {
            text.push_str(bank.sep);
            text.push_str(r.pick(bank.details));
        }
        sign(&mut text, r.pick(bank.sign_off), &p.name);
        let mid = msgs.customer(r, customer_id, &p, text, t0);
        tl.add(
            EventKind::MessageAdded,
            "customer",
            Some(customer_id),
            message_data(mid, "in"),
            t0,
        );
        c.message_count = 1;

        let mut t = t0;
        let mut assignee: Option<usize> = None;
        let urgency = match priority {
            "urgent" => 0.2,
            "high" => 0.5,
            _ => 1.0,
        };
        if target == "new" && r.chance(0.3) {
            t += r.range(MINUTE, 20 * MINUTE);
            let a = self.by_lang[p.lang][r.below(self.by_lang[p.lang].len() as u64) as usize];
            assign(&mut tl, &mut c, &self.setup, a, t);
            assignee = Some(a);
        }
        let mut action_i = r.below(topic.actions.len() as u64) as usize;
        for (si, step) in steps.iter().enumerate().skip(1) {
            let r = &mut self.rng;
            let next_step = steps.get(si + 1).copied();
            let later_out = steps[si + 1..].contains(&Step::Out);
            match step {
                Step::In => {
                    t += r.range(30 * MINUTE, 2 * DAY);
                    let mut text = String::with_capacity(300);
                    if target == "new" {
                        text.push_str(r.pick(bank.hello));
                        text.push_str("\n\n");
                        text.push_str(r.pick(bank.details));
                    } else if later_out || target == "open" {
                        text.push_str(r.pick(bank.still));
                    } else {
                        text.push_str(r.pick(bank.thanks));
                    }
                    sign(&mut text, r.pick(bank.sign_off), &p.name);
                    let mid = msgs.customer(r, customer_id, &p, text, t);
                    tl.add(
                        EventKind::MessageAdded,
                        "customer",
                        Some(customer_id),
                        message_data(mid, "in"),
                        t,
                    );
                    c.message_count += 1;
                    c.waiting_since.get_or_insert(t);
                    if matches!(c.status, "pending" | "solved") {
                        if c.status == "solved" {
                            c.reopen_count += 1;
                        }
                        status(&mut tl, &mut c, "open", "customer", Some(customer_id), t);
                    }
                }
                Step::Note => {
                    t += r.range(5 * MINUTE, HOUR);
                    let a = match assignee {
                        Some(a) => a,
                        None => self.by_lang[p.lang][0],
                    };
                    let agent = &self.setup.agents[a];
                    let mid = msgs.agent(agent, r.pick(bank.notes).to_string(), true, t);
                    tl.add(
                        EventKind::NoteAdded,
                        "agent",
                        Some(agent.id),
                        message_data(mid, "out"),
                        t,
                    );
                    c.message_count += 1;
                }
                Step::Out => {
                    t += (r.range(10 * MINUTE, 8 * HOUR) as f64 * urgency) as i64;
                    let a = match assignee {
                        Some(a) => a,
                        None => {
                            let a = pick_agent(r, &self.by_lang[p.lang], &self.setup.agents, None);
                            assign(&mut tl, &mut c, &self.setup, a, t - MINUTE);
                            assignee = Some(a);
                            a
                        }
                    };
                    let agent = self.setup.agents[a].clone();
                    let mut text = String::with_capacity(500);
                    text.push_str(&fill(r.pick(bank.agent_hello), &order, &p.name));
                    text.push_str("\n\n");
                    if c.first_response_at.is_none() {
                        text.push_str(r.pick(bank.agent_ack));
                        text.push_str(bank.sep);
                    }
                    text.push_str(&fill(
                        topic.actions[action_i % topic.actions.len()],
                        &order,
                        &p.name,
                    ));
                    action_i += 1;
                    sign(&mut text, r.pick(bank.agent_bye), &agent.name);
                    let mid = msgs.agent(&agent, text, false, t);
                    tl.add(
                        EventKind::MessageAdded,
                        "agent",
                        Some(agent.id),
                        message_data(mid, "out"),
                        t,
                    );
                    c.message_count += 1;
                    c.first_response_at.get_or_insert(t);
                    c.waiting_since = None;
                    if c.status == "new" {
                        status(&mut tl, &mut c, "open", "agent", Some(agent.id), t);
                    }
                    if r.chance(0.04) {
                        let to = match priority {
                            "low" | "normal" => "high",
                            _ => "normal",
                        };
                        tl.add(
                            EventKind::PriorityChanged,
                            "agent",
                            Some(agent.id),
                            format!(r#"{{"from":"{priority}","to":"{to}"}}"#),
                            t + 1000,
                        );
                        priority = to;
                        c.priority = to;
                    }
                    if r.chance(0.05) && !c.tags.contains(&"follow-up") {
                        c.tags.push("follow-up");
                        tl.add(
                            EventKind::TagsChanged,
                            "agent",
                            Some(agent.id),
                            serde_json::json!({"added": ["follow-up"], "removed": [], "tags": c.tags})
                                .to_string(),
                            t + 2000,
                        );
                    }
                    if next_step == Some(Step::In) {
                        if r.chance(0.06) {
                            // Solved too early: the customer's answer reopens it.
                            c.solved_at = Some(t + 3000);
                            c.waiting_since = None;
                            status(&mut tl, &mut c, "solved", "agent", Some(agent.id), t + 3000);
                        } else if r.chance(0.35) {
                            c.waiting_since = None;
                            status(
                                &mut tl,
                                &mut c,
                                "pending",
                                "agent",
                                Some(agent.id),
                                t + 3000,
                            );
                        }
                    }
                    if later_out && r.chance(0.03) {
                        let to = pick_agent(
                            r,
                            &self.by_lang[p.lang],
                            &self.setup.agents,
                            Some(agent.id),
                        );
                        if to != a {
                            let reason = fill(r.pick(bank.reasons), &order, &p.name);
                            let to_agent = &self.setup.agents[to];
                            tl.add(
                                EventKind::Transferred,
                                "agent",
                                Some(self.setup.supervisor_id),
                                serde_json::json!({"from": agent.id, "to": to_agent.id, "reason": reason})
                                    .to_string(),
                                t + 4000,
                            );
                            c.transfer_count += 1;
                            c.assignee_id = Some(to_agent.id);
                            assignee = Some(to);
                        }
                    }
                }
            }
        }
        let r = &mut self.rng;
        let closer = assignee.map(|a| self.setup.agents[a].id);
        match target {
            "pending" if c.status == "open" => {
                t += r.range(MINUTE, 10 * MINUTE);
                c.waiting_since = None;
                status(&mut tl, &mut c, "pending", "agent", closer, t);
            }
            "solved" | "closed" => {
                if c.status != "solved" {
                    t += r.range(MINUTE, HOUR);
                    c.solved_at = Some(t);
                    c.waiting_since = None;
                    status(&mut tl, &mut c, "solved", "agent", closer, t);
                }
                if target == "closed" {
                    t += r.range(3 * DAY, 7 * DAY);
                    c.closed_at = Some(t);
                    if r.chance(0.5) {
                        status(&mut tl, &mut c, "closed", "customer", Some(customer_id), t);
                    } else {
                        status(&mut tl, &mut c, "closed", "system", None, t);
                    }
                }
            }
            _ => {}
        }
        c.updated_at = tl.events.last().map_or(t, |e| e.created_at.max(t));

        // Recent conversations cannot end in the future: squeeze their story.
        if t > self.now {
            let f = (self.now - t0) as f64 / (t - t0) as f64;
            let squeeze = |x: i64| t0 + ((x - t0) as f64 * f) as i64;
            for m in &mut b.messages[m0..] {
                m.created_at = squeeze(m.created_at);
            }
            for e in &mut b.events[e0..] {
                e.created_at = squeeze(e.created_at);
            }
            c.updated_at = squeeze(c.updated_at);
            c.first_response_at = c.first_response_at.map(squeeze);
            c.solved_at = c.solved_at.map(squeeze);
            c.closed_at = c.closed_at.map(squeeze);
            c.waiting_since = c.waiting_since.map(squeeze);
        }
        for tag in &c.tags {
            b.tags.push((id, tag));
        }
        b.conversations.push(c);
    }
}
