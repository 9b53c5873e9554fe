//! A small SQL builder for queries whose shape depends on filters. It
//! numbers placeholders `$1…$N` (valid on both backends) and keeps the
//! bound values beside the text, so no value is ever spliced into SQL.

use sqlx::any::{Any, AnyArguments, AnyRow};
use sqlx::query::{Query, QueryAs};
use sqlx::{AssertSqlSafe, FromRow};

/// A bound value.
#[derive(Debug, Clone)]
pub enum Arg {
    /// A 64-bit integer.
    Int(i64),
    /// A string.
    Text(String),
    /// NULL or an integer.
    OptInt(Option<i64>),
    /// NULL or a string.
    OptText(Option<String>),
}

impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Arg::Int(v)
    }
}
impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Text(v.to_string())
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Self {
        Arg::Text(v)
    }
}
impl From<Option<i64>> for Arg {
    fn from(v: Option<i64>) -> Self {
        Arg::OptInt(v)
    }
}
impl From<Option<String>> for Arg {
    fn from(v: Option<String>) -> Self {
        Arg::OptText(v)
    }
}

/// SQL text plus its bound values.
#[derive(Debug, Default, Clone)]
pub struct Sql {
    text: String,
    args: Vec<Arg>,
}

impl Sql {
    /// Starts a statement.
    pub fn new(text: &str) -> Self {
        Sql {
            text: text.to_string(),
            args: Vec::new(),
        }
    }

    /// Appends literal SQL (never user input).
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder bound to `value`.
    pub fn bind(&mut self, value: impl Into<Arg>) -> &mut Self {
        self.args.push(value.into());
        self.text.push('$');
        self.text.push_str(&self.args.len().to_string());
        self
    }

    /// Appends `(a, b, c)` for an IN list; `(NULL)` when empty, which matches nothing.
    pub fn bind_list(&mut self, values: impl IntoIterator<Item = impl Into<Arg>>) -> &mut Self {
        self.text.push('(');
        let mut any = false;
        for v in values {
            if any {
                self.text.push_str(", ");
            }
            self.bind(v);
            any = true;
        }
        if !any {
            self.text.push_str("NULL");
        }
        self.text.push(')');
        self
    }

    /// The SQL text (for tests and logs).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// A query with all values bound.
    pub fn query(&self) -> Query<'static, Any, AnyArguments> {
        let mut q = sqlx::query(AssertSqlSafe(self.text.clone()));
        for a in &self.args {
            q = match a.clone() {
                Arg::Int(v) => q.bind(v),
                Arg::Text(v) => q.bind(v),
                Arg::OptInt(v) => q.bind(v),
                Arg::OptText(v) => q.bind(v),
            };
        }
        q
    }

    /// A typed query with all values bound.
    pub fn query_as<T>(&self) -> QueryAs<'static, Any, T, AnyArguments>
    where
        T: for<'r> FromRow<'r, AnyRow>,
    {
        let mut q = sqlx::query_as(AssertSqlSafe(self.text.clone()));
        for a in &self.args {
            q = match a.clone() {
                Arg::Int(v) => q.bind(v),
                Arg::Text(v) => q.bind(v),
                Arg::OptInt(v) => q.bind(v),
                Arg::OptText(v) => q.bind(v),
            };
        }
        q
    }
}

/// A LIKE pattern (used with `ESCAPE '\\'`) that matches `q` anywhere,
/// case-folded, with the wildcards in `q` taken literally.
pub fn like_pattern(q: &str) -> String {
    let mut p = String::from("%");
    for ch in q.trim().to_lowercase().chars() {
        if matches!(ch, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(ch);
    }
    p.push('%');
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_placeholders_in_order() {
        let mut s = Sql::new("SELECT 1 FROM t WHERE a = ");
        s.bind(1_i64).push(" AND b IN ").bind_list(["x", "y"]);
        assert_eq!(s.text(), "SELECT 1 FROM t WHERE a = $1 AND b IN ($2, $3)");
        let mut e = Sql::new("x IN ");
        e.bind_list(Vec::<i64>::new());
        assert_eq!(e.text(), "x IN (NULL)");
        assert_eq!(like_pattern(" 50%_off\\ "), "%50\\%\\_off\\\\%");
    }
}

/// A durable queue's table, as [`claim`] leases its rows: not yet `done`
/// (that column is NULL), and due while `due_at` ≤ now.
#[derive(Debug, Clone, Copy)]
pub struct Queue {
    /// The table.
    pub table: &'static str,
    /// Set once a row needs no more attempts (NULL until then).
    pub done: &'static str,
    /// When a row may next be attempted; a claim moves it to the lease's end.
    pub due_at: &'static str,
}

/// Claims due rows of a queue for one attempt until `until` (another node,
/// or this one after a crash, takes a row up again only after it): webhook
/// deliveries, the channel outbox. Answers the ids claimed.
pub async fn claim(
    c: &mut sqlx::AnyConnection,
    q: Queue,
    ids: &[i64],
    now: i64,
    until: i64,
) -> crate::Result<Vec<i64>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let Queue {
        table,
        done,
        due_at,
    } = q;
    let mut sql = Sql::new(&format!("UPDATE {table} SET {due_at} = "));
    sql.bind(until)
        .push(&format!(" WHERE {done} IS NULL AND {due_at} <= "))
        .bind(now)
        .push(" AND id IN ")
        .bind_list(ids.iter().copied())
        .push(" RETURNING id");
    let rows: Vec<(i64,)> = sql.query_as().fetch_all(c).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}
