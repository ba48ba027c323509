#!/usr/bin/env bash
# bench-mock.sh: the mock server against a real Dovecot on this machine, side by side
# in one run, over TCP on 127.0.0.1. Prints a Markdown table (README.md, "Mock server
# vs Dovecot", keeps the last one) and leaves the raw figures in JSON on stderr.
#
#   sudo bash scripts/bench-mock.sh            # ROUNDS=5 CLIENTS=100 MESSAGES=10000 BUILD=1
#
# What is timed (scripts/bench/mock_bench_client.py):
#   1. `FETCH 1:* (UID FLAGS RFC822.SIZE ENVELOPE)` on a 10,000-message INBOX (user
#      learner), ROUNDS times after one untimed-for-the-median first round ("cold":
#      Dovecot indexes and caches the mailbox then);
#   2. 100 clients at once, each doing LOGIN, SELECT INBOX, FETCH 1:* (...) on the
#      strategos INBOX (4 messages), LOGOUT; ROUNDS times;
#   3. `SORT (ARRIVAL)`, `SORT (SUBJECT)`, `THREAD REFERENCES`, then SORT by DATE,
#      FROM, CC and DISPLAYFROM (UTF-8 ALL) on the 10,000-message INBOX, ROUNDS times
#      after a first round timed apart, each answer compared byte for byte between
#      the two servers.
#
# The servers: `imap-tutor serve` (release build) with a generated fixture, and
# Dovecot from scripts/dovecot-lab.sh (seed-strategos, plus learner's 10,000 messages
# written straight into a Maildir before the first login: no APPEND, no doveadm save).
# Dovecot allows 10 connections per user and IP by default; the run raises that (and
# the process limits) so that 100 clients can log in at once, as they can in the mock.
# Needs root (Dovecot's lab) and the packages of scripts/ci-install.sh.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROUNDS=${ROUNDS:-5}
CLIENTS=${CLIENTS:-100}
MESSAGES=${MESSAGES:-10000}
PYTHON=${PYTHON:-python3}

log() { printf 'bench-mock: %s\n' "$*" >&2; }
[ "$(id -u)" = 0 ] || { log "must run as root (the Dovecot lab does)"; exit 1; }
command -v dovecot >/dev/null || { log "Dovecot is missing: run scripts/ci-install.sh"; exit 1; }

WORK=$(mktemp -d /tmp/imap-tutor-bench-XXXXXX)
chmod 755 "$WORK"
MOCK_PID=
cleanup() {
    [ -n "$MOCK_PID" ] && kill "$MOCK_PID" 2>/dev/null || true
    bash "$REPO/scripts/dovecot-lab.sh" stop "$WORK/dovecot" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
    "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_port() {
    "$PYTHON" - "$1" <<'PY'
import socket, sys, time
deadline = time.time() + 120
while time.time() < deadline:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
PY
}

BIN="$REPO/target/release/imap-tutor"
if [ "${BUILD:-1}" = 1 ]; then   # BUILD=0: time the release binary already there
    log "building the release binary"
    (cd "$REPO" && cargo build --release --quiet --bin imap-tutor)
fi

log "writing the world ($MESSAGES messages)"
"$PYTHON" "$REPO/scripts/bench/make_world.py" "$WORK/world" --messages "$MESSAGES" >&2

log "starting the mock"
MOCK_PORT=$(free_port)
"$BIN" serve --listen "127.0.0.1:$MOCK_PORT" --fixture "$WORK/world/fixture.yaml" 2>"$WORK/mock.log" &
MOCK_PID=$!
wait_port "$MOCK_PORT" || { cat "$WORK/mock.log" >&2; exit 1; }

log "starting Dovecot"
PLAIN=$(free_port); TLS=$(free_port)
# Output to a file: the daemon inherits it and would hold a pipe open.
bash "$REPO/scripts/dovecot-lab.sh" start "$WORK/dovecot" --plain-port "$PLAIN" --tls-port "$TLS" \
    >"$WORK/lab.log" 2>&1 </dev/null || { cat "$WORK/lab.log" >&2; exit 1; }
bash "$REPO/scripts/dovecot-lab.sh" seed-strategos "$WORK/dovecot" >"$WORK/seed.log" 2>&1 </dev/null
install -d -o mail -g mail -m 700 "$WORK/dovecot/mail/learner"
# -p: the files' mtimes are their INTERNALDATEs (make_world.py); a plain copy stamps
# them with the time of the copy, which left SORT (ARRIVAL) to ties and directory order
# (one run of three on 2026-12-06 had its answers differ).
cp -rp "$WORK/world/Maildir" "$WORK/dovecot/mail/learner/Maildir"
chown -R mail:mail "$WORK/dovecot/mail/learner"
cat >> "$WORK/dovecot/dovecot.conf" <<CONF
# bench-mock.sh: let 100 clients of one user log in at once
mail_max_userip_connections = 1000
default_process_limit = 1000
default_client_limit = 10000
CONF
doveadm -c "$WORK/dovecot/dovecot.conf" reload
wait_port "$PLAIN"
sleep 1
# One SELECT first, as seed-strategos does for strategos: the mail is then no longer
# \Recent (the mock's fixture has nothing \Recent), and both answer the same bytes.
"$PYTHON" - "$PLAIN" <<'PY'
import imaplib, sys
m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
m.login("learner", "learner")
m.select("INBOX")
m.logout()
PY

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
log "timing the mock (port $MOCK_PORT)"
BENCH_DUMP="$WORK/fetch.mock" "$PYTHON" "$REPO/scripts/bench/mock_bench_client.py" "$MOCK_PORT" mock --rounds "$ROUNDS" --clients "$CLIENTS" >"$WORK/mock.json"
log "timing Dovecot (port $PLAIN)"
BENCH_DUMP="$WORK/fetch.dovecot" "$PYTHON" "$REPO/scripts/bench/mock_bench_client.py" "$PLAIN" dovecot --rounds "$ROUNDS" --clients "$CLIENTS" >"$WORK/dovecot.json"
same() { if cmp -s "$WORK/fetch.mock$1" "$WORK/fetch.dovecot$1"; then echo identical; else echo differ; fi; }
SAME=$(same "")
SAME_ORDERS=
for order in sort-arrival sort-subject thread-references sort-date sort-from sort-cc sort-displayfrom; do
    SAME_ORDERS="$SAME_ORDERS $(same ".$order")"
done
MOCK_RSS=$(awk '/VmHWM/ {print $2}' "/proc/$MOCK_PID/status")
cat "$WORK/mock.json" "$WORK/dovecot.json" >&2

"$PYTHON" - "$WORK/mock.json" "$WORK/dovecot.json" "$MESSAGES" "$CLIENTS" "$ROUNDS" "$MOCK_RSS" \
    "$(dovecot --version)" "$(nproc)" "$SAME" "$SAME_ORDERS" "$LOAD_START" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY'
import json, sys
mock, dove = (json.load(open(p)) for p in sys.argv[1:3])
messages, clients, rounds, rss, version, cores, same, same_orders, load0, load1 = sys.argv[3:13]
ms = lambda s: "%.0f ms" % (s * 1000)
ratio = lambda m, d: "%.2fx" % (d / m) if m else "-"
bm, bd = mock["big_fetch"], dove["big_fetch"]
cm, cd = mock["many_clients"], dove["many_clients"]
print("| %s messages, %s clients, median of %s rounds | mock (release) | Dovecot %s | Dovecot / mock |" % (messages, clients, rounds, version.split()[0]))
print("| --- | --- | --- | --- |")
print("| `FETCH 1:* (UID FLAGS RFC822.SIZE ENVELOPE)`, warm | %s | %s | %s |" % (ms(bm["warm_median_s"]), ms(bd["warm_median_s"]), ratio(bm["warm_median_s"], bd["warm_median_s"])))
print("| the same, first time (Dovecot parses and caches the headers) | %s | %s | %s |" % (ms(bm["cold_s"]), ms(bd["cold_s"]), ratio(bm["cold_s"], bd["cold_s"])))
print("| bytes of that FETCH answer (untagged lines) | %d | %d | %s |" % (bm["bytes"], bd["bytes"], same))
print("| %s clients at once: LOGIN, SELECT, FETCH, LOGOUT (wall) | %s | %s | %s |" % (clients, ms(cm["wall_median_s"]), ms(cd["wall_median_s"]), ratio(cm["wall_median_s"], cd["wall_median_s"])))
print("| one client's session in that crowd, p50 / p95 | %s / %s | %s / %s | |" % (ms(cm["latency_p50_s"]), ms(cm["latency_p95_s"]), ms(cd["latency_p50_s"]), ms(cd["latency_p95_s"])))
labels = {
    "sort_arrival": "`SORT (ARRIVAL) UTF-8 ALL`",
    "sort_subject": "`SORT (SUBJECT) UTF-8 ALL`",
    "thread_references": "`THREAD REFERENCES UTF-8 ALL`",
    "sort_date": "`SORT (DATE) UTF-8 ALL`",
    "sort_from": "`SORT (FROM) UTF-8 ALL`",
    "sort_cc": "`SORT (CC) UTF-8 ALL`",
    "sort_displayfrom": "`SORT (DISPLAYFROM) UTF-8 ALL`",
}
for (name, label), alike in zip(labels.items(), same_orders.split()):
    sm, sd = mock["sort_thread"][name], dove["sort_thread"][name]
    print("| %s, warm (answers %s) | %s | %s | %s |" % (label, alike, ms(sm["warm_median_s"]), ms(sd["warm_median_s"]), ratio(sm["warm_median_s"], sd["warm_median_s"])))
    print("| the same, first time | %s | %s | %s |" % (ms(sm["cold_s"]), ms(sd["cold_s"]), ratio(sm["cold_s"], sd["cold_s"])))
print("\n(%s CPU cores shared with other work, load average %s at the start and %s at the end; the mock's peak RSS: %d MiB)" % (cores, load0, load1, int(rss) // 1024))
PY
