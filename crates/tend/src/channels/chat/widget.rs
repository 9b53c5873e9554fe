//! `/widget.js`: the hand-written widget (`assets/widget.js`) preceded by
//! its strings in the five locales (`locales/<lang>/widget.ftl`, one-line
//! messages whose `{ $name }` placeholders the script fills in).

use std::sync::OnceLock;

/// The widget catalogues, by locale.
pub const CATALOGUES: [(&str, &str); 5] = [
    ("en", include_str!("../../../locales/en/widget.ftl")),
    ("ja", include_str!("../../../locales/ja/widget.ftl")),
    ("ko", include_str!("../../../locales/ko/widget.ftl")),
    ("lv", include_str!("../../../locales/lv/widget.ftl")),
    ("ca", include_str!("../../../locales/ca/widget.ftl")),
];

/// `key = value` pairs of a one-line-message catalogue.
pub fn messages(ftl: &str) -> Vec<(String, String)> {
    ftl.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with(' '))
        .filter_map(|l| {
            let (k, v) = l.split_once(" = ")?;
            Some((k.trim().to_string(), v.trim().to_string()))
        })
        .filter(|(k, _)| k.starts_with("widget-"))
        .collect()
}

/// The whole script (built once).
pub fn script() -> &'static str {
    static SCRIPT: OnceLock<String> = OnceLock::new();
    SCRIPT.get_or_init(|| {
        let strings: serde_json::Map<String, serde_json::Value> = CATALOGUES
            .iter()
            .map(|(code, ftl)| {
                let m: serde_json::Map<String, serde_json::Value> = messages(ftl)
                    .into_iter()
                    .map(|(k, v)| (k, serde_json::Value::String(v)))
                    .collect();
                (code.to_string(), serde_json::Value::Object(m))
            })
            .collect();
        // `</` cannot end an inline <script> even if someone inlines this.
        let json = serde_json::Value::Object(strings)
            .to_string()
            .replace("</", "<\\/");
        format!(
            "/* Tend chat widget. */\n(function (STRINGS) {{\n{}\n}})({json});\n",
            include_str!("../../../assets/widget.js")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_locale_has_every_widget_string() {
        let en: Vec<String> = messages(CATALOGUES[0].1)
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert!(
            en.len() > 30,
            "the English catalogue has {} strings",
            en.len()
        );
        for (code, ftl) in CATALOGUES {
            let m = messages(ftl);
            let keys: Vec<&String> = m.iter().map(|(k, _)| k).collect();
            for k in &en {
                assert!(keys.contains(&k), "{code} lacks {k}");
            }
            if code != "en" {
                let same = m
                    .iter()
                    .filter(|(k, v)| {
                        messages(CATALOGUES[0].1)
                            .iter()
                            .any(|(ek, ev)| ek == k && ev == v)
                    })
                    .count();
                assert!(same < 3, "{code} has {same} strings still in English");
            }
        }
        assert!(script().contains("\"ko\":{"));
    }
}
