//! Measures `tend_routing::decide` (one arriving conversation) and
//! `tend_routing::plan_queue` (draining a queue) on a synthetic desk:
//! 200 agents in 10 teams, five languages, skills with levels, mixed loads,
//! and 10,000 queued conversations. Prints p50/p99/max per decision.
//!
//! Run: `cargo run --release -p tend-bench-routing`

use std::hint::black_box;
use std::time::Instant;

use tend_routing::{Agent, Conversation, Presence, Rule, Slots, Strategy, decide, plan_queue};

const AGENTS: usize = 200;
const QUEUED: usize = 10_000;
const TEAMS: i64 = 10;
const LANGS: [&str; 5] = ["en", "ja", "ko", "lv", "ca"];
const SKILLS: [&str; 6] = ["billing", "refunds", "shipping", "login", "api", "returns"];
const CHANNELS: [&str; 2] = ["chat", "email"];

/// A small deterministic generator (xorshift), so runs are comparable.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn agents(rng: &mut Rng) -> Vec<Agent> {
    (0..AGENTS)
        .map(|i| {
            let presence = match rng.below(10) {
                0 => Presence::Offline,
                1 => Presence::Away,
                _ => Presence::Online,
            };
            Agent {
                id: i as i64 + 1,
                presence,
                teams: vec![(i as i64) % TEAMS + 1, ((i as i64) + 3) % TEAMS + 1],
                slots: vec![
                    Slots {
                        channel: "chat".into(),
                        max: 3,
                        load: rng.below(4) as u32,
                    },
                    Slots {
                        channel: "email".into(),
                        max: 20,
                        load: rng.below(21) as u32,
                    },
                ],
                languages: vec![
                    LANGS[rng.below(LANGS.len())].into(),
                    LANGS[rng.below(LANGS.len())].into(),
                ],
                skills: (0..3)
                    .map(|_| {
                        (
                            SKILLS[rng.below(SKILLS.len())].to_string(),
                            (rng.below(5) + 1) as u8,
                        )
                    })
                    .collect(),
                last_assigned: rng.below(1_000_000) as i64,
            }
        })
        .collect()
}

fn conversation(rng: &mut Rng, id: i64) -> (Conversation, Rule) {
    let strategy = if rng.below(2) == 0 {
        Strategy::RoundRobin
    } else {
        Strategy::LeastLoaded
    };
    (
        Conversation {
            id,
            channel: CHANNELS[rng.below(2)].into(),
            language: Some(LANGS[rng.below(LANGS.len())].into()),
            skills: vec![SKILLS[rng.below(SKILLS.len())].into()],
            previous_agent: (rng.below(3) == 0).then(|| rng.below(AGENTS) as i64 + 1),
        },
        Rule {
            team_id: rng.below(TEAMS as usize) as i64 + 1,
            strategy,
            skills_first: rng.below(4) != 0,
            sticky: rng.below(2) == 0,
        },
    )
}

fn percentile(sorted: &[u128], p: f64) -> u128 {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

fn report(name: &str, mut ns: Vec<u128>) {
    ns.sort_unstable();
    println!(
        "{name}: n={} p50={:.1} µs p99={:.1} µs max={:.1} µs",
        ns.len(),
        percentile(&ns, 0.50) as f64 / 1000.0,
        percentile(&ns, 0.99) as f64 / 1000.0,
        ns.last().copied().unwrap_or(0) as f64 / 1000.0,
    );
}

fn main() {
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let snapshot = agents(&mut rng);
    let queue: Vec<(Conversation, Rule)> = (0..QUEUED)
        .map(|i| conversation(&mut rng, i as i64))
        .collect();
    println!(
        "{AGENTS} agents ({} online) in {TEAMS} teams, {QUEUED} queued conversations",
        snapshot
            .iter()
            .filter(|a| a.presence == Presence::Online)
            .count()
    );

    // 1. One decision per arriving conversation, against the full snapshot.
    for (c, r) in queue.iter().take(1000) {
        black_box(decide(&snapshot, c, r));
    }
    let mut times = Vec::with_capacity(QUEUED);
    for (c, r) in &queue {
        let t = Instant::now();
        black_box(decide(black_box(&snapshot), c, r));
        times.push(t.elapsed().as_nanos());
    }
    report("decide (one conversation, 200 agents)", times);

    // 2. Draining the whole queue of 10,000 once capacity frees up.
    let mut runs = Vec::new();
    let mut placed = 0;
    for round in 0..50 {
        let mut agents = snapshot.clone();
        for a in agents.iter_mut() {
            for s in a.slots.iter_mut() {
                s.load = 0;
            }
        }
        let t = Instant::now();
        let plan = plan_queue(&mut agents, black_box(&queue), 1_000_000 + round);
        runs.push(t.elapsed().as_nanos());
        placed = plan.len();
        black_box(plan);
    }
    println!("plan_queue places {placed} of {QUEUED} with every agent emptied");
    report(
        "plan_queue (whole queue of 10,000, 200 agents)",
        runs.clone(),
    );
    let per: Vec<u128> = runs.iter().map(|r| r / QUEUED as u128).collect();
    report("plan_queue per queued conversation", per);
}
