//! The inbox's query string, both ways: read into a [`ViewSpec`] and the
//! page's place (cursor, saved view, fragment), and written back for links.
//! The filter form, the pager, live refreshes and "Save this view" all go
//! through these two functions.

use crate::Result;
use crate::conversations::model::ListSort;
use crate::conversations::views::{Column, InboxView, SlaState, ViewSpec};
use crate::conversations::{Priority, Status};
use crate::vocab::Channel;

/// Where on a list a page is, and how it is asked for.
#[derive(Debug, Clone, Default)]
pub struct Place {
    /// The page after this row (`ListCursor::to_param`).
    pub after: Option<String>,
    /// The page before this row.
    pub before: Option<String>,
    /// `rows`: only the table body (live refresh).
    pub fragment: Option<String>,
    /// The saved view shown.
    pub saved: Option<i64>,
    /// The saved view these filters were changed from (its "Update"
    /// button stays).
    pub from_saved: Option<i64>,
}

/// Where a link leads in the list.
pub enum Link<'a> {
    /// The current page (for live refreshes).
    Here(&'a Place),
    /// The first page.
    First,
    /// The page after this row.
    After(String),
    /// The page before this row.
    Before(String),
}

fn text(v: &str) -> Option<String> {
    Some(v.trim().to_string()).filter(|s| !s.is_empty())
}

/// Reads a query string. An unknown view is the default one and unknown
/// keys are ignored (old links keep working); a value that does not read
/// is an error naming its field.
pub fn read(query: &str) -> Result<(ViewSpec, Place)> {
    let mut spec = ViewSpec::default();
    let mut place = Place::default();
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        let Some(v) = text(&v) else { continue };
        match k.as_ref() {
            "view" => spec.view = InboxView::from_db(&v).ok(),
            "status" => spec.status = Some(Status::parse("status", &v)?),
            "priority" => spec.priority = Some(Priority::parse("priority", &v)?),
            "channel" => spec.channel = Some(Channel::parse("channel", &v)?),
            "sla" => spec.sla = Some(SlaState::parse("sla", &v)?),
            "sort" => spec.sort = Some(ListSort::parse("sort", &v)?),
            "col" => spec.columns.push(Column::parse("col", &v)?),
            "language" => spec.language = Some(v),
            "tag" => spec.tag = Some(v),
            "owner" => spec.owner = Some(v),
            "inbox" => spec.inbox_id = Some(number("inbox", &v)?),
            "team" => spec.team_id = Some(number("team", &v)?),
            "after" => place.after = Some(v),
            "before" => place.before = Some(v),
            "fragment" => place.fragment = Some(v),
            "saved" => place.saved = Some(number("saved", &v)?),
            "from_saved" => place.from_saved = Some(number("from_saved", &v)?),
            _ => {}
        }
    }
    Ok((spec.normalised()?, place))
}

fn number(field: &str, v: &str) -> Result<i64> {
    v.parse()
        .map_err(|_| crate::Error::invalid(field, "not a number".to_string()))
}

/// Writes a view and a place as a query string, the inverse of [`read`].
pub fn write(spec: &ViewSpec, saved: Option<i64>, at: Link<'_>) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    if let Some(id) = saved {
        // A saved view's link names only the view: its spec is read from
        // the saved row, so that editing it changes every link.
        s.append_pair("saved", &id.to_string());
    } else {
        s.append_pair("view", spec.view().as_str());
        let num = |v: Option<i64>| v.map(|n| n.to_string());
        for (k, v) in [
            ("inbox", num(spec.inbox_id)),
            ("team", num(spec.team_id)),
            ("status", spec.status.map(|v| v.as_str().to_string())),
            ("priority", spec.priority.map(|v| v.as_str().to_string())),
            ("channel", spec.channel.map(|v| v.as_str().to_string())),
            ("sla", spec.sla.map(|v| v.as_str().to_string())),
            ("sort", spec.sort.map(|v| v.as_str().to_string())),
            ("owner", spec.owner.clone()),
            ("tag", spec.tag.clone()),
            ("language", spec.language.clone()),
        ] {
            if let Some(v) = v {
                s.append_pair(k, &v);
            }
        }
        for c in &spec.columns {
            s.append_pair("col", c.as_str());
        }
    }
    match at {
        Link::Here(p) => {
            if let Some(a) = &p.after {
                s.append_pair("after", a);
            } else if let Some(b) = &p.before {
                s.append_pair("before", b);
            }
        }
        Link::First => {}
        Link::After(k) => {
            s.append_pair("after", &k);
        }
        Link::Before(k) => {
            s.append_pair("before", &k);
        }
    }
    s.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_view_reads_back_the_same() {
        let spec = ViewSpec {
            view: Some(InboxView::Mine),
            status: Some(Status::Pending),
            priority: Some(Priority::High),
            channel: Some(Channel::Chat),
            language: Some("ja".into()),
            tag: Some("vip café".into()),
            inbox_id: Some(3),
            team_id: Some(4),
            owner: Some("nobody".into()),
            sla: Some(SlaState::Breached),
            sort: Some(ListSort::Priority),
            columns: vec![Column::Owner, Column::Due],
        };
        let qs = write(&spec, None, Link::After("12.5".into()));
        let (back, place) = read(&qs).unwrap();
        assert_eq!(back, spec);
        assert_eq!(place.after.as_deref(), Some("12.5"));
    }

    #[test]
    fn a_value_that_does_not_read_names_its_field() {
        let field = |q: &str| match read(q) {
            Err(crate::Error::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(field("view=open&status=sleeping"), "status");
        assert_eq!(field("owner=someone"), "owner");
        assert_eq!(field("sort=random"), "sort");
        // Old links with an unknown view open the default one.
        let (spec, _) = read("view=gone&fragment=rows").unwrap();
        assert_eq!(spec.view(), InboxView::DEFAULT);
    }
}
