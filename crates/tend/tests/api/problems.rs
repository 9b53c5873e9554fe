//! Problems (issue 23): linking conversations to a problem and back, each
//! an event on the conversation; who may do what; proposals of likely
//! problems and similar conversations by the search index's likeness in
//! Japanese, Korean, Latvian, Catalan and English; trending clusters of
//! new conversations linked to nothing. Marking a problem fixed is
//! `problems_fix`. SQLite and PostgreSQL.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::search::indexed;
use crate::support::TestApp;

crate::on_both_backends!(
    linking_unlinking_and_their_events,
    who_may_do_what,
    proposals_in_five_languages,
    trending_counts_clusters_of_unlinked_new_conversations,
);

/// An agent who works one email inbox: (inbox, agent id, token).
async fn desk(app: &TestApp, who: &str) -> (i64, i64, String) {
    let inbox = app
        .inbox("email", Some(&format!("help-{who}@desk.example")))
        .await;
    let (agent, token) = app.user(&format!("{who}@desk.example"), who, "agent").await;
    app.team(&format!("Team {who}"), &[agent], &[inbox]).await;
    (inbox, agent, token)
}

async fn conversation(app: &TestApp, inbox: i64, subject: &str, text: &str) -> i64 {
    let n = app.rows("conversations").await;
    app.conversation(
        subject,
        &format!("customer{n}@example.com"),
        text,
        Some(inbox),
    )
    .await["id"]
        .as_i64()
        .unwrap()
}

pub(crate) async fn problem(app: &TestApp, token: &str, body: Value) -> Value {
    let (s, b) = app.post("/api/v1/problems", token, body).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    b
}

pub(crate) async fn link(
    app: &TestApp,
    token: &str,
    problem: i64,
    conv: i64,
) -> (StatusCode, Value) {
    app.post(
        &format!("/api/v1/problems/{problem}/conversations"),
        token,
        json!({"conversation_id": conv}),
    )
    .await
}

async fn unlink(app: &TestApp, token: &str, problem: i64, conv: i64) -> (StatusCode, Value) {
    app.call(
        Method::DELETE,
        &format!("/api/v1/problems/{problem}/conversations/{conv}"),
        token,
        None,
    )
    .await
}

/// The conversation's problem events: (kind, data).
async fn problem_events(app: &TestApp, conv: i64) -> Vec<(String, Value)> {
    let (s, ev) = app
        .get(
            &format!("/api/v1/conversations/{conv}/events?limit=200"),
            &app.admin,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{ev}");
    ev["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"].as_str().unwrap().starts_with("problem_"))
        .map(|e| (e["kind"].as_str().unwrap().to_string(), e["data"].clone()))
        .collect()
}

fn linked_ids(p: &Value) -> Vec<i64> {
    p["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["conversation_id"].as_i64().unwrap())
        .collect()
}

async fn linking_unlinking_and_their_events(app: &TestApp) {
    let (inbox, ana, token) = desk(app, "ana").await;
    let c1 = conversation(app, inbox, "Checkout fails", "The pay button does nothing.").await;
    let p1 = problem(
        app,
        &token,
        json!({"title": "Checkout button broken", "description": "Since the 14:00 release"}),
    )
    .await;
    assert_eq!(p1["status"], "investigating");
    assert_eq!(p1["owner_id"], ana, "who opens it owns it");
    assert_eq!(p1["linked_count"], 0);
    let p1 = p1["id"].as_i64().unwrap();

    let (s, b) = link(app, &token, p1, c1).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["linked_count"], 1);
    assert_eq!(linked_ids(&b), vec![c1]);
    assert_eq!(b["conversations"][0]["subject"], "Checkout fails");
    // Linking again changes nothing and writes no second event.
    let (s, _) = link(app, &token, p1, c1).await;
    assert_eq!(s, StatusCode::OK);
    let ev = problem_events(app, c1).await;
    assert_eq!(ev.len(), 1, "{ev:?}");
    assert_eq!(ev[0].0, "problem_linked");
    assert_eq!(ev[0].1["problem_id"], p1);
    assert_eq!(ev[0].1["title"], "Checkout button broken");

    // A conversation is linked to one problem at most: linking it to
    // another moves it.
    let p2 = problem(app, &token, json!({"title": "Payment provider outage"})).await["id"]
        .as_i64()
        .unwrap();
    let (s, b) = link(app, &token, p2, c1).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (_, one) = app.get(&format!("/api/v1/problems/{p1}"), &token).await;
    assert_eq!(one["linked_count"], 0, "{one}");
    let ev = problem_events(app, c1).await;
    assert_eq!(ev.len(), 2);
    assert_eq!(ev[1].1["problem_id"], p2);
    assert_eq!(ev[1].1["from"], p1);
    let (s, b) = app
        .get(
            &format!("/api/v1/conversations/{c1}/problem-proposals"),
            &token,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["linked"]["id"], p2);

    // Unlinking: an event; again, a 404.
    let (s, b) = unlink(app, &token, p2, c1).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["linked_count"], 0);
    let ev = problem_events(app, c1).await;
    assert_eq!(ev.last().unwrap().0, "problem_unlinked");
    assert_eq!(ev.last().unwrap().1["problem_id"], p2);
    let (s, _) = unlink(app, &token, p2, c1).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Lists filter by status; bad input gets a reason.
    let (s, b) = app
        .patch(
            &format!("/api/v1/problems/{p2}"),
            &token,
            json!({"status": "known", "workaround": "Pay by bank transfer meanwhile."}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["workaround"], "Pay by bank transfer meanwhile.");
    let (_, known) = app.get("/api/v1/problems?status=known", &token).await;
    let ids: Vec<i64> = known["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![p2]);
    let (s, b) = app.get("/api/v1/problems?status=solved", &token).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(b["error"]["details"]["field"], "status");
    for (body, field) in [
        (json!({"title": " "}), "title"),
        (json!({"title": "x", "status": "fixed"}), "status"),
        (json!({"title": "x", "owner_id": 999_999}), "owner_id"),
    ] {
        let (s, b) = app.post("/api/v1/problems", &token, body.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {b}");
        assert_eq!(b["error"]["details"]["field"], field, "{b}");
    }
    let (s, b) = app
        .patch(
            &format!("/api/v1/problems/{p2}"),
            &token,
            json!({"status": "fixed"}),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "fixed needs its message: {b}"
    );
    assert_eq!(b["error"]["details"]["field"], "message");
    let (s, _) = app.get("/api/v1/problems/999999", &token).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

async fn who_may_do_what(app: &TestApp) {
    let (inbox, _, ana) = desk(app, "ana").await;
    let (_, _, bo) = desk(app, "bo").await;
    let c1 = conversation(app, inbox, "Checkout fails", "The pay button does nothing.").await;
    let p = problem(app, &ana, json!({"title": "Checkout button broken"})).await["id"]
        .as_i64()
        .unwrap();
    // Bo cannot see Ana's inbox: he may not link or unlink its
    // conversations, nor see them on the problem or ask for proposals.
    let (s, b) = link(app, &bo, p, c1).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(b["error"]["details"]["field"], "conversation_id");
    let (s, _) = link(app, &ana, p, c1).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = unlink(app, &bo, p, c1).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, seen) = app.get(&format!("/api/v1/problems/{p}"), &bo).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(seen["linked_count"], 1, "the count is everyone's");
    assert!(linked_ids(&seen).is_empty(), "{seen}");
    let (s, _) = app
        .get(
            &format!("/api/v1/conversations/{c1}/problem-proposals"),
            &bo,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // Any agent edits the text and the status short of fixed…
    let (s, b) = app
        .patch(
            &format!("/api/v1/problems/{p}"),
            &bo,
            json!({"description": "Safari only", "status": "known"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    // …but only its owner, supervisors and admins give it another owner
    // or mark it fixed (which writes to its customers).
    let (s, b) = app
        .patch(
            &format!("/api/v1/problems/{p}"),
            &bo,
            json!({"status": "fixed", "message": {"en": "Fixed."}}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
    let (s, _) = app
        .patch(
            &format!("/api/v1/problems/{p}"),
            &bo,
            json!({"owner_id": 1}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, after) = app.get(&format!("/api/v1/problems/{p}"), &ana).await;
    assert_eq!(after["status"], "known", "the refused fix changed nothing");
    let (s, _) = app.get("/api/v1/problems/report", &bo).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "the report is for supervisors");
}

/// Per language: two conversations on one topic (the first is compared;
/// the second is linked to the language's problem) and one on another.
const TOPICS: &[(&str, [(&str, &str); 3])] = &[
    (
        "ja",
        [
            (
                "ログインできません",
                "今朝からアプリにログインできません。パスワードを入れるとエラーになります。",
            ),
            (
                "ログインエラー",
                "アプリにログインしようとするとエラーになります。パスワードは正しいです。",
            ),
            ("請求書の送付先", "請求書の送付先の住所を変更したいです。"),
        ],
    ),
    (
        "ko",
        [
            (
                "배송이 늦어요",
                "주문한 상품의 배송이 일주일째 지연되고 있습니다. 언제 도착하나요?",
            ),
            (
                "배송 지연 문의",
                "상품 배송이 계속 지연되고 있어요. 도착 예정일을 알려주세요.",
            ),
            ("비밀번호 변경", "계정 비밀번호를 바꾸고 싶습니다."),
        ],
    ),
    (
        "lv",
        [
            (
                "Rēķins nav pienācis",
                "Lūdzu, nosūtiet decembra rēķinu vēlreiz, rēķins nav pienācis.",
            ),
            (
                "Kur ir decembra rēķins?",
                "Decembra rēķins man nav pienācis, lūdzu, nosūtiet to.",
            ),
            ("Paroles maiņa", "Kā nomainīt paroli savā kontā?"),
        ],
    ),
    (
        "ca",
        [
            (
                "La impressora no imprimeix",
                "La impressora fa soroll però no imprimeix cap pàgina.",
            ),
            (
                "Impressora sense imprimir",
                "Des d'ahir la impressora no imprimeix, només fa soroll.",
            ),
            (
                "Canvi d'adreça",
                "Vull canviar l'adreça d'enviament de la comanda.",
            ),
        ],
    ),
    (
        "en",
        [
            (
                "Refund not received",
                "I returned the shoes two weeks ago and the refund has not arrived.",
            ),
            (
                "Where is my refund?",
                "The refund for the returned shoes still has not arrived on my card.",
            ),
            (
                "Change delivery address",
                "Please change the delivery address of my order.",
            ),
        ],
    ),
];

async fn proposals_in_five_languages(app: &TestApp) {
    let (inbox, _, token) = desk(app, "ana").await;
    let mut cases = Vec::new();
    for (lang, [compared, like, other]) in TOPICS {
        let a = conversation(app, inbox, compared.0, compared.1).await;
        let b = conversation(app, inbox, like.0, like.1).await;
        let c = conversation(app, inbox, other.0, other.1).await;
        let p = problem(
            app,
            &token,
            json!({"title": format!("{lang}: {}", like.0), "status": "known", "workaround": format!("workaround {lang}")}),
        )
        .await["id"]
            .as_i64()
            .unwrap();
        let (s, _) = link(app, &token, p, b).await;
        assert_eq!(s, StatusCode::OK);
        cases.push((*lang, a, b, c, p));
    }
    indexed(&app.st).await;
    for &(lang, a, b, c, p) in &cases {
        let (s, got) = app
            .get(
                &format!("/api/v1/conversations/{a}/problem-proposals"),
                &token,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{got}");
        assert!(got["linked"].is_null());
        assert_eq!(got["problems"][0]["problem"]["id"], p, "{lang}: {got}");
        assert_eq!(got["problems"][0]["matches"], 1, "{lang}: {got}");
        let similar: Vec<i64> = got["similar"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["conversation_id"].as_i64().unwrap())
            .collect();
        assert_eq!(similar.first(), Some(&b), "{lang}: {got}");
        assert!(!similar.contains(&a), "never itself: {got}");
        assert_eq!(got["similar"][0]["problem_id"], p);
        let score = got["similar"][0]["score"].as_f64().unwrap();
        assert!(score > 0.0 && score <= 1.0, "{score}");
        if let Some(i) = similar.iter().position(|x| *x == c) {
            assert!(i > 0, "{lang}: the other topic ranks below: {got}");
        }
        // The known problem's workaround is the suggested answer.
        assert_eq!(got["suggestion"]["problem_id"], p, "{lang}: {got}");
        assert_eq!(
            got["suggestion"]["workaround"],
            format!("workaround {lang}")
        );
    }
    // Once linked, a conversation is proposed no answer.
    let (_, a, _, _, p) = cases[0];
    let (s, _) = link(app, &token, p, a).await;
    assert_eq!(s, StatusCode::OK);
    let (_, got) = app
        .get(
            &format!("/api/v1/conversations/{a}/problem-proposals"),
            &token,
        )
        .await;
    assert!(got["suggestion"].is_null(), "{got}");
    assert_eq!(got["linked"]["id"], p, "{got}");
}

async fn trending_counts_clusters_of_unlinked_new_conversations(app: &TestApp) {
    let (inbox, _, token) = desk(app, "ana").await;
    let mut outage = Vec::new();
    for (i, text) in [
        "The mobile app crashes when I open my basket.",
        "Your app crashes every time I open the basket.",
        "App crash: opening the basket closes the mobile app.",
    ]
    .iter()
    .enumerate()
    {
        outage.push(conversation(app, inbox, &format!("App crashes on basket {i}"), text).await);
    }
    let mut japanese = Vec::new();
    for text in [
        "配送状況の確認メールが届きません。",
        "配送状況のメールがまだ届きません。",
    ] {
        japanese.push(conversation(app, inbox, "配送状況メール", text).await);
    }
    conversation(
        app,
        inbox,
        "Invoice address",
        "Please put my company name on the invoice.",
    )
    .await;
    // One more like the outage, linked already: not a trend any more.
    let linked = conversation(
        app,
        inbox,
        "App crashes on basket",
        "The app crashes when I open the basket.",
    )
    .await;
    let p = problem(app, &token, json!({"title": "Basket crash"})).await["id"]
        .as_i64()
        .unwrap();
    link(app, &token, p, linked).await;
    indexed(&app.st).await;

    let (s, got) = app.get("/api/v1/problems/trending?hours=24", &token).await;
    assert_eq!(s, StatusCode::OK, "{got}");
    let clusters = got.as_array().unwrap();
    assert_eq!(clusters.len(), 2, "{got}");
    assert_eq!(clusters[0]["count"], 3, "{got}");
    let mut ids: Vec<i64> = clusters[0]["conversation_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    ids.sort();
    assert_eq!(ids, outage);
    assert_eq!(clusters[1]["count"], 2, "{got}");
    let mut ids: Vec<i64> = clusters[1]["conversation_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    ids.sort();
    assert_eq!(ids, japanese);
    let (s, b) = app.get("/api/v1/problems/trending?hours=0", &token).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
}
