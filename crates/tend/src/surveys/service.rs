//! Survey use cases: ask on every solve, take the customer's answer from a
//! signed link, close on confirmation or after the quiet period, follow up
//! on unhappy answers until the customer confirms.
//!
//! One file (about 515 lines): sending, answering and closing share the
//! survey's states; the next split is the channel-specific sending
//! (mail, inline, message) into a module of its own.

use crate::channels::capabilities::{SurveyBy, survey_by};
use crate::conversations::delivery::Outgoing;
use minijinja::context;
use serde_json::json;

use crate::Result;
use crate::agents::Viewer;
use crate::conversations::followup::{self, Cause};
use crate::conversations::service as conversations;
use crate::conversations::status::Status;
use crate::jobs::Job;
use crate::jobs::service::{Pass, ready_sql};
use crate::state::AppState;
use crate::vocab::EventKind;

use super::model::{Answer, LinkAction, Response, Survey, is_unhappy, supported_locale};
use super::repo::{self, NewSurvey, SurveyRow};
use super::rules::{self, Delivery, Facts, SkipReason, SurveyState, next_business_day};
use super::{sign, task_repo, templates};

const SECRET_NAME: &str = "survey_links";

/// The link-signing key (the secret is made on first use, stored sealed).
pub async fn link_key(st: &AppState) -> Result<[u8; 32]> {
    let secret = crate::secrets::app_secret(st, SECRET_NAME).await?;
    Ok(sign::link_key(&secret))
}

/// The path of a signed link.
pub fn link_path(key: &[u8; 32], token: &str, action: LinkAction) -> String {
    let a = action.as_path();
    format!("/help/survey/{token}/{a}/{}", sign::sign(key, token, &a))
}

/// Surveys one batch of solves that have none yet; returns how many were
/// handled (sent, asked inline or skipped), and whether another batch
/// should follow.
#[tracing::instrument(skip_all)]
pub async fn survey_solves(st: &AppState) -> Result<(usize, bool)> {
    let ready = ready_sql(Job::Survey, "c.id", st.clock.now_ms());
    let ids = {
        let mut c = st.db.pool().acquire().await?;
        repo::unsurveyed_solves(&mut c, SURVEY_BATCH, &ready).await?
    };
    if ids.is_empty() {
        return Ok((0, false));
    }
    let full = ids.len() as i64 == SURVEY_BATCH;
    // A solve that cannot be surveyed backs off and is parked; the
    // others go on (and the next batch does not pick it again).
    let pass = Pass::start(st, Job::Survey).await?;
    let mut n = 0;
    for id in ids {
        if pass.run(st, id, survey_solve(st, id)).await == Some(true) {
            n += 1;
        }
    }
    // Another batch when this one was full and did something (surveyed,
    // or put failed solves aside).
    Ok((n, full && (n > 0 || pass.failures() > 0)))
}

/// Solves surveyed per batch.
const SURVEY_BATCH: i64 = 50;
/// Conversations closed per batch.
const CLOSE_BATCH: i64 = 200;

/// Surveys the current solve of one conversation; false when there was
/// nothing to do (not solved, or already surveyed).
#[tracing::instrument(skip_all, fields(conversation_id = id))]
pub(super) async fn survey_solve(st: &AppState, id: i64) -> Result<bool> {
    let conv = conversations::get(st, &Viewer::system(), id).await?;
    if conv.status != Status::Solved {
        return Ok(false);
    }
    let known = conv
        .language
        .as_deref()
        .or(conv.customer.language.as_deref())
        .and_then(supported_locale);
    let locale = known.unwrap_or("en");
    let token = crate::agents::service::random_token("");
    // Compose before the transaction (it stores a file). Should the rules
    // below decide against mail after all, the stored file is unused.
    // Messaging channels ask on the channel (`capabilities::survey_by`);
    // the others by mail, to an address a person reads.
    let by_message = survey_by(conv.channel) == Some(SurveyBy::Message);
    let wanted = by_message
        || conv
            .customer
            .email
            .as_deref()
            .is_some_and(|e| !rules::is_auto_address(e));
    // The channel's reply window closed and no template to ask with.
    let mut window_closed = false;
    let mail = match st.carrier(conv.channel) {
        Some(carrier) if wanted => {
            let key = link_key(st).await?;
            let base = st.link_base();
            let url = |a: LinkAction| format!("{base}{}", link_path(&key, &token, a));
            let ratings: Vec<minijinja::Value> = (1..=5)
                .map(|n| context! { value => n, url => url(LinkAction::Rate(n)) })
                .collect();
            let ctx = context! {
                customer_name => conv.customer.name.clone(),
                conversation_id => id,
                subject => conv.subject.clone(),
                yes_url => url(LinkAction::Answer(Answer::Yes)),
                no_url => url(LinkAction::Answer(Answer::No)),
                ratings => ratings,
                form_url => url(LinkAction::Form),
            };
            let body = if by_message {
                "survey_message_text"
            } else {
                "survey_email_text"
            };
            let (subject, text) = {
                let mut c = st.db.pool().acquire().await?;
                (
                    templates::render_in(&mut c, "survey_email_subject", locale, ctx.clone())
                        .await?,
                    templates::render_in(&mut c, body, locale, ctx).await?,
                )
            };
            let link = url(LinkAction::Form);
            let out = Outgoing::Survey {
                subject: subject.trim(),
                text: text.trim(),
                link: &link,
            };
            match carrier.prepare(st, &conv, out).await {
                Ok(p) => p.map(|p| (carrier, p)),
                Err(crate::Error::Invalid { field, .. }) if by_message && field == "survey" => {
                    window_closed = true;
                    None
                }
                Err(e) => return Err(e),
            }
        }
        _ => None,
    };
    let waker = mail.as_ref().map(|(carrier, _)| carrier.clone());
    let cfg = st.config.surveys.clone();
    let now = st.clock.now_ms();
    let (events, queued, handled) = st
        .db
        .write(move |c| {
            Box::pin(async move {
                let Some(f) = followup::facts_in(c, id).await? else {
                    return Ok((vec![], false, false));
                };
                let Some(solved_at) = f.solved_at.filter(|_| f.status == Status::Solved) else {
                    return Ok((vec![], false, false));
                };
                if repo::surveyed(c, id, f.reopen_count).await? {
                    return Ok((vec![], false, false));
                }
                let follow_up = repo::had_unhappy(c, id).await?;
                let asked_recently =
                    cfg.period_ms > 0 && repo::asked_since(c, f.customer_id, now - cfg.period_ms).await?;
                let only_auto_mail = match f.customer_email.as_deref() {
                    // Only auto-generated mail ever came from the address:
                    // the email channel ignored machine mail from it, and
                    // none of its mail ever became a message.
                    Some(e) => {
                        crate::channels::email::ignored_machine_mail_from_in(c, e).await?
                            && !crate::conversations::inbound::mail_came_from_in(c, e).await?
                    }
                    None => false,
                };
                let decision = rules::decide(&Facts {
                    channel: f.channel,
                    email: f.customer_email.as_deref(),
                    only_auto_mail,
                    asked_recently,
                    follow_up,
                });
                let (status, skip) = match decision {
                    Delivery::Email if mail.is_some() => (SurveyState::Sent, None),
                    // The rules found an address: the inbox has none to send from.
                    Delivery::Email => (SurveyState::Skipped, Some(SkipReason::NoSender)),
                    Delivery::Inline => (SurveyState::InlineDue, None),
                    Delivery::Message if mail.is_some() => (SurveyState::Sent, None),
                    Delivery::Message if window_closed => {
                        (SurveyState::Skipped, Some(SkipReason::WindowClosed))
                    }
                    // Nobody on the channel (made through the REST API).
                    Delivery::Message => (SurveyState::Skipped, Some(SkipReason::NoChannel)),
                    Delivery::Skip(r) => (SurveyState::Skipped, Some(r)),
                };
                let repliers = followup::public_repliers_in(c, id).await?;
                let owner = f.assignee_id.or(repliers.last().copied());
                let Some(sid) = repo::insert_survey(
                    c,
                    &NewSurvey {
                        conversation_id: id,
                        customer_id: f.customer_id,
                        inbox_id: f.inbox_id,
                        token: &token,
                        channel: f.channel.as_str(),
                        solved_at,
                        solve_round: f.reopen_count,
                        owner_id: owner,
                        status,
                        skip_reason: skip,
                        follow_up,
                        language: known,
                        now,
                    },
                )
                .await?
                else {
                    return Ok((vec![], false, false));
                };
                let event = match skip {
                    // Every API or phone conversation would carry this one:
                    // noise in the timeline, so only the row records it.
                    Some(SkipReason::NoChannel) => None,
                    Some(r) => Some((EventKind::SurveySkipped, json!({"survey_id": sid, "reason": r.as_str()}))),
                    None => {
                        repo::insert_credits(c, sid, &repliers).await?;
                        Some((
                            EventKind::SurveySent,
                            json!({"survey_id": sid, "channel": f.channel, "delivery": match (status, by_message) { (SurveyState::Sent, true) => "message", (SurveyState::Sent, false) => "email", _ => "inline" },
                                   "language": known, "follow_up": follow_up}),
                        ))
                    }
                };
                let (queued, held) = match (&mail, status) {
                    (Some((carrier, prepared)), SurveyState::Sent) => {
                        (true, carrier.queue_in(c, prepared, None, id, now).await?)
                    }
                    _ => (false, vec![]),
                };
                let mut events = match event {
                    Some((kind, data)) => followup::append_event_in(c, id, f.inbox_id, kind, Cause::System, data, now).await?,
                    None => vec![],
                };
                events.extend(held);
                Ok((events, queued, true))
            })
        })
        .await?;
    st.publish(events);
    if queued && let Some(carrier) = waker {
        carrier.wake(st);
    }
    Ok(handled)
}

/// Closes one batch of solved conversations whose quiet period passed
/// without an answer; returns how many, and whether another batch should
/// follow.
#[tracing::instrument(skip_all)]
pub async fn close_quiet(st: &AppState) -> Result<(usize, bool)> {
    let now = st.clock.now_ms();
    let cutoff = now - st.config.surveys.quiet_ms;
    let ids = followup::solved_before(st, cutoff, CLOSE_BATCH).await?;
    if ids.is_empty() {
        return Ok((0, false));
    }
    let full = ids.len() as i64 == CLOSE_BATCH;
    let pass = Pass::start(st, Job::QuietClose).await?;
    let mut closed = 0;
    for id in ids {
        let close = st.db.write(move |c| {
            Box::pin(async move {
                followup::close_in(c, id, Cause::System, "quiet_period", Some(cutoff), now).await
            })
        });
        let Some(events) = pass.run(st, id, close).await else {
            continue;
        };
        if !events.is_empty() {
            closed += 1;
        }
        st.publish(events);
    }
    Ok((closed, full && (closed > 0 || pass.failures() > 0)))
}

/// A survey as its customer-facing page shows it.
#[derive(Debug, Clone)]
pub struct PageView {
    /// The survey.
    pub token: String,
    /// The customer's language, when known.
    pub language: Option<String>,
    /// The conversation.
    pub conversation_id: i64,
    /// Its subject.
    pub subject: String,
    /// The answer so far.
    pub answer: Option<Answer>,
    /// The rating so far.
    pub rating: Option<i64>,
    /// Whether a comment was given.
    pub has_comment: bool,
}

impl PageView {
    fn of(s: &SurveyRow, subject: String) -> PageView {
        PageView {
            token: s.token.clone(),
            language: s.language.clone(),
            conversation_id: s.conversation_id,
            subject,
            answer: s.answer.as_deref().and_then(Answer::parse),
            rating: s.rating,
            has_comment: s.comment.is_some(),
        }
    }
}

/// Checks a link; `None` when forged, tampered or unknown.
pub async fn verify_link(
    st: &AppState,
    token: &str,
    action: &str,
    sig: &str,
) -> Result<Option<LinkAction>> {
    let Some(a) = LinkAction::parse(action) else {
        return Ok(None);
    };
    let key = link_key(st).await?;
    Ok(sign::verify(&key, token, action, sig).then_some(a))
}

/// Records the customer's response. Each part (answer, rating, comment) is
/// kept the first time it is given; giving it again changes nothing, so
/// replayed links and resubmitted forms are harmless. `None` when there is
/// no such survey.
#[tracing::instrument(skip_all)]
pub async fn respond(st: &AppState, token: &str, resp: Response) -> Result<Option<PageView>> {
    answer(st, token, resp, false).await
}

/// [`respond`]; with `skipped_too`, a survey that was never sent takes the
/// answer as well (the customer is signed in to the portal: no link was
/// needed to ask them).
pub(super) async fn answer(
    st: &AppState,
    token: &str,
    resp: Response,
    skipped_too: bool,
) -> Result<Option<PageView>> {
    let now = st.clock.now_ms();
    let cfg = st.config.surveys.clone();
    let token = token.to_string();
    let out = st
        .db
        .write(move |c| {
            Box::pin(async move {
                let Some(mut s) = repo::by_token_for_update(c, &token).await? else {
                    return Ok(None);
                };
                if s.status == SurveyState::Skipped && !skipped_too {
                    return Ok(None);
                }
                let Some(f) = followup::facts_in(c, s.conversation_id).await? else {
                    return Ok(None);
                };
                let mut changed: Vec<&str> = vec![];
                if s.answer.is_none()
                    && let Some(a) = resp.answer
                {
                    s.answer = Some(a.as_str().to_string());
                    changed.push("answer");
                }
                if s.rating.is_none() && resp.rating.is_some() {
                    s.rating = resp.rating;
                    changed.push("rating");
                }
                if s.comment.is_none() && resp.comment.is_some() {
                    s.comment = resp.comment.clone();
                    changed.push("comment");
                }
                if changed.is_empty() {
                    return Ok(Some((PageView::of(&s, f.subject), vec![])));
                }
                s.answered_at.get_or_insert(now);
                let cause = Cause::Customer(s.customer_id);
                let mut events = followup::append_event_in(
                    c,
                    s.conversation_id,
                    f.inbox_id,
                    EventKind::SurveyAnswered,
                    cause,
                    json!({"survey_id": s.id, "answer": s.answer, "rating": s.rating,
                           "comment": s.comment.is_some(), "changed": changed}),
                    now,
                )
                .await?;
                let answer = s.answer.as_deref().and_then(Answer::parse);
                let unhappy = is_unhappy(answer, s.rating, cfg.unhappy_rating);
                if unhappy && s.unhappy == 0 {
                    s.unhappy = 1;
                    let (evs, owner) = followup::reopen_unhappy_in(
                        c,
                        s.conversation_id,
                        cause,
                        s.owner_id,
                        cfg.unhappy_route,
                        now,
                    )
                    .await?;
                    events.extend(evs);
                    if task_repo::open_follow_up(c, s.conversation_id)
                        .await?
                        .is_none()
                    {
                        let due = next_business_day(now);
                        let task = task_repo::insert_task(
                            c,
                            s.conversation_id,
                            Some(s.id),
                            owner,
                            due,
                            now,
                        )
                        .await?;
                        events.extend(
                            followup::append_event_in(
                                c,
                                s.conversation_id,
                                f.inbox_id,
                                EventKind::FollowUpCreated,
                                Cause::System,
                                json!({"task_id": task, "survey_id": s.id, "assignee_id": owner,
                                       "due_at": crate::time::rfc3339(due)}),
                                now,
                            )
                            .await?,
                        );
                    }
                } else if !unhappy && changed.contains(&"answer") && answer == Some(Answer::Yes) {
                    events.extend(
                        followup::close_in(
                            c,
                            s.conversation_id,
                            cause,
                            "customer_confirmed",
                            None,
                            now,
                        )
                        .await?,
                    );
                    task_repo::complete_open_tasks(c, s.conversation_id, now).await?;
                }
                repo::save_answer(c, &s).await?;
                Ok(Some((PageView::of(&s, f.subject), events)))
            })
        })
        .await?;
    Ok(out.map(|(view, events)| {
        st.publish(events);
        view
    }))
}

/// The page state of a survey without changing it.
pub async fn view(st: &AppState, token: &str) -> Result<Option<PageView>> {
    let mut c = st.db.pool().acquire().await?;
    let Some(s) = repo::by_token(&mut c, token).await? else {
        return Ok(None);
    };
    if s.status == SurveyState::Skipped {
        return Ok(None);
    }
    let subject = conversations::get(st, &Viewer::system(), s.conversation_id)
        .await?
        .subject;
    Ok(Some(PageView::of(&s, subject)))
}

/// The surveys of a conversation the viewer may see.
#[tracing::instrument(skip_all, fields(user_id = viewer.user_id, conversation_id = id))]
pub async fn of_conversation(st: &AppState, viewer: &Viewer, id: i64) -> Result<Vec<Survey>> {
    conversations::get(st, viewer, id).await?;
    let mut c = st.db.pool().acquire().await?;
    Ok(repo::of_conversation(&mut c, viewer, id)
        .await?
        .into_iter()
        .map(|s| Survey {
            id: s.id,
            conversation_id: s.conversation_id,
            channel: s.channel,
            solved_at: crate::time::rfc3339(s.solved_at),
            follow_up: s.follow_up != 0,
            status: s.status,
            skip_reason: s.skip_reason,
            language: s.language,
            answer: s.answer,
            rating: s.rating,
            comment: s.comment,
            unhappy: s.unhappy != 0,
            created_at: crate::time::rfc3339(s.created_at),
            answered_at: crate::time::rfc3339_opt(s.answered_at),
        })
        .collect())
}

/// The token of a conversation's unanswered inline survey (the chat asks
/// it at the end), inside the caller's connection.
pub async fn inline_due_token_in(
    c: &mut sqlx::AnyConnection,
    conversation_id: i64,
) -> Result<Option<String>> {
    repo::inline_due_token(c, conversation_id).await
}
