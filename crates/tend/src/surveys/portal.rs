//! The survey loop for a customer signed in to the portal: "yes, it is
//! solved" and "no, it is not" are the answers a survey link gives, on the
//! survey of the conversation's current solve, through the same
//! [`service::answer`](super::service) (close on yes; reopen, re-route,
//! raise the priority and follow up on no).

use crate::Result;
use crate::agents::Viewer;
use crate::conversations::Status;
use crate::conversations::service as conversations;
use crate::state::AppState;

use super::model::{Answer, Response};
use super::{repo, service};

/// Records the customer's answer on their solved conversation. The survey
/// of this solve is made first when the job has not made it yet (as the
/// job would: by mail, inline, or skipped by the rules; a skipped one
/// still takes the answer here). `false` when the conversation is not
/// solved (nothing to confirm) or not this customer's.
pub async fn answer_solved(
    st: &AppState,
    conversation_id: i64,
    customer_id: i64,
    answer: Answer,
) -> Result<bool> {
    let conv = conversations::get(st, &Viewer::system(), conversation_id).await?;
    if conv.customer.id != customer_id || conv.status != Status::Solved {
        return Ok(false);
    }
    let mut token = current_token(st, conversation_id).await?;
    if token.is_none() {
        service::survey_solve(st, conversation_id).await?;
        token = current_token(st, conversation_id).await?;
    }
    let Some(token) = token else {
        return Ok(false);
    };
    let resp = Response {
        answer: Some(answer),
        ..Response::default()
    };
    Ok(service::answer(st, &token, resp, true).await?.is_some())
}

async fn current_token(st: &AppState, conversation_id: i64) -> Result<Option<String>> {
    let mut c = st.db.pool().acquire().await?;
    repo::current_solve_token(&mut c, conversation_id).await
}
