//! Measures tend-search alone (no database, no HTTP): indexing throughput,
//! index size on disk, peak memory, and query latency per language for
//! one- to three-word queries over synthetic messages in ja, ko, lv, ca and
//! en. See `bench/search/README.md`.
//!
//! ```text
//! cargo run --release -p tend-bench-search -- --messages 200000 [--dir PATH] [--queries 300]
//! ```

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tend_search::{ConversationDoc, MessageDoc, SearchIndex, SearchOptions, parse};

/// Per language: sentences (with `{n}` for a number) and query words.
struct Lang {
    code: &'static str,
    sentences: &'static [&'static str],
    words: &'static [&'static str],
}

static LANGS: [Lang; 5] = [
    Lang {
        code: "ja",
        sentences: &[
            "請求書{n}の金額が間違っています。",
            "ログインできません。パスワードを再設定してもエラーになります。",
            "サービスをご利用いただきありがとうございます。",
            "注文番号{n}の商品がまだ届いていません。",
            "返金の手続きについて教えてください。",
            "アプリを更新した後、画面が真っ白になりました。",
            "担当者から折り返しご連絡いたします。",
            "配送先の住所を変更したいです。",
        ],
        words: &[
            "請求書",
            "ログイン",
            "サービス",
            "返金",
            "配送",
            "住所",
            "画面",
            "注文",
            "パスワード",
            "商品",
        ],
    },
    Lang {
        code: "ko",
        sentences: &[
            "청구서 {n}의 금액이 잘못되었습니다.",
            "로그인이 되지 않고 비밀번호 오류가 납니다.",
            "서비스를 이용해 주셔서 감사합니다.",
            "주문 번호 {n}의 상품이 아직 도착하지 않았습니다.",
            "환불 절차를 알려 주세요.",
            "앱을 업데이트한 후 화면이 하얗게 나옵니다.",
            "담당자가 곧 연락드리겠습니다.",
            "배송지 주소를 변경하고 싶습니다.",
        ],
        words: &[
            "청구서",
            "로그인",
            "서비스",
            "환불",
            "배송",
            "주소",
            "화면",
            "주문",
            "비밀번호",
            "상품",
        ],
    },
    Lang {
        code: "lv",
        sentences: &[
            "Rēķinā {n} ir nepareiza summa.",
            "Nevaru pieslēgties, parole netiek pieņemta.",
            "Paldies, ka izmantojat mūsu pakalpojumu.",
            "Pasūtījums {n} vēl nav piegādāts.",
            "Lūdzu, paskaidrojiet naudas atmaksas kārtību.",
            "Pēc lietotnes atjaunināšanas ekrāns ir balts.",
            "Mūsu speciālists ar jums sazināsies.",
            "Vēlos mainīt piegādes adresi.",
        ],
        words: &[
            "rēķins",
            "rekina",
            "parole",
            "pakalpojumu",
            "atmaksas",
            "piegādes",
            "adresi",
            "ekrāns",
            "pasūtījums",
            "kvalitāte",
        ],
    },
    Lang {
        code: "ca",
        sentences: &[
            "La factura {n} té un import incorrecte.",
            "No puc iniciar la sessió, la contrasenya no funciona.",
            "Gràcies per utilitzar el nostre servei d'atenció.",
            "La comanda {n} encara no ha arribat.",
            "Expliqueu-me el procés de devolució, si us plau.",
            "Després d'actualitzar l'aplicació la pantalla és blanca.",
            "L'equip de suport es posarà en contacte amb vostè.",
            "Vull canviar l'adreça d'enviament.",
        ],
        words: &[
            "factura",
            "sessió",
            "contrasenya",
            "atenció",
            "comanda",
            "devolucio",
            "pantalla",
            "equip",
            "adreça",
            "enviament",
        ],
    },
    Lang {
        code: "en",
        sentences: &[
            "Invoice {n} shows the wrong amount.",
            "I cannot log in, the password is rejected.",
            "Thank you for using our service.",
            "Order {n} has not arrived yet.",
            "Please explain how refunds work.",
            "After updating the app the screen stays white.",
            "Our support team will contact you shortly.",
            "I would like to change my delivery address.",
        ],
        words: &[
            "invoice", "password", "service", "order", "refunds", "screen", "support", "delivery",
            "address", "amount",
        ],
    },
];

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

struct Args {
    messages: usize,
    queries: usize,
    dir: Option<PathBuf>,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        messages: 100_000,
        queries: 300,
        dir: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let mut v = || it.next().ok_or(format!("{k} needs a value"));
        match k.as_str() {
            "--messages" => a.messages = v()?.parse().map_err(|_| "--messages: a number")?,
            "--queries" => a.queries = v()?.parse().map_err(|_| "--queries: a number")?,
            "--dir" => a.dir = Some(PathBuf::from(v()?)),
            _ => return Err(format!("unknown argument {k}; see the source for usage")),
        }
    }
    Ok(a)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let a = args()?;
    let tmp = tempfile::tempdir()?;
    let dir = a.dir.clone().unwrap_or_else(|| tmp.path().join("search"));
    let index = SearchIndex::open(&dir)?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut writer = index.writer(threads, 128_000_000 * threads)?;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);

    let per_conversation = 5;
    let started = Instant::now();
    let mut written = 0;
    let mut conversation = 0i64;
    while written < a.messages {
        conversation += 1;
        let lang = &LANGS[conversation as usize % LANGS.len()];
        let mut doc = ConversationDoc {
            id: conversation,
            inbox_id: 1 + conversation % 3,
            subject: fill(lang.sentences[rng.below(lang.sentences.len())], &mut rng),
            status: ["new", "open", "pending", "solved", "closed"][rng.below(5)].into(),
            assignee_id: Some(1 + (conversation % 20)),
            tags: vec!["billing".into()],
            customer_name: Some(format!("Customer {conversation}")),
            customer_emails: vec![format!("c{conversation}@example.com")],
            messages: Vec::new(),
        };
        for _ in 0..per_conversation.min(a.messages - written) {
            written += 1;
            let text: Vec<String> = (0..2 + rng.below(3))
                .map(|_| fill(lang.sentences[rng.below(lang.sentences.len())], &mut rng))
                .collect();
            doc.messages.push(MessageDoc {
                id: written as i64,
                text: text.join(if lang.code == "ja" { "" } else { " " }),
                internal: rng.below(10) == 0,
                attachments: vec![],
                created_at: 1_700_000_000_000 + written as i64 * 1000,
                side: false,
            });
        }
        writer.upsert_messages(&doc)?;
        if written % 250_000 < per_conversation {
            writer.commit("bench")?;
        }
    }
    writer.commit("bench")?;
    writer.finish()?;
    let index_time = started.elapsed();
    index.reload()?;
    println!(
        "indexed {} messages in {:.1} s: {:.0} messages/s; index {:.1} MiB on disk; peak RSS {} MiB",
        written,
        index_time.as_secs_f64(),
        written as f64 / index_time.as_secs_f64(),
        dir_size(&dir) as f64 / 1_048_576.0,
        peak_rss_mib()
    );

    let opts = SearchOptions {
        limit: 20,
        inboxes: Some(vec![1, 2]),
        include_internal: true,
        me: None,
    };
    println!("lang  queries  p50 ms  p95 ms  p99 ms  max ms");
    for lang in &LANGS {
        let mut times: Vec<Duration> = Vec::with_capacity(a.queries);
        for _ in 0..a.queries {
            let n = 1 + rng.below(3);
            let q: Vec<&str> = (0..n)
                .map(|_| lang.words[rng.below(lang.words.len())])
                .collect();
            let q = parse(&q.join(" "));
            let t = Instant::now();
            let hits = index.search(&q, &opts)?;
            times.push(t.elapsed());
            std::hint::black_box(hits);
        }
        times.sort_unstable();
        let pct = |p: f64| {
            times[((times.len() as f64 * p) as usize).min(times.len() - 1)].as_secs_f64() * 1000.0
        };
        println!(
            "{:4}  {:7}  {:6.2}  {:6.2}  {:6.2}  {:6.2}",
            lang.code,
            times.len(),
            pct(0.50),
            pct(0.95),
            pct(0.99),
            pct(1.0)
        );
    }
    println!("peak RSS {} MiB", peak_rss_mib());
    Ok(())
}

fn fill(sentence: &str, rng: &mut Rng) -> String {
    sentence.replace("{n}", &(10_000 + rng.below(90_000)).to_string())
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

/// Peak resident memory of this process (Linux), in MiB.
fn peak_rss_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}
