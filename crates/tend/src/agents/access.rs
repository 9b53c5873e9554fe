//! The access rule, in one place: admins and supervisors see every inbox;
//! agents see the inboxes granted to their teams. Every query over
//! conversations, customers, messages, events and attachments calls
//! [`Viewer::restrict_inboxes`], so lists, lookups and counts agree.
//!
//! Customers are seen through their conversations. Admins and supervisors
//! see every customer and every field. An agent sees a customer who has a
//! conversation in one of their inboxes, and of that customer only what
//! was given where they can see it:
//!
//! - the name and language (what every conversation shows of its customer);
//! - the addresses given in a conversation they may see (the address the
//!   conversation is with, or the sender of one of its customer messages):
//!   [`Viewer::restrict_customer_emails`];
//! - the conversations they may see (history, counts);
//! - the private profile fields (phone, notes, organisation, time zone)
//!   only when they may see *every* conversation of the customer
//!   ([`Viewer::push_sees_private_fields`]). Tend does not record in which
//!   conversation such a field was learnt, so it counts as given in all of
//!   them; an agent who cannot see one of them does not see the field.
//!
//! So creating a conversation for somebody's address in one's own inbox
//! reveals that customer's name and language, and nothing else.

use crate::db::Sql;
use crate::{Error, Result};

use super::Role;

/// Who is asking: a signed-in user, or the system itself (CLI, jobs).
#[derive(Debug, Clone)]
pub struct Viewer {
    /// The user id; `None` for the system.
    pub user_id: Option<i64>,
    /// The role; the system acts as admin.
    pub role: Role,
    /// Display name, for event actors.
    pub name: String,
}

impl Viewer {
    /// The system actor (CLI, background jobs): sees everything.
    pub fn system() -> Viewer {
        Viewer {
            user_id: None,
            role: Role::Admin,
            name: "Tend".into(),
        }
    }

    /// Whether this viewer sees every inbox.
    pub fn sees_all(&self) -> bool {
        matches!(self.role, Role::Admin | Role::Supervisor)
    }

    /// Fails unless the viewer is an admin or a supervisor (who see every
    /// inbox), with `why` ("only admins and supervisors may …").
    pub fn require_supervisor(&self, why: &'static str) -> Result<()> {
        if self.sees_all() {
            Ok(())
        } else {
            Err(Error::Forbidden(why))
        }
    }

    /// Fails unless the viewer is an admin.
    pub fn require_admin(&self) -> Result<()> {
        if self.role == Role::Admin {
            Ok(())
        } else {
            Err(Error::Forbidden("only admins may do this"))
        }
    }

    /// Appends ` AND <inbox_column> IN (inboxes this viewer may see)`, or
    /// nothing for viewers who see everything.
    pub fn restrict_inboxes(&self, sql: &mut Sql, inbox_column: &str) {
        if self.sees_all() {
            return;
        }
        sql.push(" AND ").push(inbox_column).push(" IN ");
        self.push_granted_inboxes(sql);
    }

    /// `(SELECT …)`: the inboxes granted to this viewer's teams.
    fn push_granted_inboxes(&self, sql: &mut Sql) {
        sql.push(
            "(SELECT ti.inbox_id FROM team_inboxes ti \
             JOIN team_members tm ON tm.team_id = ti.team_id WHERE tm.user_id = ",
        )
        .bind(self.user_id.unwrap_or(-1))
        .push(")");
    }

    /// Appends ` AND (<team_column> is a team of this viewer)`, or nothing
    /// for viewers who see everything: what belongs to a team (its macros)
    /// is for its members, and for admins and supervisors.
    pub fn restrict_teams(&self, sql: &mut Sql, team_column: &str) {
        if self.sees_all() {
            return;
        }
        sql.push(" AND ")
            .push(team_column)
            .push(" IN (SELECT tm.team_id FROM team_members tm WHERE tm.user_id = ")
            .bind(self.user_id.unwrap_or(-1))
            .push(")");
    }

    /// Whether this viewer may see inbox `inbox_id` (false when it does not exist).
    pub async fn sees_inbox(&self, c: &mut sqlx::AnyConnection, inbox_id: i64) -> Result<bool> {
        let mut sql = Sql::new("SELECT COUNT(*) FROM inboxes i WHERE i.id = ");
        sql.bind(inbox_id);
        self.restrict_inboxes(&mut sql, "i.id");
        let (n,): (i64,) = sql.query_as().fetch_one(c).await?;
        Ok(n > 0)
    }

    /// The ids of the inboxes this viewer may see; `None` for viewers who
    /// see every inbox. For stores outside the database (the search
    /// index) that filter by inbox themselves.
    pub async fn visible_inboxes(&self, c: &mut sqlx::AnyConnection) -> Result<Option<Vec<i64>>> {
        if self.sees_all() {
            return Ok(None);
        }
        let mut sql = Sql::new("SELECT i.id FROM inboxes i WHERE 1=1");
        self.restrict_inboxes(&mut sql, "i.id");
        let rows: Vec<(i64,)> = sql.query_as().fetch_all(c).await?;
        Ok(Some(rows.into_iter().map(|(id,)| id).collect()))
    }

    /// Appends ` AND <customer_id_column> is a customer this viewer may see`:
    /// a customer is visible to an agent when at least one of their
    /// conversations is.
    pub fn restrict_customers(&self, sql: &mut Sql, customer_id_column: &str) {
        if self.sees_all() {
            return;
        }
        sql.push(" AND EXISTS (SELECT 1 FROM conversations vc WHERE vc.customer_id = ")
            .push(customer_id_column);
        self.restrict_inboxes(sql, "vc.inbox_id");
        sql.push(")");
    }

    /// Appends ` AND <email_column> (an address of customer
    /// <customer_id_column>) was given in a conversation this viewer may
    /// see`: it is the address the conversation is with, or it sent one of
    /// the conversation's customer messages. Nothing for viewers who see
    /// everything.
    pub fn restrict_customer_emails(
        &self,
        sql: &mut Sql,
        customer_id_column: &str,
        email_column: &str,
    ) {
        if self.sees_all() {
            return;
        }
        sql.push(" AND EXISTS (SELECT 1 FROM conversations ec WHERE ec.customer_id = ")
            .push(customer_id_column)
            .push(" AND (ec.customer_email = ")
            .push(email_column)
            .push(
                " OR EXISTS (SELECT 1 FROM messages em WHERE em.conversation_id = ec.id \
                 AND em.direction = 'in' AND em.author_email = ",
            )
            .push(email_column)
            .push("))");
        self.restrict_inboxes(sql, "ec.inbox_id");
        sql.push(")");
    }

    /// Appends an expression that is 1 when this viewer may see the private
    /// profile fields (phone, notes, organisation, time zone) of customer
    /// `<customer_id_column>`, else 0: always for those who see every inbox;
    /// for agents, when no conversation of the customer is in an inbox
    /// they may not see.
    pub fn push_sees_private_fields(&self, sql: &mut Sql, customer_id_column: &str) {
        if self.sees_all() {
            sql.push("1");
            return;
        }
        sql.push("CASE WHEN EXISTS (SELECT 1 FROM conversations pc WHERE pc.customer_id = ")
            .push(customer_id_column)
            .push(" AND pc.inbox_id NOT IN ");
        self.push_granted_inboxes(sql);
        sql.push(") THEN 0 ELSE 1 END");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agents_are_restricted_and_supervisors_are_not() {
        let agent = Viewer {
            user_id: Some(7),
            role: Role::Agent,
            name: "A".into(),
        };
        let mut s = Sql::new("SELECT id FROM conversations c WHERE 1=1");
        agent.restrict_inboxes(&mut s, "c.inbox_id");
        assert!(s.text().contains("c.inbox_id IN (SELECT ti.inbox_id"));
        let sup = Viewer {
            user_id: Some(8),
            role: Role::Supervisor,
            name: "S".into(),
        };
        let mut s = Sql::new("SELECT 1 WHERE 1=1");
        sup.restrict_inboxes(&mut s, "c.inbox_id");
        assert_eq!(s.text(), "SELECT 1 WHERE 1=1");
        assert!(agent.require_admin().is_err());
        assert!(Viewer::system().require_admin().is_ok());
    }
}
