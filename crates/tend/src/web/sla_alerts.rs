//! The service-level alerts of the live stream (`web/live.rs`): a warning
//! or breach, for the agents it concerns, worded in their language.

use serde_json::{Value, json};

use crate::Result;
use crate::state::AppState;

/// The alert of a service-level warning or breach, for agent `me` if it is
/// theirs: the owner's; the conversation's team's when nobody owns it
/// (everyone's who may see it, without a team); and the team a breached
/// policy notifies. Worded in the agent's language.
pub(super) async fn sla_alert(
    st: &AppState,
    me: i64,
    tr: &super::i18n::Tr,
    ev: &crate::state::BusEvent,
) -> Result<Option<Value>> {
    use crate::vocab::EventKind;
    let key = match ev.kind {
        EventKind::SlaWarning => "sla-alert-warning",
        EventKind::SlaBreached => "sla-alert-breached",
        _ => return Ok(None),
    };
    let system = crate::agents::Viewer::system();
    let conv = crate::conversations::service::get(st, &system, ev.conversation_id).await?;
    let data = crate::conversations::service::event_data(st, ev.event_id).await?;
    let mut teams = Vec::new();
    if conv.assignee_id.is_none() {
        teams.extend(conv.team_id);
    }
    teams.extend(data["notify_team_id"].as_i64());
    let mut theirs =
        conv.assignee_id == Some(me) || (conv.assignee_id.is_none() && conv.team_id.is_none());
    for t in teams {
        if theirs {
            break;
        }
        theirs = crate::agents::service::get_team(st, t)
            .await
            .is_ok_and(|team| team.member_ids.contains(&me));
    }
    if !theirs {
        return Ok(None);
    }
    let metric = super::event_labels::sla_metric(tr, &data).unwrap_or_default();
    let text = tr.args(
        key,
        &[
            ("id", conv.id.into()),
            ("subject", conv.subject.clone().into()),
            ("metric", metric.into()),
        ],
    );
    Ok(Some(json!({
        "conversation_id": conv.id,
        "kind": ev.kind,
        "text": text,
    })))
}
