//! What changed in the source language's text since an outdated
//! translation was written: the source's text at the version the
//! translation was written against, found in the revisions, and a line
//! diff to the text now (`similar`). Pure but for reading the revisions.

use crate::Result;
use crate::agents::Viewer;
use crate::state::AppState;

use super::model::{Article, ArticleInput};

/// How a line of a diff changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// In both texts.
    Same,
    /// Only in the new text.
    Added,
    /// Only in the old text.
    Removed,
}

/// One line of a diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffLine {
    /// How it changed.
    pub change: Change,
    /// The line, without its line break.
    pub text: String,
}

/// The source's change an outdated translation has not followed.
#[derive(Debug, Clone)]
pub struct SourceChange {
    /// The source language.
    pub source_lang: String,
    /// The diff from the text the translation was written against (title,
    /// blank line, body) to the text now; `None` when that text is no
    /// longer among the revisions kept.
    pub lines: Option<Vec<DiffLine>>,
    /// The source's text now.
    pub now: String,
}

/// A translation's text as one document: the title, a blank line, the body.
fn text_of(title: &str, body: &str) -> String {
    format!("{title}\n\n{body}")
}

/// The text of `lang` when its version was `target`, from the article's
/// revisions, newest first, the first being the article now, when `lang`
/// is at version `now`. A version grows with each change of the text
/// (`model::versions`), so walking back, each change takes one off.
pub fn text_at(newest_first: &[ArticleInput], lang: &str, now: i64, target: i64) -> Option<String> {
    let mut version = now;
    let mut newer: Option<(&str, &str)> = None;
    for snapshot in newest_first {
        // Without the translation the versions started afresh after it.
        let t = snapshot.translations.get(lang)?;
        let here = (t.title.trim(), t.body_markdown.as_str());
        if newer.is_some_and(|n| n != here) {
            version -= 1;
        }
        if version == target {
            return Some(text_of(here.0, here.1));
        }
        if version < target {
            return None;
        }
        newer = Some(here);
    }
    None
}

/// A line diff from `old` to `new` (a last line without a line break is
/// the same line as with one).
pub fn diff(old: &str, new: &str) -> Vec<DiffLine> {
    let ended = |s: &str| {
        if s.ends_with('\n') {
            s.to_string()
        } else {
            format!("{s}\n")
        }
    };
    let (old, new) = (ended(old), ended(new));
    similar::TextDiff::from_lines(&old, &new)
        .iter_all_changes()
        .map(|c| DiffLine {
            change: match c.tag() {
                similar::ChangeTag::Equal => Change::Same,
                similar::ChangeTag::Insert => Change::Added,
                similar::ChangeTag::Delete => Change::Removed,
            },
            text: c.value().trim_end_matches(['\n', '\r']).to_string(),
        })
        .collect()
}

/// For an outdated translation of `article`, what changed in the source
/// since it was written; `None` when it is not outdated.
pub async fn source_change(
    st: &AppState,
    viewer: &Viewer,
    article: &Article,
    lang: &str,
) -> Result<Option<SourceChange>> {
    let (Some(t), Some(source)) = (
        article.translations.get(lang),
        article.translations.get(&article.source_lang),
    ) else {
        return Ok(None);
    };
    if !t.outdated {
        return Ok(None);
    }
    let revisions = super::service::revisions(st, viewer, article.id).await?;
    let snapshots: Vec<ArticleInput> = revisions.into_iter().map(|r| r.article).collect();
    let now = text_of(&source.title, &source.body_markdown);
    let then = text_at(
        &snapshots,
        &article.source_lang,
        source.version,
        t.source_version,
    );
    Ok(Some(SourceChange {
        source_lang: article.source_lang.clone(),
        lines: then.map(|old| diff(&old, &now)),
        now,
    }))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::kb::model::TranslationInput;

    fn snap(title: &str, body: &str) -> ArticleInput {
        ArticleInput {
            slug: "a".into(),
            category: None,
            source_lang: Some("en".into()),
            translations: BTreeMap::from([(
                "en".to_string(),
                TranslationInput {
                    title: title.into(),
                    body_markdown: body.into(),
                    published: true,
                },
            )]),
        }
    }

    #[test]
    fn the_text_of_a_version_is_found_walking_back() {
        // Newest first: v3 (published again, same text), v3, v2, v1.
        let revs = [
            snap("Refunds", "Ten days."),
            snap("Refunds", "Ten days."),
            snap("Refunds", "Seven days."),
            snap("Refunds", "Five days."),
        ];
        assert_eq!(
            text_at(&revs, "en", 3, 1).as_deref(),
            Some("Refunds\n\nFive days.")
        );
        assert_eq!(
            text_at(&revs, "en", 3, 2).as_deref(),
            Some("Refunds\n\nSeven days.")
        );
        assert_eq!(text_at(&revs, "en", 3, 0), None);
        assert_eq!(text_at(&revs, "ja", 3, 1), None);
    }

    #[test]
    fn a_diff_marks_lines_added_and_removed() {
        let d = diff(
            "Refunds\n\nFive days.\nBy card.",
            "Refunds\n\nTen days.\nBy card.\nOr cash.",
        );
        let marked: Vec<(Change, &str)> = d.iter().map(|l| (l.change, l.text.as_str())).collect();
        assert_eq!(
            marked,
            [
                (Change::Same, "Refunds"),
                (Change::Same, ""),
                (Change::Removed, "Five days."),
                (Change::Added, "Ten days."),
                (Change::Same, "By card."),
                (Change::Added, "Or cash."),
            ]
        );
    }
}
