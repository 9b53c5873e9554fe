//! Request ids and the request span.
//!
//! Every request gets an id: the client's own `x-request-id` when it sends
//! a usable one (1 to [`MAX_ID_LEN`] characters out of `A-Z a-z 0-9 - _ .
//! :`), otherwise one made here (16 hex digits, unique in the process). The
//! answer carries it back in `x-request-id`.
//!
//! The request runs in a span `request{request_id, method, route}` (the
//! route template, never the path, which may hold a token). The span is at
//! INFO level but writes no line of its own: it names the request in the
//! lines logged while it runs (an internal error, a slow statement). Answers
//! 5xx are logged at WARN with their latency; others are not logged, except
//! for the DEBUG line of `metrics::track` (`RUST_LOG=tend=debug`).

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue};
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::request_id::{MakeRequestId, RequestId};
use tower_http::trace::{DefaultOnFailure, TraceLayer};
use tracing::{Level, Span};

/// The header that carries the request id, both ways.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The longest request id taken from a client.
pub const MAX_ID_LEN: usize = 128;

/// Makes the ids of requests that come without a usable one: a counter,
/// scrambled by a bijection keyed at random per process, so ids are unique
/// here and unlikely to repeat across nodes or restarts.
#[derive(Clone, Copy, Debug, Default)]
pub struct MakeId;

impl MakeRequestId for MakeId {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        static KEY: OnceLock<u64> = OnceLock::new();
        let key = *KEY.get_or_init(|| {
            let mut b = [0u8; 8];
            // Without the OS's randomness, ids are still unique here.
            let _ = getrandom::fill(&mut b);
            u64::from_le_bytes(b)
        });
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let id = format!("{:016x}", mix(n ^ key));
        HeaderValue::from_str(&id).ok().map(RequestId::new)
    }
}

/// SplitMix64's finaliser: a bijection on `u64`.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Whether a client's request id may be kept (and logged) as it is.
pub fn usable_id(v: &HeaderValue) -> bool {
    let b = v.as_bytes();
    (1..=MAX_ID_LEN).contains(&b.len())
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b':'))
}

/// Removes a request id the client sent that is not [`usable_id`], so that
/// one is made instead.
pub fn drop_unusable_id(mut req: Request) -> Request {
    if req
        .headers()
        .get_all(REQUEST_ID)
        .iter()
        .enumerate()
        .any(|(i, v)| i > 0 || !usable_id(v))
    {
        req.headers_mut().remove(REQUEST_ID);
    }
    req
}

/// The request's span.
fn request_span(req: &Request) -> Span {
    let id = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str);
    tracing::info_span!("request", request_id = id, method = %req.method(), route)
}

/// The layer [`layer`] makes: the span, nothing on requests, answers and
/// body chunks, a WARN line on failures.
pub type Layer = TraceLayer<
    SharedClassifier<ServerErrorsAsFailures>,
    fn(&Request) -> Span,
    (),
    (),
    (),
    (),
    DefaultOnFailure,
>;

/// The trace layer: the span, and a WARN line for each 5xx answer.
pub fn layer() -> Layer {
    TraceLayer::new_for_http()
        .make_span_with(request_span as fn(&Request) -> Span)
        .on_request(())
        .on_response(())
        .on_body_chunk(())
        .on_eos(())
        .on_failure(DefaultOnFailure::new().level(Level::WARN))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_ids_are_kept_only_when_short_and_plain() {
        for ok in ["abc", "3f2a-19_x.y:z", &"a".repeat(MAX_ID_LEN)] {
            assert!(usable_id(&HeaderValue::from_str(ok).unwrap()), "{ok}");
        }
        for bad in ["", "a b", "a\"b", "a\tb", "ü", &"a".repeat(MAX_ID_LEN + 1)] {
            let v = HeaderValue::from_bytes(bad.as_bytes()).unwrap();
            assert!(!usable_id(&v), "{bad:?}");
        }
    }

    #[test]
    fn made_ids_are_distinct_hex() {
        let req = axum::http::Request::new(());
        let ids: std::collections::HashSet<String> = (0..1000)
            .map(|_| {
                let id = MakeId.make_request_id(&req).unwrap();
                id.header_value().to_str().unwrap().to_string()
            })
            .collect();
        assert_eq!(ids.len(), 1000);
        assert!(
            ids.iter()
                .all(|i| i.len() == 16 && i.bytes().all(|b| b.is_ascii_hexdigit()))
        );
    }
}
