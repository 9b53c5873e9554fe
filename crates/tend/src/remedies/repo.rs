//! The `remedy_kinds`, `authority_limits`, `remedies` and `remedy_ledger`
//! tables. The ledger is only ever appended to (the database refuses
//! anything else, migration `0033_remedies`).

use sqlx::{AnyConnection, FromRow};

use crate::Result;
use crate::db::{Sql, is_postgres};
use crate::time::rfc3339;

use super::model::{Basis, Entry, LedgerLine, Remedy, RemedyState, ReportLine};

/// A stored basis (JSON), read back.
fn basis_of(id: i64, s: &str) -> Result<Basis> {
    serde_json::from_str(s).map_err(|e| {
        crate::Error::Internal(anyhow::anyhow!(
            "remedy {id}: its stored basis does not read ({e})"
        ))
    })
}

fn json(b: &Basis) -> Result<String> {
    serde_json::to_string(b).map_err(|e| crate::Error::Internal(e.into()))
}

/// Notes the event whose delivery tells the kind's webhook of a remedy.
pub(super) async fn set_webhook_event(c: &mut AnyConnection, id: i64, event_id: i64) -> Result<()> {
    sqlx::query("UPDATE remedies SET webhook_event_id = $1 WHERE id = $2")
        .bind(event_id)
        .bind(id)
        .execute(c)
        .await?;
    Ok(())
}

/// Makes the remedies of one agent, kind and currency take turns (on
/// PostgreSQL, a transaction lock; SQLite's single writer does it anyway),
/// so that two racing requests cannot both fit under a monthly limit.
pub(super) async fn lock_agent_month(
    c: &mut AnyConnection,
    user_id: i64,
    kind: &str,
    currency: &str,
) -> Result<()> {
    if is_postgres(c) {
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
            .bind(format!("remedy:{user_id}:{kind}:{currency}"))
            .execute(c)
            .await?;
    }
    Ok(())
}

/// What `user_id` granted within limits of `kind` and `currency` in `month`.
pub(super) async fn granted_in_month(
    c: &mut AnyConnection,
    user_id: i64,
    kind: &str,
    currency: &str,
    month: &str,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM remedies \
         WHERE requested_by = $1 AND kind = $2 AND currency = $3 AND month = $4 AND state = $5",
    )
    .bind(user_id)
    .bind(kind)
    .bind(currency)
    .bind(month)
    .bind(RemedyState::Granted.as_str())
    .fetch_one(c)
    .await?)
}

#[derive(FromRow)]
struct RemedyRow {
    id: i64,
    conversation_id: i64,
    customer_id: i64,
    team_id: Option<i64>,
    kind: String,
    currency: String,
    amount: i64,
    note: String,
    state: String,
    basis: String,
    requested_by: i64,
    created_at: i64,
    decided_by: Option<i64>,
    decision_note: Option<String>,
    decided_at: Option<i64>,
    webhook_event_id: Option<i64>,
}

impl RemedyRow {
    fn into_remedy(self) -> Result<Remedy> {
        Ok(Remedy {
            basis: basis_of(self.id, &self.basis)?,
            state: RemedyState::from_db(&self.state)?,
            id: self.id,
            conversation_id: self.conversation_id,
            customer_id: self.customer_id,
            team_id: self.team_id,
            kind: self.kind,
            currency: self.currency,
            amount: self.amount,
            note: self.note,
            requested_by: self.requested_by,
            created_at: rfc3339(self.created_at),
            decided_by: self.decided_by,
            decision_note: self.decision_note,
            decided_at: self.decided_at.map(rfc3339),
            webhook: None,
            approval_due: None,
            overdue: false,
        })
    }
}

/// A remedy with its webhook delivery, if it has one.
async fn with_webhook(c: &mut AnyConnection, row: RemedyRow) -> Result<Remedy> {
    let event = row.webhook_event_id;
    let mut r = row.into_remedy()?;
    if let Some(e) = event {
        r.webhook = crate::webhooks::service::adhoc_delivery_in(c, e).await?;
    }
    Ok(r)
}

const REMEDY_COLUMNS: &str = "SELECT id, conversation_id, customer_id, team_id, kind, currency, \
     amount, note, state, basis, requested_by, created_at, decided_by, decision_note, decided_at, \
     webhook_event_id FROM remedies";

/// A new remedy, as the service decided it.
pub(super) struct NewRemedy<'a> {
    pub conversation_id: i64,
    pub customer_id: i64,
    pub team_id: Option<i64>,
    pub kind: &'a str,
    pub currency: &'a str,
    pub amount: i64,
    pub note: &'a str,
    pub state: RemedyState,
    pub basis: &'a Basis,
    pub requested_by: i64,
    pub month: &'a str,
}

pub(super) async fn insert(c: &mut AnyConnection, r: &NewRemedy<'_>, now: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO remedies (conversation_id, customer_id, team_id, kind, currency, amount, note, \
         state, basis, requested_by, month, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(r.conversation_id)
    .bind(r.customer_id)
    .bind(r.team_id)
    .bind(r.kind)
    .bind(r.currency)
    .bind(r.amount)
    .bind(r.note)
    .bind(r.state.as_str())
    .bind(json(r.basis)?)
    .bind(r.requested_by)
    .bind(r.month)
    .bind(now)
    .fetch_one(c)
    .await?)
}

pub(super) async fn get(c: &mut AnyConnection, id: i64) -> Result<Option<Remedy>> {
    let mut q = Sql::new(REMEDY_COLUMNS);
    q.push(" WHERE id = ").bind(id);
    let row: Option<RemedyRow> = q.query_as().fetch_optional(&mut *c).await?;
    match row {
        Some(r) => Ok(Some(with_webhook(c, r).await?)),
        None => Ok(None),
    }
}

/// Decides a waiting remedy; `false` when it no longer waits (another
/// supervisor was first).
pub(super) async fn decide(
    c: &mut AnyConnection,
    id: i64,
    state: RemedyState,
    by: Option<i64>,
    note: &str,
    now: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE remedies SET state = $1, decided_by = $2, decision_note = $3, decided_at = $4 \
         WHERE id = $5 AND state = $6",
    )
    .bind(state.as_str())
    .bind(by)
    .bind(note)
    .bind(now)
    .bind(id)
    .bind(RemedyState::AwaitingApproval.as_str())
    .execute(c)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Filters of the lists.
pub(super) struct Filter {
    pub conversation_id: Option<i64>,
    pub state: Option<RemedyState>,
    pub user_id: Option<i64>,
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub limit: i64,
    pub before: Option<i64>,
    pub order_desc: bool,
}

impl Filter {
    /// A conversation's remedies (at most 1,000), oldest or newest first.
    pub(super) fn of_conversation(conversation_id: i64, order_desc: bool) -> Filter {
        Filter {
            conversation_id: Some(conversation_id),
            state: None,
            user_id: None,
            from: None,
            to: None,
            limit: 1000,
            before: None,
            order_desc,
        }
    }
}

pub(super) async fn list(c: &mut AnyConnection, f: &Filter) -> Result<Vec<Remedy>> {
    let mut q = Sql::new(REMEDY_COLUMNS);
    q.push(" WHERE 1 = 1");
    if let Some(id) = f.conversation_id {
        q.push(" AND conversation_id = ").bind(id);
    }
    if let Some(s) = f.state {
        q.push(" AND state = ").bind(s.as_str());
    }
    if let Some(u) = f.user_id {
        q.push(" AND requested_by = ").bind(u);
    }
    if let Some(t) = f.from {
        q.push(" AND created_at >= ").bind(t);
    }
    if let Some(t) = f.to {
        q.push(" AND created_at < ").bind(t);
    }
    if let Some(b) = f.before {
        q.push(if f.order_desc {
            " AND id < "
        } else {
            " AND id > "
        })
        .bind(b);
    }
    q.push(if f.order_desc {
        " ORDER BY id DESC LIMIT "
    } else {
        " ORDER BY id LIMIT "
    })
    .bind(f.limit);
    let rows: Vec<RemedyRow> = q.query_as().fetch_all(&mut *c).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(with_webhook(c, r).await?);
    }
    Ok(out)
}

/// Appends a line to the ledger.
pub(super) async fn append(
    c: &mut AnyConnection,
    r: &Remedy,
    entry: Entry,
    actor_id: Option<i64>,
    note: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO remedy_ledger (remedy_id, entry, actor_id, conversation_id, customer_id, \
         team_id, kind, currency, amount, basis, note, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(r.id)
    .bind(entry.as_str())
    .bind(actor_id)
    .bind(r.conversation_id)
    .bind(r.customer_id)
    .bind(r.team_id)
    .bind(&r.kind)
    .bind(&r.currency)
    .bind(r.amount)
    .bind(json(&r.basis)?)
    .bind(note)
    .bind(now)
    .execute(c)
    .await?;
    Ok(())
}

#[derive(FromRow)]
struct LineRow {
    id: i64,
    remedy_id: i64,
    entry: String,
    actor_id: Option<i64>,
    conversation_id: i64,
    customer_id: i64,
    team_id: Option<i64>,
    kind: String,
    currency: String,
    amount: i64,
    basis: String,
    note: String,
    at: i64,
}

/// The ledger's lines in the order written, from `from` to `to` (ms).
pub(super) async fn ledger(
    c: &mut AnyConnection,
    user_id: Option<i64>,
    from: Option<i64>,
    to: Option<i64>,
) -> Result<Vec<LedgerLine>> {
    let mut q = Sql::new(
        "SELECT l.id, l.remedy_id, l.entry, l.actor_id, l.conversation_id, l.customer_id, \
         l.team_id, l.kind, l.currency, l.amount, l.basis, l.note, l.at FROM remedy_ledger l",
    );
    q.push(" WHERE 1 = 1");
    if let Some(u) = user_id {
        q.push(" AND l.remedy_id IN (SELECT id FROM remedies WHERE requested_by = ")
            .bind(u)
            .push(")");
    }
    if let Some(t) = from {
        q.push(" AND l.at >= ").bind(t);
    }
    if let Some(t) = to {
        q.push(" AND l.at < ").bind(t);
    }
    q.push(" ORDER BY l.id");
    let rows: Vec<LineRow> = q.query_as().fetch_all(c).await?;
    rows.into_iter()
        .map(|r| {
            Ok(LedgerLine {
                basis: basis_of(r.remedy_id, &r.basis)?,
                entry: Entry::from_db(&r.entry)?,
                id: r.id,
                remedy_id: r.remedy_id,
                actor_id: r.actor_id,
                conversation_id: r.conversation_id,
                customer_id: r.customer_id,
                team_id: r.team_id,
                kind: r.kind,
                currency: r.currency,
                amount: r.amount,
                note: r.note,
                at: rfc3339(r.at),
            })
        })
        .collect()
}

#[derive(FromRow)]
struct SumRow {
    grp: String,
    currency: String,
    state: String,
    n: i64,
    total: i64,
}

/// The report's sums: per group (an SQL expression over `remedies`, never
/// user input), currency and state.
pub(super) async fn sums(
    c: &mut AnyConnection,
    group_sql: &str,
    from: Option<i64>,
    to: Option<i64>,
) -> Result<Vec<ReportLine>> {
    let mut q = Sql::new("SELECT ");
    q.push(group_sql).push(
        " AS grp, currency, state, COUNT(*) AS n, \
         CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS total FROM remedies WHERE 1 = 1",
    );
    if let Some(t) = from {
        q.push(" AND created_at >= ").bind(t);
    }
    if let Some(t) = to {
        q.push(" AND created_at < ").bind(t);
    }
    q.push(" GROUP BY grp, currency, state ORDER BY grp, currency");
    let rows: Vec<SumRow> = q.query_as().fetch_all(c).await?;
    let mut out: Vec<ReportLine> = Vec::new();
    for r in rows {
        let state = RemedyState::from_db(&r.state)?;
        let at = match out
            .iter()
            .position(|l| l.group == r.grp && l.currency == r.currency)
        {
            Some(i) => i,
            None => {
                out.push(ReportLine {
                    group: r.grp.clone(),
                    currency: r.currency.clone(),
                    count: 0,
                    total: 0,
                    granted: 0,
                    approved: 0,
                    declined: 0,
                    waiting: 0,
                    csat: None,
                    reopen_rate: None,
                });
                out.len() - 1
            }
        };
        let line = &mut out[at];
        match state {
            RemedyState::Granted => {
                line.granted += r.total;
                line.count += r.n;
                line.total += r.total;
            }
            RemedyState::Approved => {
                line.approved += r.total;
                line.count += r.n;
                line.total += r.total;
            }
            RemedyState::Declined => line.declined += r.n,
            RemedyState::AwaitingApproval => line.waiting += r.n,
        }
    }
    Ok(out)
}
