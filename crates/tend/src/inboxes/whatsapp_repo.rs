//! The only SQL of a WhatsApp inbox's settings (`whatsapp_inboxes`).

use sqlx::AnyConnection;

use super::model::{Inbox, InboxKind};
use super::whatsapp::{WhatsappChanges, WhatsappChannel};
use crate::Result;

type Row = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    String,
    Option<String>,
);

/// Inbox `id`'s settings, when it has some stored.
pub(super) async fn channel(c: &mut AnyConnection, id: i64) -> Result<Option<WhatsappChannel>> {
    let row: Option<Row> = sqlx::query_as(
        "SELECT phone_number_id, access_token, app_secret, verify_token, api_base, templates, \
         survey_template FROM whatsapp_inboxes WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(c)
    .await?;
    Ok(row.map(
        |(
            phone_number_id,
            sealed_token,
            sealed_app_secret,
            sealed_verify_token,
            api_base,
            templates,
            survey_template,
        )| {
            WhatsappChannel {
                phone_number_id,
                sealed_token,
                sealed_app_secret,
                sealed_verify_token,
                api_base,
                // Written only as a checked list.
                templates: serde_json::from_str(&templates).unwrap_or_default(),
                survey_template,
            }
        },
    ))
}

/// Fills in the WhatsApp inboxes' settings.
pub(super) async fn fill(c: &mut AnyConnection, inboxes: &mut [Inbox]) -> Result<()> {
    for i in inboxes.iter_mut().filter(|i| i.kind == InboxKind::Whatsapp) {
        let wa = channel(c, i.id)
            .await?
            .unwrap_or_else(WhatsappChannel::unset);
        i.whatsapp = Some(wa.shown());
    }
    Ok(())
}

/// Gives inbox `id` its settings row (the defaults) if it has none.
pub(super) async fn ensure(c: &mut AnyConnection, id: i64) -> Result<()> {
    sqlx::query("INSERT INTO whatsapp_inboxes (id) VALUES ($1) ON CONFLICT (id) DO NOTHING")
        .bind(id)
        .execute(c)
        .await?;
    Ok(())
}

/// Changes inbox `id`'s settings (absent: keep); `templates` as JSON.
pub(super) async fn update(
    c: &mut AnyConnection,
    id: i64,
    ch: &WhatsappChanges,
    templates: Option<&str>,
) -> Result<()> {
    crate::db::changes::INBOXES.mark();
    let mut sql = crate::db::Sql::new("UPDATE whatsapp_inboxes SET id = id");
    let columns = [
        ("phone_number_id", &ch.phone_number_id),
        ("access_token", &ch.sealed_token),
        ("app_secret", &ch.sealed_app_secret),
        ("verify_token", &ch.sealed_verify_token),
        ("survey_template", &ch.survey_template),
    ];
    for (column, v) in columns {
        if let Some(v) = v {
            sql.push(&format!(", {column} = ")).bind(v.clone());
        }
    }
    if let Some(u) = &ch.api_base {
        sql.push(", api_base = ").bind(u.clone());
    }
    if let Some(t) = templates {
        sql.push(", templates = ").bind(t.to_string());
    }
    sql.push(" WHERE id = ").bind(id);
    sql.query().execute(c).await?;
    Ok(())
}
