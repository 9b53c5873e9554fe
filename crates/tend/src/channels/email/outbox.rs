//! The durable outbox: composed mail waits in the `outbox` table until the
//! relay accepts it. A relay outage delays mail but loses nothing; transient
//! failures retry with backoff, permanent ones mark the message failed,
//! visibly to agents. Several nodes may run this: each row is claimed with a
//! lease before sending.

use std::time::Duration;

use lettre::address::Envelope;
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Tokio1Executor};

use crate::jobs::Job;
use crate::jobs::service::{Pass, backoff_ms};
use crate::state::AppState;
use crate::tasks::Shutdown;
use crate::vocab::DeliveryStatus;
use crate::{Error, Result};

use super::repo::{self, OutboxRow};

/// How long a claimed row is reserved for the sender that took it.
const LEASE_MS: i64 = 120_000;
/// Attempts before giving up.
const MAX_ATTEMPTS: i64 = 12;

pub use crate::config::net::{RelayTls, relay_tls};

/// Builds the relay transport from `TEND_SMTP_RELAY_URL`; roots from
/// `TEND_MAIL_TLS_CA_FILE` are trusted besides the public ones.
fn transport(
    url: &str,
    ca_file: Option<&std::path::Path>,
) -> anyhow::Result<AsyncSmtpTransport<Tokio1Executor>> {
    use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
    let u = url::Url::parse(url)?;
    let mode = relay_tls(&u).map_err(|e| anyhow::anyhow!(e))?;
    // lettre knows no `tls=none`: without `tls` it speaks plain SMTP.
    let mut clean = u.clone();
    let kept: Vec<(String, String)> = u
        .query_pairs()
        .filter(|(k, v)| !(k == "tls" && v == "none"))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        clean.set_query(None);
    } else {
        clean.query_pairs_mut().clear().extend_pairs(kept);
    }
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(clean.as_str())?;
    if let (Some(ca), Some(host)) = (ca_file, u.host_str())
        && mode != RelayTls::Plain
    {
        let pem = std::fs::read(ca)?;
        let params = TlsParameters::builder(host.to_string())
            .add_root_certificate(Certificate::from_pem(&pem)?)
            .build_rustls()?;
        builder = builder.tls(match mode {
            RelayTls::Wrapper => Tls::Wrapper(params),
            RelayTls::Required => Tls::Required(params),
            RelayTls::Opportunistic | RelayTls::Plain => Tls::Opportunistic(params),
        });
    }
    Ok(builder.timeout(Some(Duration::from_secs(60))).build())
}

/// Sends queued mail until the shutdown (a task of `crate::tasks`); a
/// pass in progress finishes first. `st.outbox_wake` is notified when mail
/// is queued. Without a usable relay it returns at once.
pub async fn run(st: AppState, shutdown: Shutdown) -> anyhow::Result<()> {
    let Some(url) = st.config.smtp_relay_url.clone() else {
        tracing::info!("no TEND_SMTP_RELAY_URL: outbound mail stays queued in the outbox");
        return Ok(());
    };
    let relay = match transport(&url, st.config.mail_tls_ca_file.as_deref()) {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(error = %e, "cannot use the SMTP relay; outbound mail stays queued");
            return Ok(());
        }
    };
    let wake = st.outbox_wake.clone();
    loop {
        match deliver_due(&st, &relay).await {
            Ok(n) if n > 0 && !shutdown.is_stopping() => continue,
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "outbox pass failed"),
        }
        tokio::select! {
            _ = wake.notified() => {},
            _ = tokio::time::sleep(Duration::from_secs(5)) => {},
            _ = shutdown.stopped() => return Ok(()),
        }
    }
}

/// Sends what is due; returns how many rows it handled.
pub async fn deliver_due(
    st: &AppState,
    relay: &AsyncSmtpTransport<Tokio1Executor>,
) -> Result<usize> {
    let now = st.clock.now_ms();
    let rows = {
        let mut c = st.db.pool().acquire().await?;
        repo::due(&mut c, now, 32).await?
    };
    // A row that cannot be handled (its record cannot be written) backs
    // off and is parked, and the others go on.
    if rows.is_empty() {
        return Ok(0);
    }
    let pass = Pass::start(st, Job::Outbox).await?;
    let mut handled = 0;
    for row in rows {
        let (id, seen) = (row.id, row.next_attempt_at);
        let one = async {
            let claimed = st
                .db
                .write(move |c| {
                    Box::pin(async move { repo::claim(c, id, seen, now + LEASE_MS).await })
                })
                .await?;
            if !claimed {
                return Ok(false);
            }
            let result = send(st, relay, &row).await;
            record(st, &row, result).await?;
            Ok(true)
        };
        if pass.run(st, id, one).await == Some(true) {
            handled += 1;
        }
    }
    Ok(handled)
}

/// The outcome of one attempt.
enum Attempt {
    Sent,
    Retry(String),
    Failed(String),
}

async fn send(
    st: &AppState,
    relay: &AsyncSmtpTransport<Tokio1Executor>,
    row: &OutboxRow,
) -> Attempt {
    let raw = match crate::attachments::load(st, &row.raw_sha256).await {
        Ok(r) => r,
        Err(e) => return Attempt::Failed(format!("the composed message is missing: {e}")),
    };
    let rcpt: Vec<String> = serde_json::from_str(&row.rcpt).unwrap_or_default();
    let to: Result<Vec<lettre::Address>, _> =
        rcpt.iter().map(|r| r.parse::<lettre::Address>()).collect();
    let envelope = match (row.mail_from.parse::<lettre::Address>(), to) {
        (Ok(from), Ok(to)) => Envelope::new(Some(from), to),
        (Err(e), _) | (_, Err(e)) => return Attempt::Failed(format!("bad address: {e}")),
    };
    let envelope = match envelope {
        Ok(e) => e,
        Err(e) => return Attempt::Failed(format!("bad envelope: {e}")),
    };
    match relay.send_raw(&envelope, &raw).await {
        Ok(_) => Attempt::Sent,
        Err(e) if e.is_permanent() => Attempt::Failed(e.to_string()),
        Err(e) => Attempt::Retry(e.to_string()),
    }
}

async fn record(st: &AppState, row: &OutboxRow, attempt: Attempt) -> Result<()> {
    let now = st.clock.now_ms();
    let row = row.clone();
    let attempts = row.attempts + 1;
    st.db
        .write(move |c| {
            Box::pin(async move {
                match attempt {
                    Attempt::Sent => {
                        repo::mark_sent(c, row.id, now).await?;
                        if let Some(m) = row.message_id {
                            crate::conversations::service::set_delivery_in(c, m, DeliveryStatus::Sent, None, now).await?;
                        }
                    }
                    Attempt::Retry(e) if attempts < MAX_ATTEMPTS => {
                        tracing::warn!(outbox = row.id, error = %e, "relay refused for now; will retry");
                        repo::mark_retry(c, row.id, now + backoff_ms(attempts), &e).await?;
                    }
                    Attempt::Retry(e) | Attempt::Failed(e) => {
                        tracing::warn!(outbox = row.id, error = %e, "outbound mail failed");
                        repo::mark_failed(c, row.id, &e).await?;
                        if let Some(m) = row.message_id {
                            crate::conversations::service::set_delivery_in(c, m, DeliveryStatus::Failed, Some(&e), now).await?;
                        }
                    }
                }
                Ok::<(), Error>(())
            })
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relay_passwords_never_go_in_clear_unless_allowed() {
        let tls = |s: &str| relay_tls(&url::Url::parse(s).unwrap());
        assert_eq!(tls("smtp://127.0.0.1:1025"), Ok(RelayTls::Plain));
        assert_eq!(tls("smtps://u:p@mail.example:465"), Ok(RelayTls::Wrapper));
        assert_eq!(
            tls("smtp://u:p@mail.example:587?tls=required"),
            Ok(RelayTls::Required)
        );
        assert!(
            tls("smtp://u:p@mail.example:587")
                .unwrap_err()
                .contains("tls=none")
        );
        assert!(tls("smtp://u:p@mail.example:587?tls=opportunistic").is_err());
        assert_eq!(tls("smtp://u:p@10.0.0.5:25?tls=none"), Ok(RelayTls::Plain));
        assert!(tls("smtp://h?tls=sometimes").is_err());
        assert!(tls("smtps://u:p@h?tls=none").is_err());
        assert!(transport("smtp://u:p@10.0.0.5:25?tls=none", None).is_ok());
        assert!(transport("smtp://u:p@10.0.0.5:25", None).is_err());
    }
}
