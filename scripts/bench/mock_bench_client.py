#!/usr/bin/env python3
"""mock_bench_client.py: the client side of scripts/bench-mock.sh. Times one IMAP server
on 127.0.0.1.

    python3 scripts/bench/mock_bench_client.py PORT LABEL [--rounds 5] [--clients 100]

1. big FETCH: logs in as learner (the 10,000-message INBOX), SELECTs it, then sends
   `FETCH 1:* (UID FLAGS RFC822.SIZE ENVELOPE)` ROUNDS+1 times on one connection and
   times each from the command's first byte to its tagged OK. The first round is
   reported apart ("cold": Dovecot builds its index and cache then); the figure is
   the median of the others.
2. concurrent clients: CLIENTS connections at once, each doing LOGIN strategos,
   SELECT INBOX, `FETCH 1:* (UID FLAGS RFC822.SIZE ENVELOPE)` (4 messages), LOGOUT.
   Timed from the first connect to the last LOGOUT reply, ROUNDS times; the median
   wall time and the clients' p50/p95 latencies are reported.
3. SORT and THREAD: on a new connection as learner, `SORT (ARRIVAL) UTF-8 ALL`,
   `SORT (SUBJECT) UTF-8 ALL`, `THREAD REFERENCES UTF-8 ALL`, then SORT by DATE,
   FROM, CC and DISPLAYFROM (ORDERS), each ROUNDS+1 times in a row, timed as in 1
   (the first round apart: Dovecot reads the headers it needs and keeps them in its
   cache then). With BENCH_DUMP set, each answer is written to BENCH_DUMP.sort-arrival,
   .sort-subject, .thread-references, .sort-date and so on.

Prints one JSON object on stdout. Responses are not parsed beyond finding the tagged
line (a literal could only fool that if it contained CRLF + the tag, and the
benchmark's messages do not); their size is reported so both servers can be seen to
send the same bytes.
"""
import asyncio
import json
import os
import statistics
import sys
import time


async def read_until_tag(reader, tag, buf):
    """Reads until a line `TAG OK|NO|BAD` arrives; returns (bytes read, rest)."""
    needle = b"\r\n" + tag + b" "
    total = bytearray(buf)
    searched = 0  # look only at new bytes: a 3 MB answer comes in many chunks
    while True:
        at = -2 if total.startswith(tag + b" ") else total.find(needle, searched)
        if at != -1:
            start = 0 if at == -2 else at + 2
            end = total.find(b"\r\n", start)
            if end != -1:
                line = bytes(total[start:end])
                if not line.startswith(tag + b" OK"):
                    raise RuntimeError("server said: %r" % line)
                return bytes(total[:end + 2]), bytes(total[end + 2:])
            searched = max(at, 0)  # the tagged line has begun: wait for its end
        else:
            searched = max(0, len(total) - len(needle) + 1)
        chunk = await reader.read(1 << 16)
        if not chunk:
            raise RuntimeError("connection closed; last bytes %r" % bytes(total[-200:]))
        total += chunk


async def connect(port, user, password):
    """Logs in and SELECTs INBOX; returns (cmd, close): cmd(tag, text) sends a command
    and returns everything up to its tagged OK."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    line = await reader.readline()
    if not line.startswith(b"* OK"):
        raise RuntimeError("greeting: %r" % line)
    rest = b""

    async def cmd(tag, text):
        nonlocal rest
        writer.write(tag + b" " + text + b"\r\n")
        await writer.drain()
        data, rest = await read_until_tag(reader, tag, rest)
        return data

    await cmd(b"a", b"LOGIN " + user + b" " + password)
    await cmd(b"b", b"SELECT INBOX")
    return cmd, writer.close


async def session(port, user, password, fetch_rounds=1, timings=None):
    cmd, close = await connect(port, user, password)
    sizes = []
    for i in range(fetch_rounds):
        t0 = time.perf_counter()
        data = await cmd(b"f%d" % i, b"FETCH 1:* (UID FLAGS RFC822.SIZE ENVELOPE)")
        if timings is not None:
            timings.append(time.perf_counter() - t0)
        untagged = data[:data.rfind(b"\r\n", 0, len(data) - 2) + 2]
        if i == 0 and os.environ.get("BENCH_DUMP"):
            with open(os.environ["BENCH_DUMP"], "wb") as f:
                f.write(untagged)
        sizes.append((data.count(b" FETCH ("), len(untagged)))
    await cmd(b"z", b"LOGOUT")
    close()
    return sizes


async def big_fetch(port, rounds):
    timings = []
    sizes = await session(port, b"learner", b"learner", rounds + 1, timings)
    return {
        "messages": sizes[0][0],
        "bytes": sizes[0][1],
        "cold_s": timings[0],
        "warm_median_s": statistics.median(timings[1:]),
        "warm_all_s": timings[1:],
    }


# bench-mock.sh names the dumps and the table's rows after these, in this order.
ORDERS = [
    ("sort_arrival", b"SORT (ARRIVAL) UTF-8 ALL"),
    ("sort_subject", b"SORT (SUBJECT) UTF-8 ALL"),
    ("thread_references", b"THREAD REFERENCES UTF-8 ALL"),
    ("sort_date", b"SORT (DATE) UTF-8 ALL"),
    ("sort_from", b"SORT (FROM) UTF-8 ALL"),
    ("sort_cc", b"SORT (CC) UTF-8 ALL"),
    ("sort_displayfrom", b"SORT (DISPLAYFROM) UTF-8 ALL"),
]


async def sort_thread(port, rounds):
    cmd, close = await connect(port, b"learner", b"learner")
    result = {}
    for name, command in ORDERS:
        timings = []
        for i in range(rounds + 1):
            t0 = time.perf_counter()
            data = await cmd(b"s%d" % i, command)
            timings.append(time.perf_counter() - t0)
            untagged = data[:data.rfind(b"\r\n", 0, len(data) - 2) + 2]
            if i == 0 and os.environ.get("BENCH_DUMP"):
                with open(os.environ["BENCH_DUMP"] + "." + name.replace("_", "-"), "wb") as f:
                    f.write(untagged)
        result[name] = {
            "bytes": len(untagged),
            "cold_s": timings[0],
            "warm_median_s": statistics.median(timings[1:]),
            "warm_all_s": timings[1:],
        }
    await cmd(b"z", b"LOGOUT")
    close()
    return result


async def many_clients(port, clients, rounds):
    walls, latencies = [], []
    for _ in range(rounds):
        async def one():
            t0 = time.perf_counter()
            sizes = await session(port, b"strategos", b"tryhackme")
            latencies.append(time.perf_counter() - t0)
            return sizes
        t0 = time.perf_counter()
        results = await asyncio.gather(*[one() for _ in range(clients)])
        walls.append(time.perf_counter() - t0)
        assert all(r[0][0] == 4 for r in results), results[:3]
    latencies.sort()
    return {
        "clients": clients,
        "wall_median_s": statistics.median(walls),
        "wall_all_s": walls,
        "latency_p50_s": latencies[len(latencies) // 2],
        "latency_p95_s": latencies[int(len(latencies) * 0.95)],
    }


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    port, label = int(args[0]), args[1]
    rounds = int(args[args.index("--rounds") + 1]) if "--rounds" in args else 5
    clients = int(args[args.index("--clients") + 1]) if "--clients" in args else 100
    result = {"server": label}
    result["big_fetch"] = asyncio.run(big_fetch(port, rounds))
    result["many_clients"] = asyncio.run(many_clients(port, clients, rounds))
    result["sort_thread"] = asyncio.run(sort_thread(port, rounds))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
