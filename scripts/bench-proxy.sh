#!/usr/bin/env bash
# bench-proxy.sh: the annotating proxy against a plain relay, side by side, in one run.
#
# Usage: sudo scripts/bench-proxy.sh [--mail-mb N] [--noops N]
#
# Starts its own Dovecot (scripts/dovecot-lab.sh, in a fresh /tmp folder, free
# ports), fills a mailbox with N MB of mail (default 210), then measures three ways to
# reach that Dovecot: directly, through socat (the plain-relay baseline), and through
# `imap-tutor proxy` with annotation on, written to a file:
#   - throughput: a bulk `FETCH 1:* (BODY.PEEK[])` of all the mail (median of 3);
#   - latency: the median round trip of 10,000 NOOPs, and what each relay adds;
#   - memory: the proxy's peak RSS (VmHWM) while a 100 MB literal goes through it,
#     APPENDed and then FETCHed back.
# Prints a table. Client, relay and server share this machine's cores, so even socat
# reaches only part of the direct figure; what matters is the proxy against socat.
# Installs socat with apt-get if it is missing. Talks to 127.0.0.1 only.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MAIL_MB=210
NOOPS=10000
while [ $# -gt 0 ]; do
    case $1 in
        --mail-mb) MAIL_MB=$2; shift 2 ;;
        --noops) NOOPS=$2; shift 2 ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done

log() { printf 'bench-proxy: %s\n' "$*" >&2; }
[ "$(id -u)" = 0 ] || { log "must run as root (the Dovecot lab needs it)"; exit 2; }

if ! command -v socat >/dev/null; then
    log "installing socat"
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq socat >&2
fi
command -v dovecot >/dev/null || bash "$REPO/scripts/ci-install.sh" >&2

log "building the release binary"
(cd "$REPO" && cargo build --release --quiet)
BIN="$REPO/target/release/imap-tutor"
CLIENT="python3 $REPO/scripts/bench/imap_bench.py"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
    for _ in $(seq 1 200); do
        python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),timeout=0.2)" 2>/dev/null && return 0
        sleep 0.05
    done
    log "nothing listens on $1"; return 1
}

WORK=$(mktemp -d /tmp/imap-tutor-bench.XXXXXX)
chmod 755 "$WORK"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    bash "$REPO/scripts/dovecot-lab.sh" stop "$WORK/lab" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

DOVECOT=$(free_port); DOVECOT_TLS=$(free_port)
bash "$REPO/scripts/dovecot-lab.sh" start "$WORK/lab" --plain-port "$DOVECOT" --tls-port "$DOVECOT_TLS" >/dev/null
bash "$REPO/scripts/dovecot-lab.sh" seed-strategos "$WORK/lab" 2>/dev/null

log "filling INBOX with ${MAIL_MB} MB of mail"
python3 - "$WORK/msg.eml" <<'EOF'
import sys
line = ("The quick brown fox jumps over the lazy dog; " * 2)[:76] + "\r\n"
head = "From: bench@example.org\r\nTo: strategos@server.thm\r\nSubject: bulk\r\n\r\n"
with open(sys.argv[1], "w", newline="") as f:
    f.write(head + line * (2 * 1024 * 1024 // len(line)))
EOF
MSG_BYTES=$(wc -c < "$WORK/msg.eml")
COUNT=$(( MAIL_MB * 1024 * 1024 / MSG_BYTES + 1 ))
for _ in $(seq 1 "$COUNT"); do
    doveadm -c "$WORK/lab/dovecot.conf" save -u strategos -m INBOX < "$WORK/msg.eml"
done

SOCAT=$(free_port)
socat "TCP-LISTEN:$SOCAT,bind=127.0.0.1,reuseaddr,fork" "TCP:127.0.0.1:$DOVECOT" &
PIDS+=($!)
PROXY=$(free_port)
"$BIN" --color never proxy --upstream "127.0.0.1:$DOVECOT" --listen "127.0.0.1:$PROXY" \
    > "$WORK/annotations.txt" 2> "$WORK/proxy.err" &
PROXY_PID=$!
PIDS+=($PROXY_PID)
wait_port "$SOCAT"; wait_port "$PROXY"

# Warm the caches once, so the first contender is not penalised.
$CLIENT fetch "$DOVECOT" >/dev/null

declare -A BYTES SECS MBPS NOOP RUNS
# Each way three times, interleaved, and the median kept: one run is a fraction of a
# second, so a single one is at the mercy of whatever else the machine does.
for round in 1 2 3; do
    for way in direct socat proxy; do
        case $way in direct) port=$DOVECOT ;; socat) port=$SOCAT ;; proxy) port=$PROXY ;; esac
        read -r bytes secs < <($CLIENT fetch "$port")
        BYTES[$way]=$bytes
        RUNS[$way]="${RUNS[$way]:-} $secs"
        log "$way (round $round): fetched $bytes bytes in $secs s"
    done
done
for way in direct socat proxy; do
    SECS[$way]=$(python3 -c "import statistics,sys; print(statistics.median(float(x) for x in sys.argv[1:]))" ${RUNS[$way]})
    MBPS[$way]=$(python3 -c "print(f'{${BYTES[$way]} / ${SECS[$way]} / 1e6:.0f}')")
done
for way in direct socat proxy; do
    case $way in direct) port=$DOVECOT ;; socat) port=$SOCAT ;; proxy) port=$PROXY ;; esac
    NOOP[$way]=$($CLIENT noop "$port" "$NOOPS")
    log "$way: median NOOP round trip ${NOOP[$way]} µs"
done
ANNOTATED=$(wc -c < "$WORK/annotations.txt")
SKIPPED=$(grep -c "fell behind" "$WORK/annotations.txt" || true)

# Memory: a fresh proxy, one 100 MB literal each way.
kill "$PROXY_PID" 2>/dev/null || true
MEM_PORT=$(free_port)
"$BIN" --color never proxy --upstream "127.0.0.1:$DOVECOT" --listen "127.0.0.1:$MEM_PORT" \
    > "$WORK/annotations-mem.txt" 2>&1 &
MEM_PID=$!
PIDS+=($MEM_PID)
wait_port "$MEM_PORT"
BASE_RSS=$(awk '/VmHWM/ {print $2}' "/proc/$MEM_PID/status")
$CLIENT append "$MEM_PORT" $(( 100 * 1024 * 1024 )) >/dev/null
PEAK_RSS=$(awk '/VmHWM/ {print $2}' "/proc/$MEM_PID/status")

added() { python3 -c "print(f'{$1 - $2:+.1f}')"; }
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
echo
echo "imap-tutor proxy benchmark ($(nproc) cores, $(dovecot --version | cut -d' ' -f1), ${BYTES[direct]} bytes of mail)"
echo
printf '%-34s %12s %12s %12s\n' "" direct socat "imap-tutor"
printf '%-34s %12s %12s %12s\n' "bulk FETCH throughput (MB/s)" "${MBPS[direct]}" "${MBPS[socat]}" "${MBPS[proxy]}"
printf '%-34s %12s %12s %12s\n' "  as a share of direct" "1.00" "$(ratio "${SECS[direct]}" "${SECS[socat]}")" "$(ratio "${SECS[direct]}" "${SECS[proxy]}")"
printf '%-34s %12s %12s %12s\n' "  as a share of socat" "-" "1.00" "$(ratio "${SECS[socat]}" "${SECS[proxy]}")"
printf '%-34s %12s %12s %12s\n' "median NOOP round trip (µs)" "${NOOP[direct]}" "${NOOP[socat]}" "${NOOP[proxy]}"
printf '%-34s %12s %12s %12s\n' "  added by the relay (µs)" "-" "$(added "${NOOP[socat]}" "${NOOP[direct]}")" "$(added "${NOOP[proxy]}" "${NOOP[direct]}")"
echo
echo "proxy peak RSS relaying a 100 MB literal (APPEND, then FETCH back): $(( PEAK_RSS / 1024 )) MB (idle: $(( BASE_RSS / 1024 )) MB)"
echo "annotations written during the runs: $ANNOTATED bytes; notes about skipped bytes: $SKIPPED"
