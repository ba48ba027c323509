#!/usr/bin/env python3
"""The client side of scripts/bench-proxy.sh: raw IMAP over a socket, timed.

Raw sockets rather than imaplib, so the client costs as little CPU as possible: on a
2-core machine the client, the relay and the server share the cores, and a slow client
would hide the relay's cost.

  imap_bench.py fetch PORT          bulk FETCH of every message's BODY.PEEK[]: prints bytes and seconds
  imap_bench.py noop PORT N         N NOOPs one after the other: prints the median round trip in microseconds
  imap_bench.py append PORT SIZE    APPENDs one message of SIZE bytes (a literal), then FETCHes it back
"""
import socket
import statistics
import sys
import time

USER, PASSWORD = "strategos", "tryhackme"


def connect(port):
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    until(s, b"* OK")
    command(s, b"l LOGIN %s %s" % (USER.encode(), PASSWORD.encode()), b"l")
    command(s, b"s SELECT INBOX", b"s")
    return s


BUFFER = memoryview(bytearray(1 << 20))


def until(s, marker):
    """Reads until the last complete line received starts with `marker` (the server
    then waits for us); returns the number of bytes read."""
    total = 0
    tail = b"\n"  # as if a line had just ended
    while True:
        n = s.recv_into(BUFFER)
        if n == 0:
            raise SystemExit("connection closed by the server")
        total += n
        data = tail + bytes(BUFFER[max(0, n - 8192):n])
        if data.endswith(b"\r\n"):
            last = data[:-2].rsplit(b"\n", 1)[-1]
            if last.startswith(marker):
                return total
        tail = data[-8192:]


def command(s, line, tag):
    s.sendall(line + b"\r\n")
    return until(s, tag + b" ")


def fetch(port):
    s = connect(port)
    start = time.perf_counter()
    n = command(s, b"f FETCH 1:* (BODY.PEEK[])", b"f")
    seconds = time.perf_counter() - start
    s.sendall(b"z LOGOUT\r\n")
    s.close()
    print(n, f"{seconds:.4f}")


def noop(port, count):
    s = connect(port)
    times = []
    for i in range(count):
        tag = b"n%d" % i
        start = time.perf_counter_ns()
        command(s, tag + b" NOOP", tag)
        times.append(time.perf_counter_ns() - start)
    s.sendall(b"z LOGOUT\r\n")
    s.close()
    print(f"{statistics.median(times) / 1000:.1f}")


def append(port, size):
    s = connect(port)
    s.sendall(b"a APPEND INBOX {%d}\r\n" % size)
    until(s, b"+")
    line = b"x" * 998 + b"\r\n"
    head = b"From: bench@example.org\r\nSubject: big\r\n\r\n"
    left = size - len(head)
    s.sendall(head)
    while left > 0:
        piece = line * min(1024, left // len(line) + 1)
        piece = piece[:left]
        s.sendall(piece)
        left -= len(piece)
    s.sendall(b"\r\n")
    until(s, b"a ")
    # and back again, as one literal
    n = command(s, b"g FETCH * (BODY.PEEK[])", b"g")
    s.sendall(b"z LOGOUT\r\n")
    s.close()
    print(n)


if __name__ == "__main__":
    what, port = sys.argv[1], int(sys.argv[2])
    if what == "fetch":
        fetch(port)
    elif what == "noop":
        noop(port, int(sys.argv[3]))
    elif what == "append":
        append(port, int(sys.argv[3]))
    else:
        raise SystemExit(__doc__)
