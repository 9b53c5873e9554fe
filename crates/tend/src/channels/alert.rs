//! Telling the admins that a channel inbox stopped working: when an inbox
//! starts failing (a provider refuses Tend's credentials, or the address
//! Tend registered), each active admin gets one mail, in the language they
//! chose, naming the inbox, its kind and the provider's answer, with the
//! way to the inbox settings. The inbox shows the same on `/admin/inboxes`
//! until it works again. Sent through the email outbox like the radar's
//! digest; a desk with no address to send from logs the failure only.

use crate::Result;
use crate::agents::Viewer;
use crate::state::AppState;
use crate::vocab::MailKind;
use crate::web::i18n::Tr;

/// Alerts every admin that inbox `inbox_id` started failing with `error`.
/// Called once per failing spell, after the inbox was marked; a failure
/// to alert is logged, never in the way of the channel.
pub async fn inbox_failing(st: &AppState, inbox_id: i64, error: &str) {
    match queue(st, inbox_id, error).await {
        Ok(n) => tracing::info!(inbox_id, admins = n, "the admins were alerted"),
        Err(e) => tracing::warn!(inbox_id, error = %e, "could not alert the admins"),
    }
}

async fn queue(st: &AppState, inbox_id: i64, error: &str) -> Result<usize> {
    let inbox = crate::inboxes::service::get_inbox(st, &Viewer::system(), inbox_id).await?;
    let mut mails = Vec::new();
    for to in crate::agents::service::admins(st).await? {
        let tr = Tr::new(to.language.as_deref().unwrap_or("en"));
        let kind = tr.t(&format!("inbox-kind-{}", inbox.kind.as_str()));
        let subject = tr.s("alert-failing-subject", "inbox", &inbox.name);
        let mut text = tr.s("alert-hello", "name", &to.name);
        text.push_str("\n\n");
        text.push_str(&tr.args(
            "alert-failing",
            &[
                ("inbox", inbox.name.clone().into()),
                ("channel", kind.into()),
                ("error", error.to_string().into()),
            ],
        ));
        text.push_str("\n\n");
        text.push_str(&tr.t("alert-failing-after"));
        if let Some(base) = &st.config.public_url {
            text.push_str("\n\n");
            text.push_str(&tr.s(
                "alert-failing-settings",
                "url",
                format!("{}/admin/inboxes", base.trim_end_matches('/')),
            ));
        }
        text.push('\n');
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
    let n = mails.len();
    if n == 0 {
        return Ok(0);
    }
    let now = st.clock.now_ms();
    st.db
        .write(move |c| {
            Box::pin(async move {
                for m in &mails {
                    crate::channels::email::outbound::enqueue_standalone_in(
                        c,
                        m,
                        MailKind::Alert,
                        now,
                    )
                    .await?;
                }
                Ok(())
            })
        })
        .await?;
    st.outbox_wake.notify_one();
    Ok(n)
}
