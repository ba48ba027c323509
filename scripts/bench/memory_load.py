#!/usr/bin/env python3
"""Helpers for scripts/bench-memory.sh: big transcripts, and hostile or heavy clients.

  memory_load.py transcript OUT MB [--differ PERCENT]
      writes a native transcript of about MB megabytes: a login, a SELECT, then one
      FETCH BODY[] exchange per 20 KB message; with --differ, that share of the
      messages gets one word changed (for `imap-tutor diff`).
  memory_load.py partial-lines PORT N KIB PIDFILE
      opens N connections to PORT, logs each in, sends KIB KiB of a line with no LF on
      each, then prints the server's peak and current RSS (from PIDFILE's /proc) and
      waits for a line on stdin before closing them.
  memory_load.py fetchers PORT N
      N clients at once, each logged in, FETCH 5 BODY.PEEK[] (the big message) and
      read it whole; prints the bytes each got.
  memory_load.py append PORT MB
      APPENDs one message of MB megabytes to strategos' INBOX (it becomes message 5).
  memory_load.py idle PORT N
      opens N connections, logs each in and SELECTs INBOX, waits for a line on stdin,
      then closes them.
  memory_load.py fetch-all PORT
      one client: FETCH 1:* BODY.PEEK[] of strategos' INBOX, read as it comes (not
      kept); prints the bytes received.
"""
import os
import socket
import sys
import threading


def transcript(out, megabytes, differ=0.0):
    line = "x" * 74
    per_message = 20_000
    lines_per = per_message // (len(line) + 2)
    count = max(1, megabytes * 1_000_000 // per_message)
    every = int(100 / differ) if differ > 0 else 0
    with open(out, "w") as f:
        f.write("# imap-tutor transcript 1\n# tool: scripts/bench/memory_load.py\n\n")
        f.write("S: * OK [CAPABILITY IMAP4rev1] ready\n")
        f.write('C: a1 LOGIN strategos "********"\nS: a1 OK Logged in\n')
        f.write(f"C: a2 SELECT INBOX\nS: * {count} EXISTS\nS: a2 OK [READ-WRITE] Select completed.\n")
        for n in range(1, count + 1):
            body = [f"Subject: message {n}"] + [line] * (lines_per - 1)
            if every and n % every == 0:
                body[1] = "y" + line[1:]
            size = sum(len(b) + 2 for b in body)
            f.write(f"C: f{n} FETCH {n} BODY[]\n")
            f.write(f"S: * {n} FETCH (BODY[] {{{size}}}\n")
            f.write("".join(f"S| {b}\n" for b in body))
            f.write(f"S: )\nS: f{n} OK Fetch completed.\n")


def connect(port):
    s = socket.create_connection(("127.0.0.1", port))
    s.recv(65536)
    return s


def command(s, line, tag):
    s.sendall(line)
    got = b""
    while not any(l.startswith(tag + b" ") for l in got.split(b"\r\n")):
        data = s.recv(1 << 20)
        if not data:
            break
        got += data
    return got


def drain(s, line, tag):
    """Sends `line` and reads until the tagged reply, keeping only the last bytes."""
    s.sendall(line)
    total, tail = 0, b""
    needle = b"\r\n" + tag + b" "
    while True:
        data = s.recv(1 << 20)
        if not data:
            break
        total += len(data)
        tail = (tail + data)[-4096:]
        at = tail.rfind(needle)
        if at >= 0 and tail.find(b"\r\n", at + 2) >= 0:
            break
    return total


def rss(pidfile):
    pid = open(pidfile).read().strip()
    fields = {}
    for l in open(f"/proc/{pid}/status"):
        k, _, v = l.partition(":")
        fields[k] = v.strip()
    return fields.get("VmHWM"), fields.get("VmRSS")


def partial_lines(port, n, kib, pidfile):
    socks = []
    for _ in range(n):
        s = connect(port)
        command(s, b"a LOGIN strategos tryhackme\r\n", b"a")
        s.sendall(b"b SEARCH TEXT " + b"x" * (kib * 1024 - 20))
        socks.append(s)
    print("peak %s, now %s with %d connections each holding %d KiB" % (*rss(pidfile), n, kib), flush=True)
    sys.stdin.readline()
    for s in socks:
        s.close()


def fetchers(port, n):
    sizes = [0] * n

    def one(i):
        s = connect(port)
        command(s, b"a LOGIN strategos tryhackme\r\nb SELECT INBOX\r\n", b"b")
        sizes[i] = len(command(s, b"c FETCH 5 BODY.PEEK[]\r\n", b"c"))
        s.close()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(" ".join(str(s) for s in sizes))


def append(port, megabytes):
    body = b"Subject: big\r\n\r\n" + (b"x" * 78 + b"\r\n") * (megabytes * 1_000_000 // 80)
    s = connect(port)
    command(s, b"a LOGIN strategos tryhackme\r\n", b"a")
    s.sendall(b"b APPEND INBOX {%d+}\r\n" % len(body) + body + b"\r\n")
    got = command(s, b"", b"b")
    print(got.decode(errors="replace").strip().splitlines()[-1])
    s.close()


def idle(port, n):
    socks = []
    for _ in range(n):
        s = connect(port)
        command(s, b"a LOGIN strategos tryhackme\r\nb SELECT INBOX\r\n", b"b")
        socks.append(s)
    print("%d sessions open" % n, flush=True)
    sys.stdin.readline()
    for s in socks:
        s.close()


def fetch_all(port):
    s = connect(port)
    command(s, b"a LOGIN strategos tryhackme\r\nb SELECT INBOX\r\n", b"b")
    print(drain(s, b"c FETCH 1:* BODY.PEEK[]\r\n", b"c"))
    s.close()


if __name__ == "__main__":
    what, args = sys.argv[1], sys.argv[2:]
    if what == "transcript":
        differ = float(args[args.index("--differ") + 1]) if "--differ" in args else 0.0
        transcript(args[0], int(args[1]), differ)
    elif what == "partial-lines":
        partial_lines(int(args[0]), int(args[1]), int(args[2]), args[3])
    elif what == "fetchers":
        fetchers(int(args[0]), int(args[1]))
    elif what == "append":
        append(int(args[0]), int(args[1]))
    elif what == "fetch-all":
        fetch_all(int(args[0]))
    elif what == "idle":
        idle(int(args[0]), int(args[1]))
    else:
        sys.exit(__doc__)
