//! Tests of `parse`.

use super::*;

#[test]
fn empty_input_is_an_error() {
    assert_eq!(parse(b""), Err(ParseError::Empty));
    assert_eq!(parse(b" \r\n"), Err(ParseError::Empty));
}

#[test]
fn bare_cr_line_ends_are_read() {
    let m = parse(b"From: a@example.com\rSubject: Hi\r\rBody\r").unwrap_or_default();
    assert_eq!(m.from.map(|f| f.address).as_deref(), Some("a@example.com"));
    assert_eq!((m.subject.as_str(), m.text.as_str()), ("Hi", "Body"));
}

#[test]
fn filenames_lose_their_paths() {
    assert_eq!(clean_filename("C:\\Users\\x\\invoice.pdf"), "invoice.pdf");
    assert_eq!(clean_filename("../../etc/passwd"), "passwd");
    assert_eq!(clean_filename(".."), "");
    assert_eq!(clean_filename("a\u{0}b.txt"), "ab.txt");
}

#[test]
fn message_ids_are_normalised() {
    assert_eq!(normalise_id(" <a@b> ").as_deref(), Some("a@b"));
    assert_eq!(normalise_id("<>"), None);
}
