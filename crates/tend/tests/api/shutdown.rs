//! A page left open does not keep the server from stopping: an agent's
//! live event stream is still connected when the shutdown comes, and the
//! server stops within its grace, closing the stream.

use reqwest::header::COOKIE;

use crate::support::TestApp;
use crate::web::{Browser, PASSWORD, agent_with_password};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_open_live_page_does_not_hold_the_shutdown() {
    let app = TestApp::sqlite().await;
    agent_with_password(&app, "open@example.com", "Open Tab", "agent").await;
    let mut b = Browser::new(&app.base);
    b.sign_in("open@example.com", PASSWORD).await;
    let cookie = format!("tend_session={}", b.cookie.clone().unwrap());
    let mut live = reqwest::Client::new()
        .get(format!("{}/live", app.base))
        .header(COOKIE, cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(live.status(), 200);
    assert!(
        live.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    // The stream stays open while the server runs and the page is there…
    let stopping = tokio::spawn(app.finish());
    // …and the shutdown itself ends it, before the grace for requests in
    // flight runs out and connections are cut.
    tokio::time::timeout(tend::app::HTTP_GRACE, async {
        while let Ok(Some(_)) = live.chunk().await {}
    })
    .await
    .expect("the live stream is closed by the shutdown");
    // (A bound many times the grace: a hang fails instead of stalling.)
    tokio::time::timeout(tend::app::HTTP_GRACE * 6, stopping)
        .await
        .expect("the server stops with a page still open")
        .unwrap();
}
