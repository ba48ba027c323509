#!/usr/bin/env bash
# capture-transcripts.sh: regenerates transcripts/dovecot-*.txt from a real Dovecot.
#
# For each scenario below: a fresh lab mailbox (scripts/dovecot-lab.sh seed-strategos),
# `imap-tutor proxy --record` in front of Dovecot, and `imap-tutor replay` of the
# scenario's client script through the proxy. The proxy's recording (passwords
# masked) becomes the transcript; its header gets the server's version
# (`dovecot --version`) and how the lab was started. The scripts only say what the
# client sends (and, for IDLE, how many updates to wait for); every server line in
# the transcripts is Dovecot's.
#
# Usage: scripts/capture-transcripts.sh [SCENARIO...]   (as root; default: all)
# Environment: LAB_DIR (default /tmp/imap-tutor-capture-lab), CAPTURE_PORT (23143;
# the TLS port is +850, the proxy's +1), IMAP_TUTOR (the binary; built if unset).
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/.." && pwd)
OUT="$REPO/transcripts"
LAB=${LAB_DIR:-/tmp/imap-tutor-capture-lab}
PORT=${CAPTURE_PORT:-23143}
TLS_PORT=$((PORT + 850))
PROXY_PORT=$((PORT + 1))
PYTHON=${PYTHON:-python3}

log() { printf 'capture: %s\n' "$*" >&2; }

if [ -z "${IMAP_TUTOR:-}" ]; then
    (cd "$REPO" && cargo build --quiet --bin imap-tutor)
    IMAP_TUTOR="$REPO/target/debug/imap-tutor"
fi

WORK=$(mktemp -d)
PROXY_PID=""
cleanup() {
    if [ -n "$PROXY_PID" ]; then kill -INT "$PROXY_PID" 2>/dev/null || true; wait "$PROXY_PID" 2>/dev/null || true; fi
    "$SCRIPT_DIR/dovecot-lab.sh" stop "$LAB" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

"$SCRIPT_DIR/dovecot-lab.sh" start "$LAB" --plain-port "$PORT" --tls-port "$TLS_PORT" >/dev/null
VERSION=$(dovecot --version)
log "Dovecot $VERSION on 127.0.0.1:$PORT"

# ---------------------------------------------------------------- the client scripts
# Written by Python so that every literal's {n} is its exact size.
"$PYTHON" - "$WORK" <<'EOF'
import sys
work = sys.argv[1]

def lines(*ls):
    """Client lines, each followed by a stand-in for its tagged completion: the replay
    waits for each command's completion, and needs to know which exchange the
    server's lines of a script belong to. (IDLE's lines are written out by hand.)"""
    out = ""
    for l in ls:
        out += l + "\n"
        words = l.split(" ")
        if l.startswith("C: ") and len(words) > 2 and words[2].upper() != "IDLE":
            out += f"S: {words[1]} OK\n"
    return out

head = "# imap-tutor transcript 1\n\n"
login = "C: a1 LOGIN strategos tryhackme"

scripts = {}
scripts["dovecot-select-fetch"] = lines(
    login,
    "C: a2 SELECT INBOX",
    "C: a3 FETCH 1:4 (UID FLAGS RFC822.SIZE INTERNALDATE)",
    "C: a4 FETCH 3 BODY[]",
    "C: a5 FETCH 4 (BODY[HEADER.FIELDS (FROM SUBJECT)])",
    "C: a6 UID FETCH 2 (FLAGS BODY.PEEK[TEXT])",
    "C: a7 FETCH 2 FLAGS",
    "C: a8 LOGOUT",
)
scripts["dovecot-flags-store"] = lines(
    login,
    "C: a2 SELECT INBOX",
    "C: a3 STORE 2 +FLAGS (\\Seen)",
    "C: a4 STORE 1 -FLAGS (\\Seen)",
    "C: a5 STORE 3 FLAGS (\\Flagged \\Seen)",
    "C: a6 STORE 4 +FLAGS.SILENT (\\Answered)",
    "C: a7 FETCH 1:4 FLAGS",
    "C: a8 UID STORE 2 -FLAGS (\\Seen)",
    "C: a9 STORE 1:4 +FLAGS ($Important)",
    "C: a10 LOGOUT",
)
scripts["dovecot-search"] = lines(
    login,
    "C: a2 SELECT INBOX",
    "C: a3 SEARCH ALL",
    "C: a4 SEARCH UNSEEN",
    "C: a5 SEARCH SEEN",
    "C: a6 SEARCH FROM \"bob\"",
    "C: a7 SEARCH SUBJECT \"telnet\"",
    "C: a8 SEARCH SINCE 27-Jun-2024",
    "C: a9 UID SEARCH OR SEEN FLAGGED",
    "C: a10 SEARCH BODY \"IMAP\"",
    "C: a11 LOGOUT",
)
scripts["dovecot-copy-move-expunge"] = lines(
    login,
    "C: a2 SELECT INBOX",
    "C: a3 CREATE Archive",
    "C: a4 COPY 1 Archive",
    "C: a5 MOVE 2 Archive",
    "C: a6 STORE 1 +FLAGS (\\Deleted)",
    "C: a7 EXPUNGE",
    "C: a8 FETCH 1:* (UID FLAGS)",
    "C: a9 STATUS Archive (MESSAGES UIDNEXT UNSEEN)",
    "C: a10 SELECT Archive",
    "C: a11 FETCH 1:* (UID FLAGS)",
    "C: a12 LOGOUT",
)
def append(tag, args, text, plus=False):
    """An APPEND whose message is `text` (lines joined with CR LF, ending with one)."""
    body = text.split("\n")
    size = sum(len(l.encode()) + 2 for l in body)
    out = f"C: {tag} APPEND {args} {{{size}{'+' if plus else ''}}}\n"
    out += "".join(f"C| {l}\n" if l else "C|\n" for l in body)
    return out + f"C:\nS: {tag} OK\n"

message = (
    "From: Learner <learner@client.thm>\nTo: strategos@server.thm\nSubject: Appended by hand\n"
    "Date: Mon, 1 Jul 2024 10:00:00 +0000\nMessage-ID: <append-1@client.thm>\n\n"
    "A message sent with APPEND and a synchronizing literal."
)
scripts["dovecot-append"] = (
    lines(login)
    + append("a2", 'INBOX (\\Seen) "01-Jul-2024 10:00:00 +0000"', message)
    + append("a3", "INBOX", "Subject: LITERAL+\n\nNo continuation needed.", plus=True)
    + lines(
        "C: a4 SELECT INBOX",
        "C: a5 FETCH 5:6 (UID FLAGS INTERNALDATE RFC822.SIZE BODY[HEADER.FIELDS (SUBJECT)])",
        "C: a6 LOGOUT",
    )
)
# IDLE: the server's lines here only say how many updates to wait for before DONE;
# the companion session (another connection) delivers the mail meanwhile.
scripts["dovecot-idle"] = "# companion: dovecot-idle-deliver.script\n" + lines(
    login,
    "C: a2 SELECT INBOX",
    "C: a3 IDLE",
    "S: + idling",
    "S: * 5 EXISTS",
    "S: * 1 RECENT",
    "C: DONE",
    "S: a3 OK",
    "C: a4 FETCH 5 (FLAGS BODY[HEADER.FIELDS (SUBJECT)])",
    "C: a5 LOGOUT",
)
scripts["dovecot-idle-deliver"] = (
    lines("C: b1 LOGIN strategos tryhackme")
    + append("b2", "INBOX", "From: bob@client.thm\nSubject: New mail during IDLE\n\nHello, idler!")
    + lines("C: b3 LOGOUT")
)
for name, text in scripts.items():
    if name == "dovecot-idle":
        head_lines = "# imap-tutor transcript 1\n" + text.split("\n", 1)[0] + "\n\n"
        text = text.split("\n", 1)[1]
    else:
        head_lines = head
    with open(f"{work}/{name}.script", "w") as f:
        f.write(head_lines + text)
EOF

# ---------------------------------------------------------------- capturing
# What each transcript shows, for its header (the README says more).
declare -A ABOUT=(
    [dovecot-select-fetch]="LOGIN, SELECT, FETCH of flags, sizes, dates, a whole message (a literal), header fields and a UID FETCH with BODY.PEEK"
    [dovecot-flags-store]="STORE: +FLAGS, -FLAGS, FLAGS, .SILENT, UID STORE, a keyword; the FETCH each change sends back"
    [dovecot-search]="SEARCH: ALL, UNSEEN, SEEN, FROM, SUBJECT, SINCE, UID SEARCH OR, BODY"
    [dovecot-copy-move-expunge]="CREATE, COPY (COPYUID), MOVE (its EXPUNGE), STORE \\Deleted and EXPUNGE, STATUS, SELECT of the copy"
    [dovecot-append]="APPEND with a synchronizing literal (the server's + first) and with LITERAL+, then the new messages fetched"
    [dovecot-idle]="IDLE while another session (dovecot-idle-deliver.txt) appends a message: the EXISTS and RECENT it causes, then DONE"
)
CAPTURE_ORDER=(dovecot-select-fetch dovecot-flags-store dovecot-search dovecot-copy-move-expunge dovecot-append dovecot-idle)
[ $# -gt 0 ] && CAPTURE_ORDER=("$@")

wait_for_proxy() {
    local logfile=$1 i
    for i in $(seq 1 100); do
        grep -q "listening on" "$logfile" 2>/dev/null && return 0
        sleep 0.1
    done
    log "the proxy did not start:"; cat "$logfile" >&2; return 1
}

finish() {
    # finish RECORDING OUT ABOUT [extra --set args...]: header fields, canonical form
    local recording=$1 out=$2 about=$3; shift 3
    "$IMAP_TUTOR" convert "$recording" -o "$out" \
        --set server="Dovecot $VERSION (Debian dovecot-imapd, scripts/dovecot-lab.sh)" \
        --set client="imap-tutor replay of a script in scripts/capture-transcripts.sh" \
        --set source="captured through imap-tutor proxy --record; passwords masked (replay with --password tryhackme)" \
        --set lab="scripts/dovecot-lab.sh start DIR; scripts/dovecot-lab.sh seed-strategos DIR" \
        --set about="$about" "$@"
}

for name in "${CAPTURE_ORDER[@]}"; do
    "$SCRIPT_DIR/dovecot-lab.sh" seed-strategos "$LAB" 2>/dev/null
    rec="$WORK/rec-$name"
    mkdir -p "$rec"
    "$IMAP_TUTOR" proxy --upstream "127.0.0.1:$PORT" --listen "127.0.0.1:$PROXY_PORT" \
        --record "$rec/" --quiet --color never >"$WORK/proxy.out" 2>"$WORK/proxy.log" &
    PROXY_PID=$!
    wait_for_proxy "$WORK/proxy.log"
    # The scripts carry no answers, so the replay "differs" from them: that is expected.
    "$IMAP_TUTOR" replay "$WORK/$name.script" --against "127.0.0.1:$PROXY_PORT" \
        --updates-wait 5 --color never >"$WORK/$name.replay" 2>&1 || true
    sleep 0.5
    kill -INT "$PROXY_PID"; wait "$PROXY_PID" 2>/dev/null || true; PROXY_PID=""
    mapfile -t files < <(cd "$rec" && ls -- *.txt | sort -t- -k3 -n | sed "s|^|$rec/|")
    [ "${#files[@]}" -ge 1 ] || { log "$name: nothing recorded"; cat "$WORK/proxy.log" >&2; exit 1; }
    if [ "$name" = dovecot-idle ]; then
        [ "${#files[@]}" -ge 2 ] || { log "$name: the companion was not recorded"; exit 1; }
        finish "${files[0]}" "$OUT/$name.txt" "${ABOUT[$name]}" --set companion=dovecot-idle-deliver.txt
        finish "${files[1]}" "$OUT/dovecot-idle-deliver.txt" \
            "the companion of dovecot-idle.txt: another session appends a message while the first one idles"
        log "$name: $OUT/$name.txt and $OUT/dovecot-idle-deliver.txt"
    else
        finish "${files[0]}" "$OUT/$name.txt" "${ABOUT[$name]}"
        log "$name: $OUT/$name.txt"
    fi
done
