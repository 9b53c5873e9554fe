//! Acknowledgements: when an email inbox has them enabled, each new
//! conversation started by a person (never by auto-generated mail, which
//! starts none) gets an automatic answer in the customer's language, marked
//! `Auto-Submitted: auto-replied` so robots do not answer it back.

use crate::Result;
use crate::agents::Viewer;
use crate::conversations::model::NewMessage;
use crate::conversations::service::{self, Sender};
use crate::state::AppState;

/// The acknowledgement text in `language` (en, ja, ko, lv, ca; English otherwise).
pub fn text(language: Option<&str>, name: Option<&str>, id: i64) -> String {
    let name = name.map(str::trim).filter(|n| !n.is_empty());
    match language.unwrap_or("en") {
        "ja" => format!(
            "{}\n\nお問い合わせいただきありがとうございます。お問い合わせ番号 #{id} にて承りました。\n\
             担当者より順次ご連絡いたします。このメールにご返信いただくと、同じお問い合わせに追加されます。",
            name.map(|n| format!("{n} 様"))
                .unwrap_or_else(|| "お客様".into())
        ),
        "ko" => format!(
            "{}\n\n문의해 주셔서 감사합니다. 문의 번호 #{id}(으)로 접수되었습니다.\n\
             최대한 빨리 답변드리겠습니다. 이 메일에 회신하시면 같은 문의에 추가됩니다.",
            name.map(|n| format!("{n}님, 안녕하세요."))
                .unwrap_or_else(|| "고객님, 안녕하세요.".into())
        ),
        "lv" => format!(
            "{}\n\nPaldies, ka sazinājāties ar mums! Esam saņēmuši jūsu ziņu un reģistrējuši pieprasījumu #{id}.\n\
             Atbildēsim, cik drīz vien iespējams. Atbildot uz šo e-pastu, ziņa tiks pievienota tam pašam pieprasījumam.",
            name.map(|n| format!("Labdien, {n}!"))
                .unwrap_or_else(|| "Labdien!".into())
        ),
        "ca" => format!(
            "{}\n\nGràcies per contactar amb nosaltres. Hem rebut el vostre missatge i hem obert la sol·licitud #{id}.\n\
             Us respondrem tan aviat com puguem. Si responeu a aquest correu, s'afegirà a la mateixa sol·licitud.",
            name.map(|n| format!("Hola, {n}:"))
                .unwrap_or_else(|| "Hola:".into())
        ),
        _ => format!(
            "{}\n\nThank you for contacting us. We have received your message and opened request #{id}.\n\
             We will answer as soon as we can. Replying to this email adds to the same request.",
            name.map(|n| format!("Hello {n},"))
                .unwrap_or_else(|| "Hello,".into())
        ),
    }
}

/// Sends the acknowledgement for a new conversation.
pub async fn acknowledge(st: &AppState, conversation_id: i64) -> Result<()> {
    let conv = service::get(st, &Viewer::system(), conversation_id).await?;
    let language = conv
        .language
        .as_deref()
        .or(conv.customer.language.as_deref());
    let body = text(language, conv.customer.name.as_deref(), conversation_id);
    service::add_message(
        st,
        &Viewer::system(),
        conversation_id,
        NewMessage {
            text: Some(body),
            ..Default::default()
        },
        Sender::Auto,
        vec![],
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_names_the_request() {
        for (lang, word) in [
            ("en", "request"),
            ("ja", "お問い合わせ"),
            ("ko", "문의"),
            ("lv", "pieprasījum"),
            ("ca", "sol·licitud"),
        ] {
            let t = text(Some(lang), Some("Ada"), 42);
            assert!(
                t.contains("#42") && t.contains(word) && t.contains("Ada"),
                "{lang}: {t}"
            );
            assert!(text(Some(lang), None, 7).contains("#7"));
        }
        assert!(
            text(Some("de"), None, 1).starts_with("Hello,"),
            "unknown languages get English"
        );
    }
}
