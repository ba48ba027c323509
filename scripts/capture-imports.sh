#!/usr/bin/env bash
# capture-imports.sh: makes the captures and logs under tests/data/imports/ from
# real programs on loopback: python imaplib (scripts/imports/imaplib_session.py)
# talking to the lab's Dovecot (scripts/dovecot-lab.sh, with --rawlog) through
# `imap-tutor proxy --record`, while tcpdump captures the client's side.
#
#   dovecot-imaplib.pcap        tcpdump -i lo of the session (client <-> proxy)
#   dovecot-imaplib.txt         the proxy's recording of the same session
#   dovecot-imaplib-damaged.pcapng   the capture, reordered, with a retransmission and
#                               two lost segments (scripts/imports/damage_pcap.py)
#   dovecot-imaps.pcap          an implicit-TLS session (port 993): encrypted
#   dovecot-starttls.pcap       a STARTTLS session: plain until the upgrade
#   rawlog/                     Dovecot's rawlog_dir of the first session (.in, .out)
#
# Usage: sudo bash scripts/capture-imports.sh   (root: Dovecot and tcpdump need it)
set -euo pipefail
cd "$(dirname "$0")/.."
out=tests/data/imports
lab=$(mktemp -d /tmp/imap-tutor-imports.XXXXXX)
chmod 755 "$lab"
plain=23451 tls=993 proxy=23452
cargo build --quiet
bin=target/debug/imap-tutor
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    bash scripts/dovecot-lab.sh stop "$lab/dovecot" >/dev/null 2>&1 || true
}
trap cleanup EXIT

bash scripts/dovecot-lab.sh start "$lab/dovecot" --plain-port $plain --tls-port $tls --rawlog >/dev/null
bash scripts/dovecot-lab.sh seed-strategos "$lab/dovecot" >/dev/null

capture() { # capture FILE PORT COMMAND...: tcpdump of PORT on lo while COMMAND runs
    local file=$1 port=$2; shift 2
    # -B: a 128 MiB buffer, or tcpdump drops packets of a fast loopback session
    tcpdump -i lo -U -s 0 -B 131072 -w "$file" "tcp port $port" 2>/dev/null & local dump=$!
    sleep 1
    "$@"
    sleep 1
    kill -INT $dump; wait $dump || true
}

"$bin" proxy --upstream 127.0.0.1:$plain --listen 127.0.0.1:$proxy --record "$lab/recording.txt" \
    --color never >/dev/null 2>&1 & pids+=($!)
sleep 1
capture "$out/dovecot-imaplib.pcap" $proxy python3 scripts/imports/imaplib_session.py 127.0.0.1 $proxy plain
sleep 1
cp "$lab/recording.txt" "$out/dovecot-imaplib.txt"
python3 scripts/imports/damage_pcap.py "$out/dovecot-imaplib.pcap" $proxy "$out/dovecot-imaplib-damaged.pcapng"
capture "$out/dovecot-imaps.pcap" $tls python3 scripts/imports/imaplib_session.py 127.0.0.1 $tls tls
capture "$out/dovecot-starttls.pcap" $plain python3 scripts/imports/imaplib_session.py 127.0.0.1 $plain starttls

# Dovecot's rawlog of the first session (the proxy's connection to it).
rm -rf "$out/rawlog"; mkdir -p "$out/rawlog"
first_in=$(grep -l 'BODY.PEEK' "$lab/dovecot/rawlog/strategos/"*.in | head -n1)
cp "$first_in" "${first_in%.in}.out" "$out/rawlog/"
chmod 644 "$out"/*.pcap* "$out/rawlog/"*
rm -rf "$lab"
ls -la "$out" "$out/rawlog"
