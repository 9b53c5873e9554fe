//! A messaging channel's reply window and templates, for the outbox's
//! carrier (`outbound::OutboxCarrier::prepare`): a reply's template
//! checked against the inbox's approved ones, the survey's template
//! outside the window, and the refusal of free text there.

use super::model::OutboundTemplate;
use crate::channels::capabilities::Capabilities;
use crate::inboxes::InboxKind;
use crate::{Error, Result};

/// The template a reply names, as the inbox registered it: the channel
/// must have templates, the inbox the template, and the reply as many
/// parameters as it takes and no files.
pub(super) fn registered(
    inbox: &crate::inboxes::ChannelInbox,
    kind: InboxKind,
    t: &crate::conversations::model::TemplateMessage,
    files: usize,
) -> Result<OutboundTemplate> {
    let wa = match (Capabilities::of(kind).templates, &inbox.whatsapp) {
        (true, Some(wa)) => wa,
        _ => {
            return Err(Error::invalid(
                "template",
                format!("the {} channel has no message templates", kind.as_str()),
            ));
        }
    };
    let Some(reg) = wa.template(t.name.trim(), t.language.as_deref().map(str::trim)) else {
        let names: Vec<String> = wa
            .templates
            .iter()
            .map(|r| format!("{} ({})", r.name, r.language))
            .collect();
        return Err(Error::invalid(
            "template.name",
            format!(
                "{:?} is not one of this inbox's approved templates ({}); an admin registers them in whatsapp.templates",
                t.name,
                if names.is_empty() {
                    "none yet".to_string()
                } else {
                    names.join(", ")
                }
            ),
        ));
    };
    if t.parameters.len() != reg.parameters as usize {
        return Err(Error::invalid(
            "template.parameters",
            format!(
                "the template {:?} takes {} parameters; {} given",
                reg.name,
                reg.parameters,
                t.parameters.len()
            ),
        ));
    }
    if let Some(i) = t.parameters.iter().position(|p| p.trim().is_empty()) {
        return Err(Error::invalid(
            format!("template.parameters[{i}]"),
            "a template's parameter cannot be empty",
        ));
    }
    if files > 0 {
        return Err(Error::invalid(
            "files",
            "a template carries no files: send them once the customer writes again",
        ));
    }
    Ok(OutboundTemplate {
        name: reg.name.clone(),
        language: reg.language.clone(),
        parameters: t.parameters.clone(),
    })
}

/// The survey as the inbox's survey template (its one parameter, if any,
/// the survey's link); a 422 on `survey` when it has none.
pub(super) fn survey_template(
    inbox: &crate::inboxes::ChannelInbox,
    link: &str,
) -> Result<OutboundTemplate> {
    let wa = inbox.whatsapp.as_ref();
    let t = wa
        .and_then(|w| w.survey_template.as_deref().and_then(|n| w.template(n, None)))
        .ok_or_else(|| {
            Error::invalid(
                "survey",
                "the reply window is closed and the inbox has no survey template (whatsapp.survey_template)",
            )
        })?;
    Ok(OutboundTemplate {
        name: t.name.clone(),
        language: t.language.clone(),
        parameters: (t.parameters > 0)
            .then(|| link.to_string())
            .into_iter()
            .collect(),
    })
}

/// The refusal of free text outside a channel's reply window.
pub(super) fn closed(kind: InboxKind, last: Option<i64>) -> Error {
    let since = match last {
        Some(ms) => format!(
            "the customer last wrote at {}, more than 24 hours ago",
            crate::time::rfc3339(ms)
        ),
        None => "the customer has not written on this channel".to_string(),
    };
    Error::invalid(
        "text",
        format!(
            "the {} reply window is closed ({since}): only an approved template can be sent now (\"template\": {{\"name\", \"parameters\"}})",
            kind.as_str()
        ),
    )
}
