//! The module graph of the `tend` crate, read from its sources: which
//! top-level module names which (`crate::x`). It holds the layering that
//! keeps the house in order as it grows:
//! - the core (`state` and the infrastructure under it) names no domain;
//! - only `cli` names `app`, the composition root (the binary's `main`
//!   names only `cli`),
//!   so no cycle runs through it;
//! - the conversations domain names no channel: the channels deliver
//!   through `conversations::delivery::Carrier`.
//!
//! `cargo test -p tend --test api layering -- --nocapture` prints the graph
//! and its cycles (strongly connected components).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Modules with no domain knowledge: what `state` may stand on.
const INFRASTRUCTURE: &[&str] = &[
    "config",
    "db",
    "time",
    "vocab",
    "error",
    "crypto",
    "locale",
    "html",
    "tasks",
    "telemetry",
    "ratelimit",
    "connlimit",
    "state",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a source without its unit tests (`#[cfg(test)]` modules
/// and `tests.rs` files: tests may name anything) and without comments
/// (a doc comment may mention any module).
fn production_part(path: &Path, text: &str) -> Option<String> {
    if path.file_name().is_some_and(|n| n == "tests.rs") {
        return None;
    }
    let code = match text.find("#[cfg(test)]") {
        Some(at) => &text[..at],
        None => text,
    };
    Some(
        code.lines()
            .map(|l| l.split_once("//").map_or(l, |(code, _)| code))
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// The top-level modules a source names: `crate::x…` and `crate::{x, …}`
/// (`Error`/`Result` are `error`'s, re-exported at the root).
fn named_modules(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut add = |name: String| {
        if name.is_empty() {
            return;
        }
        if name.starts_with(|c: char| c.is_ascii_uppercase()) {
            out.insert("error".to_string());
        } else {
            out.insert(name);
        }
    };
    for (at, _) in text.match_indices("crate::") {
        if at > 0 && text[..at].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
            continue; // `tend_mail::crate` never happens; `foo_crate::` might
        }
        let rest = &text[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            for part in group.split(',') {
                add(ident(part.trim()));
            }
        } else {
            add(ident(rest));
        }
    }
    out
}

/// Top-level module → the top-level modules it names.
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let rel = file.strip_prefix(&src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs").to_string();
        if module == "lib" {
            continue; // declares the modules
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let Some(text) = production_part(&file, &text) else {
            continue;
        };
        let mut names = named_modules(&text);
        if module == "main" {
            names.extend(
                text.match_indices("tend::")
                    .flat_map(|(at, _)| named_modules(&format!("crate::{}", &text[at + 6..]))),
            );
        }
        names.remove(&module);
        graph.entry(module).or_default().extend(names);
    }
    graph
}

/// The graph's strongly connected components of more than one module
/// (Tarjan's algorithm): its cycles.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<BTreeSet<String>> {
    struct Walk<'a> {
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        found: Vec<BTreeSet<String>>,
    }
    impl<'a> Walk<'a> {
        fn visit(&mut self, v: &'a str) {
            let i = self.index.len();
            self.index.insert(v, i);
            self.low.insert(v, i);
            self.stack.push(v);
            self.on_stack.insert(v);
            for w in self.graph.get(v).into_iter().flatten() {
                let w = w.as_str();
                if !self.graph.contains_key(w) {
                    continue;
                }
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let low = self.low[v].min(self.low[w]);
                    self.low.insert(v, low);
                } else if self.on_stack.contains(w) {
                    let low = self.low[v].min(self.index[w]);
                    self.low.insert(v, low);
                }
            }
            if self.low[v] == self.index[v] {
                let mut component = BTreeSet::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack.remove(w);
                    component.insert(w.to_string());
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    self.found.push(component);
                }
            }
        }
    }
    let mut walk = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !walk.index.contains_key(v.as_str()) {
            walk.visit(v);
        }
    }
    walk.found
}

#[test]
fn the_module_graph_has_no_cycle_through_the_composition_root() {
    let graph = module_graph();
    for (module, names) in &graph {
        println!(
            "{module} -> {}",
            names.iter().cloned().collect::<Vec<_>>().join(", ")
        );
    }
    let found = cycles(&graph);
    for c in &found {
        println!(
            "cycle: {}",
            c.iter().cloned().collect::<Vec<_>>().join(" <-> ")
        );
    }
    let users_of_app: Vec<&String> = graph
        .iter()
        .filter(|(_, names)| names.contains("app"))
        .map(|(m, _)| m)
        .collect();
    assert_eq!(users_of_app, ["cli"], "only cli.rs may name app.rs");
    assert!(
        found.iter().all(|c| !c.contains("app")),
        "app.rs is in a cycle: {found:?}"
    );
}

#[test]
fn the_core_names_no_domain() {
    let graph = module_graph();
    for module in INFRASTRUCTURE {
        let named = graph.get(*module).cloned().unwrap_or_default();
        let domains: Vec<&String> = named
            .iter()
            .filter(|n| !INFRASTRUCTURE.contains(&n.as_str()))
            .collect();
        assert!(
            domains.is_empty(),
            "{module} is core but names the domains {domains:?}"
        );
    }
}

#[test]
fn conversations_deliver_through_carriers_not_channels() {
    let graph = module_graph();
    assert!(
        !graph["conversations"].contains("channels"),
        "the conversations domain names a channel; deliver through conversations::delivery::Carrier"
    );
}

#[test]
fn the_reader_finds_modules_in_paths_and_groups() {
    let names = named_modules(
        "use crate::{Error, Result};\nuse crate::state::AppState;\nlet x = crate::vocab::Channel::Chat;\nuse crate::{db::Db, time};",
    );
    assert_eq!(
        names.into_iter().collect::<Vec<_>>(),
        ["db", "error", "state", "time", "vocab"]
    );
}
