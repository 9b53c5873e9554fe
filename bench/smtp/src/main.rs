//! SMTP load generator for `bench/smtp_ingest.sh`.
//!
//! Python's smtplib costs about 0.4 ms of CPU per message on the client side,
//! which on a 2-core machine shared with the server caps the measured rate
//! well below what the server can take. This sends the same messages (a
//! corpus written by `crates/tend/tests/smtp/deliver.py --write-corpus`,
//! already in SMTP wire form: CRLF line ends, dot-stuffed) for a few
//! microseconds each, pipelining MAIL, RCPT and DATA as MTAs do.
//!
//! Usage: `tend-bench-smtp CORPUS HOST:PORT RCPT CONNECTIONS [PER_CONNECTION]`
//!
//! Prints `250 <message-id>` per accepted message, or `ERR <message-id> …`,
//! like deliver.py; prints `SENDING <unix ns>` on stderr when the clock
//! starts (after the corpus is loaded).

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context as _, bail};
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::Mutex;

/// One prepared message.
struct Mail {
    id: String,
    wire: Vec<u8>,
}

/// Reads `<message-id>\n<length>\n<bytes>` records.
fn read_corpus(path: &str) -> anyhow::Result<Vec<Mail>> {
    let data = std::fs::read(path).with_context(|| format!("reading {path}"))?;
    let mut out = Vec::new();
    let mut pos = 0;
    let line = |pos: &mut usize| -> anyhow::Result<String> {
        let end = data[*pos..]
            .iter()
            .position(|&b| b == b'\n')
            .context("truncated corpus")?;
        let s = String::from_utf8_lossy(&data[*pos..*pos + end]).into_owned();
        *pos += end + 1;
        Ok(s)
    };
    while pos < data.len() {
        let id = line(&mut pos)?;
        let len: usize = line(&mut pos)?.trim().parse().context("bad length")?;
        let wire = data
            .get(pos..pos + len)
            .context("truncated message")?
            .to_vec();
        pos += len;
        out.push(Mail { id, wire });
    }
    Ok(out)
}

/// One SMTP reply: its code and text (continuation lines joined).
async fn reply(r: &mut BufReader<OwnedReadHalf>) -> anyhow::Result<(u16, String)> {
    let mut text = String::new();
    loop {
        let mut l = String::new();
        if r.read_line(&mut l).await? == 0 {
            bail!("connection closed");
        }
        text.push_str(l.trim_end());
        let code: u16 = l
            .get(..3)
            .and_then(|c| c.parse().ok())
            .context("bad reply")?;
        if l.as_bytes().get(3) != Some(&b'-') {
            return Ok((code, text));
        }
        text.push(' ');
    }
}

async fn command(
    r: &mut BufReader<OwnedReadHalf>,
    w: &mut OwnedWriteHalf,
    line: &str,
) -> anyhow::Result<(u16, String)> {
    w.write_all(line.as_bytes()).await?;
    w.write_all(b"\r\n").await?;
    reply(r).await
}

/// Sends `mails` over connections of at most `per_connection` messages.
async fn run(
    addr: String,
    rcpt: String,
    mails: Vec<Arc<Mail>>,
    per_connection: usize,
    out: Arc<Mutex<Vec<String>>>,
) {
    for chunk in mails.chunks(per_connection.max(1)) {
        if let Err(e) = session(&addr, &rcpt, chunk, &out).await {
            out.lock().await.push(format!("ERR - session: {e:#}"));
            return;
        }
    }
}

async fn session(
    addr: &str,
    rcpt: &str,
    mails: &[Arc<Mail>],
    out: &Mutex<Vec<String>>,
) -> anyhow::Result<()> {
    let stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (r, mut w) = stream.into_split();
    let mut r = BufReader::new(r);
    let (code, text) = reply(&mut r).await?;
    if code != 220 {
        bail!("greeting {code} {text}");
    }
    let (code, text) = command(&mut r, &mut w, "EHLO client.example").await?;
    if code != 250 {
        bail!("EHLO {code} {text}");
    }
    for m in mails {
        // PIPELINING (RFC 2920, advertised by Tend), as MTAs such as Postfix
        // use it: MAIL, RCPT and DATA in one write, then the three replies.
        let group = format!(
            "MAIL FROM:<customer@example.net> SIZE={}\r\nRCPT TO:<{rcpt}>\r\nDATA\r\n",
            m.wire.len()
        );
        w.write_all(group.as_bytes()).await?;
        let (mail, mail_text) = reply(&mut r).await?;
        let (rcpt_code, rcpt_text) = reply(&mut r).await?;
        let (data, data_text) = reply(&mut r).await?;
        if data != 354 {
            let why = match (mail, rcpt_code) {
                (250, 250) => format!("data {data} {data_text}"),
                (250, _) => format!("rcpt {rcpt_code} {rcpt_text}"),
                _ => format!("mail {mail} {mail_text}"),
            };
            out.lock().await.push(format!("ERR <{}> {why}", m.id));
            command(&mut r, &mut w, "RSET").await?;
            continue;
        }
        w.write_all(&m.wire).await?;
        if !m.wire.ends_with(b"\r\n") {
            w.write_all(b"\r\n").await?;
        }
        w.write_all(b".\r\n").await?;
        let (code, text) = reply(&mut r).await?;
        out.lock().await.push(if code == 250 {
            format!("250 <{}>", m.id)
        } else {
            format!("ERR <{}> data {code} {text}", m.id)
        });
    }
    let _ = command(&mut r, &mut w, "QUIT").await;
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 5 {
        bail!("usage: tend-bench-smtp CORPUS HOST:PORT RCPT CONNECTIONS [PER_CONNECTION]");
    }
    let mails = read_corpus(&args[1])?;
    let connections: usize = args[4].parse().context("CONNECTIONS")?;
    let per_connection: usize = match args.get(5) {
        Some(n) => n.parse().context("PER_CONNECTION")?,
        None => 500,
    };
    let mut shards: Vec<Vec<Arc<Mail>>> = (0..connections.max(1)).map(|_| Vec::new()).collect();
    let n = shards.len();
    for (i, m) in mails.into_iter().enumerate() {
        shards[i % n].push(Arc::new(m));
    }
    let out = Arc::new(Mutex::new(Vec::new()));
    let ns = SystemTime::now().duration_since(UNIX_EPOCH)?.as_nanos();
    eprintln!("SENDING {ns}");
    let tasks: Vec<_> = shards
        .into_iter()
        .map(|s| {
            tokio::spawn(run(
                args[2].clone(),
                args[3].clone(),
                s,
                per_connection,
                out.clone(),
            ))
        })
        .collect();
    for t in tasks {
        t.await?;
    }
    for line in out.lock().await.iter() {
        println!("{line}");
    }
    Ok(())
}
