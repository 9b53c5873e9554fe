//! Machine mail that no autoresponder header announces: delivery reports
//! in every shape, feedback and DMARC reports, mailing-list notices and
//! cloud mail services' JSON events.
//!
//! Structure decides first: report content types, `X-Failed-Recipients`,
//! a null or mailer-daemon return path or sender, a JSON event at the top
//! of the body. Words ([`crate::machine_words`]) only count in pairs of
//! independent signals (a bounce subject *and* a returned message; a canned
//! opening sentence *and* a robot sender), and not at all in mail that a
//! person forwards or answers (`Fwd:`, `Re:`, …) or writes in a known mail
//! program: a person who forwards a bounce with words of their own still
//! reaches the desk.

use crate::machine_rules::{cloud_event, delivery_report, dmarc_aggregate, feedback, list_notice};
use crate::machine_sender::{
    ReturnPath, Sender, is_reply_or_forward, normalise_subject, return_path,
    written_by_mail_program,
};
use crate::machine_words as words;
use crate::model::{Attachment, AutoReason, Mailbox};
use crate::notification::CloudEvent;
use crate::report::Structure;

/// What classification reads of one message.
pub(crate) struct Mail<'a> {
    /// Root headers: lowercased names, unfolded values.
    pub headers: &'a [(String, String)],
    /// Decoded subject.
    pub subject: &'a str,
    /// The author.
    pub from: Option<&'a Mailbox>,
    /// The recipients (To).
    pub to: &'a [Mailbox],
    /// The plain-text body.
    pub text: &'a str,
    /// Attachments (forwarded messages parsed inside them).
    pub attachments: &'a [Attachment],
    /// Report parts of the MIME structure.
    pub structure: &'a Structure,
}

impl Mail<'_> {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn has(&self, name: &str) -> bool {
        self.header(name).is_some()
    }
}

/// What [`detect`] found besides the reasons.
#[derive(Debug, Default)]
pub(crate) struct Found {
    /// A cloud service's JSON event.
    pub cloud: Option<CloudEvent>,
    /// The bounce says delivery is only delayed.
    pub delayed: bool,
}

/// Adds the machine-mail reasons of `mail` to `reasons`.
pub(crate) fn detect(mail: &Mail<'_>, reasons: &mut Vec<AutoReason>) -> Found {
    let mut found = Found::default();
    let s = Signals::of(mail);
    let mut add = |r: AutoReason| {
        if !reasons.contains(&r) {
            reasons.push(r);
        }
    };

    if s.return_path != ReturnPath::Other {
        add(AutoReason::NullReturnPath);
    }
    if !s.person_forward {
        found.cloud = cloud_event(mail);
        if found.cloud.is_some() || s.sender.domain.ends_with("sns.amazonaws.com") {
            add(AutoReason::CloudNotification);
        }
    }
    let st = mail.structure;
    if st.root_is("disposition-notification") || (st.disposition_part && !s.person_forward) {
        add(AutoReason::ReadReceipt);
    }
    if let Some(r) = feedback(mail, &s) {
        add(r);
    }
    if dmarc_aggregate(mail, &s) {
        add(AutoReason::DmarcAggregateReport);
    }
    if delivery_report(mail, &s) {
        add(AutoReason::DeliveryStatus);
        found.delayed = words::DELAY_WORDS
            .iter()
            .any(|w| s.subject.contains(w) || s.lead.contains(w));
    }
    if list_notice(mail, &s) {
        add(AutoReason::ListNotice);
    }
    found
}

/// Everything the rules below share, computed once.
pub(crate) struct Signals {
    pub(crate) sender: Sender,
    pub(crate) return_path: ReturnPath,
    /// The lowercased subject without leading tags such as `[SPAM]`.
    pub(crate) subject: String,
    /// The lowercased start of the body ([`crate::reply::lead`]).
    pub(crate) lead: String,
    /// Structural signs that a mail system, not a person, wrote this.
    pub(crate) hard: bool,
    /// A person forwarding or answering (`Fwd:`, `Re:` …) without any hard
    /// sign: words and attachments are theirs, not a machine's.
    pub(crate) person_forward: bool,
    /// Words may count: not a person's forward, not a known mail program.
    pub(crate) weak_allowed: bool,
    /// A returned message or its headers is attached: a headers-only
    /// part (only reports carry those), or a message that the recipient of
    /// this one sent (a person forwarding mail attaches mail they received).
    pub(crate) returned_attachment: bool,
    /// Any message (or message headers) is attached: what feedback and
    /// DMARC failure reports carry, whoever sent the original.
    pub(crate) message_attached: bool,
}

impl Signals {
    fn of(mail: &Mail<'_>) -> Signals {
        let sender = Sender::of(mail.from, mail.header("from"));
        let return_path = return_path(mail);
        let auto_submitted = mail.header("auto-submitted").is_some_and(|v| {
            !v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .eq_ignore_ascii_case("no")
        });
        let hard = mail.structure.root_report.is_some()
            || auto_submitted
            || mail.has("x-failed-recipients")
            || return_path != ReturnPath::Other
            || sender.is_daemon();
        let subject = normalise_subject(mail.subject);
        let person_forward = !hard && is_reply_or_forward(&subject);
        let weak_allowed = !person_forward && (hard || !written_by_mail_program(mail));
        Signals {
            lead: crate::reply::lead(mail.text, 12),
            returned_attachment: mail
                .attachments
                .iter()
                .any(|a| is_returned_message(a, mail.to)),
            message_attached: mail
                .attachments
                .iter()
                .any(|a| a.message.is_some() || is_returned_message(a, &[])),
            sender,
            return_path,
            subject,
            hard,
            person_forward,
            weak_allowed,
        }
    }

    pub(crate) fn subject_has(&self, list: &[&str]) -> bool {
        list.iter().any(|w| self.subject.contains(w))
    }

    pub(crate) fn subject_starts(&self, list: &[&str]) -> bool {
        list.iter().any(|w| self.subject.starts_with(w))
    }

    pub(crate) fn lead_has(&self, list: &[&str]) -> bool {
        list.iter().any(|w| self.lead.contains(w))
    }

    /// A robot's address or a mail system's name.
    pub(crate) fn machine_ish_sender(&self) -> bool {
        self.sender.is_robot() || self.sender.has_machine_name()
    }
}

pub(crate) fn is_returned_message(a: &Attachment, to: &[Mailbox]) -> bool {
    match a.content_type.as_str() {
        "text/rfc822-headers" | "message/rfc822-headers" | "message/global-headers" => true,
        "message/rfc822" | "message/global" => match &a.message {
            // A bounce returns what its recipient sent.
            Some(m) => {
                to.is_empty()
                    || m.from
                        .as_ref()
                        .is_some_and(|f| to.iter().any(|t| t.address == f.address))
            }
            None => true,
        },
        _ => false,
    }
}
