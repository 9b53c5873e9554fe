//! The weekly digest: a mail to every active admin and supervisor, in the
//! language they chose, listing the customers who went on the radar since
//! the last digest. Sent through the email outbox (standalone mail, like
//! the portal's links) at most once a week across nodes and restarts: the
//! `digest` mark of `health_marks` is claimed in the transaction that
//! queues the mails, so either the mark moves and every mail is queued, or
//! neither.

use fluent_templates::fluent_bundle::FluentValue;

use super::model::SignalView;
use super::repo;
use crate::Result;
use crate::state::AppState;
use crate::vocab::MailKind;
use crate::web::i18n::Tr;
use crate::web::labels::signal_key;

const WEEK_MS: i64 = 7 * 86_400_000;
/// Customers listed per digest.
const LISTED: i64 = 50;

/// Sends the digest when a week has passed since the last one; answers
/// how many mails were queued (0 when not due, or nobody is newly at risk).
pub async fn weekly(st: &AppState) -> Result<usize> {
    let now = st.clock.now_ms();
    let mut c = st.db.pool().acquire().await?;
    let last = repo::mark(&mut c, "digest").await?;
    if last > now - WEEK_MS {
        return Ok(0);
    }
    let since = if last == 0 { now - WEEK_MS } else { last };
    let risky = repo::newly_at_risk(&mut c, since, LISTED).await?;
    let ids: Vec<i64> = risky.iter().map(|r| r.0).collect();
    let names = crate::customers::service::briefs_in(&mut c, &ids).await?;
    drop(c);
    let mut mails = Vec::new();
    if !risky.is_empty() {
        for to in crate::agents::service::supervisors(st).await? {
            let tr = Tr::new(to.language.as_deref().unwrap_or("en"));
            let (subject, text) = compose(st, &tr, &to.name, &risky, &names);
            if let Some(m) = crate::channels::email::outbound::prepare_standalone(
                st,
                &to.email,
                Some(to.name.as_str()),
                &subject,
                &text,
            )
            .await?
            {
                mails.push(m);
            }
        }
    }
    let n = mails.len();
    let claimed = st
        .db
        .write(move |c| {
            Box::pin(async move {
                if !repo::claim_mark(c, "digest", now - WEEK_MS, "", now).await? {
                    return Ok(false);
                }
                for m in &mails {
                    crate::channels::email::outbound::enqueue_standalone_in(
                        c,
                        m,
                        MailKind::Digest,
                        now,
                    )
                    .await?;
                }
                Ok(true)
            })
        })
        .await?;
    if !claimed {
        return Ok(0);
    }
    if n > 0 {
        st.outbox_wake.notify_one();
    }
    Ok(n)
}

/// The subject and text of one supervisor's digest.
fn compose(
    st: &AppState,
    tr: &Tr,
    name: &str,
    risky: &[(i64, i64, String)],
    briefs: &[crate::customers::service::Brief],
) -> (String, String) {
    let subject = tr.n("digest-subject", risky.len() as i64);
    let mut text = tr.s("digest-intro", "name", name);
    text.push_str("\n\n");
    for (id, score, signals) in risky {
        let who = briefs
            .iter()
            .find(|b| b.id == *id)
            .and_then(|b| b.name.clone())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| format!("#{id}"));
        let signals: Vec<SignalView> = serde_json::from_str(signals).unwrap_or_default();
        let reasons: Vec<String> = signals
            .iter()
            .map(|s| tr.n(signal_key(s.kind), s.count))
            .collect();
        text.push_str("- ");
        text.push_str(&tr.args(
            "digest-line",
            &[
                ("customer", FluentValue::from(who)),
                ("score", FluentValue::from(*score)),
                ("reasons", FluentValue::from(reasons.join("; "))),
            ],
        ));
        text.push('\n');
    }
    if let Some(base) = &st.config.public_url {
        text.push('\n');
        text.push_str(&tr.s(
            "digest-more",
            "url",
            format!("{}/radar", base.trim_end_matches('/')),
        ));
        text.push('\n');
    }
    (subject, text)
}
