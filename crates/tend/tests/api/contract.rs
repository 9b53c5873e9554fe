//! `docs/CONTRACT.md` against the code, so the public contract cannot drift:
//! its tables are read by their header row and compared with the OpenAPI
//! document, the clap command tree, the configuration loader, and the
//! metric names and conflict codes in the source. No server is started.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Mutex;

use clap::CommandFactory as _;
use tend::config::{self, Config};

const DOC: &str = include_str!("../../../../docs/CONTRACT.md");

/// Served beside the OpenAPI document's operations (`http::router` hands
/// it to Swagger UI), so it is not one of them.
const SERVED_BESIDE_OPENAPI: &[&str] = &["/api/v1/openapi.json"];

const METHODS: [&str; 8] = [
    "GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE",
];

/// A Markdown table of the page: its header cells and its rows.
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

/// Every table of the page, also those indented inside list items.
fn tables() -> Vec<Table> {
    let mut out: Vec<Table> = Vec::new();
    let mut open = false;
    for line in DOC.lines() {
        let Some(cells) = cells(line) else {
            open = false;
            continue;
        };
        if !open {
            out.push(Table {
                header: cells,
                rows: Vec::new(),
            });
            open = true;
        } else if !cells
            .iter()
            .all(|c| !c.is_empty() && c.chars().all(|ch| ch == '-' || ch == ':'))
        {
            out.last_mut().expect("opened above").rows.push(cells);
        }
    }
    out
}

/// The rows of the tables whose header starts with these cells.
fn rows_of(header: &[&str]) -> Vec<Vec<String>> {
    let rows: Vec<Vec<String>> = tables()
        .into_iter()
        .filter(|t| {
            t.header.len() >= header.len() && t.header.iter().zip(header).all(|(a, b)| a == b)
        })
        .flat_map(|t| t.rows)
        .collect();
    assert!(
        !rows.is_empty(),
        "docs/CONTRACT.md has no table with the header {header:?}"
    );
    rows
}

/// The cells of a table line (`| a | b |`); `\|` is a `|` inside a cell.
fn cells(line: &str) -> Option<Vec<String>> {
    let inner = line.trim().strip_prefix('|')?.strip_suffix('|')?;
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cell.push('|');
                chars.next();
            }
            '|' => cells.push(std::mem::take(&mut cell).trim().to_string()),
            _ => cell.push(c),
        }
    }
    cells.push(cell.trim().to_string());
    Some(cells)
}

/// The text of a cell that is one code span (`` `x` ``), else `None`.
fn code(cell: &str) -> Option<&str> {
    let inner = cell.strip_prefix('`')?.strip_suffix('`')?;
    (!inner.contains('`')).then_some(inner)
}

fn diff(what: &str, code_side: &BTreeSet<String>, doc_side: &BTreeSet<String>) -> Vec<String> {
    let mut problems = Vec::new();
    for x in code_side.difference(doc_side) {
        problems.push(format!("{what} {x} is missing from docs/CONTRACT.md"));
    }
    for x in doc_side.difference(code_side) {
        problems.push(format!(
            "docs/CONTRACT.md names {what} {x}, which the code does not have"
        ));
    }
    problems
}

fn assert_none(problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "docs/CONTRACT.md and the code disagree:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn every_api_operation_is_documented_and_every_documented_path_exists() {
    let spec =
        serde_json::to_value(tend::http::openapi()).expect("the OpenAPI document serialises");
    let paths = spec["paths"].as_object().expect("the document has paths");
    let mut operations = BTreeSet::new();
    for (path, item) in paths {
        for m in METHODS {
            if item.get(m.to_ascii_lowercase()).is_some() {
                operations.insert(format!("{m} {path}"));
            }
        }
    }
    assert!(
        operations.len() > 50,
        "the OpenAPI document looks empty: {operations:?}"
    );

    let mut problems = Vec::new();
    let mut documented = BTreeSet::new();
    for row in rows_of(&["method", "path"]) {
        match (code(&row[0]), row.get(1).and_then(|c| code(c))) {
            (Some(m), Some(p)) if METHODS.contains(&m) && p.starts_with("/api/v1/") => {
                if !documented.insert(format!("{m} {p}")) {
                    problems.push(format!("the row for {m} {p} is there twice"));
                }
            }
            _ => problems.push(format!(
                "a `method | path` row should be | `GET` | `/api/v1/…` | …: {row:?}"
            )),
        }
    }
    problems.extend(diff("the operation", &operations, &documented));

    // Every `/api/v1/…` path named anywhere, in prose too, must exist.
    for (at, _) in DOC.match_indices("/api/v1/") {
        let path: String = DOC[at..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || "/{}_-.".contains(*c))
            .collect();
        let path = path.trim_end_matches(['.', '/']);
        if path.len() > "/api/v1".len()
            && !paths.contains_key(path)
            && !SERVED_BESIDE_OPENAPI.contains(&path)
        {
            problems.push(format!(
                "docs/CONTRACT.md names {path}, which is not in the OpenAPI document"
            ));
        }
    }
    assert_none(problems);
}

/// A command of the CLI as `--help` shows it.
struct CliCommand {
    /// The words after `tend`, e.g. `["admin", "create-user"]`.
    path: Vec<String>,
    has_subcommands: bool,
    /// `--long` of each flag (or the upper-case name of a positional).
    args: BTreeSet<String>,
    /// The values each flag accepts, where clap knows them.
    values: BTreeMap<String, Vec<String>>,
}

/// Walks a built command tree (globals are then on every subcommand too;
/// they count only where they are declared, on `tend` itself).
fn cli_commands(cmd: &clap::Command, path: Vec<String>, out: &mut Vec<CliCommand>) {
    let mut args = BTreeSet::new();
    let mut values = BTreeMap::new();
    for a in cmd.get_arguments() {
        let id = a.get_id().as_str();
        if a.is_hide_set()
            || id == "help"
            || id == "version"
            || (a.is_global_set() && !path.is_empty())
        {
            continue;
        }
        let name = match a.get_long() {
            Some(l) => format!("--{l}"),
            None => id.to_ascii_uppercase(),
        };
        let accepted: Vec<String> = if a.get_action().takes_values() {
            a.get_possible_values()
                .iter()
                .filter(|v| !v.is_hide_set())
                .map(|v| v.get_name().to_string())
                .collect()
        } else {
            Vec::new()
        };
        values.insert(name.clone(), accepted);
        args.insert(name);
    }
    let subcommands: Vec<&clap::Command> = cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
        .collect();
    out.push(CliCommand {
        path: path.clone(),
        has_subcommands: !subcommands.is_empty(),
        args,
        values,
    });
    for s in subcommands {
        let mut p = path.clone();
        p.push(s.get_name().to_string());
        cli_commands(s, p, out);
    }
}

#[test]
fn every_command_and_flag_is_documented() {
    let mut cli = tend::cli::Cli::command();
    cli.build();
    let mut commands = Vec::new();
    cli_commands(&cli, Vec::new(), &mut commands);
    assert!(commands.len() > 5, "the command tree looks empty");

    // A documented row: `tend admin create-user --email E … [--password-stdin]`.
    let mut documented: BTreeMap<Vec<String>, String> = BTreeMap::new();
    let mut problems = Vec::new();
    for row in rows_of(&["command"]) {
        let Some(usage) = code(&row[0]).filter(|u| u.starts_with("tend")) else {
            problems.push(format!(
                "a `command` row should start with a `tend …` code span: {row:?}"
            ));
            continue;
        };
        let path: Vec<String> = usage
            .split_whitespace()
            .skip(1)
            .take_while(|w| !w.starts_with(['-', '[']))
            .map(str::to_string)
            .collect();
        if documented.insert(path.clone(), usage.to_string()).is_some() {
            problems.push(format!("`tend {}` has two rows", path.join(" ")));
        }
    }

    for c in &commands {
        let shown = format!("tend {}", c.path.join(" "));
        let needs_row = !c.has_subcommands || !c.args.is_empty();
        let Some(usage) = documented.remove(&c.path) else {
            if needs_row {
                problems.push(format!(
                    "`{}` has no row in the command table",
                    shown.trim_end()
                ));
            }
            continue;
        };
        let words: BTreeSet<&str> = usage
            .split(|ch: char| ch.is_whitespace() || "|[]".contains(ch))
            .filter(|w| !w.is_empty())
            .collect();
        let flags: BTreeSet<String> = words
            .iter()
            .filter(|w| w.starts_with("--"))
            .map(|w| w.to_string())
            .collect();
        let positionals = c.args.iter().filter(|a| !a.starts_with("--"));
        for a in c
            .args
            .iter()
            .filter(|a| a.starts_with("--"))
            .chain(positionals)
        {
            if !words.contains(a.as_str()) {
                problems.push(format!(
                    "`{}`: {a} is missing from its row",
                    shown.trim_end()
                ));
            }
            for v in &c.values[a] {
                if !words.contains(v.as_str()) {
                    problems.push(format!(
                        "`{}`: {a} accepts `{v}`, which its row does not show",
                        shown.trim_end()
                    ));
                }
            }
        }
        for f in flags.difference(&c.args) {
            problems.push(format!(
                "`{}`: its row names {f}, which the command does not take",
                shown.trim_end()
            ));
        }
    }
    for path in documented.keys() {
        problems.push(format!(
            "the command table names `tend {}`, which does not exist",
            path.join(" ")
        ));
    }
    assert_none(problems);
}

#[test]
fn every_configuration_key_is_documented_with_its_variable() {
    let keys: BTreeSet<String> = config::KEYS.iter().map(|k| k.to_string()).collect();
    assert_eq!(
        keys.len(),
        config::KEYS.len(),
        "config::KEYS lists a key twice"
    );

    let mut problems = Vec::new();
    let mut documented = BTreeSet::new();
    for row in rows_of(&["key", "environment variable"]) {
        match (code(&row[0]), row.get(1).and_then(|c| code(c))) {
            (Some(k), Some(var)) => {
                if var != config::env_var(k) {
                    problems.push(format!("`{k}` is set by {}, not {var}", config::env_var(k)));
                }
                documented.insert(k.to_string());
            }
            _ => problems.push(format!(
                "a `key` row should be | `key` | `TEND_KEY` | …: {row:?}"
            )),
        }
    }
    problems.extend(diff("the configuration key", &keys, &documented));
    if !DOC.contains("`TEND_CONFIG`") {
        problems.push("TEND_CONFIG is not mentioned".into());
    }
    assert_none(problems);
}

/// `config::KEYS` is what the loader reads: with nothing set it asks the
/// environment for each key's variable (and `TEND_CONFIG`), and nothing else.
#[test]
fn the_key_list_is_what_the_loader_reads() {
    let asked = Mutex::new(BTreeSet::new());
    let env = |var: &str| {
        asked.lock().unwrap().insert(var.to_string());
        None
    };
    Config::load_with(None, &env).expect("the defaults load");
    let mut expected: BTreeSet<String> = config::KEYS.iter().map(|k| config::env_var(k)).collect();
    expected.insert("TEND_CONFIG".into());
    assert_eq!(asked.into_inner().unwrap(), expected);

    // And each is a key of the file (an unknown one is refused by name).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tend.toml");
    for key in config::KEYS {
        std::fs::write(&path, format!("{key} = 0\n")).unwrap();
        if let Err(e) = Config::load_with(Some(&path), &|_| None) {
            assert!(
                !e.0.contains("unknown field"),
                "`{key}` is not a key of the file: {}",
                e.0
            );
        }
    }
}

/// The string literals that follow `needle` (after blanks) anywhere in
/// `crates/tend/src`.
fn literals_after(needle: &str) -> BTreeSet<String> {
    fn walk(dir: &Path, needle: &str, out: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, needle, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for (at, _) in text.match_indices(needle) {
                    let rest = text[at + needle.len()..].trim_start();
                    if let Some(lit) = rest.strip_prefix('"')
                        && let Some(end) = lit.find('"')
                    {
                        out.insert(lit[..end].to_string());
                    }
                }
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        needle,
        &mut out,
    );
    out
}

fn first_column_codes(header: &[&str]) -> (BTreeSet<String>, Vec<String>) {
    let mut documented = BTreeSet::new();
    let mut problems = Vec::new();
    for row in rows_of(header) {
        match code(&row[0]) {
            Some(c) => {
                documented.insert(c.to_string());
            }
            None => problems.push(format!(
                "a `{}` row should start with a code span: {row:?}",
                header[0]
            )),
        }
    }
    (documented, problems)
}

#[test]
fn every_metric_is_documented() {
    let recorded: BTreeSet<String> = ["counter!(", "gauge!(", "histogram!("]
        .into_iter()
        .flat_map(literals_after)
        .filter(|m| m.starts_with("tend_"))
        .collect();
    assert!(recorded.len() > 10, "found too few metrics: {recorded:?}");
    let (documented, mut problems) = first_column_codes(&["metric"]);
    problems.extend(diff("the metric", &recorded, &documented));
    assert_none(problems);
}

#[test]
fn every_conflict_code_is_documented() {
    let codes = literals_after("conflict(");
    assert!(
        codes.contains("illegal_status_transition"),
        "found {codes:?}"
    );
    let (documented, mut problems) = first_column_codes(&["code"]);
    problems.extend(diff("the 409 code", &codes, &documented));
    assert_none(problems);
}
