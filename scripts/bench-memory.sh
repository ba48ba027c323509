#!/usr/bin/env bash
# bench-memory.sh: peak memory of explain, diff and serve on big or hostile input.
#
# Usage: scripts/bench-memory.sh [--mb N] [--connections N] [--only explain,serve,proxy]
#
# Builds the release binary, then measures (peak RSS, from /usr/bin/time or the
# process's VmHWM; resident now, VmRSS):
#   - explain of a native transcript of N MB (default 200): 10,000 FETCH exchanges
#     of 20 KB messages, written by scripts/bench/memory_load.py;
#   - diff of two such transcripts that differ in 1% of their messages;
#   - serve with N connections (default 1000), each logged in and holding a 64 KiB
#     line that never ends;
#   - serve while 10 clients fetch a 20 MB message at once (what they add to the
#     server's RSS after the message is stored);
#   - proxy (annotating to stdout, sent to /dev/null) relaying N MB of mail: one
#     FETCH 1:* BODY.PEEK[] of N/10 messages of 10 MB stored in serve;
#   - proxy with 200 sessions logged in and SELECTed, then idle.
# Goals (issue 10): explain < 200 MB, diff < 400 MB, 1,000 partial lines < 200 MB,
# 10 x 20 MB fetches add < 50 MB, proxy relaying 200 MB < 12 MB, 200 idle proxied
# sessions < 60 MB. Loopback only; no root needed.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MB=200
CONNECTIONS=1000
ONLY=explain,serve,proxy
while [ $# -gt 0 ]; do
    case $1 in
        --mb) MB=$2; shift 2 ;;
        --connections) CONNECTIONS=$2; shift 2 ;;
        --only) ONLY=$2; shift 2 ;;
        -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
log() { printf 'bench-memory: %s\n' "$*" >&2; }
[ -x /usr/bin/time ] || { log "needs /usr/bin/time (Debian package time)"; exit 2; }
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

log "building the release binary"
(cd "$REPO" && cargo build --release --quiet)
BIN="$REPO/target/release/imap-tutor"
LOAD="python3 $REPO/scripts/bench/memory_load.py"
WORK=$(mktemp -d /tmp/imap-tutor-memory.XXXXXX)
SERVER=""
PROXY=""
cleanup() {
    if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; fi
    if [ -n "$PROXY" ]; then kill "$PROXY" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
peak() { { /usr/bin/time -f %M "$@" 2>&1 >/dev/null || true; } | tail -n1; }   # KiB (diff exits 1)

wanted() { [[ ",$ONLY," == *",$1,"* ]]; }
mib() { awk -v k="$1" 'BEGIN { printf "%.0f MiB", k / 1024 }'; }
ROWS=()
row() { ROWS+=("| $1 | $2 | $3 |"); }

if wanted explain; then
    log "writing two $MB MB transcripts"
    $LOAD transcript "$WORK/a.txt" "$MB"
    $LOAD transcript "$WORK/b.txt" "$MB" --differ 1
    size=$(( $(stat -c %s "$WORK/a.txt") / 1000000 ))
    row "\`explain\` of a $size MB transcript (text)" "$(mib "$(peak "$BIN" --color never explain "$WORK/a.txt")")" "< 200 MB"
    row "\`explain --format json\` of it" "$(mib "$(peak "$BIN" explain --format json "$WORK/a.txt")")" ""
    row "\`diff\` of two $size MB transcripts (1% of messages differ)" "$(mib "$(peak "$BIN" --color never diff "$WORK/a.txt" "$WORK/b.txt")")" "< 400 MB"
    rm -f "$WORK/a.txt" "$WORK/b.txt"
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
start_serve() {
    PORT=$(free_port)
    "$BIN" serve --fixture default --listen "127.0.0.1:$PORT" >/dev/null 2>&1 &
    SERVER=$!
    echo "$SERVER" > "$WORK/pid"
    for _ in $(seq 1 100); do
        python3 -c "import socket; socket.create_connection(('127.0.0.1',$PORT),timeout=0.2)" 2>/dev/null && return 0
        sleep 0.05
    done
    log "serve did not start"; exit 1
}
hwm() { awk '/VmHWM/ {print $2}' "/proc/${1:-$SERVER}/status"; }
rss() { awk '/VmRSS/ {print $2}' "/proc/${1:-$SERVER}/status"; }
stop_serve() { kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""; }

if wanted serve; then
    log "serve: $CONNECTIONS connections holding a 64 KiB line each"
    start_serve
    base=$(rss)
    (sleep 2; echo) | $LOAD partial-lines "$PORT" "$CONNECTIONS" 64 "$WORK/pid" >&2
    row "\`serve\`, $CONNECTIONS connections each holding a 64 KiB partial line" "$(mib "$(hwm)") (idle: $(mib "$base"))" "< 200 MB"
    stop_serve

    log "serve: 10 clients fetching a 20 MB message at once"
    start_serve
    $LOAD append "$PORT" 20 >/dev/null
    # The APPEND's own peak is not what is measured: reset VmHWM (Linux 4.0+).
    echo 5 > "/proc/$SERVER/clear_refs"
    before=$(rss)
    got=$($LOAD fetchers "$PORT" 10)
    after=$(hwm)
    stop_serve
        row "\`serve\`, 10 clients fetching a 20 MB message at once" "+$(mib $((after - before))) over $(mib "$before")" "< +50 MB"
fi

start_proxy() {
    PPORT=$(free_port)
    "$BIN" --color never proxy --listen "127.0.0.1:$PPORT" --upstream "127.0.0.1:$PORT" \
        >/dev/null 2>"$WORK/proxy.err" &
    PROXY=$!
    for _ in $(seq 1 100); do
        grep -q "listening on" "$WORK/proxy.err" 2>/dev/null && return 0
        sleep 0.05
    done
    log "the proxy did not start: $(cat "$WORK/proxy.err")"; exit 1
}
stop_proxy() { kill "$PROXY"; wait "$PROXY" 2>/dev/null || true; PROXY=""; }

if wanted proxy; then
    log "proxy: relaying $MB MB of mail (stored in serve as $((MB / 10)) messages of 10 MB)"
    start_serve
    for _ in $(seq 1 $((MB / 10))); do $LOAD append "$PORT" 10 >/dev/null; done
    start_proxy
    got=$($LOAD fetch-all "$PPORT")
    row "\`proxy\` relaying $((got / 1000000)) MB of mail (one FETCH 1:* BODY.PEEK[])" "$(mib "$(hwm "$PROXY")")" "< 12 MB"
    stop_proxy

    log "proxy: 200 sessions logged in, then idle"
    start_proxy
    (sleep 3; echo) | $LOAD idle "$PPORT" 200 >&2 &
    loader=$!
    sleep 2.5
    idle_rss=$(rss "$PROXY")
    wait "$loader"
    row "\`proxy\`, 200 sessions logged in and idle" "$(mib "$idle_rss") (peak $(mib "$(hwm "$PROXY")"))" "< 60 MB"
    stop_proxy
    stop_serve
fi

echo "| what | peak RSS | goal |"
echo "| --- | --- | --- |"
printf '%s\n' "${ROWS[@]}"
