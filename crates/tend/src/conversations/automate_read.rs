//! The rules seen from outside a write: the dry run, "why didn't my rule
//! fire?", and sending the automatic replies a rule queued. They read the
//! conversation as the rules see it through `automate::Sight`.

use super::automate::render_in;
use super::repo;
use super::sight::{Needs, Sight};
use crate::agents::Viewer;
use crate::automation::LocalizedText;
use crate::{Error, Result};
use serde_json::Value;

/// Why an automatic reply may not go to a conversation now, if so: the
/// channel's rules (a chat that has ended, a phone call) and the status.
fn reply_refused(
    status: crate::vocab::Status,
    channel: crate::vocab::Channel,
) -> Option<&'static str> {
    use crate::vocab::{Channel, Status};
    match (channel, status) {
        (_, Status::Closed) => Some("the conversation is closed"),
        (Channel::Chat, Status::Solved) => Some("the chat has ended"),
        (Channel::Phone, _) => Some("phone conversations are not answered automatically"),
        (
            Channel::Email
            | Channel::Web
            | Channel::Api
            | Channel::Portal
            | Channel::Chat
            | Channel::Telegram
            | Channel::Whatsapp,
            _,
        ) => None,
    }
}

/// Sends an automatic reply a rule queued: claimed first (so it goes out
/// at most once, whichever node sends), then written and delivered like
/// an agent's reply, with the rule as its actor.
pub async fn send_automatic_reply(
    st: &crate::state::AppState,
    r: crate::automation::service::ReplyRow,
) -> Result<()> {
    let text: LocalizedText =
        serde_json::from_str(&r.template).map_err(|e| Error::Internal(e.into()))?;
    let conv = super::reading::get(st, &Viewer::system(), r.conversation_id).await?;
    let now = st.clock.now_ms();
    let refused = reply_refused(conv.status, conv.channel);
    let id = r.id;
    let claimed = st
        .db
        .write(move |c| {
            Box::pin(async move {
                crate::automation::service::finish_reply_in(c, id, refused, now).await
            })
        })
        .await?;
    if !claimed || refused.is_some() {
        return Ok(());
    }
    let language = conv.language.clone().or(conv.customer.language.clone());
    let name = {
        let mut c = st.db.pool().acquire().await?;
        let body = render_in(&mut c, conv.id, &text, language.as_deref()).await?;
        (
            body,
            crate::automation::service::name_in(&mut c, r.automation_id).await?,
        )
    };
    let (body, rule_name) = name;
    let viewer = Viewer {
        name: rule_name.unwrap_or_else(|| "Tend".into()),
        ..Viewer::system()
    };
    super::reply::add_message(
        st,
        &viewer,
        conv.id,
        super::model::NewMessage {
            text: Some(body),
            ..Default::default()
        },
        super::reply::Sender::Rule(r.automation_id),
        Vec::new(),
    )
    .await?;
    Ok(())
}

/// The most conversations a dry run looks at (the most recently changed).
pub const DRY_RUN_LIMIT: i64 = 5_000;

/// What a dry run found.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct DryRun {
    /// Conversations the rule's conditions fit.
    pub matched: i64,
    /// Some of them (up to 20), newest first.
    pub sample: Vec<i64>,
    /// Conversations looked at.
    pub examined: i64,
}

/// Which conversations changed in the last `days` the rule would touch, as
/// they are now (the triggering message: their customer's latest). Looks
/// at the [`DRY_RUN_LIMIT`] most recently changed. Admins and supervisors.
pub async fn dry_run(
    st: &crate::state::AppState,
    viewer: &Viewer,
    rule: i64,
    days: i64,
) -> Result<DryRun> {
    let a = crate::automation::service::get(st, viewer, rule).await?;
    if !(1..=365).contains(&days) {
        return Err(Error::invalid("days", "look back 1 to 365 days"));
    }
    let conditions = crate::automation::service::compiled(&a)?;
    let needs = Needs::of_conditions(&conditions);
    let now = st.clock.now_ms();
    let mut c = st.db.pool().acquire().await?;
    let ids = repo::changed_since(&mut c, now - days * 86_400_000, DRY_RUN_LIMIT).await?;
    let mut out = DryRun {
        matched: 0,
        sample: Vec::new(),
        examined: 0,
    };
    for id in ids {
        let mut sight = Sight::default();
        if !sight.look_in(&mut c, id, needs, None, false).await? {
            continue;
        }
        let Some(facts) = sight.facts(now) else {
            continue;
        };
        out.examined += 1;
        if conditions.holds(&facts) {
            out.matched += 1;
            if out.sample.len() < 20 {
                out.sample.push(id);
            }
        }
    }
    Ok(out)
}

/// One rule, evaluated on a conversation as it is now.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct RuleCheck {
    /// The rule.
    pub automation_id: i64,
    /// Its name.
    pub name: String,
    /// Whether it runs.
    pub active: bool,
    /// When it runs.
    pub when: crate::automation::model::When,
    /// Whether its conditions hold now.
    pub holds: bool,
    /// Each condition and whether it holds: `{"all", "any", "fired"}`.
    #[schema(value_type = Object)]
    pub conditions: Value,
}

/// "Why didn't my rule fire?": every rule evaluated on the conversation
/// now, and the evaluations recorded when they ran (rules with `trace`).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Explained {
    /// Every rule, in order.
    pub rules: Vec<RuleCheck>,
    /// Recorded evaluations that did not fire, newest first.
    pub traces: Vec<crate::automation::service::Trace>,
}

/// Why the rules did or did not act on a conversation the viewer may see.
/// Admins and supervisors.
pub async fn explain_automations(
    st: &crate::state::AppState,
    viewer: &Viewer,
    id: i64,
) -> Result<Explained> {
    let rules = crate::automation::service::list(st, viewer).await?;
    super::reading::get(st, viewer, id).await?;
    let now = st.clock.now_ms();
    let mut c = st.db.pool().acquire().await?;
    let mut out = Vec::new();
    let mut sight = Sight::default();
    if !sight.look_in(&mut c, id, Needs::ALL, None, false).await? {
        return Err(Error::NotFound("conversation"));
    }
    let Some(facts) = sight.facts(now) else {
        return Err(Error::NotFound("conversation"));
    };
    for a in rules {
        let conditions = crate::automation::service::compiled(&a)?;
        out.push(RuleCheck {
            automation_id: a.id,
            name: a.name,
            active: a.active,
            when: a.when,
            holds: conditions.holds(&facts),
            conditions: conditions.explain(&facts),
        });
    }
    Ok(Explained {
        rules: out,
        traces: crate::automation::service::traces_in(&mut c, id).await?,
    })
}
