//! The knowledge base's API types, the checks of what is written, and the
//! rule that says which translations are outdated (pure, unit-tested).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::customers::model::parse_language;
use crate::{Error, Result};

/// Longest title, in characters.
const MAX_TITLE_CHARS: usize = 300;
/// Largest Markdown body, in bytes.
const MAX_BODY_BYTES: usize = 200_000;
/// Most translations of one article.
const MAX_TRANSLATIONS: usize = 50;

/// An article as written: `PUT` replaces the whole of it (a translation
/// left out is removed). Also the shape of a revision.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArticleInput {
    /// Its stable part of the URL: lower-case letters, digits and hyphens.
    pub slug: String,
    /// Category id, or none.
    #[serde(default)]
    pub category: Option<i64>,
    /// The language the others are translated from. Default: the stored
    /// one; for a new article `en` when given, else the only translation.
    #[serde(default)]
    pub source_lang: Option<String>,
    /// A translation per language tag.
    pub translations: BTreeMap<String, TranslationInput>,
}

/// One translation as written.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TranslationInput {
    /// Title.
    pub title: String,
    /// Body, Markdown.
    #[serde(default)]
    pub body_markdown: String,
    /// Shown in the help centre; a draft (false) only to agents.
    #[serde(default)]
    pub published: bool,
}

/// An article with its translations.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Article {
    /// Id.
    pub id: i64,
    /// Slug.
    pub slug: String,
    /// Category id.
    pub category: Option<i64>,
    /// The language the others are translated from.
    pub source_lang: String,
    /// Created (RFC 3339).
    pub created_at: String,
    /// Last changed (RFC 3339).
    pub updated_at: String,
    /// Each translation, by language.
    pub translations: BTreeMap<String, Translation>,
}

/// One translation of an article.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Translation {
    /// Title.
    pub title: String,
    /// Body, Markdown as written.
    pub body_markdown: String,
    /// Body rendered and sanitised.
    pub body_html: String,
    /// Published (else a draft).
    pub published: bool,
    /// Who last wrote it.
    pub author_id: Option<i64>,
    /// Last changed (RFC 3339).
    pub updated_at: String,
    /// Grows with each change of its title or body.
    pub version: i64,
    /// The source translation's version it was written against.
    pub source_version: i64,
    /// The source translation's text changed since this one was written.
    pub outdated: bool,
}

impl Article {
    /// The article as written now: what a change of one part of it (a
    /// translation, the slug) starts from.
    pub fn as_input(&self) -> ArticleInput {
        ArticleInput {
            slug: self.slug.clone(),
            category: self.category,
            source_lang: Some(self.source_lang.clone()),
            translations: self
                .translations
                .iter()
                .map(|(lang, t)| {
                    let input = TranslationInput {
                        title: t.title.clone(),
                        body_markdown: t.body_markdown.clone(),
                        published: t.published,
                    };
                    (lang.clone(), input)
                })
                .collect(),
        }
    }
}

/// A category of the help centre.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Category {
    /// Id.
    pub id: i64,
    /// Slug.
    pub slug: String,
    /// Order on the help centre's home (smaller first).
    pub position: i64,
    /// Its name per language.
    pub names: BTreeMap<String, String>,
}

/// A category as written.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryInput {
    /// Slug.
    pub slug: String,
    /// Order (default 0).
    #[serde(default)]
    pub position: i64,
    /// Its name per language (at least one).
    pub names: BTreeMap<String, String>,
}

/// The article as it was after one change.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Revision {
    /// Id.
    pub id: i64,
    /// Who made the change.
    pub author_id: Option<i64>,
    /// When (RFC 3339).
    pub created_at: String,
    /// The article as it was then (what restoring writes again).
    pub article: ArticleInput,
}

/// `GET /kb/articles`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ArticleQuery {
    /// Words to search for (drafts included), in any language.
    pub q: Option<String>,
    /// Only articles of this category.
    pub category: Option<i64>,
    /// At most this many (default 50, at most 200).
    pub limit: Option<i64>,
}

/// A checked article, ready to write.
#[derive(Debug, Clone)]
pub struct Checked {
    /// Slug.
    pub slug: String,
    /// Category id.
    pub category: Option<i64>,
    /// Source language; `None` on an update keeps the stored one.
    pub source_lang: Option<String>,
    /// The translations, by language, with their HTML.
    pub translations: BTreeMap<String, CheckedTranslation>,
}

/// A checked translation.
#[derive(Debug, Clone)]
pub struct CheckedTranslation {
    /// Title, trimmed.
    pub title: String,
    /// Markdown.
    pub body_markdown: String,
    /// Rendered and sanitised.
    pub body_html: String,
    /// Published.
    pub published: bool,
}

/// Checks a slug: 1–100 lower-case ASCII letters, digits and single
/// hyphens inside.
pub fn check_slug(slug: &str) -> Result<String> {
    let s = slug.trim();
    let ok = (1..=100).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--");
    if ok {
        Ok(s.to_string())
    } else {
        Err(Error::invalid(
            "slug",
            format!(
                "{slug:?} is not a slug: use lower-case letters, digits and hyphens, like reset-your-password"
            ),
        ))
    }
}

impl ArticleInput {
    /// Checks everything and renders the Markdown (before any write: it is
    /// the slow part).
    pub fn check(self) -> Result<Checked> {
        let slug = check_slug(&self.slug)?;
        if self.translations.is_empty() {
            return Err(Error::invalid(
                "translations",
                "an article needs at least one translation",
            ));
        }
        if self.translations.len() > MAX_TRANSLATIONS {
            return Err(Error::invalid(
                "translations",
                format!("an article has at most {MAX_TRANSLATIONS} translations"),
            ));
        }
        let mut translations = BTreeMap::new();
        for (tag, t) in self.translations {
            let field = format!("translations.{tag}");
            let lang = parse_language(&field, &tag)?;
            let title = t.title.trim().to_string();
            if title.is_empty() || title.chars().count() > MAX_TITLE_CHARS {
                return Err(Error::invalid(
                    format!("{field}.title"),
                    format!("a title has 1 to {MAX_TITLE_CHARS} characters"),
                ));
            }
            if t.body_markdown.len() > MAX_BODY_BYTES {
                return Err(Error::invalid(
                    format!("{field}.body_markdown"),
                    format!("a body has at most {MAX_BODY_BYTES} bytes"),
                ));
            }
            let body_html = crate::html::markdown(&t.body_markdown);
            let checked = CheckedTranslation {
                title,
                body_markdown: t.body_markdown,
                body_html,
                published: t.published,
            };
            if translations.insert(lang, checked).is_some() {
                return Err(Error::invalid(
                    field,
                    "this language is given twice (tags ignore case)",
                ));
            }
        }
        let source_lang = match self.source_lang {
            Some(s) => {
                let s = parse_language("source_lang", &s)?;
                if !translations.contains_key(&s) {
                    return Err(Error::invalid(
                        "source_lang",
                        format!("the source language {s} needs a translation in translations"),
                    ));
                }
                Some(s)
            }
            None => None,
        };
        Ok(Checked {
            slug,
            category: self.category,
            source_lang,
            translations,
        })
    }
}

impl Checked {
    /// The source language of a new article: the one given, else `en`
    /// when there is an English translation, else the only translation.
    pub fn new_source_lang(&self) -> Result<String> {
        if let Some(s) = &self.source_lang {
            return Ok(s.clone());
        }
        if self.translations.contains_key(crate::locale::DEFAULT) {
            return Ok(crate::locale::DEFAULT.to_string());
        }
        match self.translations.keys().next() {
            Some(only) if self.translations.len() == 1 => Ok(only.clone()),
            _ => Err(Error::invalid(
                "source_lang",
                "say which translation is the source (source_lang): there are several and none is en",
            )),
        }
    }
}

impl CategoryInput {
    /// Checks a category.
    pub fn check(self) -> Result<CategoryInput> {
        let slug = check_slug(&self.slug)?;
        if self.names.is_empty() {
            return Err(Error::invalid("names", "a category needs a name"));
        }
        let mut names = BTreeMap::new();
        for (tag, name) in self.names {
            let lang = parse_language(&format!("names.{tag}"), &tag)?;
            let name = name.trim().to_string();
            if name.is_empty() || name.chars().count() > 200 {
                return Err(Error::invalid(
                    format!("names.{tag}"),
                    "a name has 1 to 200 characters",
                ));
            }
            names.insert(lang, name);
        }
        Ok(CategoryInput {
            slug,
            position: self.position,
            names,
        })
    }
}

/// A stored translation, as far as versions are concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Versioned {
    /// Language.
    pub lang: String,
    /// Title.
    pub title: String,
    /// Markdown.
    pub body_markdown: String,
    /// Its version.
    pub version: i64,
    /// The source's version it was written against.
    pub source_version: i64,
}

/// The `(version, source_version)` of each new translation (by language),
/// from what was stored and what is written:
///
/// - a translation's version grows when its title or body changes;
/// - the source translation is always written against itself;
/// - any other translation that is new or whose text changed is written
///   against the source as it now is (its translator saw that text);
///   one whose text stayed keeps what it was written against, so it is
///   outdated once the source moved on;
/// - a new source language starts every translation afresh.
pub fn versions(
    old: &[Versioned],
    old_source: &str,
    source: &str,
    new: &BTreeMap<String, CheckedTranslation>,
) -> BTreeMap<String, (i64, i64)> {
    let version_of = |lang: &str, t: &CheckedTranslation| -> (i64, bool, Option<&Versioned>) {
        match old.iter().find(|o| o.lang == lang) {
            Some(o) => {
                let changed = o.title != t.title || o.body_markdown != t.body_markdown;
                (o.version + i64::from(changed), changed, Some(o))
            }
            None => (1, true, None),
        }
    };
    let source_version = new.get(source).map_or(1, |t| version_of(source, t).0);
    let fresh = old_source != source;
    new.iter()
        .map(|(lang, t)| {
            let (version, changed, stored) = version_of(lang, t);
            let against = match stored {
                _ if lang == source => version,
                Some(o) if !changed && !fresh => o.source_version,
                _ => source_version,
            };
            (lang.clone(), (version, against))
        })
        .collect()
}

/// Whether a translation is outdated: not the source, and written against
/// an older version of the source than the source's now.
pub fn outdated(lang: &str, source: &str, source_version_now: i64, written_against: i64) -> bool {
    lang != source && written_against < source_version_now
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(title: &str, body: &str) -> CheckedTranslation {
        CheckedTranslation {
            title: title.into(),
            body_markdown: body.into(),
            body_html: String::new(),
            published: true,
        }
    }

    fn stored(lang: &str, title: &str, body: &str, v: i64, sv: i64) -> Versioned {
        Versioned {
            lang: lang.into(),
            title: title.into(),
            body_markdown: body.into(),
            version: v,
            source_version: sv,
        }
    }

    #[test]
    fn a_changed_source_leaves_untouched_translations_behind() {
        let old = [
            stored("en", "Refunds", "Old", 1, 1),
            stored("ja", "返金", "古い", 1, 1),
        ];
        let new = BTreeMap::from([
            ("en".into(), t("Refunds", "New")),
            ("ja".into(), t("返金", "古い")),
        ]);
        let v = versions(&old, "en", "en", &new);
        assert_eq!(v["en"], (2, 2));
        assert_eq!(v["ja"], (1, 1));
        assert!(outdated("ja", "en", v["en"].0, v["ja"].1));
        assert!(!outdated("en", "en", v["en"].0, v["en"].1));
    }

    #[test]
    fn updating_a_translation_brings_it_up_to_date() {
        let old = [
            stored("en", "Refunds", "New", 2, 2),
            stored("ja", "返金", "古い", 1, 1),
        ];
        let new = BTreeMap::from([
            ("en".into(), t("Refunds", "New")),
            ("ja".into(), t("返金", "新しい")),
        ]);
        let v = versions(&old, "en", "en", &new);
        assert_eq!(v["en"], (2, 2));
        assert_eq!(v["ja"], (2, 2));
        assert!(!outdated("ja", "en", 2, v["ja"].1));
        // A new translation is written against the source as it is.
        let new = BTreeMap::from([
            ("en".into(), t("Refunds", "New")),
            ("ko".into(), t("환불", "새")),
        ]);
        assert_eq!(versions(&old, "en", "en", &new)["ko"], (1, 2));
    }

    #[test]
    fn a_new_source_language_starts_afresh() {
        let old = [
            stored("en", "Refunds", "New", 3, 3),
            stored("ja", "返金", "古い", 1, 1),
        ];
        let new = BTreeMap::from([
            ("en".into(), t("Refunds", "New")),
            ("ja".into(), t("返金", "古い")),
        ]);
        let v = versions(&old, "en", "ja", &new);
        assert_eq!(v["ja"], (1, 1));
        assert!(!outdated("en", "ja", 1, v["en"].1));
    }

    #[test]
    fn slugs_are_checked() {
        assert_eq!(
            check_slug("reset-password-2").expect("ok"),
            "reset-password-2"
        );
        for bad in ["", "Reset", "a--b", "-a", "a-", "返金", "a b"] {
            assert!(check_slug(bad).is_err(), "{bad}");
        }
    }
}
