//! How long a sample language detection needs: detects the language of the
//! new text of every mail given, from its first N characters for each N
//! asked (`tend_mail::detect_language_in_first`, what ingest runs), and
//! reports the time each N took and where the answers differ from the
//! first N's.
//!
//! ```text
//! python3 crates/tend/tests/smtp/deliver.py --port 1 --count 3000 \
//!     --connections 16 --run c --write-corpus /tmp/corpus
//! cargo run --release -p tend-mail --example language_sample -- \
//!     /tmp/corpus,crates/tend-mail/tests/fixtures 400 200 400 160
//! ```
//!
//! Each source is a directory of `.eml` files or a corpus written by
//! `deliver.py --write-corpus` (records of Message-ID, length and bytes).

use std::collections::BTreeMap;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let sources = args.next().ok_or("usage: language_sample SOURCES N...")?;
    let sizes: Vec<usize> = args.map(|a| a.parse()).collect::<Result<_, _>>()?;
    if sizes.is_empty() {
        return Err("give at least one sample size".into());
    }
    let mut raws = Vec::new();
    for source in sources.split(',') {
        read_source(source, &mut raws)?;
    }
    let texts: Vec<String> = raws
        .iter()
        .filter_map(|raw| tend_mail::parse(raw).ok())
        .map(|m| {
            let (new, _) = tend_mail::split_reply(&m.text);
            if new.trim().is_empty() { m.text } else { new }
        })
        .collect();
    let mut answers: Vec<Vec<Option<&str>>> = Vec::new();
    for &n in &sizes {
        let started = Instant::now();
        answers.push(
            texts
                .iter()
                .map(|t| tend_mail::detect_language_in_first(t, n))
                .collect(),
        );
        println!(
            "{n} characters: {:?} for {} texts",
            started.elapsed(),
            texts.len()
        );
    }
    for (n, answer) in sizes.iter().zip(&answers).skip(1) {
        let differ: Vec<usize> = (0..texts.len())
            .filter(|&k| answer[k] != answers[0][k])
            .collect();
        println!("{} against {n}: {} differ", sizes[0], differ.len());
        for &k in differ.iter().take(10) {
            let start: String = texts[k].chars().take(120).collect();
            println!("  {:?} -> {:?}: {start:?}", answers[0][k], answer[k]);
        }
    }
    let mut found = BTreeMap::new();
    for a in &answers[0] {
        *found.entry(format!("{a:?}")).or_insert(0) += 1;
    }
    println!("languages ({} characters): {found:?}", sizes[0]);
    Ok(())
}

fn read_source(source: &str, raws: &mut Vec<Vec<u8>>) -> Result<(), Box<dyn std::error::Error>> {
    if std::fs::metadata(source)?.is_dir() {
        for entry in std::fs::read_dir(source)? {
            let path = entry?.path();
            if path.extension().is_some_and(|x| x == "eml") {
                raws.push(std::fs::read(&path)?);
            }
        }
        return Ok(());
    }
    let bytes = std::fs::read(source)?;
    let mut rest = &bytes[..];
    while !rest.is_empty() {
        let (_message_id, after) = line(rest)?;
        let (length, after) = line(after)?;
        let length: usize = std::str::from_utf8(length)?.trim().parse()?;
        let body = after.get(..length).ok_or("a corpus record is cut short")?;
        raws.push(body.to_vec());
        rest = &after[length..];
    }
    Ok(())
}

fn line(bytes: &[u8]) -> Result<(&[u8], &[u8]), &'static str> {
    let end = bytes
        .iter()
        .position(|&b| b == b'\n')
        .ok_or("a corpus record has no line end")?;
    Ok((&bytes[..end], &bytes[end + 1..]))
}
