#!/usr/bin/env python3
"""Seeds a knowledge base for bench/kb.sh: N articles, each translated into
en, ja, ko, lv and ca (published), through the API, with text that looks
like each language (Latvian and Catalan diacritics, Japanese without
spaces, Korean words with particles). Writes, into OUT_DIR:
  queries.txt   one "lang<TAB>words" line per suggest query (words taken
                from the articles, so most queries find something);
  articles.txt  one /help/{lang}/articles/{id}-{slug} path per line.

usage: seed.py BASE_URL TOKEN N OUT_DIR [THREADS]
"""
import http.client
import json
import random
import sys
import threading
import urllib.parse

base, token, n, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
threads = int(sys.argv[5]) if len(sys.argv) > 5 else 4
rnd = random.Random(20261207)

SYL = {
    "en": ["ac", "count", "bill", "ing", "pass", "word", "re", "set", "or", "der",
           "ship", "ment", "de", "liv", "er", "ry", "in", "voice", "sub", "scrip",
           "tion", "log", "sign", "up", "date", "card", "pay", "re", "fund", "track"],
    "lv": ["pa", "sū", "tī", "ju", "ma", "ķe", "ša", "rē", "ķi", "nā", "ļa", "ga",
           "dī", "ju", "mu", "žu", "čeks", "pie", "gā", "de", "ko", "nts", "lie", "tot"],
    "ca": ["fac", "tu", "ra", "ció", "co", "man", "da", "pa", "ga", "ment", "l·l", "ús",
           "àr", "ea", "en", "viï", "re", "tor", "na", "ça", "pro", "duc", "te", "òr"],
}
KANA = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをん"
KATA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモラリルレロン"
KANJI = "注文配送返金請求書支払確認変更登録解約設定送料在庫商品交換保証期間住所電話番号"
HANGUL_FIRST = "가나다라마바사아자차카타파하"
HANGUL = "가각간갈감강개거건걸검게결경계고공과관광교구국군권규그근금기길김나남내년노누다단달담대더도동두등디라람랑래러레로록료루류리마만말매머메명모목무문물미민바반방배버번법변보복본부분불비사산상새서선설성세소속송수순스시신실심아안알야약양어언업에여역연열영예오온완요용우운원위유육은음의이인일임자작장재저전절점정제조종주중지직진질차참창채책처천청체초총최추축출충치카타터토통투트파판패편평포표품피하학한할함합항해행향허현형호화확환활황회효후"
PARTICLES = ["을", "를", "이", "가", "은", "는", "에서", "으로", "로", "의", "와", "과"]


def word(lang):
    if lang in SYL:
        return "".join(rnd.choice(SYL[lang]) for _ in range(rnd.randint(2, 4)))
    if lang == "ja":
        pool = rnd.choice([KANJI, KANA, KATA])
        return "".join(rnd.choice(pool) for _ in range(rnd.randint(2, 4)))
    return "".join(rnd.choice(HANGUL) for _ in range(rnd.randint(2, 3)))


# Each language's vocabulary: a few thousand words, some common, most rare.
VOCAB = {lang: [word(lang) for _ in range(4000)] for lang in ["en", "ja", "ko", "lv", "ca"]}


def pick(lang):
    v = VOCAB[lang]
    # Zipf-ish: low indexes are common.
    return v[min(int(rnd.paretovariate(1.1)) - 1, len(v) - 1) if rnd.random() < 0.6 else rnd.randrange(len(v))]


def sentence(lang, k):
    words = [pick(lang) for _ in range(k)]
    if lang == "ja":
        return "".join(w + rnd.choice(["を", "に", "は", "が", "の", ""]) for w in words) + "。"
    if lang == "ko":
        return " ".join(w + rnd.choice(PARTICLES + [""]) for w in words) + "."
    return (" ".join(words) + ".").capitalize()


def article(i):
    tr = {}
    for lang in ["en", "ja", "ko", "lv", "ca"]:
        body = "\n\n".join(" ".join(sentence(lang, rnd.randint(6, 14)) for _ in range(3))
                           for _ in range(rnd.randint(2, 5)))
        tr[lang] = {"title": sentence(lang, rnd.randint(3, 6)).rstrip(".。"),
                    "body_markdown": body, "published": True}
    return {"slug": f"article-{i}", "translations": tr}


docs = [article(i) for i in range(n)]
u = urllib.parse.urlparse(base)
paths, lock = [], threading.Lock()
failures = []


def worker(part):
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
    for d in part:
        body = json.dumps(d)
        conn.request("POST", "/api/v1/kb/articles", body,
                     {"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        r = conn.getresponse()
        data = r.read()
        if r.status != 201:
            failures.append((r.status, data[:200]))
            continue
        a = json.loads(data)
        with lock:
            for lang in d["translations"]:
                paths.append(f"/help/{lang}/articles/{a['id']}-{d['slug']}")


ts = [threading.Thread(target=worker, args=(docs[k::threads],)) for k in range(threads)]
for t in ts:
    t.start()
for t in ts:
    t.join()
if failures:
    sys.exit(f"{len(failures)} articles failed, e.g. {failures[0]}")

with open(f"{out}/articles.txt", "w") as f:
    f.write("\n".join(paths) + "\n")
with open(f"{out}/queries.txt", "w") as f:
    for _ in range(5000):
        lang = rnd.choice(["en", "ja", "ko", "lv", "ca"])
        d = rnd.choice(docs)["translations"][lang]
        text = d["body_markdown"]
        if lang == "ja":
            # What a customer types: a run of characters from the text, no spaces.
            s = rnd.randrange(max(1, len(text) - 8))
            q = text[s:s + rnd.randint(3, 8)].replace("\n", "").strip("。 ")
        else:
            ws = text.split()
            s = rnd.randrange(max(1, len(ws) - 3))
            q = " ".join(ws[s:s + rnd.randint(1, 3)]).strip(".")
        if q:
            f.write(f"{lang}\t{q}\n")
print(f"seeded {n} articles ({len(paths)} translations)")
