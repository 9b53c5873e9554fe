//! Chat load generator: opens thousands of widget WebSockets against a
//! running Tend, sends visitor messages at a fixed aggregate rate, and times
//! their delivery.
//!
//! Each session has two sockets, like a visitor with two tabs: tab A sends,
//! and the time until the same message reaches tab B (through the server's
//! store and fan-out) is the delivery latency. Every message carries its
//! send time and a sequence number in its client id, so loss and duplicates
//! are counted too.
//!
//! ```text
//! tend-bench-chat BASE_URL[,SECOND_URL] INBOX_ID [SESSIONS] [RATE_PER_S] [SECONDS]
//! ```
//! Defaults: 5,000 sessions (10,000 sockets), 1,000 messages/s, 30 s.
//! With a second URL (another node on the same PostgreSQL database), tab B
//! of every session connects there: the latency is then across nodes.
//! Prints `RESULT key=value …`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt as _, StreamExt as _};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio::sync::Mutex;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;
type Sink = Arc<Mutex<SplitSink<Ws, Message>>>;

struct Args {
    base: String,
    /// Where tab B connects (the same node by default).
    base_b: String,
    inbox: i64,
    sessions: usize,
    rate: u64,
    seconds: u64,
}

fn args() -> Result<Args> {
    let a: Vec<String> = std::env::args().skip(1).collect();
    if a.len() < 2 {
        bail!("usage: tend-bench-chat BASE_URL INBOX_ID [SESSIONS] [RATE_PER_S] [SECONDS]");
    }
    let num = |i: usize, d: u64| -> Result<u64> {
        a.get(i)
            .map(|s| {
                s.parse::<u64>()
                    .with_context(|| format!("argument {}", i + 1))
            })
            .transpose()
            .map(|v| v.unwrap_or(d))
    };
    Ok(Args {
        base: a[0]
            .split(',')
            .next()
            .unwrap_or_default()
            .trim_end_matches('/')
            .to_string(),
        base_b: a[0]
            .split(',')
            .next_back()
            .unwrap_or_default()
            .trim_end_matches('/')
            .to_string(),
        inbox: a[1].parse().context("INBOX_ID")?,
        sessions: usize::try_from(num(2, 5000)?)?,
        rate: num(3, 1000)?.max(1),
        seconds: num(4, 30)?,
    })
}

/// What the receiving tabs saw.
#[derive(Default)]
struct Seen {
    latencies_us: std::sync::Mutex<Vec<u64>>,
    /// One bit per sequence number: set when delivered; a second delivery
    /// counts as a duplicate.
    delivered: std::sync::Mutex<Vec<bool>>,
    duplicates: AtomicUsize,
    received: AtomicUsize,
}

async fn connect(url: &str, token: &str) -> Result<(SplitSink<Ws, Message>, SplitStream<Ws>)> {
    let (ws, _) = tokio_tungstenite::connect_async(url).await?;
    let (mut tx, mut rx) = ws.split();
    tx.send(Message::text(
        json!({"t": "hello", "token": token, "after": 0}).to_string(),
    ))
    .await?;
    loop {
        match tokio::time::timeout(Duration::from_secs(60), rx.next()).await {
            Ok(Some(Ok(Message::Text(t)))) => {
                let v: Value = serde_json::from_str(t.as_str())?;
                if v["t"] == "ready" {
                    return Ok((tx, rx));
                }
                if v["t"] == "error" {
                    bail!("hello refused: {v}");
                }
            }
            Ok(Some(Ok(_))) => {}
            other => bail!("no ready frame: {other:?}"),
        }
    }
}

/// Keeps a socket alive (the server closes sockets silent for 120 s).
fn keepalive(sink: Sink) {
    tokio::spawn(async move {
        let mut t = tokio::time::interval(Duration::from_secs(45));
        t.tick().await;
        loop {
            t.tick().await;
            let frame = Message::text(r#"{"t":"ping"}"#);
            if sink.lock().await.send(frame).await.is_err() {
                return;
            }
        }
    });
}

/// Reads tab A: acknowledgements and its own echoes, just drained.
fn drain(mut rx: SplitStream<Ws>, acks: Arc<AtomicUsize>, open: Arc<AtomicUsize>) {
    tokio::spawn(async move {
        while let Some(Ok(m)) = rx.next().await {
            if let Message::Text(t) = m
                && t.as_str().contains("\"t\":\"ack\"")
            {
                acks.fetch_add(1, Ordering::Relaxed);
            }
        }
        open.fetch_sub(1, Ordering::Relaxed);
    });
}

/// Reads tab B: times every message sent by tab A.
fn receive(mut rx: SplitStream<Ws>, start: Instant, seen: Arc<Seen>, open: Arc<AtomicUsize>) {
    tokio::spawn(async move {
        while let Some(Ok(m)) = rx.next().await {
            let Message::Text(t) = m else { continue };
            let Ok(v) = serde_json::from_str::<Value>(t.as_str()) else {
                continue;
            };
            if v["t"] != "msg" {
                continue;
            }
            let now = start.elapsed().as_micros() as u64;
            // cid = "<phase>-<sent µs>-<seq>"
            let Some(cid) = v["client_id"].as_str() else {
                continue;
            };
            let mut parts = cid.split('-');
            let (Some(phase), Some(sent), Some(seq)) = (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            if phase != "m" {
                continue;
            }
            let (Ok(sent), Ok(seq)) = (sent.parse::<u64>(), seq.parse::<usize>()) else {
                continue;
            };
            seen.received.fetch_add(1, Ordering::Relaxed);
            let dup = {
                let mut d = seen.delivered.lock().unwrap_or_else(|e| e.into_inner());
                match d.get_mut(seq) {
                    Some(b) if *b => true,
                    Some(b) => {
                        *b = true;
                        false
                    }
                    None => false,
                }
            };
            if dup {
                seen.duplicates.fetch_add(1, Ordering::Relaxed);
            } else {
                seen.latencies_us
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(now.saturating_sub(sent));
            }
        }
        open.fetch_sub(1, Ordering::Relaxed);
    });
}

async fn send(sink: &Sink, cid: String, text: &str) -> bool {
    let frame = Message::text(json!({"t": "msg", "cid": cid, "text": text}).to_string());
    sink.lock().await.send(frame).await.is_ok()
}

fn pct(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)] as f64 / 1000.0
}

const TEXTS: [&str; 6] = [
    "Labdien! Mans pasūtījums vēl nav pienācis.",
    "注文した商品がまだ届いていません。",
    "배송이 아직 안 왔어요. 확인 부탁드립니다.",
    "Hola, la meva comanda encara no ha arribat.",
    "Hi, my order has not arrived yet.",
    "Could you check the tracking number, please?",
];

#[tokio::main]
async fn main() -> Result<()> {
    let a = args()?;
    let http = reqwest::Client::new();
    let t0 = Instant::now();
    // 1. Sessions.
    let tokens: Vec<String> = futures_util::stream::iter(0..a.sessions)
        .map(|_| {
            let http = http.clone();
            let url = format!("{}/chat/{}/session", a.base, a.inbox);
            async move {
                let r = http.post(url).json(&json!({})).send().await?;
                let status = r.status();
                let v: Value = r.json().await?;
                match v["token"].as_str() {
                    Some(t) => Ok::<_, anyhow::Error>(t.to_string()),
                    None => bail!("session refused ({status}): {v}"),
                }
            }
        })
        .buffer_unordered(64)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Result<_>>()?;
    println!(
        "sessions: {} in {:.1}s",
        tokens.len(),
        t0.elapsed().as_secs_f64()
    );

    // 2. Two sockets per session.
    let ws_url = format!("{}/chat/{}/ws", a.base.replacen("http", "ws", 1), a.inbox);
    let ws_url_b = format!("{}/chat/{}/ws", a.base_b.replacen("http", "ws", 1), a.inbox);
    let t1 = Instant::now();
    let start = Instant::now();
    let seen = Arc::new(Seen::default());
    let acks = Arc::new(AtomicUsize::new(0));
    let open = Arc::new(AtomicUsize::new(0));
    let senders: Vec<Sink> = futures_util::stream::iter(tokens.iter().cloned())
        .map(|token| {
            let (ws_url, ws_url_b, seen, acks, open) = (
                ws_url.clone(),
                ws_url_b.clone(),
                seen.clone(),
                acks.clone(),
                open.clone(),
            );
            async move {
                let (atx, arx) = connect(&ws_url, &token).await?;
                let (btx, brx) = connect(&ws_url_b, &token).await?;
                open.fetch_add(2, Ordering::Relaxed);
                let a = Arc::new(Mutex::new(atx));
                let b = Arc::new(Mutex::new(btx));
                keepalive(a.clone());
                keepalive(b);
                drain(arx, acks, open.clone());
                receive(brx, start, seen, open);
                Ok::<_, anyhow::Error>(a)
            }
        })
        .buffer_unordered(128)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Result<_>>()?;
    println!(
        "sockets: {} open in {:.1}s",
        open.load(Ordering::Relaxed),
        t1.elapsed().as_secs_f64()
    );

    // 3. Warm-up: every session's first message starts its conversation.
    let t2 = Instant::now();
    let warm = Arc::new(AtomicUsize::new(0));
    futures_util::stream::iter(senders.iter().enumerate())
        .map(|(i, s)| {
            let warm = warm.clone();
            async move {
                if send(s, format!("w-0-{i}"), TEXTS[i % TEXTS.len()]).await {
                    warm.fetch_add(1, Ordering::Relaxed);
                }
            }
        })
        .buffer_unordered(64)
        .collect::<Vec<_>>()
        .await;
    // Wait until the server acknowledged them (conversations exist).
    let deadline = Instant::now() + Duration::from_secs(300);
    while acks.load(Ordering::Relaxed) < senders.len() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!(
        "warm-up: {} conversations started in {:.1}s",
        acks.load(Ordering::Relaxed),
        t2.elapsed().as_secs_f64()
    );

    // 4. The measured phase: RATE messages per second for SECONDS.
    let total = usize::try_from(a.rate * a.seconds)?;
    *seen.delivered.lock().unwrap_or_else(|e| e.into_inner()) = vec![false; total];
    let sent = Arc::new(AtomicU64::new(0));
    let mut tick = tokio::time::interval(Duration::from_nanos(1_000_000_000 / a.rate));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let t3 = Instant::now();
    for seq in 0..total {
        tick.tick().await;
        let s = senders[seq % senders.len()].clone();
        let sent = sent.clone();
        tokio::spawn(async move {
            let at = start.elapsed().as_micros();
            if send(&s, format!("m-{at}-{seq}"), TEXTS[seq % TEXTS.len()]).await {
                sent.fetch_add(1, Ordering::Relaxed);
            }
        });
    }
    let send_secs = t3.elapsed().as_secs_f64();
    // Let the last ones arrive.
    let deadline = Instant::now() + Duration::from_secs(30);
    while seen.received.load(Ordering::Relaxed) < total && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut lat = std::mem::take(&mut *seen.latencies_us.lock().unwrap_or_else(|e| e.into_inner()));
    lat.sort_unstable();
    let delivered = lat.len();
    let lost = total.saturating_sub(delivered);
    println!(
        "RESULT sockets={} sessions={} sent={} delivered={} lost={} duplicates={} rate={:.0}/s p50_ms={:.1} p95_ms={:.1} p99_ms={:.1} max_ms={:.1} open_at_end={}",
        senders.len() * 2,
        senders.len(),
        sent.load(Ordering::Relaxed),
        delivered,
        lost,
        seen.duplicates.load(Ordering::Relaxed),
        total as f64 / send_secs,
        pct(&lat, 0.50),
        pct(&lat, 0.95),
        pct(&lat, 0.99),
        pct(&lat, 1.0),
        open.load(Ordering::Relaxed),
    );
    Ok(())
}
