//! What Tend would do with each mail of a corpus: prints one line per
//! `.eml` file (directories are walked), `<reason code or "person">` and
//! the path, then the count per code. Used to check machine-mail
//! classification against a real-world set:
//!
//! ```text
//! cargo run -p tend-mail --example classify -- ~/bounces ~/customer-mail
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut files = Vec::new();
    for arg in std::env::args().skip(1) {
        walk(Path::new(&arg), &mut files)?;
    }
    if files.is_empty() {
        return Err("usage: classify DIR_OR_FILE...".into());
    }
    files.sort();
    let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    for path in &files {
        let raw = std::fs::read(path)?;
        let code = match tend_mail::parse(&raw) {
            Ok(m) => m.classification.code().unwrap_or("person"),
            Err(_) => "unreadable",
        };
        *counts.entry(code).or_default() += 1;
        println!("{code}\t{}", path.display());
    }
    for (code, n) in counts {
        eprintln!("{n:>7}  {code}");
    }
    Ok(())
}

fn walk(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_dir() {
        for entry in std::fs::read_dir(path)? {
            walk(&entry?.path(), out)?;
        }
    } else if path.extension().is_some_and(|e| e == "eml") {
        out.push(path.to_path_buf());
    }
    Ok(())
}
