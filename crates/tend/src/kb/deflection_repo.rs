//! The deflection tables, `kb_visits` and `kb_offers`, and the sums the
//! reports read from them and from `kb_votes`.

use sqlx::{AnyConnection, FromRow};

use crate::Result;
use crate::db::Sql;

/// A visit as stored.
#[derive(Debug, Clone, Copy)]
pub(super) struct Visit {
    pub id: i64,
    pub inbox_id: i64,
    /// The message was sent: the visit is over.
    pub sent: bool,
}

#[derive(FromRow)]
struct VisitRow {
    id: i64,
    inbox_id: i64,
    sent_at: Option<i64>,
}

/// The visit of a token.
pub(super) async fn visit(c: &mut AnyConnection, token: &str) -> Result<Option<Visit>> {
    let row: Option<VisitRow> =
        sqlx::query_as("SELECT id, inbox_id, sent_at FROM kb_visits WHERE token = $1")
            .bind(token)
            .fetch_optional(c)
            .await?;
    Ok(row.map(|r| Visit {
        id: r.id,
        inbox_id: r.inbox_id,
        sent: r.sent_at.is_some(),
    }))
}

/// The visit of a token, started now for `inbox_id` when there is none.
pub(super) async fn open_visit(
    c: &mut AnyConnection,
    token: &str,
    inbox_id: i64,
    now: i64,
) -> Result<Option<Visit>> {
    sqlx::query(
        "INSERT INTO kb_visits (token, inbox_id, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (token) DO NOTHING",
    )
    .bind(token)
    .bind(inbox_id)
    .bind(now)
    .execute(&mut *c)
    .await?;
    visit(c, token).await
}

/// How many articles a visit was offered.
pub(super) async fn offers(c: &mut AnyConnection, visit_id: i64) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM kb_offers WHERE visit_id = $1")
            .bind(visit_id)
            .fetch_one(c)
            .await?,
    )
}

/// Offers these articles (those that still exist) to a visit, each once.
pub(super) async fn insert_offers(
    c: &mut AnyConnection,
    visit_id: i64,
    lang: &str,
    now: i64,
    articles: &[i64],
) -> Result<()> {
    let mut sql = Sql::new("INSERT INTO kb_offers (visit_id, article_id, lang, shown_at) SELECT ");
    sql.bind(visit_id)
        .push(", id, ")
        .bind(lang)
        .push(", ")
        .bind(now)
        .push(" FROM kb_articles WHERE id IN ")
        .bind_list(articles.iter().copied())
        .push(" ON CONFLICT (visit_id, article_id) DO NOTHING");
    sql.query().execute(c).await?;
    Ok(())
}

/// Marks an offered article opened (the first time); whether it was one.
pub(super) async fn mark_opened(
    c: &mut AnyConnection,
    token: &str,
    inbox_id: i64,
    article_id: i64,
    now: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE kb_offers SET opened_at = $1 WHERE opened_at IS NULL AND article_id = $2 \
         AND visit_id = (SELECT id FROM kb_visits WHERE token = $3 AND inbox_id = $4)",
    )
    .bind(now)
    .bind(article_id)
    .bind(token)
    .bind(inbox_id)
    .execute(c)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Marks a visit's message sent (the first time); whether it was one.
pub(super) async fn mark_sent(
    c: &mut AnyConnection,
    token: &str,
    inbox_id: i64,
    conversation_id: Option<i64>,
    now: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE kb_visits SET sent_at = $1, conversation_id = $2 \
         WHERE token = $3 AND inbox_id = $4 AND sent_at IS NULL",
    )
    .bind(now)
    .bind(conversation_id)
    .bind(token)
    .bind(inbox_id)
    .execute(c)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Visits of one key (an article, an inbox) that did or did not open and
/// send.
#[derive(Debug, Clone, Copy)]
pub(super) struct Group {
    pub key: i64,
    pub opened: bool,
    pub sent: bool,
    pub n: i64,
}

#[derive(FromRow)]
struct GroupRow {
    key: i64,
    opened: i64,
    sent: i64,
    n: i64,
}

impl From<GroupRow> for Group {
    fn from(r: GroupRow) -> Self {
        Group {
            key: r.key,
            opened: r.opened != 0,
            sent: r.sent != 0,
            n: r.n,
        }
    }
}

/// Offers shown in `[from, to)`, per article, opened or not, sent or not.
pub(super) async fn by_article(c: &mut AnyConnection, from: i64, to: i64) -> Result<Vec<Group>> {
    let rows: Vec<GroupRow> = sqlx::query_as(
        "SELECT o.article_id AS key, \
                CAST(CASE WHEN o.opened_at IS NULL THEN 0 ELSE 1 END AS BIGINT) AS opened, \
                CAST(CASE WHEN v.sent_at IS NULL THEN 0 ELSE 1 END AS BIGINT) AS sent, \
                COUNT(*) AS n \
         FROM kb_offers o JOIN kb_visits v ON v.id = o.visit_id \
         WHERE o.shown_at >= $1 AND o.shown_at < $2 \
         GROUP BY o.article_id, CASE WHEN o.opened_at IS NULL THEN 0 ELSE 1 END, \
                  CASE WHEN v.sent_at IS NULL THEN 0 ELSE 1 END",
    )
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await?;
    Ok(rows.into_iter().map(Group::from).collect())
}

/// Visits started in `[from, to)`, per inbox, that opened any suggestion
/// or none, sent or not.
pub(super) async fn by_inbox(c: &mut AnyConnection, from: i64, to: i64) -> Result<Vec<Group>> {
    let rows: Vec<GroupRow> = sqlx::query_as(
        "SELECT inbox_id AS key, opened, sent, COUNT(*) AS n FROM ( \
           SELECT v.inbox_id, \
                  CAST(CASE WHEN EXISTS (SELECT 1 FROM kb_offers o \
                                    WHERE o.visit_id = v.id AND o.opened_at IS NOT NULL) \
                       THEN 1 ELSE 0 END AS BIGINT) AS opened, \
                  CAST(CASE WHEN v.sent_at IS NULL THEN 0 ELSE 1 END AS BIGINT) AS sent \
           FROM kb_visits v WHERE v.created_at >= $1 AND v.created_at < $2 \
         ) AS visits GROUP BY inbox_id, opened, sent",
    )
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await?;
    Ok(rows.into_iter().map(Group::from).collect())
}

/// `(article, helpful, unhelpful)` "Did this help?" answers of the
/// articles with at least one "No", the most "No" first.
pub(super) async fn unhelpful(c: &mut AnyConnection, limit: i64) -> Result<Vec<(i64, i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT article_id, \
                CAST(SUM(CASE WHEN helpful <> 0 THEN 1 ELSE 0 END) AS BIGINT) AS helpful, \
                CAST(SUM(CASE WHEN helpful = 0 THEN 1 ELSE 0 END) AS BIGINT) AS unhelpful \
         FROM kb_votes GROUP BY article_id \
         HAVING SUM(CASE WHEN helpful = 0 THEN 1 ELSE 0 END) > 0 \
         ORDER BY unhelpful DESC, article_id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(c)
    .await?)
}
