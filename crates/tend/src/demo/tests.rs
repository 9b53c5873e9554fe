//! Demo data: each language really is in its language, the rows tell a
//! consistent story, and a seeded database works through the services.

use std::collections::{HashMap, HashSet};

use super::people::profile;
use super::phrases::BANKS;
use super::rows::{Agent, Batch, NextIds, Setup};
use super::story::Generator;
use crate::conversations::Status;
use crate::vocab::EventKind;

const NOW: i64 = 1_780_000_000_000;

fn setup() -> Setup {
    let agents = (0..15)
        .map(|i| Agent {
            id: 10 + i as i64,
            name: format!("Agent{i}"),
            lang: i / 3,
            team_id: 1,
            billing: i % 3 == 0,
        })
        .collect();
    Setup {
        agents,
        supervisor_id: 9,
        billing_team_id: 2,
        default_inbox: 1,
        email_inbox: 2,
        chat_inbox: 3,
        web_inbox: 4,
    }
}

fn generate(n: u64, avg: u64) -> Batch {
    let next = NextIds {
        customer: 1,
        conversation: 1,
        message: 1,
        event: 1,
    };
    let mut g = Generator::new(99, setup(), next, n, avg, NOW);
    let mut all = Batch::default();
    loop {
        let b = g.batch(700);
        if b.conversations.is_empty() {
            break;
        }
        all.customers.extend(b.customers);
        all.conversations.extend(b.conversations);
        all.tags.extend(b.tags);
        all.messages.extend(b.messages);
        all.events.extend(b.events);
    }
    all
}

fn is_kana(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30FF}')
}
fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}')
}
fn is_hangul(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7AF}')
}
fn is_cjk(c: char) -> bool {
    is_kana(c) || is_han(c) || is_hangul(c)
}
const LATVIAN: &str = "āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽ";
const CATALAN: &str = "àèéíïòóúüçÀÈÉÍÏÒÓÚÜÇ·'";
const KOREAN_PARTICLES: [&str; 12] = [
    "은 ", "는 ", "이 ", "가 ", "을 ", "를 ", "에 ", "의 ", "로 ", "도 ", "과 ", "에서 ",
];

/// Checks that `text` is written in language `lang`.
fn assert_in_language(lang: &str, text: &str) {
    match lang {
        "en" => assert!(text.is_ascii(), "English text with non-ASCII: {text}"),
        "ja" => {
            assert!(text.chars().any(is_kana), "Japanese without kana: {text}");
            assert!(
                !text.contains(' ') && !text.contains('\u{3000}'),
                "Japanese with spaces: {text}"
            );
            assert!(!text.chars().any(is_hangul), "{text}");
        }
        "ko" => {
            assert!(text.chars().any(is_hangul), "Korean without Hangul: {text}");
            assert!(
                KOREAN_PARTICLES.iter().any(|p| text.contains(p)),
                "Korean without particles: {text}"
            );
            assert!(!text.chars().any(is_kana), "{text}");
        }
        "lv" => {
            assert!(
                text.chars().any(|c| LATVIAN.contains(c)),
                "Latvian without diacritics: {text}"
            );
            assert!(
                !text.chars().any(|c| "àèòç·".contains(c) || is_cjk(c)),
                "{text}"
            );
        }
        "ca" => {
            assert!(
                text.chars().any(|c| CATALAN.contains(c)),
                "Catalan without accents: {text}"
            );
            assert!(
                !text.chars().any(|c| "āēīūšžņļķģč".contains(c) || is_cjk(c)),
                "{text}"
            );
        }
        other => panic!("unexpected language {other}"),
    }
}

#[test]
fn every_language_is_written_in_its_own_script() {
    let b = generate(3000, 5);
    let lang_of: HashMap<i64, &str> = b.conversations.iter().map(|c| (c.id, c.language)).collect();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for m in &b.messages {
        let lang = lang_of[&m.conversation_id];
        assert_in_language(lang, &m.text);
        *seen.entry(lang).or_default() += 1;
    }
    for c in &b.conversations {
        // Subjects are short: check only that no other script slipped in.
        match c.language {
            "en" => assert!(c.subject.is_ascii(), "{}", c.subject),
            "ja" => assert!(
                c.subject.chars().any(|ch| is_kana(ch) || is_han(ch)) && !c.subject.contains(' ')
            ),
            "ko" => assert!(c.subject.chars().any(is_hangul)),
            _ => assert!(!c.subject.chars().any(is_cjk), "{}", c.subject),
        }
    }
    assert_eq!(seen.len(), 5, "all five languages appear: {seen:?}");
    // The phrase banks hold the tricky cases the search must handle.
    let all: String = b.messages.iter().map(|m| m.text.as_str()).collect();
    assert!(all.contains("d'atenció") && all.contains("l·l"));
    assert!(all.contains("ņ") && all.contains("ū"));
}

#[test]
fn languages_are_shared_about_equally_and_customers_come_back() {
    let b = generate(5000, 5);
    let mut per: HashMap<&str, usize> = HashMap::new();
    for c in &b.conversations {
        *per.entry(c.language).or_default() += 1;
    }
    for (lang, n) in &per {
        assert!((700..1300).contains(n), "{lang}: {n} of 5000");
    }
    let customers: HashSet<i64> = b.conversations.iter().map(|c| c.customer_id).collect();
    assert_eq!(customers.len(), b.customers.len());
    assert!(b.customers.len() < 2000, "{} customers", b.customers.len());
    let mut per_customer: HashMap<i64, usize> = HashMap::new();
    for c in &b.conversations {
        *per_customer.entry(c.customer_id).or_default() += 1;
    }
    assert!(per_customer.values().filter(|n| **n >= 3).count() > 100);
    // A customer's conversations are in the customer's language.
    let lang: HashMap<i64, &str> = b.customers.iter().map(|c| (c.id, c.language)).collect();
    assert!(
        b.conversations
            .iter()
            .all(|c| lang[&c.customer_id] == c.language)
    );
    let emails: HashSet<&str> = b.customers.iter().map(|c| c.email.as_str()).collect();
    assert_eq!(emails.len(), b.customers.len(), "addresses are unique");
    assert!(
        b.customers
            .iter()
            .all(|c| c.email.is_ascii() && c.email == c.email.to_lowercase())
    );
    let avg = b.messages.len() as f64 / b.conversations.len() as f64;
    assert!(
        (4.3..5.7).contains(&avg),
        "about 5 messages each, got {avg}"
    );
    let statuses: HashSet<&str> = b.conversations.iter().map(|c| c.status).collect();
    assert_eq!(statuses.len(), 5, "{statuses:?}");
}

#[test]
fn rows_agree_with_the_timeline() {
    let b = generate(2000, 6);
    let mut msgs: HashMap<i64, Vec<&super::rows::MessageRow>> = HashMap::new();
    for m in &b.messages {
        msgs.entry(m.conversation_id).or_default().push(m);
    }
    let mut evs: HashMap<i64, Vec<&super::rows::EventRow>> = HashMap::new();
    for e in &b.events {
        evs.entry(e.conversation_id).or_default().push(e);
    }
    for c in &b.conversations {
        let ms = &msgs[&c.id];
        let es = &evs[&c.id];
        assert_eq!(c.message_count as usize, ms.len());
        assert_eq!(es[0].kind, EventKind::Created);
        assert_eq!(ms[0].direction, "in");
        assert!(
            ms.iter()
                .all(|m| m.created_at >= c.created_at && m.created_at <= NOW)
        );
        assert!(
            es.windows(2)
                .all(|w| w[0].created_at <= w[1].created_at && w[0].id < w[1].id)
        );
        assert_eq!(es.last().map(|e| e.created_at), Some(c.updated_at));
        // Every message has its event, and every event names a real message.
        let ids: HashSet<i64> = ms.iter().map(|m| m.id).collect();
        let mut referenced = HashSet::new();
        let mut state = Status::New;
        for e in es.iter() {
            let data: serde_json::Value = serde_json::from_str(&e.data).expect("json");
            match e.kind {
                EventKind::MessageAdded | EventKind::NoteAdded => {
                    let id = data["message_id"].as_i64().expect("message id");
                    assert!(ids.contains(&id));
                    referenced.insert(id);
                }
                EventKind::StatusChanged => {
                    let from = Status::parse("from", data["from"].as_str().expect("from"))
                        .expect("status");
                    let to = Status::parse("to", data["to"].as_str().expect("to")).expect("status");
                    assert_eq!(from, state);
                    assert!(from.can_become(to) && from != to, "{from:?} -> {to:?}");
                    state = to;
                }
                _ => {}
            }
        }
        assert_eq!(referenced, ids);
        assert_eq!(state.as_str(), c.status);
        let first_reply = ms.iter().find(|m| m.direction == "out" && !m.internal);
        assert_eq!(c.first_response_at, first_reply.map(|m| m.created_at));
        if matches!(c.status, "pending" | "solved" | "closed") {
            assert_eq!(c.waiting_since, None);
        }
        let ever_solved = es
            .iter()
            .any(|e| e.kind == EventKind::StatusChanged && e.data.contains(r#""to":"solved""#));
        assert_eq!(c.solved_at.is_some(), ever_solved);
        assert_eq!(c.closed_at.is_some(), c.status == "closed");
        assert_eq!(c.status == "new", first_reply.is_none());
        let assigned = es.iter().filter(|e| e.kind == EventKind::Assigned).count();
        assert!(assigned <= 1);
        assert_eq!(c.assignee_id.is_some(), assigned == 1);
        assert_eq!(
            c.transfer_count as usize,
            es.iter()
                .filter(|e| e.kind == EventKind::Transferred)
                .count()
        );
        // Messages are written by the customer or by agents of the language.
        for m in ms {
            match m.author_kind {
                "customer" => assert_eq!(m.author_id, c.customer_id),
                _ => assert_eq!(
                    setup().agents[(m.author_id - 10) as usize].lang,
                    BANKS
                        .iter()
                        .position(|b| b.code == c.language)
                        .expect("lang")
                ),
            }
        }
    }
}

#[test]
fn same_seed_same_data() {
    let a = generate(300, 5);
    let b = generate(300, 5);
    let ta: Vec<&str> = a.messages.iter().map(|m| m.text.as_str()).collect();
    let tb: Vec<&str> = b.messages.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(ta, tb);
    assert_eq!(profile(1, 42).email, profile(1, 42).email);
    assert_ne!(profile(1, 42).email, profile(1, 43).email);
}

#[test]
fn latvian_women_carry_female_surnames() {
    let lv = BANKS.iter().find(|b| b.code == "lv").expect("lv");
    let female: HashSet<&str> = lv.family_female.iter().map(|f| f.0).collect();
    let male: HashSet<&str> = lv.family.iter().map(|f| f.0).collect();
    let mut checked = 0;
    for id in 0..2000 {
        let p = profile(5, id);
        if BANKS[p.lang].code != "lv" {
            continue;
        }
        let mut parts = p.name.split(' ');
        let given = parts.next().expect("given");
        let family = parts.next().expect("family");
        let is_female = lv.given.iter().any(|g| g.0 == given && g.2);
        assert!(
            if is_female {
                female.contains(family)
            } else {
                male.contains(family)
            },
            "{}",
            p.name
        );
        checked += 1;
    }
    assert!(checked > 200);
}

mod database {
    use crate::agents::Viewer;
    use crate::config::Config;
    use crate::conversations::model::ListFilter;
    use crate::conversations::service;
    use crate::state::AppState;

    async fn count(st: &AppState, table: &str) -> i64 {
        sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
            .fetch_one(st.db.pool())
            .await
            .expect("count")
    }

    #[tokio::test]
    async fn seeding_twice_appends_and_the_services_read_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = dir.path().to_string_lossy().to_string();
        let env = move |k: &str| (k == "TEND_DATA_DIR").then(|| data.clone());
        let st = crate::app::open(Config::load_with(None, &env).expect("config"))
            .await
            .expect("open");
        super::super::seed(&st, 250, 4, "demo password 1")
            .await
            .expect("first seed");
        assert_eq!(count(&st, "conversations").await, 250);
        let users = count(&st, "users").await;
        super::super::seed(&st, 150, 4, "demo password 2")
            .await
            .expect("second seed appends");
        // The demo's people sign in with the latest password, and the
        // desk routes: every inbox to Support, each agent with a capacity
        // and languages.
        let signed_in = crate::agents::service::verify_login(
            &st,
            "yui.yamaguchi@tend-demo.example",
            "demo password 2",
        )
        .await
        .expect("sign in");
        assert!(signed_in.is_some(), "a demo agent signs in");
        let yui = signed_in.unwrap();
        let profile = crate::routing::service::profile(&st, &Viewer::system(), yui.id)
            .await
            .expect("routing profile");
        assert_eq!(profile.languages, ["ja", "en"]);
        assert_eq!(profile.capacity.get("chat"), Some(&3));
        let rules: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM routing_rules")
            .fetch_one(st.db.pool())
            .await
            .expect("rules");
        assert_eq!(rules, 3, "email, chat and the form are routed");
        assert_eq!(count(&st, "conversations").await, 400);
        assert_eq!(count(&st, "users").await, users, "agents are reused");
        let messages = count(&st, "messages").await;
        let summed: i64 = sqlx::query_scalar("SELECT SUM(message_count) FROM conversations")
            .fetch_one(st.db.pool())
            .await
            .expect("sum");
        assert_eq!(messages, summed);
        let orphans: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM customers cu WHERE NOT EXISTS \
             (SELECT 1 FROM conversations c WHERE c.customer_id = cu.id) \
             OR cu.last_seen_at < cu.first_seen_at",
        )
        .fetch_one(st.db.pool())
        .await
        .expect("orphans");
        assert_eq!(orphans, 0);

        let system = Viewer::system();
        let (page, more) = service::list(
            &st,
            &system,
            ListFilter {
                limit: 50,
                ..ListFilter::default()
            },
        )
        .await
        .expect("list");
        assert_eq!(page.len(), 50);
        assert!(more);
        assert_eq!(page[0].id, 400, "newest first");
        let c = service::get(&st, &system, 123).await.expect("get");
        assert!(c.language.is_some());
        // Subject filters read the folded copy the seeder writes.
        let fragment: String = c.subject.to_uppercase().chars().take(4).collect();
        let (found, _) = service::list(
            &st,
            &system,
            ListFilter {
                q: Some(fragment),
                customer_id: Some(c.customer.id),
                limit: 200,
                ..ListFilter::default()
            },
        )
        .await
        .expect("filtered list");
        assert!(
            found.iter().any(|f| f.id == 123),
            "subject filter finds {:?}",
            c.subject
        );
        let (msgs, _) = service::messages(&st, &system, 123, None, 100)
            .await
            .expect("messages");
        assert_eq!(msgs.len() as i64, c.message_count);
        let (events, _) = service::events(&st, &system, 123, None, 100)
            .await
            .expect("events");
        assert_eq!(events[0].kind, crate::vocab::EventKind::Created);
    }
}

/// Message-IDs are stored bare, as ingest stores them: a reply or survey
/// composed in the thread refuses ids with angle brackets or spaces.
#[test]
fn message_ids_are_stored_without_angle_brackets() {
    let b = generate(300, 5);
    let ids: Vec<&String> = b
        .messages
        .iter()
        .filter_map(|m| m.message_id.as_ref())
        .collect();
    assert!(ids.len() > 100, "email conversations carry Message-IDs");
    for id in ids {
        assert!(
            id.contains('@')
                && !id
                    .chars()
                    .any(|c| c.is_whitespace() || c == '<' || c == '>'),
            "{id:?}"
        );
    }
}

/// Nobody in the demo has waited for months: what is still open started
/// within the last two weeks, and every channel is one the desk has.
#[test]
fn open_work_is_recent_and_on_channels_that_exist() {
    let b = generate(3000, 4);
    let mut open = 0;
    for c in &b.conversations {
        let active = matches!(c.status, "new" | "open" | "pending");
        if active {
            open += 1;
            assert!(
                NOW - c.created_at <= 14 * 86_400_000,
                "{} waits since {}",
                c.id,
                c.created_at
            );
        }
        assert!(
            crate::vocab::Channel::from_db(c.channel).is_ok() && c.channel != "phone",
            "{}",
            c.channel
        );
    }
    assert!(open > 10, "some work is open: {open}");
}
