//! Attachments: multipart upload, content-addressed storage, safe download.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::Value;
use sha2::{Digest as _, Sha256};

use crate::on_both_backends;
use crate::support::TestApp;

on_both_backends!(
    files_upload_and_download_intact,
    oversize_uploads_are_refused_whole
);

async fn files_upload_and_download_intact(app: &TestApp) {
    let c = app
        .conversation(
            "見積書",
            "hanako@example.jp",
            "見積書をお送りください。",
            None,
        )
        .await;
    let id = c["id"].as_i64().unwrap();
    let pdf: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let form = Form::new()
        .text("text", "見積書を添付します。")
        .text("internal", "false")
        .part(
            "file",
            Part::bytes(pdf.clone())
                .file_name("見積書 2026.pdf")
                .mime_str("application/pdf")
                .unwrap(),
        )
        .part(
            "file",
            Part::bytes(b"<script>alert(1)</script>".to_vec())
                .file_name("../../evil\".html")
                .mime_str("text/html")
                .unwrap(),
        );
    let r = app
        .client
        .post(format!("{}/api/v1/conversations/{id}/messages", app.base))
        .bearer_auth(&app.admin)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let m: Value = r.json().await.unwrap();
    assert_eq!(m["text"], "見積書を添付します。");
    let files = m["attachments"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["filename"], "見積書 2026.pdf");
    assert_eq!(files[0]["size"], 200_000);
    assert_eq!(files[0]["content_type"], "application/pdf");
    assert_eq!(files[0]["sha256"], hex::encode(Sha256::digest(&pdf)));
    assert_eq!(
        files[1]["filename"], "evil_.html",
        "paths and quotes are stripped"
    );

    let r = app
        .client
        .get(format!(
            "{}/api/v1/attachments/{}",
            app.base, files[0]["id"]
        ))
        .bearer_auth(&app.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let cd = r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(cd.starts_with("attachment;"), "{cd}");
    assert!(
        cd.contains("filename*=UTF-8''%E8%A6%8B%E7%A9%8D%E6%9B%B8%202026.pdf"),
        "{cd}"
    );
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert_eq!(r.bytes().await.unwrap().to_vec(), pdf, "bytes intact");

    let r = app
        .client
        .get(format!(
            "{}/api/v1/attachments/{}",
            app.base, files[1]["id"]
        ))
        .bearer_auth(&app.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["content-type"],
        "application/octet-stream",
        "HTML is never served as HTML"
    );
    assert!(
        r.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox")
    );

    // The same bytes again are stored once.
    let form = Form::new()
        .text("text", "again")
        .part("f", Part::bytes(pdf.clone()).file_name("copy.pdf"));
    let r = app
        .client
        .post(format!("{}/api/v1/conversations/{id}/messages", app.base))
        .bearer_auth(&app.admin)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let sha = hex::encode(Sha256::digest(&pdf));
    let stored = app
        .st
        .config
        .data_dir
        .join("attachments")
        .join(&sha[0..2])
        .join(&sha[2..4])
        .join(&sha);
    assert_eq!(std::fs::read(stored).unwrap(), pdf);

    let (_, list) = app
        .get(&format!("/api/v1/conversations/{id}/messages"), &app.admin)
        .await;
    assert_eq!(list["items"][1]["attachments"].as_array().unwrap().len(), 2);

    let r = app
        .client
        .get(format!("{}/api/v1/attachments/999999", app.base))
        .bearer_auth(&app.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

async fn oversize_uploads_are_refused_whole(app: &TestApp) {
    let c = app.conversation("big", "big@example.com", "t", None).await;
    let id = c["id"].as_i64().unwrap();
    let before = (app.rows("messages").await, app.rows("attachments").await);
    // The test configuration allows 2,000,000 bytes of attachments.
    let form = Form::new()
        .text("text", "too big")
        .part("f", Part::bytes(vec![7u8; 2_100_000]).file_name("big.bin"));
    let r = app
        .client
        .post(format!("{}/api/v1/conversations/{id}/messages", app.base))
        .bearer_auth(&app.admin)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["code"], "payload_too_large");
    assert_eq!(
        (app.rows("messages").await, app.rows("attachments").await),
        before
    );
}
