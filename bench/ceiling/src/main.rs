//! A trivial axum 0.8 server: `GET /` answers "Hello, World!" and
//! `POST /api/v1/conversations` reads the JSON body and answers 201 with a
//! small JSON document, so the same wrk scripts that drive Tend can drive
//! it. What it reaches is the most any axum handler can on this machine
//! with this load generator; Tend's figures are reported as a fraction of it.
//!
//! Usage: `tend-bench-ceiling [ADDR]` (default 127.0.0.1:8099).

use axum::Router;
use axum::body::Bytes;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};

async fn hello() -> &'static str {
    "Hello, World!"
}

async fn create(body: Bytes) -> impl IntoResponse {
    (
        StatusCode::CREATED,
        [(header::CONTENT_TYPE, "application/json")],
        format!("{{\"id\":1,\"received\":{}}}", body.len()),
    )
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8099".to_string());
    let app = Router::new()
        .route("/", get(hello))
        .route("/readyz", get(hello))
        .route("/api/v1/conversations", post(create));
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    eprintln!("ceiling listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await
}
