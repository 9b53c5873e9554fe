//! The closed sets' tests: names, serde, OpenAPI, SQL lists, the
//! architecture document's event list.

use super::*;

#[test]
fn every_value_round_trips_through_its_stored_name_and_serde() {
    fn check<T>(all: &[T], as_str: fn(&T) -> &'static str, from: fn(&str) -> Option<T>)
    where
        T: PartialEq + std::fmt::Debug + serde::Serialize,
    {
        let mut seen = std::collections::HashSet::new();
        for v in all {
            let s = as_str(v);
            assert!(seen.insert(s), "{s} named twice");
            assert_eq!(from(s).as_ref(), Some(v));
            assert_eq!(serde_json::to_value(v).unwrap(), serde_json::json!(s));
        }
    }
    check(Status::ALL, |v| v.as_str(), |s| Status::from_db(s).ok());
    check(Priority::ALL, |v| v.as_str(), |s| Priority::from_db(s).ok());
    check(Channel::ALL, |v| v.as_str(), |s| Channel::from_db(s).ok());
    check(
        EventKind::ALL,
        |v| v.as_str(),
        |s| EventKind::from_db(s).ok(),
    );
    check(
        ActorKind::ALL,
        |v| v.as_str(),
        |s| ActorKind::from_db(s).ok(),
    );
    check(
        Direction::ALL,
        |v| v.as_str(),
        |s| Direction::from_db(s).ok(),
    );
}

#[test]
fn the_openapi_schema_names_every_value_as_stored() {
    fn names<T: utoipa::PartialSchema>() -> Vec<String> {
        let schema = serde_json::to_value(T::schema()).unwrap();
        schema["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("an enum schema: {schema}"))
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    }
    fn stored<T: Copy>(all: &[T], f: fn(T) -> &'static str) -> Vec<String> {
        all.iter().map(|v| f(*v).to_string()).collect()
    }
    assert_eq!(names::<Status>(), stored(Status::ALL, Status::as_str));
    assert_eq!(names::<Priority>(), stored(Priority::ALL, Priority::as_str));
    assert_eq!(names::<Channel>(), stored(Channel::ALL, Channel::as_str));
    assert_eq!(
        names::<EventKind>(),
        stored(EventKind::ALL, EventKind::as_str)
    );
    assert_eq!(
        names::<ActorKind>(),
        stored(ActorKind::ALL, ActorKind::as_str)
    );
    assert_eq!(
        names::<Direction>(),
        stored(Direction::ALL, Direction::as_str)
    );
}

#[test]
fn sql_lists_follow_the_rule() {
    assert_eq!(
        Status::sql_list(|s| s != Status::Closed),
        "('new','open','pending','solved')"
    );
    assert_eq!(Direction::sql_list(|_| false), "()");
}

#[test]
fn an_unknown_stored_value_is_an_error_that_names_it() {
    let e = EventKind::try_from("teleported".to_string()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "unknown event kind \"teleported\" in the database"
    );
    let e = Status::parse("status", "done").unwrap_err();
    assert_eq!(e.code(), "invalid_input");
    assert_eq!(
        e.to_string(),
        "unknown status \"done\"; use new, open, pending, solved or closed"
    );
}

#[test]
fn the_architecture_document_lists_every_event_kind() {
    let doc = include_str!("../../../docs/ARCHITECTURE.md");
    let start = doc
        .find("<!-- event-kinds -->")
        .expect("the list's start marker");
    let end = doc
        .find("<!-- /event-kinds -->")
        .expect("the list's end marker");
    let listed: Vec<&str> = doc[start..end]
        .lines()
        .filter_map(|l| l.trim().strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .collect();
    let kinds: Vec<&str> = EventKind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(listed, kinds, "docs/ARCHITECTURE.md, \"The event log\"");
}

#[test]
fn only_email_and_the_contact_form_are_answered_by_mail() {
    let by_mail: Vec<Channel> = Channel::ALL
        .iter()
        .copied()
        .filter(|c| c.answered_by_mail())
        .collect();
    assert_eq!(by_mail, [Channel::Email, Channel::Web]);
}
