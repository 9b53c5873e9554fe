//! Outbound replies: built with mail-builder, read back with our own parser,
//! the way the customer's client and our ingest will see them.

use tend_mail::{
    AutoReason, ComposeError, Mailbox, OutboundAttachment, ReplyDraft, compose_reply, parse,
    thread_keys,
};

fn draft() -> ReplyDraft {
    ReplyDraft {
        from: Mailbox {
            name: Some("Tend サポート".into()),
            address: "support@tend.example".into(),
        },
        reply_to: "support@tend.example".into(),
        to: vec![Mailbox {
            name: Some("山田 太郎".into()),
            address: "taro.yamada@example.jp".into(),
        }],
        cc: vec![Mailbox {
            name: None,
            address: "boss@example.jp".into(),
        }],
        subject: "Re: AW: プリンターの件 [#42]".into(),
        conversation_id: 42,
        in_reply_to: Some("ja-reply@example.jp".into()),
        references: vec!["root-42@example.jp".into(), "out-1@tend.example".into()],
        text: "山田様\n\nプリンターを再起動してください。\n\nTend サポート".into(),
        html: None,
        attachments: vec![
            OutboundAttachment {
                filename: "手順書 (v2).pdf".into(),
                content_type: "application/pdf".into(),
                bytes: b"%PDF-1.4 steps".to_vec(),
                content_id: None,
            },
            OutboundAttachment {
                filename: "logo.png".into(),
                content_type: "image/png".into(),
                bytes: b"\x89PNG fake".to_vec(),
                content_id: Some("logo@tend.example".into()),
            },
        ],
        auto_submitted: false,
        message_id_domain: "tend.example".into(),
        date: Some(1_704_708_000),
    }
}

#[test]
fn reply_round_trips_with_threading_headers() {
    let composed = compose_reply(&draft()).expect("compose");
    assert!(composed.message_id.ends_with("@tend.example"));
    assert_eq!(composed.subject, "Re: プリンターの件 [#42]");

    let raw = String::from_utf8(composed.raw.clone()).expect("7-bit clean output");
    assert!(raw.contains("multipart/alternative"), "{raw}");
    assert!(raw.contains("multipart/related"), "{raw}");
    assert!(raw.contains("multipart/mixed"), "{raw}");
    assert!(!raw.contains("Auto-Submitted"), "{raw}");

    let back = parse(&composed.raw).expect("parse our own output");
    assert_eq!(
        back.message_id.as_deref(),
        Some(composed.message_id.as_str())
    );
    assert_eq!(back.subject, "Re: プリンターの件 [#42]");
    assert_eq!(back.subject.matches("[#42]").count(), 1);
    assert_eq!(
        back.from.as_ref().and_then(|f| f.name.as_deref()),
        Some("Tend サポート")
    );
    assert_eq!(back.to[0].name.as_deref(), Some("山田 太郎"));
    assert_eq!(back.cc[0].address, "boss@example.jp");
    assert_eq!(back.reply_to[0].address, "support@tend.example");
    assert_eq!(back.in_reply_to.as_deref(), Some("ja-reply@example.jp"));
    assert_eq!(
        back.references,
        [
            "root-42@example.jp",
            "out-1@tend.example",
            "ja-reply@example.jp"
        ]
    );
    assert_eq!(back.date, Some(1_704_708_000));
    assert_eq!(
        back.text,
        "山田様\n\nプリンターを再起動してください。\n\nTend サポート"
    );
    assert!(
        back.html
            .as_deref()
            .is_some_and(|h| h.contains("プリンターを再起動してください。"))
    );
    assert!(!back.classification.is_auto_generated());

    let names: Vec<_> = back
        .attachments
        .iter()
        .map(|a| {
            (
                a.filename.as_deref(),
                a.content_type.as_str(),
                a.inline,
                a.bytes.as_slice(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            (None, "image/png", true, &b"\x89PNG fake"[..]),
            (
                Some("手順書 (v2).pdf"),
                "application/pdf",
                false,
                &b"%PDF-1.4 steps"[..]
            ),
        ]
    );
    assert_eq!(
        back.attachments[0].content_id.as_deref(),
        Some("logo@tend.example")
    );

    // The customer's answer to this reply threads back by In-Reply-To.
    let keys = thread_keys(&back);
    assert_eq!(keys.subject_token, Some(42));
}

#[test]
fn acknowledgement_is_auto_submitted_and_not_a_reply() {
    let mut ack = draft();
    ack.subject = "Printer broken".into();
    ack.in_reply_to = None;
    ack.references = vec![];
    ack.attachments = vec![];
    ack.auto_submitted = true;
    let composed = compose_reply(&ack).expect("compose");
    assert_eq!(composed.subject, "Printer broken [#42]");
    let back = parse(&composed.raw).expect("parse");
    assert_eq!(
        back.classification.reasons,
        [AutoReason::AutoSubmitted("auto-replied".into())]
    );
    assert_eq!(back.in_reply_to, None);
    assert!(back.references.is_empty());
    let raw = String::from_utf8_lossy(&composed.raw);
    assert!(raw.contains("X-Auto-Response-Suppress: All\r\n"));
    assert!(raw.contains("multipart/alternative"));
    assert!(!raw.contains("multipart/mixed"));
}

#[test]
fn message_ids_are_unique() {
    let a = compose_reply(&draft()).expect("compose");
    let b = compose_reply(&draft()).expect("compose");
    assert_ne!(a.message_id, b.message_id);
}

#[test]
fn invalid_drafts_are_refused() {
    let mut d = draft();
    d.to[0].address = "taro@example.jp\r\nBcc: all@example.jp".into();
    assert!(matches!(
        compose_reply(&d),
        Err(ComposeError::InvalidAddress(_))
    ));

    let mut d = draft();
    d.to.clear();
    d.cc.clear();
    assert_eq!(compose_reply(&d), Err(ComposeError::NoRecipients));

    let mut d = draft();
    d.message_id_domain = "bad domain".into();
    assert!(matches!(
        compose_reply(&d),
        Err(ComposeError::InvalidDomain(_))
    ));

    let mut d = draft();
    d.references.push("a b@x".into());
    assert!(matches!(
        compose_reply(&d),
        Err(ComposeError::InvalidMessageId(_))
    ));

    // A subject with a line break cannot smuggle in a header.
    let mut d = draft();
    d.subject = "Hi\r\nBcc: all@example.jp".into();
    let composed = compose_reply(&d).expect("compose");
    let back = parse(&composed.raw).expect("parse");
    assert_eq!(back.subject, "Re: Hi Bcc: all@example.jp [#42]");
    let raw = String::from_utf8_lossy(&composed.raw);
    assert!(!raw.contains("\r\nBcc:"));
}
