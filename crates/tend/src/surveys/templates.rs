//! The survey's email and page templates: built into the binary in five
//! locales, overridable by admins (stored in the database), rendered with
//! minijinja. The page template is HTML and auto-escaped; the email
//! templates are plain text.

use minijinja::{AutoEscape, Environment, Value, context};
use sqlx::AnyConnection;

use crate::{Error, Result};

use crate::agents::Viewer;
use crate::state::AppState;

use super::model::{LOCALES, Template};
use super::repo;

/// The template names admins can edit.
pub const NAMES: [&str; 4] = [
    "survey_email_subject",
    "survey_email_text",
    "survey_message_text",
    "survey_page",
];

macro_rules! builtin_table {
    ($($locale:literal),*) => {
        /// The built-in source of a template.
        pub fn builtin(name: &str, locale: &str) -> Option<&'static str> {
            match (name, locale) {
                $(
                    ("survey_email_subject", $locale) => Some(include_str!(concat!("templates/", $locale, "/survey_email_subject.txt"))),
                    ("survey_email_text", $locale) => Some(include_str!(concat!("templates/", $locale, "/survey_email_text.txt"))),
                    ("survey_message_text", $locale) => Some(include_str!(concat!("templates/", $locale, "/survey_message_text.txt"))),
                    ("survey_page", $locale) => Some(include_str!(concat!("templates/", $locale, "/survey_page.html"))),
                )*
                _ => None,
            }
        }
    };
}
builtin_table!("en", "ja", "ko", "lv", "ca");

/// Checks a template name and locale given by a user.
pub fn check_name(name: &str, locale: &str) -> Result<()> {
    if !NAMES.contains(&name) {
        return Err(Error::NotFound("template"));
    }
    if !LOCALES.contains(&locale) {
        return Err(Error::NotFound("template"));
    }
    Ok(())
}

fn env() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|name| {
        if name.ends_with("page") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    env
}

/// Renders `source` as template `name`.
pub fn render_source(
    name: &str,
    source: &str,
    ctx: Value,
) -> std::result::Result<String, minijinja::Error> {
    let env = env();
    let tpl = env.template_from_named_str(name, source)?;
    tpl.render(ctx)
}

/// The source in force: the admin's override, else the built-in one.
pub async fn source_in(
    c: &mut AnyConnection,
    name: &str,
    locale: &str,
) -> Result<(String, Option<i64>)> {
    if let Some((s, at)) = repo::template(c, name, locale).await? {
        return Ok((s, Some(at)));
    }
    builtin(name, locale)
        .map(|s| (s.to_string(), None))
        .ok_or(Error::NotFound("template"))
}

/// Renders the template in force. Should an override fail at render time
/// (it was checked when saved, so this means a bug), the built-in one is
/// used and the failure logged: a survey never fails for a template.
pub async fn render_in(
    c: &mut AnyConnection,
    name: &str,
    locale: &str,
    ctx: Value,
) -> Result<String> {
    let (source, custom) = source_in(c, name, locale).await?;
    match render_source(name, &source, ctx.clone()) {
        Ok(s) => Ok(s),
        Err(e) if custom.is_some() => {
            tracing::warn!(template = name, locale, error = %e, "custom template failed; using the built-in one");
            let builtin = builtin(name, locale).ok_or(Error::NotFound("template"))?;
            render_source(name, builtin, ctx)
                .map_err(|e| Error::Internal(anyhow::anyhow!("template {name}: {e}")))
        }
        Err(e) => Err(Error::Internal(anyhow::anyhow!(
            "template {name}/{locale}: {e}"
        ))),
    }
}

/// Example data for checking a template before it is saved.
pub fn sample_context(name: &str) -> Value {
    let ratings: Vec<Value> = (1..=5)
        .map(
            |n| context! { value => n, url => format!("https://tend.example/help/survey/t/{n}/s") },
        )
        .collect();
    match name {
        "survey_page" => context! {
            lang => "en", invalid => false, subject => "Sample <request>", conversation_id => 42,
            answer => "yes", rating => 5, complete => false, need_answer => true, need_rating => true,
            need_comment => true, error => false, form_url => "/help/survey/t/form/s",
            preset_answer => "yes", preset_rating => 5, confirm => true,
        },
        _ => context! {
            customer_name => "Ada", conversation_id => 42, subject => "Sample request",
            yes_url => "https://tend.example/help/survey/t/yes/s", no_url => "https://tend.example/help/survey/t/no/s",
            ratings => ratings, form_url => "https://tend.example/help/survey/t/form/s",
        },
    }
}

/// The variables a template can use (those of its example data), sorted;
/// the admin page lists them beside the editor.
pub fn variables(name: &str) -> Vec<String> {
    let mut out: Vec<String> = sample_context(name)
        .try_iter()
        .map(|keys| {
            keys.filter_map(|k| k.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Checks that a template compiles and renders with example data; the
/// error names the line.
pub fn validate(name: &str, source: &str) -> Result<()> {
    if source.len() > 200_000 {
        return Err(Error::invalid(
            "source",
            "the template is longer than 200,000 bytes",
        ));
    }
    render_source(name, source, sample_context(name))
        .map(|_| ())
        .map_err(|e| {
            let line = e.line().map(|l| format!(" (line {l})")).unwrap_or_default();
            Error::invalid("source", format!("the template does not work: {e}{line}"))
        })
}

/// One template as admins see it. Admins only.
pub async fn get(st: &AppState, viewer: &Viewer, name: &str, locale: &str) -> Result<Template> {
    viewer.require_admin()?;
    check_name(name, locale)?;
    let mut c = st.db.pool().acquire().await?;
    let (source, at) = source_in(&mut c, name, locale).await?;
    Ok(Template {
        name: name.to_string(),
        locale: locale.to_string(),
        source,
        customized: at.is_some(),
        updated_at: crate::time::rfc3339_opt(at),
    })
}

/// Every template in every locale. Admins only.
pub async fn list(st: &AppState, viewer: &Viewer) -> Result<Vec<Template>> {
    viewer.require_admin()?;
    let mut out = Vec::with_capacity(NAMES.len() * LOCALES.len());
    for name in NAMES {
        for locale in LOCALES {
            out.push(get(st, viewer, name, locale).await?);
        }
    }
    Ok(out)
}

/// Replaces a template after checking that it compiles and renders. Admins only.
pub async fn put(
    st: &AppState,
    viewer: &Viewer,
    name: &str,
    locale: &str,
    source: String,
) -> Result<Template> {
    viewer.require_admin()?;
    check_name(name, locale)?;
    validate(name, &source)?;
    let now = st.clock.now_ms();
    let (n, l, by) = (name.to_string(), locale.to_string(), viewer.user_id);
    st.db
        .write(move |c| {
            Box::pin(async move { repo::save_template(c, &n, &l, &source, by, now).await })
        })
        .await?;
    get(st, viewer, name, locale).await
}

/// Goes back to the built-in template. Admins only.
pub async fn reset(st: &AppState, viewer: &Viewer, name: &str, locale: &str) -> Result<Template> {
    viewer.require_admin()?;
    check_name(name, locale)?;
    let (n, l) = (name.to_string(), locale.to_string());
    st.db
        .write(move |c| Box::pin(async move { repo::delete_template(c, &n, &l).await }))
        .await?;
    get(st, viewer, name, locale).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_template_exists_and_renders_in_every_locale() {
        for name in NAMES {
            for locale in LOCALES {
                let src =
                    builtin(name, locale).unwrap_or_else(|| panic!("{name}/{locale} missing"));
                validate(name, src).unwrap_or_else(|e| panic!("{name}/{locale}: {e}"));
            }
        }
        // Real translations: no two locales share a text.
        for name in NAMES {
            let texts: std::collections::HashSet<_> =
                LOCALES.iter().filter_map(|l| builtin(name, l)).collect();
            assert_eq!(texts.len(), LOCALES.len(), "{name}");
        }
    }

    #[test]
    fn the_page_escapes_and_the_email_does_not() {
        let page = render_source(
            "survey_page",
            builtin("survey_page", "en").unwrap_or_default(),
            sample_context("survey_page"),
        )
        .unwrap_or_default();
        assert!(page.contains("Sample &lt;request&gt;"), "{page}");
        let mail = render_source(
            "survey_email_text",
            "{{ subject }}",
            context! { subject => "a < b & c" },
        )
        .unwrap_or_default();
        assert_eq!(mail, "a < b & c");
    }

    #[test]
    fn broken_templates_are_refused_with_the_line() {
        let e = validate("survey_email_text", "Hello\n{% if %}")
            .map(|_| "")
            .unwrap_err();
        assert!(e.to_string().contains("line 2"), "{e}");
        assert!(validate("survey_email_text", "{{ x | no_such_filter }}").is_err());
        assert!(check_name("survey_page", "de").is_err());
        assert!(check_name("welcome", "en").is_err());
    }

    #[test]
    fn the_variables_are_those_of_the_example_data() {
        let mail = variables("survey_email_text");
        for v in ["customer_name", "yes_url", "no_url", "ratings", "form_url"] {
            assert!(mail.contains(&v.to_string()), "{v} in {mail:?}");
        }
        assert!(variables("survey_page").contains(&"need_comment".to_string()));
    }
}
