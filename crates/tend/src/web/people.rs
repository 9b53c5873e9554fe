//! The figures on the people pages: an agent's last 30 days beside each
//! of their teams' and the desk's (`/agents/{id}`, with the kind words of
//! `web::stories`), and a team's page (`/teams/{id}`): its last 30 days
//! beside the 30 before, and its members in alphabetical order, never
//! ranked. The figures and who sees them are `reports::people`.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;

use super::dashboard_words::{Change, change, metric_key, shown, value_of};
use super::i18n::Tr;
use super::pages::{Chrome, error_page, render};
use super::session::Agent;
use crate::agents::model::Team;
use crate::reports::Metric;
use crate::reports::people::{Figure, Of, figures, may_see};
use crate::state::AppState;
use crate::{Error, Result};

/// The period the pages show.
pub const DAYS: i64 = 30;
const DAY_MS: i64 = 86_400_000;

/// One row of a figures table: the figure's name and one cell per column.
pub struct FigureRow {
    pub label: String,
    pub cells: Vec<String>,
    /// The team page: the change from the period before.
    pub change: Option<Change>,
}

/// A figures table: column headings and rows (the first row: solved).
#[derive(Default)]
pub struct Figures {
    pub columns: Vec<String>,
    pub rows: Vec<FigureRow>,
    /// Whether a row shows a change (the column is there).
    pub compared: bool,
}

fn cell(tr: &Tr, f: &Figure) -> String {
    shown(
        tr,
        f.metric.kind(),
        value_of(f.metric.kind(), f.line.as_ref()),
    )
}

/// How many conversations were solved: the resolutions measured.
fn solved(column: &[Figure]) -> i64 {
    column
        .iter()
        .find(|f| f.metric == Metric::ResolutionTime)
        .and_then(|f| f.line.as_ref())
        .map_or(0, |l| l.count)
}

/// The table of `columns` (each [`crate::reports::people::FIGURES`] in
/// order), with the change from the last column to the first when
/// `compare`.
fn table(tr: &Tr, headings: Vec<String>, columns: &[Vec<Figure>], compare: bool) -> Figures {
    let mut rows = vec![FigureRow {
        label: tr.t("people-solved"),
        cells: columns.iter().map(|c| solved(c).to_string()).collect(),
        change: None,
    }];
    let n = columns.first().map_or(0, Vec::len);
    for i in 0..n {
        let metric = columns[0][i].metric;
        let kind = metric.kind();
        let change = match (compare, columns.first(), columns.last()) {
            (true, Some(now), Some(before)) => change(
                tr,
                kind,
                value_of(kind, now[i].line.as_ref()),
                value_of(kind, before[i].line.as_ref()),
            ),
            _ => None,
        };
        rows.push(FigureRow {
            label: tr.t(metric_key(metric)),
            cells: columns.iter().map(|c| cell(tr, &c[i])).collect(),
            change,
        });
    }
    Figures {
        columns: headings,
        compared: rows.iter().any(|r| r.change.is_some()),
        rows,
    }
}

/// The last [`DAYS`] days up to now, and the same before them (ms).
fn periods(now: i64) -> ((i64, i64), (i64, i64)) {
    let from = now - DAYS * DAY_MS;
    ((from, now), (from - DAYS * DAY_MS, from))
}

/// An agent's figures beside their teams' (at most two) and the desk's,
/// for their page; empty when the viewer may not see them.
pub async fn of_agent(st: &AppState, a: &Agent, id: i64, teams: &[Team]) -> Result<Figures> {
    if !may_see(&a.viewer, Of::Agent(id), &[]) {
        return Ok(Figures::default());
    }
    let ((from, to), _) = periods(st.clock.now_ms());
    let mut headings = vec![a.tr.t("people-this-agent")];
    let mut columns = vec![figures(st, &a.viewer, Of::Agent(id), &[], from, to).await?];
    for t in teams.iter().take(2) {
        headings.push(t.name.clone());
        // The agent's teams' figures are theirs to compare with.
        columns.push(
            figures(
                st,
                &crate::agents::Viewer::system(),
                Of::Team(t.id),
                &[],
                from,
                to,
            )
            .await?,
        );
    }
    headings.push(a.tr.t("people-whole-desk"));
    columns.push(
        figures(
            st,
            &crate::agents::Viewer::system(),
            Of::Desk,
            &[],
            from,
            to,
        )
        .await?,
    );
    Ok(table(&a.tr, headings, &columns, false))
}

#[derive(Template)]
#[template(path = "web/team.html")]
struct TeamPage {
    c: Chrome,
    name: String,
    /// (user id, name), alphabetical.
    members: Vec<(i64, String)>,
    figures: Figures,
}

/// `GET /teams/{id}`: a team's last 30 days beside the 30 before, and its
/// members (for its members, supervisors and admins).
pub async fn team(State(st): State<AppState>, a: Agent, Path(id): Path<i64>) -> Response {
    let built = async {
        let team = crate::agents::service::list_teams(&st, &a.viewer)
            .await?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or(Error::NotFound("team"))?;
        if !may_see(&a.viewer, Of::Team(id), &team.member_ids) {
            return Err(Error::Forbidden(
                "a team's page is for its members and for supervisors",
            ));
        }
        let ((from, to), (before_from, before_to)) = periods(st.clock.now_ms());
        let of = Of::Team(id);
        let m = &team.member_ids;
        let columns = vec![
            figures(&st, &a.viewer, of, m, from, to).await?,
            figures(&st, &a.viewer, of, m, before_from, before_to).await?,
        ];
        let headings = vec![
            a.tr.n("people-last-days", DAYS),
            a.tr.n("people-days-before", DAYS),
        ];
        let mut members: Vec<(i64, String)> =
            crate::agents::service::list_users(&st, &crate::agents::Viewer::system())
                .await?
                .into_iter()
                .filter(|u| team.member_ids.contains(&u.id))
                .map(|u| (u.id, u.name))
                .collect();
        members.sort_by_key(|(_, n)| n.to_lowercase());
        Ok(TeamPage {
            c: Chrome::agent(&a, team.name.clone(), "agents"),
            name: team.name,
            members,
            figures: table(&a.tr, headings, &columns, true),
        })
    }
    .await;
    match built {
        Ok(p) => render(&p),
        Err(e) => error_page(&a.tr, e),
    }
}
