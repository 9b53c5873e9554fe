#!/usr/bin/env python3
"""Channel API benchmark helper (stdlib only), run by bench/channel.sh.

  channel.py prepare SECRET N OUT PREFIX
      Writes N signed inbound messages to OUT, one per line:
      "<Tend-Signature>\\t<body>". Message i comes from sender i % 5000
      (so the first message of each sender creates a conversation and the
      later ones are appended to it), in en/ja/ko/lv/ca in turn, with the
      external id PREFIX-i. The signatures are made now (HMAC-SHA256 over
      "<t>.<body>", as CONTRACT.md says), so the file is good for 5 minutes.
"""
import hashlib
import hmac
import json
import sys
import time

TEXTS = [
    "Hello, my order 48213 has not arrived yet. Could you check where it is?",
    "注文した商品がまだ届いていません。配送状況を確認していただけますか。",
    "주문한 상품이 아직 도착하지 않았습니다. 배송 상태를 확인해 주시겠어요?",
    "Labdien! Mans pasūtījums vēl nav atnācis. Vai varat pārbaudīt, kur tas ir?",
    "Bon dia, la meva comanda encara no ha arribat. Podeu comprovar on és?",
]
NAMES = ["Emily Walker", "田中結衣", "김민준", "Jānis Bērziņš", "Núria Puig"]


def prepare(secret, n, out, prefix):
    t = int(time.time())
    key = secret.encode()
    with open(out, "w", encoding="utf-8") as f:
        for i in range(n):
            sender = i % 5000
            lang = sender % len(TEXTS)
            body = json.dumps(
                {
                    "external_id": f"{prefix}-{i}",
                    "from": {"id": f"user-{sender}", "name": NAMES[lang]},
                    "text": TEXTS[lang],
                },
                ensure_ascii=False,
                separators=(",", ":"),
            )
            mac = hmac.new(key, f"{t}.{body}".encode(), hashlib.sha256).hexdigest()
            f.write(f"t={t},v1={mac}\t{body}\n")


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "prepare":
        prepare(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5])
    else:
        sys.exit(__doc__)
