//! Surveys, continued: editable templates in five languages, the page a
//! link opens (which changes nothing until the customer confirms), and the
//! contact form's customers, surveyed by mail.

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tend::time::ManualClock;

use crate::support::TestApp;
use crate::surveys::*;

on_both_with_clock!(
    templates_are_editable_checked_and_localised,
    opening_a_link_changes_nothing_until_the_customer_confirms,
    a_contact_form_conversation_gets_its_survey_by_mail,
);

async fn templates_are_editable_checked_and_localised(app: &TestApp, _clock: &Arc<ManualClock>) {
    let (inbox, agent, token) = desk(app).await;
    let (s, all) = app.get("/api/v1/templates", &app.admin).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        all["items"].as_array().unwrap().len(),
        20,
        "4 templates in 5 locales"
    );
    let (_, ja) = app
        .get("/api/v1/templates/survey_email_text/ja", &app.admin)
        .await;
    assert!(ja["source"].as_str().unwrap().contains("解決"), "{ja}");
    assert_eq!(ja["customized"], false);
    let (s, _) = app
        .get("/api/v1/templates/survey_email_text/ja", &token)
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .get("/api/v1/templates/survey_email_text/de", &app.admin)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    let put = |name: &str, source: &str| {
        let path = format!("/api/v1/templates/{name}/lv");
        let body = json!({"source": source});
        async move {
            app.call(reqwest::Method::PUT, &path, &app.admin, Some(body))
                .await
        }
    };
    let (s, b) = put("survey_email_subject", "Jūsu viedoklis {% if %}").await;
    assert_eq!(
        (s, b["error"]["details"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("source")),
        "{b}"
    );
    let (s, b) = put("survey_email_subject", "Kā mums gāja? {{ subject }}").await;
    assert_eq!(
        (s, b["customized"].as_bool()),
        (StatusCode::OK, Some(true)),
        "{b}"
    );

    let id = conversation_from(app, inbox, "liga@customer.example", "g1", agent).await;
    let (s, _) = app
        .patch(
            &format!("/api/v1/conversations/{id}"),
            &app.admin,
            json!({"language": "lv"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    reply_and_solve(app, &token, id, "Labdien! Viss ir kārtībā.").await;
    pass(app).await;
    let m = &survey_mails(app, id).await[0];
    assert!(m.subject.starts_with("Kā mums gāja?"), "{}", m.subject);
    assert!(
        m.text.contains("Vai jūsu problēma ir pilnībā atrisināta?"),
        "{}",
        m.text
    );
    // The page speaks the customer's language, whatever the browser says.
    let l = links(app, m);
    let r = app
        .client
        .get(&l["form"])
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("lang=\"lv\"") && page.contains("Vai jūsu problēma ir atrisināta?"),
        "{page}"
    );

    let (s, b) = app
        .call(
            reqwest::Method::DELETE,
            "/api/v1/templates/survey_email_subject/lv",
            &app.admin,
            None,
        )
        .await;
    assert_eq!(
        (s, b["customized"].as_bool()),
        (StatusCode::OK, Some(false)),
        "{b}"
    );
}

/// Mail security scanners fetch every link of a mail (GET, HEAD, and some
/// render the page). None of that may answer the survey, reopen or close
/// the conversation, or create a follow-up: only the customer's click on
/// the page's button (a POST of the form) does.
async fn opening_a_link_changes_nothing_until_the_customer_confirms(
    app: &TestApp,
    _clock: &Arc<ManualClock>,
) {
    let (inbox, agent, token) = desk(app).await;
    let id = conversation_from(
        app,
        inbox,
        "Rita Ozola <rita@customer.example>",
        "s1",
        agent,
    )
    .await;
    reply_and_solve(app, &token, id, "Your refund is on its way.").await;
    pass(app).await;
    let l = links(app, &survey_mails(app, id).await[0]);
    let events = event_kinds(app, id).await.len();
    let unchanged = |c: &Value| {
        assert_eq!(c["status"], "solved", "{c}");
        assert_eq!(c["reopen_count"], 0, "{c}");
        assert_eq!(c["priority"], "normal", "{c}");
    };
    for action in ["yes", "no", "1", "2", "3", "4", "5", "form"] {
        for _ in 0..2 {
            let (s, page) = open(app, &l[action]).await;
            assert_eq!(s, StatusCode::OK, "{action}: {page}");
            let r = app.client.head(&l[action]).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK, "HEAD {action}");
        }
        let c = conv(app, id).await;
        unchanged(&c);
        let sv = &surveys_of(app, id).await[0];
        assert!(sv["answered_at"].is_null(), "{action}: {sv}");
        assert!(sv["answer"].is_null() && sv["rating"].is_null(), "{sv}");
        assert_eq!(event_kinds(app, id).await.len(), events, "{action}");
        let (_, tasks) = app.get("/api/v1/tasks?status=all", &app.admin).await;
        assert_eq!(tasks["items"], json!([]), "{action}: no follow-up");
    }
    // The page a link shows has its choice selected and one button.
    let (_, page) = open(app, &l["1"]).await;
    let (action, fields) = checked_form(&page);
    assert!(l["form"].ends_with(&action), "{action}");
    assert_eq!(fields, vec![("rating".to_string(), "1".to_string())]);
    assert_eq!(page.matches("<button").count(), 1, "{page}");
    assert!(page.contains("id=\"confirm\""), "{page}");
    assert!(
        page.contains("<p id=\"chosen-rating\" data-rating=\"1\">You chose 1 out of 5.</p>"),
        "the page says which rating was clicked: {page}"
    );
    assert!(!page.contains("<script"), "nothing submits itself");

    // A post from another site is refused and changes nothing.
    for (name, value) in [
        ("origin", "https://evil.example"),
        ("sec-fetch-site", "cross-site"),
    ] {
        let r = app
            .client
            .post(&l["form"])
            .header(name, value)
            .form(&[("rating", "1")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{name}: {value}");
    }
    unchanged(&conv(app, id).await);
    assert_eq!(event_kinds(app, id).await.len(), events);

    // The customer's one click: the rating is kept, the conversation reopens
    // and a follow-up is due.
    let (s, page) = confirm(app, &l["1"]).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    assert!(page.contains("id=\"thanks\""), "{page}");
    assert!(
        page.contains("Your rating: 1 out of 5."),
        "and the one recorded"
    );
    let sv = &surveys_of(app, id).await[0];
    assert_eq!(sv["rating"], 1, "{sv}");
    assert_eq!(sv["unhappy"], true);
    let c = conv(app, id).await;
    assert_eq!(c["status"], "open", "{c}");
    let (_, tasks) = app.get("/api/v1/tasks?assignee_id=me", &token).await;
    assert_eq!(tasks["items"].as_array().unwrap().len(), 1, "{tasks}");
}

/// The contact form's customers left an address and the page: like email,
/// they are answered by mail, and so is their survey (it was recorded as
/// `skipped/no_address` while one place decided "email and web" and
/// another composed the mail only for email).
async fn a_contact_form_conversation_gets_its_survey_by_mail(
    app: &TestApp,
    _clock: &Arc<ManualClock>,
) {
    let web = app.inbox("web", None).await;
    let (agent, token) = app.user("aiko@example.com", "Aiko Tanaka", "agent").await;
    app.team("Support", &[agent], &[web]).await;
    let form = [
        ("name", "Núria Puig"),
        ("email", "nuria@customer.example"),
        ("subject", "Factura duplicada"),
        ("message", "M'heu cobrat dues vegades la mateixa factura."),
        ("inbox", &web.to_string()),
        ("website", ""),
    ]
    .iter()
    .fold(reqwest::multipart::Form::new(), |f, (k, v)| {
        f.text(k.to_string(), v.to_string())
    });
    let r = app
        .client
        .post(format!("{}/help/contact?lang=ca", app.base))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (s, list) = app
        .get(&format!("/api/v1/conversations?inbox_id={web}"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let id = list["items"][0]["id"]
        .as_i64()
        .expect("the form's conversation");
    assert_eq!(conv(app, id).await["channel"], "web");
    let (s, b) = app
        .patch(
            &format!("/api/v1/conversations/{id}"),
            &app.admin,
            json!({"assignee_id": agent}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    reply_and_solve(app, &token, id, "Ja us hem retornat l'import.").await;
    pass(app).await;

    let s = &surveys_of(app, id).await[0];
    assert_eq!(s["status"], "sent", "{s}");
    assert!(s["skip_reason"].is_null(), "{s}");
    let mails = survey_mails(app, id).await;
    assert_eq!(mails.len(), 1, "one survey mail for the form's customer");
    assert_eq!(mails[0].to[0].address, "nuria@customer.example");
    assert!(
        links(app, &mails[0]).contains_key("yes"),
        "{}",
        mails[0].text
    );
    assert!(
        event_kinds(app, id)
            .await
            .contains(&"survey_sent".to_string())
    );
}
