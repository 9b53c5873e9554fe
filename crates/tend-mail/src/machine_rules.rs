//! The rules for each kind of machine mail that no autoresponder header
//! announces: feedback and DMARC reports, delivery reports, list notices,
//! cloud services' JSON events. Each reads the [`Signals`] of a message.

use crate::machine::{Mail, Signals};
use crate::machine_words as words;
use crate::model::AutoReason;
use crate::notification::{self, CloudEvent};

/// A JSON event at the top of the body, or in a JSON attachment of a mail
/// without words of its own.
pub(crate) fn cloud_event(mail: &Mail<'_>) -> Option<CloudEvent> {
    if let Some(e) = notification::detect(mail.text) {
        return Some(e);
    }
    if !mail.text.trim().is_empty() {
        return None;
    }
    mail.attachments
        .iter()
        .filter(|a| {
            a.content_type == "application/json"
                || a.filename
                    .as_deref()
                    .is_some_and(|f| f.to_ascii_lowercase().ends_with(".json"))
        })
        .find_map(|a| notification::detect(std::str::from_utf8(&a.bytes).ok()?))
}

/// ARF feedback reports, Microsoft's JMRP, Apple's unsubscribe reports,
/// and DMARC failure reports (ARF with `Feedback-Type: auth-failure`, or
/// their non-standard cousins).
pub(crate) fn feedback(mail: &Mail<'_>, s: &Signals) -> Option<AutoReason> {
    let st = mail.structure;
    let structural = st.root_is("feedback-report")
        || (st.feedback_part && !s.person_forward)
        || mail.has("x-hmxmroriginalrecipient")
        // Microsoft's JMRP puts its header on the reported message, which
        // may be all the report holds.
        || (!s.person_forward && mail.attachments.iter().any(is_jmrp_message))
        || (s.weak_allowed
            && s.subject.starts_with("complaint about message from")
            && s.message_attached)
        || mail
            .header("x-apple-unsubscribe")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    // A person reports spam too ("Spam complaint", the spam attached): the
    // subject alone needs a reporting robot behind it.
    let reporter = s.machine_ish_sender()
        || s.hard
        || [
            "abuse",
            "fbl",
            "feedback",
            "arf",
            "complaints",
            "staff",
            "scomp",
        ]
        .contains(&s.sender.local.as_str());
    let worded = s.weak_allowed
        && ((s.subject_has(words::FEEDBACK_SUBJECTS) && reporter)
            || (s.lead_has(words::FEEDBACK_LEADS) && (reporter || s.message_attached)));
    let dmarc_words = s.subject.contains("dmarc")
        && (s.subject.contains("fail") || s.subject.contains("forensic"));
    let nonstandard_dmarc = s.weak_allowed
        && dmarc_words
        && (s.message_attached || reporter || s.sender.local.contains("dmarc"));
    if !(structural || worded || nonstandard_dmarc) {
        return None;
    }
    let auth_failure = st.feedback_type.as_deref() == Some("auth-failure")
        || (st.feedback_type.is_none()
            && (dmarc_words
                || s.subject_has(words::AUTH_FAILURE_WORDS)
                || s.lead_has(words::AUTH_FAILURE_WORDS)));
    Some(if auth_failure {
        AutoReason::DmarcFailureReport
    } else {
        AutoReason::FeedbackReport
    })
}

/// A reported message as Microsoft's feedback loop (JMRP) attaches it.
fn is_jmrp_message(a: &crate::model::Attachment) -> bool {
    a.content_type == "message/rfc822" && {
        let head = &a.bytes[..a.bytes.len().min(16 * 1024)];
        let needle = b"x-hmxmroriginalrecipient:";
        head.windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
    }
}

/// RFC 7489 aggregate reports: `Report Domain: … Submitter: …` subjects and
/// `receiver!domain!begin!end[!id].xml[.gz|.zip]` attachments.
pub(crate) fn dmarc_aggregate(mail: &Mail<'_>, s: &Signals) -> bool {
    if !s.weak_allowed {
        return false;
    }
    let report_domain = s.subject.contains("report domain:");
    // A person may ask about their DMARC report and attach it; reporters
    // send from robots (`noreply-dmarc-support@`, `dmarcreport@`).
    let reporter = s.hard
        || s.machine_ish_sender()
        || s.sender.local.contains("dmarc")
        || s.sender.local.contains("report");
    if (reporter || report_domain)
        && mail
            .attachments
            .iter()
            .any(|a| a.filename.as_deref().is_some_and(is_dmarc_report_name))
    {
        return true;
    }
    let report_file = mail.attachments.iter().any(|a| {
        let name = a
            .filename
            .as_deref()
            .unwrap_or_default()
            .to_ascii_lowercase();
        matches!(
            a.content_type.as_str(),
            "application/zip"
                | "application/x-zip-compressed"
                | "application/x-zip"
                | "application/gzip"
                | "application/x-gzip"
                | "application/xml"
                | "text/xml"
        ) || [".xml", ".xml.gz", ".gz", ".zip"]
            .iter()
            .any(|e| name.ends_with(e))
    });
    (report_domain && (s.subject.contains("submitter") || report_file))
        || (report_file
            && reporter
            && ((s.subject.contains("dmarc")
                && (s.subject.contains("report") || s.subject.contains("aggregate")))
                || s.lead.contains("dmarc aggregate report")))
}

/// `google.com!example.com!1700000000!1700086399.zip`, with an optional
/// unique id and `.xml`, `.xml.gz`, `.gz` or `.zip`.
fn is_dmarc_report_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let Some(stem) = [".xml.gz", ".xml.zip", ".xml", ".gz", ".zip"]
        .iter()
        .find_map(|e| lower.strip_suffix(e))
    else {
        return false;
    };
    let fields: Vec<&str> = stem.split('!').collect();
    let is_time = |f: &str| f.len() >= 9 && f.chars().all(|c| c.is_ascii_digit());
    (4..=5).contains(&fields.len())
        && fields[..2].iter().all(|f| f.contains('.'))
        && is_time(fields[2])
        && is_time(fields[3])
}

/// Bounces and delay warnings: structural, then worded.
pub(crate) fn delivery_report(mail: &Mail<'_>, s: &Signals) -> bool {
    let st = mail.structure;
    if st.root_is("delivery-status")
        || (st.delivery_status_part && !s.person_forward)
        || mail.has("x-failed-recipients")
        || s.sender.is_daemon()
    {
        return true;
    }
    let subject = s.subject_starts(words::BOUNCE_SUBJECT_STARTS);
    let canned = s.lead_has(words::BOUNCE_LEADS);
    let generic = s.lead_has(words::BOUNCE_LEADS_GENERIC);
    if s.hard {
        // Already machine mail (a null sender, Auto-Submitted): any bounce
        // word says which kind.
        return subject || canned || generic;
    }
    if !s.weak_allowed || !(subject || canned || generic) {
        return false;
    }
    // A mail system's own address or name; any robot (`no-reply@`) only
    // with the canned words of a mail system.
    let mail_system = s.sender.is_mail_system() || mail.has("x-ms-embedded-report");
    let robot = mail_system || s.sender.is_robot();
    (subject && (canned || generic || s.returned_attachment || mail_system))
        || (canned && (robot || s.returned_attachment))
        || (generic && mail_system && (s.returned_attachment || returned_text(mail.text)))
}

/// A returned copy of the original message pasted into the text.
fn returned_text(text: &str) -> bool {
    let mut end = text.len().min(64 * 1024);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = text[..end].to_lowercase();
    words::RETURNED_MESSAGE_MARKERS
        .iter()
        .any(|m| head.contains(m))
}

/// Headers that mailing-list software adds.
fn has_list_headers(mail: &Mail<'_>) -> bool {
    mail.headers.iter().any(|(n, _)| {
        matches!(
            n.as_str(),
            "list-id"
                | "list-help"
                | "list-unsubscribe"
                | "list-subscribe"
                | "list-post"
                | "list-owner"
                | "list-archive"
                | "mailing-list"
                | "x-mailing-list"
                | "x-ml-name"
                | "x-mlserver"
                | "x-loop"
                | "x-beenthere"
                | "x-google-group-id"
                | "x-google-loop"
                | "x-listserver"
                | "x-listname"
        ) || [
            "x-mailman-",
            "x-sympa-",
            "x-listserv",
            "x-lyris-",
            "x-ecartis-",
            "x-list-",
        ]
        .iter()
        .any(|p| n.starts_with(p))
    })
}

/// Notices of mailing-list software: subscription, moderation, rejected
/// posts, reminders, loop alerts.
pub(crate) fn list_notice(mail: &Mail<'_>, s: &Signals) -> bool {
    if mail
        .header("x-list-administrivia")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("yes"))
    {
        return true;
    }
    let local = s.sender.local.as_str();
    let robot = words::LIST_ROBOTS.iter().any(|r| {
        local == *r
            || local
                .strip_prefix(r)
                .is_some_and(|rest| rest.starts_with(['-', '+', '_']))
    });
    if robot || (mail.has("x-mlserver") && local.ends_with("-admin")) {
        return true;
    }
    if !s.weak_allowed {
        return false;
    }
    let headers = has_list_headers(mail);
    let notice = s.subject_has(words::LIST_NOTICE_WORDS) || s.lead_has(words::LIST_NOTICE_WORDS);
    // `list-bounces+user=example.com@`, `list-confirm+token@`: the part
    // before `+` names the list's address.
    let base = local.split('+').next().unwrap_or(local);
    let owner_address = local.starts_with("owner-")
        || local.ends_with("+owner")
        || local.ends_with("+owners")
        || ["-request", "-owner", "-owners", "-bounces", "-editor"]
            .iter()
            .any(|x| base.ends_with(x));
    let list_address = owner_address
        || words::LIST_SENDER_SUFFIXES
            .iter()
            .any(|x| base.ends_with(x) || local.ends_with(x));
    let group_service = ["googlegroups.com", "groups.io"]
        .iter()
        .any(|d| s.sender.domain == *d || s.sender.domain.ends_with(&format!(".{d}")));
    (owner_address && (headers || notice))
        || (list_address && headers)
        || (group_service && (s.sender.is_robot() || list_address || notice))
        || (headers && notice && (s.sender.is_robot() || s.hard || precedence_bulk(mail)))
        || (s.subject.contains("loop") && (headers || list_address) && notice)
}

fn precedence_bulk(mail: &Mail<'_>) -> bool {
    mail.header("precedence").is_some_and(|v| {
        matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "bulk" | "list" | "junk"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dmarc_report_file_names() {
        assert!(is_dmarc_report_name(
            "google.com!example.com!1700000000!1700086399.zip"
        ));
        assert!(is_dmarc_report_name(
            "protection.outlook.com!example.com!1700000000!1700086400.xml.gz"
        ));
        assert!(is_dmarc_report_name(
            "mail.ru!example.com!1700000000!1700086400!abc.xml"
        ));
        assert!(!is_dmarc_report_name("invoice!2024.zip"));
        assert!(!is_dmarc_report_name("report.xml.gz"));
    }
}
