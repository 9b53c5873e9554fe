//! Every strategy and every fallback of the decision.

use super::*;
use crate::{Slots, default_capacity};

const TEAM: i64 = 1;

fn agent(id: i64) -> Agent {
    Agent {
        id,
        presence: Presence::Online,
        teams: vec![TEAM],
        slots: vec![],
        languages: vec![],
        skills: vec![],
        last_assigned: 0,
    }
}

fn with_load(mut a: Agent, channel: &str, max: u32, load: u32) -> Agent {
    a.slots.push(Slots {
        channel: channel.into(),
        max,
        load,
    });
    a
}

fn speaking(mut a: Agent, langs: &[&str]) -> Agent {
    a.languages = langs.iter().map(|l| l.to_string()).collect();
    a
}

fn skilled(mut a: Agent, skills: &[(&str, u8)]) -> Agent {
    a.skills = skills.iter().map(|(s, l)| (s.to_string(), *l)).collect();
    a
}

fn last(mut a: Agent, at: i64) -> Agent {
    a.last_assigned = at;
    a
}

fn conv(channel: &str) -> Conversation {
    Conversation {
        id: 1,
        channel: channel.into(),
        language: None,
        skills: vec![],
        previous_agent: None,
    }
}

fn rule(strategy: Strategy) -> Rule {
    Rule {
        team_id: TEAM,
        strategy,
        skills_first: false,
        sticky: false,
    }
}

fn assigned(d: Decision) -> (i64, Basis) {
    match d {
        Decision::Assign { agent, basis } => (agent, basis),
        Decision::Queue => panic!("expected an assignment, got Queue"),
    }
}

#[test]
fn round_robin_picks_who_waited_longest() {
    let agents = vec![
        last(agent(1), 300),
        last(agent(2), 100),
        last(agent(3), 200),
    ];
    let (a, basis) = assigned(decide(&agents, &conv("email"), &rule(Strategy::RoundRobin)));
    assert_eq!(a, 2);
    assert_eq!(basis, Basis::Strategy);
}

#[test]
fn round_robin_goes_round_the_team_in_a_burst() {
    let mut agents = vec![agent(1), agent(2), agent(3)];
    let queue: Vec<_> = (0..6)
        .map(|_| (conv("email"), rule(Strategy::RoundRobin)))
        .collect();
    let plan = plan_queue(&mut agents, &queue, 1000);
    let order: Vec<i64> = plan.iter().map(|(_, a, _)| *a).collect();
    assert_eq!(
        order,
        vec![1, 2, 3, 1, 2, 3],
        "same millisecond, still in turn"
    );
}

#[test]
fn least_loaded_picks_the_lowest_share_of_capacity() {
    let agents = vec![
        with_load(agent(1), "email", 20, 10), // 50 %
        with_load(agent(2), "email", 10, 3),  // 30 %
        with_load(agent(3), "email", 5, 2),   // 40 %
    ];
    let (a, _) = assigned(decide(
        &agents,
        &conv("email"),
        &rule(Strategy::LeastLoaded),
    ));
    assert_eq!(a, 2);
}

#[test]
fn least_loaded_breaks_ties_by_total_load_then_turn() {
    let agents = vec![
        with_load(with_load(agent(1), "email", 10, 2), "chat", 3, 2),
        with_load(with_load(agent(2), "email", 10, 2), "chat", 3, 0),
    ];
    let (a, _) = assigned(decide(
        &agents,
        &conv("email"),
        &rule(Strategy::LeastLoaded),
    ));
    assert_eq!(a, 2, "same email share, fewer chats");
    let agents = vec![
        last(with_load(agent(1), "email", 10, 1), 50),
        last(with_load(agent(2), "email", 10, 1), 10),
    ];
    let (a, _) = assigned(decide(
        &agents,
        &conv("email"),
        &rule(Strategy::LeastLoaded),
    ));
    assert_eq!(a, 2, "equal loads: who waited longest");
}

#[test]
fn only_online_team_members_with_a_free_place_are_candidates() {
    let mut away = agent(1);
    away.presence = Presence::Away;
    let mut offline = agent(2);
    offline.presence = Presence::Offline;
    let mut elsewhere = agent(3);
    elsewhere.teams = vec![99];
    let full = with_load(agent(4), "chat", 3, 3);
    let no_chat = with_load(agent(5), "chat", 0, 0);
    let agents = vec![away, offline, elsewhere, full, no_chat];
    assert_eq!(
        decide(&agents, &conv("chat"), &rule(Strategy::RoundRobin)),
        Decision::Queue
    );
    // The full agent still takes email: capacity is per channel.
    let (a, _) = assigned(decide(
        &agents,
        &conv("email"),
        &rule(Strategy::LeastLoaded),
    ));
    assert!(a == 4 || a == 5, "got {a}");
}

#[test]
fn an_empty_team_queues() {
    assert_eq!(
        decide(&[], &conv("chat"), &rule(Strategy::LeastLoaded)),
        Decision::Queue
    );
}

#[test]
fn default_capacity_applies_when_unset() {
    assert_eq!(default_capacity("chat"), 3);
    assert_eq!(default_capacity("email"), 20);
    let a = agent(1);
    assert_eq!(a.free("chat"), 3);
    let mut b = agent(2);
    for _ in 0..3 {
        b.add_load("chat");
    }
    assert_eq!(b.free("chat"), 0);
}

#[test]
fn skills_first_prefers_the_language() {
    let agents = vec![
        speaking(last(agent(1), 0), &["en"]),
        speaking(last(agent(2), 500), &["ja", "en"]),
    ];
    let mut c = conv("chat");
    c.language = Some("ja".into());
    let mut r = rule(Strategy::RoundRobin);
    r.skills_first = true;
    let (a, basis) = assigned(decide(&agents, &c, &r));
    assert_eq!(
        (a, basis),
        (2, Basis::Language),
        "language beats round-robin turn"
    );
    // Region subtags still match.
    c.language = Some("JA-jp".into());
    assert_eq!(assigned(decide(&agents, &c, &r)).0, 2);
}

#[test]
fn skills_first_falls_back_when_no_speaker_is_available() {
    let mut busy = speaking(with_load(agent(2), "chat", 3, 3), &["lv"]);
    let en = speaking(agent(1), &["en"]);
    let mut c = conv("chat");
    c.language = Some("lv".into());
    let mut r = rule(Strategy::RoundRobin);
    r.skills_first = true;
    let (a, basis) = assigned(decide(&[en.clone(), busy.clone()], &c, &r));
    assert_eq!(
        (a, basis),
        (1, Basis::Strategy),
        "the Latvian speaker is full"
    );
    busy.slots.clear();
    busy.presence = Presence::Offline;
    let (a, basis) = assigned(decide(&[en.clone(), busy], &c, &r));
    assert_eq!(
        (a, basis),
        (1, Basis::Strategy),
        "the Latvian speaker is offline"
    );
    // Without skills-first the language is ignored altogether.
    let polyglot = speaking(last(agent(3), 9), &["lv"]);
    let plain = rule(Strategy::RoundRobin);
    assert_eq!(assigned(decide(&[en, polyglot], &c, &plain)).0, 1);
}

#[test]
fn skills_first_narrows_to_the_best_skill_level() {
    let agents = vec![
        skilled(speaking(agent(1), &["ca"]), &[("billing", 2)]),
        skilled(speaking(agent(2), &["ca"]), &[("billing", 5)]),
        skilled(
            speaking(agent(3), &["en"]),
            &[("billing", 5), ("refunds", 5)],
        ),
    ];
    let mut c = conv("email");
    c.language = Some("ca".into());
    c.skills = vec!["billing".into(), "refunds".into()];
    let mut r = rule(Strategy::LeastLoaded);
    r.skills_first = true;
    assert_eq!(
        assigned(decide(&agents, &c, &r)),
        (2, Basis::LanguageAndSkill),
        "language first, then the best level among the speakers"
    );
    // Nobody speaks the language: the best skill wins.
    c.language = Some("ko".into());
    assert_eq!(assigned(decide(&agents, &c, &r)), (3, Basis::Skill));
    // Nobody has the skill: the language still counts.
    c.language = Some("ca".into());
    c.skills = vec!["shipping".into()];
    let (a, basis) = assigned(decide(&agents, &c, &r));
    assert!(a == 1 || a == 2);
    assert_eq!(basis, Basis::Language);
}

#[test]
fn sticky_returns_to_the_previous_agent() {
    let agents = vec![last(agent(1), 0), last(agent(2), 900)];
    let mut c = conv("chat");
    c.previous_agent = Some(2);
    let mut r = rule(Strategy::RoundRobin);
    r.sticky = true;
    assert_eq!(assigned(decide(&agents, &c, &r)), (2, Basis::Sticky));
    // Sticky wins over skills-first too.
    r.skills_first = true;
    c.language = Some("ko".into());
    let agents = vec![speaking(agent(1), &["ko"]), agent(2)];
    assert_eq!(assigned(decide(&agents, &c, &r)), (2, Basis::Sticky));
}

#[test]
fn sticky_falls_back_when_the_previous_agent_cannot_take_it() {
    let mut r = rule(Strategy::RoundRobin);
    r.sticky = true;
    let mut c = conv("chat");
    c.previous_agent = Some(2);
    let full = with_load(agent(2), "chat", 3, 3);
    assert_eq!(
        assigned(decide(&[agent(1), full], &c, &r)),
        (1, Basis::Strategy)
    );
    let mut away = agent(2);
    away.presence = Presence::Away;
    assert_eq!(
        assigned(decide(&[agent(1), away], &c, &r)),
        (1, Basis::Strategy)
    );
    let mut moved = agent(2);
    moved.teams = vec![7];
    assert_eq!(
        assigned(decide(&[agent(1), moved], &c, &r)),
        (1, Basis::Strategy)
    );
    c.previous_agent = Some(42);
    assert_eq!(assigned(decide(&[agent(1)], &c, &r)), (1, Basis::Strategy));
    // Not sticky: the previous agent is just another candidate.
    c.previous_agent = Some(2);
    let plain = rule(Strategy::RoundRobin);
    assert_eq!(
        assigned(decide(&[agent(1), last(agent(2), 5)], &c, &plain)).0,
        1
    );
}

#[test]
fn planning_a_queue_respects_capacity_and_order() {
    let mut agents = vec![
        with_load(agent(1), "chat", 2, 1),
        with_load(agent(2), "chat", 1, 0),
    ];
    let queue: Vec<_> = (0..5)
        .map(|i| {
            let mut c = conv("chat");
            c.id = i;
            (c, rule(Strategy::LeastLoaded))
        })
        .collect();
    let plan = plan_queue(&mut agents, &queue, 10);
    assert_eq!(plan.len(), 2, "two free places");
    assert_eq!(plan[0].0, 0, "longest wait first");
    assert_eq!(plan[1].0, 1);
    assert!(agents.iter().all(|a| a.free("chat") == 0));
}

#[test]
fn planning_skips_what_cannot_be_placed_and_continues() {
    let mut agents = vec![with_load(with_load(agent(1), "chat", 1, 1), "email", 5, 0)];
    let r = rule(Strategy::RoundRobin);
    let queue = vec![(conv("chat"), r), (conv("email"), r)];
    let plan = plan_queue(&mut agents, &queue, 10);
    assert_eq!(
        plan,
        vec![(1, 1, Basis::Strategy)],
        "the chat waits, the email goes"
    );
}

#[test]
fn next_stamp_is_monotonic() {
    let agents = vec![last(agent(1), 5000)];
    assert_eq!(next_stamp(&agents, 4000), 5001);
    assert_eq!(next_stamp(&agents, 6000), 6000);
}
