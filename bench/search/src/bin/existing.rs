//! Query latency of `tend-search` alone on an existing index (no HTTP, no
//! database), e.g. the one `tend reindex` built in a seeded data directory:
//! the same one- to three-word queries per language as `bench/search/e2e.sh`,
//! limit 20, snippets included, one query at a time.
//!
//! ```text
//! cargo run --release -p tend-bench-search --bin existing -- DATA_DIR/search [QUERIES_PER_LANGUAGE]
//! ```

use std::path::PathBuf;
use std::time::Instant;

use tend_search::{SearchIndex, SearchOptions, parse};

const WORDS: [(&str, [&str; 8]); 5] = [
    (
        "en",
        [
            "invoice",
            "password",
            "refund",
            "order",
            "delivered",
            "subscription",
            "error",
            "address",
        ],
    ),
    (
        "ja",
        [
            "請求書",
            "パスワード",
            "返金",
            "注文",
            "配送",
            "ログイン",
            "エラー",
            "住所",
        ],
    ),
    (
        "ko",
        [
            "청구서",
            "로그인",
            "환불",
            "주문",
            "배송",
            "비밀번호",
            "오류",
            "주소",
        ],
    ),
    (
        "lv",
        [
            "rēķins",
            "parole",
            "atmaksa",
            "pasūtījums",
            "piegāde",
            "kļūda",
            "adrese",
            "abonements",
        ],
    ),
    (
        "ca",
        [
            "factura",
            "contrasenya",
            "reemborsament",
            "comanda",
            "enviament",
            "error",
            "adreça",
            "subscripció",
        ],
    ),
];

/// A small deterministic generator (xorshift), so every run asks the same.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().ok_or("usage: existing INDEX_DIR [QUERIES]")?);
    let per_lang: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(200);
    let index = SearchIndex::open(&dir)?;
    println!("index: {} documents in {}", index.num_docs(), dir.display());
    let opts = SearchOptions::default();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    // One untimed pass over every word: the page cache, not the query, would
    // otherwise be measured first.
    for (_, words) in &WORDS {
        for w in words {
            index.search(&parse(w), &opts)?;
        }
    }
    println!("lang  queries  p50 ms  p95 ms  p99 ms  max ms  avg hits");
    for (lang, words) in &WORDS {
        let mut times = Vec::with_capacity(per_lang);
        let mut hits = 0;
        for _ in 0..per_lang {
            let n = 1 + rng.below(3);
            let mut picked: Vec<&str> = Vec::new();
            while picked.len() < n {
                let w = words[rng.below(words.len())];
                if !picked.contains(&w) {
                    picked.push(w);
                }
            }
            let q = parse(&picked.join(" "));
            let t = Instant::now();
            hits += index.search(&q, &opts)?.len();
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        let pct = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
        println!(
            "{lang:4}  {:7}  {:6.1}  {:6.1}  {:6.1}  {:6.1}  {:8.1}",
            times.len(),
            pct(0.5),
            pct(0.95),
            pct(0.99),
            times[times.len() - 1],
            hits as f64 / times.len() as f64
        );
    }
    Ok(())
}
