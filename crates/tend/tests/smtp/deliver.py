#!/usr/bin/env python3
"""Delivers realistic mail to an SMTP server with Python's smtplib.

Prints one line per message: "250 <message-id>" when the server accepted it
(its reply code was 250), or "ERR <message-id> <reason>" otherwise, flushed
at once so a caller can follow progress. Used by Tend's SMTP tests and by
bench/smtp_ingest.sh. Messages mix languages (ja, ko, lv, ca, en), legacy
charsets, sizes (1 KB to ~200 KB) and attachments.
"""
import argparse
import os
import random
import re
import smtplib
import ssl
import sys
import threading
import time
from email.header import Header
from email.message import EmailMessage
from email.mime.text import MIMEText
from email.utils import formataddr

BODIES = {
    "ja": ("iso-2022-jp", "注文の件", "お世話になっております。先日注文した商品がまだ届いておりません。ご確認のほど、よろしくお願いいたします。"),
    "ja-sjis": ("shift_jis", "請求書について", "請求書の金額が見積もりと異なっているようです。お手数ですがご確認ください。"),
    "ko": ("euc-kr", "서비스 문의", "안녕하세요. 서비스를 이용하는 중에 결제 오류가 발생했습니다. 확인 부탁드립니다."),
    "lv": ("iso-8859-13", "Pasūtījuma statuss", "Labdien! Vēlos uzzināt, kad tiks piegādāts mans pasūtījums. Paldies par atbildi."),
    "ca": ("iso-8859-15", "Consulta sobre la factura", "Bon dia, no trobo la factura del mes passat a l'àrea d'usuari. Gràcies per l'atenció."),
    "en": ("utf-8", "Cannot log in", "Hello, since this morning I cannot log in to my account. The page says my password is wrong."),
}


def build(i, rcpt, rng, run):
    lang = rng.choice(list(BODIES))
    charset, subject, text = BODIES[lang]
    size = rng.choice([1, 1, 2, 4, 8, 30, 120])  # KB, skewed small like real mail
    body = (text + "\n") * max(1, size * 1024 // (len(text.encode("utf-8")) + 1))
    msg_id = f"smtp-{run}-{i}@client.example"
    if rng.random() < 0.15:
        msg = EmailMessage()
        msg.set_content(body, charset="utf-8")
        msg.add_attachment(os.urandom(rng.choice([2048, 20000, 60000])), maintype="application",
                           subtype="octet-stream", filename=f"文書-{i}.bin")
    else:
        msg = MIMEText(body, "plain", charset)
    # Spread over many senders: one address sending more than 30 messages in
    # 10 minutes is quarantined by Tend's loop protection, by design.
    sender = f"customer{i % 1009}-{run}@example.net"
    if isinstance(msg, EmailMessage):
        # The modern policy encodes non-ASCII headers itself.
        msg["Subject"] = f"{subject} {i}"
        msg["From"] = formataddr((f"顧客 {i % 1009}", sender))
    else:
        msg["Subject"] = Header(f"{subject} {i}", charset)
        msg["From"] = formataddr((str(Header(f"顧客 {i % 1009}", "utf-8")), sender))
    msg["To"] = rcpt
    msg["Message-ID"] = f"<{msg_id}>"
    msg["Date"] = "Mon, 23 Nov 2026 10:00:00 +0000"
    return msg_id, msg.as_bytes()


def run_connection(args, indices, out, lock, failures, ready=None, built=None):
    rng = random.Random(args.seed * 7919 + indices[0] if indices else args.seed)
    if ready is not None:
        # Benchmarks: build every message before the clock starts, so the
        # (GIL-bound, ~2 ms per message) MIME building in Python is not
        # counted as the server's time.
        built = [build(i, args.rcpt, rng, args.run) for i in indices]
        ready.wait()

    def emit(line):
        with lock:
            out.write(line + "\n")
            out.flush()

    pos = 0
    while pos < len(indices):
        try:
            smtp = smtplib.SMTP(args.host, args.port, timeout=60)
            smtp.ehlo("client.example")
            if args.starttls:
                ctx = ssl.create_default_context()
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE
                smtp.starttls(context=ctx)
                smtp.ehlo("client.example")
        except OSError as e:
            emit(f"ERR - connect: {e}")
            failures.append(1)
            return
        for _ in range(args.per_connection):
            if pos >= len(indices):
                break
            if built is not None:
                msg_id, raw = built[pos]
            else:
                msg_id, raw = build(indices[pos], args.rcpt, rng, args.run)
            pos += 1
            try:
                smtp.mail("customer@example.net", ["SIZE=%d" % len(raw)] if smtp.has_extn("size") else [])
                code, resp = smtp.rcpt(args.rcpt)
                if code != 250:
                    emit(f"ERR <{msg_id}> rcpt {code} {resp!r}")
                    smtp.rset()
                    continue
                code, resp = smtp.data(raw)
                if code == 250:
                    emit(f"250 <{msg_id}>")
                else:
                    emit(f"ERR <{msg_id}> data {code} {resp!r}")
            except (OSError, smtplib.SMTPException) as e:
                emit(f"ERR <{msg_id}> {e}")
                failures.append(1)
                return
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            pass


def write_corpus(args):
    """The same messages as a --pregenerate run with the same arguments, as
    records "<message-id>\n<length>\n<bytes>", the bytes as smtplib would
    send them after DATA (CRLF line ends, leading dots doubled)."""
    shards = [list(range(c, args.count, args.connections)) for c in range(args.connections)]
    with open(args.write_corpus, "wb") as f:
        for indices in shards:
            rng = random.Random(args.seed * 7919 + indices[0] if indices else args.seed)
            for i in indices:
                msg_id, raw = build(i, args.rcpt, rng, args.run)
                wire = re.sub(rb"(?:\r\n|\n|\r(?!\n))", b"\r\n", raw)
                wire = re.sub(rb"(?m)^\.", b"..", wire)
                if not wire.endswith(b"\r\n"):
                    wire += b"\r\n"
                f.write(f"{msg_id}\n{len(wire)}\n".encode() + wire)
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--rcpt", default="support@example.com")
    ap.add_argument("--run", default="r1", help="makes Message-IDs unique per run")
    ap.add_argument("--per-connection", type=int, default=500)
    ap.add_argument("--connections", type=int, default=1, help="parallel SMTP connections")
    ap.add_argument("--starttls", action="store_true")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pregenerate", action="store_true",
                    help="build all messages first, then print 'SENDING <unix ns>' on stderr and send")
    ap.add_argument("--write-corpus", metavar="FILE",
                    help="write the messages (SMTP wire form) to FILE for bench/smtp instead of sending them")
    args = ap.parse_args()
    if args.write_corpus:
        return write_corpus(args)
    lock = threading.Lock()
    failures = []
    shards = [list(range(c, args.count, args.connections)) for c in range(args.connections)]
    ready = threading.Barrier(len(shards) + 1) if args.pregenerate else None
    threads = [threading.Thread(target=run_connection, args=(args, s, sys.stdout, lock, failures, ready)) for s in shards]
    for t in threads:
        t.start()
    if ready is not None:
        ready.wait()
        print(f"SENDING {time.time_ns()}", file=sys.stderr, flush=True)
    started = time.time()
    for t in threads:
        t.join()
    elapsed = time.time() - started
    print(f"DONE {args.count} in {elapsed:.2f}s ({args.count / elapsed:.0f} msg/s)", file=sys.stderr, flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
