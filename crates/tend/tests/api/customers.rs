//! Customers: found by address across conversations, with history and edits.

use reqwest::StatusCode;
use serde_json::json;

use crate::on_both_backends;
use crate::support::TestApp;

on_both_backends!(
    customers_are_found_by_address_and_edited,
    filters_fold_case_in_every_script
);

async fn customers_are_found_by_address_and_edited(app: &TestApp) {
    let a = app
        .conversation(
            "Primer",
            "Marta.Puig@Example.CAT",
            "Bon dia, tinc un dubte.",
            None,
        )
        .await;
    let b = app
        .conversation(
            "Segon",
            "marta.puig@example.cat",
            "Una altra pregunta d'atenció.",
            None,
        )
        .await;
    assert_eq!(
        a["customer"]["id"], b["customer"]["id"],
        "addresses match case-insensitively"
    );
    let cid = a["customer"]["id"].as_i64().unwrap();

    let (s, p) = app
        .get(&format!("/api/v1/customers/{cid}"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(p["emails"], json!(["marta.puig@example.cat"]));
    assert_eq!(p["conversation_count"], 2);
    let hist: Vec<i64> = p["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(
        hist,
        vec![b["id"].as_i64().unwrap(), a["id"].as_i64().unwrap()],
        "newest first"
    );

    let (s, u) = app
        .patch(&format!("/api/v1/customers/{cid}"), &app.admin,
            json!({"name": "Marta Puig i Soler", "language": "ca", "timezone": "Europe/Madrid", "organization": "Cooperativa Núvol", "phone": "+34 600 000 000"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{u}");
    assert_eq!(u["name"], "Marta Puig i Soler");
    assert_eq!(u["language"], "ca");
    assert_eq!(u["timezone"], "Europe/Madrid");
    assert_eq!(u["organization"]["name"], "Cooperativa Núvol");
    let (s, e) = app
        .patch(
            &format!("/api/v1/customers/{cid}"),
            &app.admin,
            json!({"timezone": "Mars/Base"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["details"]["field"], "timezone");

    let (_, by_email) = app
        .get("/api/v1/customers?email=MARTA.PUIG@example.cat", &app.admin)
        .await;
    assert_eq!(by_email["items"][0]["id"], cid);
    let (_, by_q) = app.get("/api/v1/customers?q=puig%20i", &app.admin).await;
    assert_eq!(by_q["items"].as_array().unwrap().len(), 1);
    let (_, none) = app
        .get("/api/v1/customers?q=nobody-like-this", &app.admin)
        .await;
    assert!(none["items"].as_array().unwrap().is_empty());
    let (s, _) = app.get("/api/v1/customers/999999", &app.admin).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Moving a conversation to another customer is recorded.
    let other = app
        .conversation("Other", "pere@example.cat", "Hola", None)
        .await;
    let (s, moved) = app
        .patch(
            &format!("/api/v1/conversations/{}", a["id"]),
            &app.admin,
            json!({"customer_id": other["customer"]["id"]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{moved}");
    assert_eq!(moved["customer"]["email"], "pere@example.cat");
    let (_, ev) = app
        .get(
            &format!("/api/v1/conversations/{}/events", a["id"]),
            &app.admin,
        )
        .await;
    assert_eq!(
        ev["items"].as_array().unwrap().last().unwrap()["kind"],
        "customer_changed"
    );
}

async fn filters_fold_case_in_every_script(app: &TestApp) {
    let (s, c) = app
        .post("/api/v1/conversations", &app.admin,
            json!({"subject": "ŠĶĒRSIELA: ĀBOLU PASŪTĪJUMS", "customer": {"email": "nuria@example.cat", "name": "NÚRIA ÇAÑELLAS"}, "message": {"text": "Bon dia"}}))
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, hits) = app
        .get("/api/v1/conversations?q=%C4%81bolu%20pas%C5%AB", &app.admin)
        .await; // "ābolu pasū"
    assert_eq!(hits["items"].as_array().unwrap().len(), 1, "{hits}");
    assert_eq!(hits["items"][0]["id"], c["id"]);
    let (_, people) = app
        .get("/api/v1/customers?q=n%C3%BAria%20%C3%A7a", &app.admin)
        .await; // "núria ça"
    assert_eq!(people["items"].as_array().unwrap().len(), 1, "{people}");
    let (_, none) = app.get("/api/v1/customers?q=nuria%20ca", &app.admin).await;
    assert!(
        none["items"].as_array().unwrap().is_empty(),
        "accents are not folded by this filter (search does that)"
    );
}
