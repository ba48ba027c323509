#!/usr/bin/env bash
# dovecot-lab.sh: a self-contained Dovecot 2.3 (Debian dovecot-imapd) lab on
# 127.0.0.1, for tests and for capturing what a real Dovecot answers.
#
# Usage:
#   scripts/dovecot-lab.sh install
#   scripts/dovecot-lab.sh start DIR [--plain-port N] [--tls-port M]
#                    [--special-use | --special-use-noauto] [--auth-mechanisms "plain login"]
#                    [--login-greeting TEXT] [--rawlog]
#   scripts/dovecot-lab.sh seed-strategos DIR
#   scripts/dovecot-lab.sh seed-lab DIR [FIXTURE] [--user NAME]...
#   scripts/dovecot-lab.sh status DIR
#   scripts/dovecot-lab.sh stop DIR
#
# `start` prints one line a shell can eval, on stdout (everything else goes
# to stderr):
#   DOVECOT_PORT=10143 DOVECOT_TLS_PORT=10993 DOVECOT_DIR=/tmp/lab DOVECOT_CA=/tmp/lab/cert.pem
# e.g.  eval "export $(scripts/dovecot-lab.sh start /tmp/lab)"
# The same line is kept in DIR/lab.env.
#
# DIR must be traversable by the users dovenull and dovecot: use a folder
# under /tmp, not under /root. Must run as root (Dovecot's master drops
# privileges itself). Users: strategos/tryhackme, learner/learner and
# reader/reader, mail owned by the system user `mail` (uid 8).
#
# `seed-strategos` fills strategos's INBOX with the seed's four messages.
# `seed-lab` gives every user (or the ones named) the world of a mock fixture,
# by default scenarios/fixtures/dovecot-lab.yaml: strategos's INBOX as above,
# learner's empty INBOX, reader's INBOX of threads, lists and odd MIME
# (tests/data/corpus/). It empties each user's mail first, so it also resets.
#   --special-use         Archive Drafts Junk Sent Trash, auto = subscribe,
#                         with their special_use attribute
#   --special-use-noauto  the same mailbox definitions with auto = no (as in
#                         Ubuntu's stock config): SPECIAL-USE is advertised but
#                         nothing is created; with --auth-mechanisms plain this
#                         answers the seed session line for line
#   --auth-mechanisms     default "plain login" (greeting shows AUTH=PLAIN
#                         AUTH=LOGIN); "plain" gives the seed's greeting
#   --login-greeting T    greeting text, default Debian's "Dovecot (Debian) ready."
#   --rawlog              Dovecot's rawlog of every IMAP session after login:
#                         rawlog_dir = DIR/rawlog/%u (a .in and a .out file per
#                         connection, timestamped lines)
#                         ("Dovecot (Ubuntu) ready." is the seed's)
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$SCRIPT_DIR/.." && pwd)
FIXTURES="$REPO_DIR/tests/data/strategos"
PYTHON=${PYTHON:-python3}

# The seed's UIDVALIDITY for the strategos INBOX (seed 000_5f44558ce6d11335).
SEED_UIDVALIDITY=1719824692
# INTERNALDATEs of the four seeded messages (message 3 = the seed's
# Delivery-date).
SEED_DATES=("25-Jun-2024 09:12:00 +0000" "26-Jun-2024 14:30:00 +0000"
            "27-Jun-2024 16:19:35 +0000" "28-Jun-2024 08:05:00 +0000")

log() { printf 'dovecot-lab: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}" >&2
    exit 2
}

need_root() { [ "$(id -u)" = 0 ] || die "must run as root"; }

abs_dir() {
    # absolute path of $1 (created if missing)
    mkdir -p "$1"
    (cd "$1" && pwd)
}

# ---------------------------------------------------------------- install
cmd_install() {
    need_root
    if command -v dovecot >/dev/null 2>&1 && command -v doveadm >/dev/null 2>&1 &&
       [ -e /usr/lib/dovecot/imap ] && command -v openssl >/dev/null 2>&1 &&
       command -v "$PYTHON" >/dev/null 2>&1; then
        log "dovecot-imapd already installed: $(dovecot --version)"
        return 0
    fi
    local created_policy=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        created_policy=1
        # shellcheck disable=SC2064
        trap "rm -f /usr/sbin/policy-rc.d" EXIT
    fi
    export DEBIAN_FRONTEND=noninteractive
    local pkgs="dovecot-imapd openssl"
    command -v "$PYTHON" >/dev/null 2>&1 || pkgs="$pkgs python3"
    if ! apt-get install -y -q --no-install-recommends $pkgs >&2; then
        log "apt-get install failed; running apt-get update and retrying"
        apt-get update -q >&2
        apt-get install -y -q --no-install-recommends $pkgs >&2
    fi
    if [ "$created_policy" = 1 ]; then
        rm -f /usr/sbin/policy-rc.d
        trap - EXIT
    fi
    log "installed: $(dovecot --version)"
}

# ---------------------------------------------------------------- helpers
load_env() {
    # sets PLAIN_PORT TLS_PORT SPECIAL_USE from DIR/lab.env
    local dir=$1
    [ -f "$dir/lab.env" ] || die "$dir/lab.env not found (run start first)"
    PLAIN_PORT=$(sed -n 's/.*DOVECOT_PORT=\([0-9]*\).*/\1/p' "$dir/lab.env")
    TLS_PORT=$(sed -n 's/.*DOVECOT_TLS_PORT=\([0-9]*\).*/\1/p' "$dir/lab.env")
    SPECIAL_USE=$(cat "$dir/special-use" 2>/dev/null || echo 0)
}

master_pid() {
    # prints the master pid if it is running, else nothing
    local dir=$1 pid
    [ -f "$dir/run/master.pid" ] || return 0
    pid=$(cat "$dir/run/master.pid" 2>/dev/null || true)
    [ -n "$pid" ] || return 0
    if kill -0 "$pid" 2>/dev/null &&
       tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q "dovecot"; then
        echo "$pid"
    fi
}

port_open() {
    "$PYTHON" - "$1" <<'EOF'
import socket, sys
s = socket.socket()
s.settimeout(0.5)
try:
    s.connect(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
s.close()
EOF
}

wait_ready() {
    # waits until the plaintext port sends its greeting and the TLS port
    # accepts TCP; max ~15 s
    local plain=$1 tls=$2
    "$PYTHON" - "$plain" "$tls" <<'EOF'
import socket, sys, time
plain, tls = int(sys.argv[1]), int(sys.argv[2])
deadline = time.time() + 15
while True:
    try:
        s = socket.create_connection(("127.0.0.1", plain), timeout=1)
        s.settimeout(2)
        greeting = s.recv(4096)
        s.close()
        if greeting.startswith(b"* OK"):
            t = socket.create_connection(("127.0.0.1", tls), timeout=1)
            t.close()
            sys.exit(0)
    except OSError:
        pass
    if time.time() > deadline:
        sys.exit(1)
    time.sleep(0.1)
EOF
}

write_conf() {
    local dir=$1 plain=$2 tls=$3 special=$4 mechs=$5 greeting=${6:-} rawlog=${7:-0} inst
    inst="lab-$(printf '%s' "$dir" | cksum | cut -d' ' -f1)"
    {
        cat <<EOF
# Generated by scripts/dovecot-lab.sh: a self-contained instance, no
# !include of /etc/dovecot. Dovecot $(dovecot --version 2>/dev/null || echo '?')
instance_name = $inst
base_dir = $dir/run
state_dir = $dir/state
protocols = imap
listen = 127.0.0.1
log_path = $dir/dovecot.log

ssl = yes
ssl_cert = <$dir/cert.pem
ssl_key = <$dir/key.pem

disable_plaintext_auth = no
auth_mechanisms = $mechs

first_valid_uid = 8
mail_location = maildir:~/Maildir
$( [ -n "$greeting" ] && printf 'login_greeting = %s\n' "$greeting" )

passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $dir/users
}
userdb {
  driver = passwd-file
  args = username_format=%u $dir/users
}

namespace inbox {
  inbox = yes
  separator = /
EOF
        if [ "$special" != 0 ]; then
            # 1: --special-use (created and subscribed at login)
            # 2: --special-use-noauto (Ubuntu's stock 15-mailboxes.conf:
            #    SPECIAL-USE advertised, no mailbox created)
            local auto=subscribe mb
            [ "$special" = 2 ] && auto=no
            for mb in Archive Drafts Junk Sent Trash; do
                printf '  mailbox %s {\n    auto = %s\n    special_use = \\%s\n  }\n' \
                    "$mb" "$auto" "$mb"
            done
        fi
        cat <<EOF
}

$( [ "$rawlog" = 1 ] && printf 'protocol imap {\n  rawlog_dir = %s/rawlog/%%u\n}\n' "$dir" )

service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $plain
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $tls
    ssl = yes
  }
}
EOF
    } > "$dir/dovecot.conf"
}

# ---------------------------------------------------------------- start
cmd_start() {
    need_root
    [ $# -ge 1 ] || usage
    local dir plain=10143 tls=10993 special=0 mechs="plain login" greeting="" rawlog=0
    dir=$(abs_dir "$1"); shift
    while [ $# -gt 0 ]; do
        case $1 in
            --plain-port) plain=$2; shift 2 ;;
            --tls-port) tls=$2; shift 2 ;;
            --special-use) special=1; shift ;;
            --special-use-noauto) special=2; shift ;;
            --auth-mechanisms) mechs=$2; shift 2 ;;
            --login-greeting) greeting=$2; shift 2 ;;
            --rawlog) rawlog=1; shift ;;
            *) die "unknown option $1" ;;
        esac
    done
    command -v dovecot >/dev/null 2>&1 || die "dovecot not installed (run: $0 install)"

    if [ -n "$(master_pid "$dir")" ]; then
        log "an instance is already running in $dir: restarting it"
        cmd_stop "$dir"
    fi
    for p in "$plain" "$tls"; do
        if port_open "$p"; then die "port $p on 127.0.0.1 is already in use"; fi
    done

    chmod 755 "$dir"
    # dovenull/dovecot must traverse every parent of DIR
    if ! su -s /bin/sh dovecot -c "test -x '$dir'" 2>/dev/null; then
        die "$dir is not traversable by user dovecot (use a folder under /tmp)"
    fi
    mkdir -p "$dir/mail" "$dir/state"
    chown mail:mail "$dir/mail"
    chmod 750 "$dir/mail"

    # test certificate, made fresh at every start; cert.pem doubles as the CA
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/key.pem" \
        -out "$dir/cert.pem" -days 7 -subj /CN=localhost \
        -addext subjectAltName=DNS:localhost,IP:127.0.0.1 >/dev/null 2>&1 ||
        die "openssl could not make the test certificate"
    chmod 600 "$dir/key.pem"; chmod 644 "$dir/cert.pem"

    # passwd-file: user:password:uid:gid:gecos:home:shell:extra
    cat > "$dir/users" <<EOF
strategos:{PLAIN}tryhackme:8:8::$dir/mail/strategos::
learner:{PLAIN}learner:8:8::$dir/mail/learner::
reader:{PLAIN}reader:8:8::$dir/mail/reader::
EOF
    chown root:dovecot "$dir/users" 2>/dev/null || true
    chmod 640 "$dir/users"

    if [ "$rawlog" = 1 ]; then
        # the imap processes run as the mail owner and write one folder per user
        mkdir -p "$dir/rawlog/strategos" "$dir/rawlog/learner"
        chown -R mail:mail "$dir/rawlog"
    fi
    write_conf "$dir" "$plain" "$tls" "$special" "$mechs" "$greeting" "$rawlog"
    echo "$special" > "$dir/special-use"
    printf 'DOVECOT_PORT=%s DOVECOT_TLS_PORT=%s DOVECOT_DIR=%s DOVECOT_CA=%s\n' \
        "$plain" "$tls" "$dir" "$dir/cert.pem" > "$dir/lab.env"

    dovecot -c "$dir/dovecot.conf" || {
        tail -n 20 "$dir/dovecot.log" >&2 2>/dev/null || true
        die "dovecot failed to start (config: $dir/dovecot.conf)"
    }
    if ! wait_ready "$plain" "$tls"; then
        tail -n 20 "$dir/dovecot.log" >&2 2>/dev/null || true
        die "dovecot did not answer on 127.0.0.1:$plain/$tls"
    fi
    log "running: $(dovecot --version), plain $plain (STARTTLS), tls $tls, dir $dir, special-use=$special"
    cat "$dir/lab.env"
}

# ---------------------------------------------------------------- stop
cmd_stop() {
    [ $# -ge 1 ] || usage
    local dir=$1 pid i
    [ -d "$dir" ] || { log "$dir does not exist: nothing to stop"; return 0; }
    dir=$(cd "$dir" && pwd)
    pid=$(master_pid "$dir")
    if [ -z "$pid" ]; then
        log "not running in $dir"
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 150); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "master $pid still alive after 15 s: SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        sleep 0.2
    fi
    # children of this instance that outlived the master (rare)
    pkill -KILL -P "$pid" 2>/dev/null || true
    rm -f "$dir/run/master.pid"
    log "stopped (pid $pid)"
}

# ---------------------------------------------------------------- status
cmd_status() {
    [ $# -ge 1 ] || usage
    local dir=$1 pid
    [ -d "$dir" ] || { echo "not running (no $dir)"; return 1; }
    dir=$(cd "$dir" && pwd)
    pid=$(master_pid "$dir")
    if [ -z "$pid" ]; then
        echo "not running ($dir)"
        return 1
    fi
    load_env "$dir"
    echo "running: pid $pid, $(dovecot --version), special-use=$SPECIAL_USE" >&2
    if port_open "$PLAIN_PORT"; then
        cat "$dir/lab.env"
    else
        echo "master $pid alive but port $PLAIN_PORT not answering" >&2
        return 1
    fi
}

# ---------------------------------------------------------------- seed
cmd_seed_strategos() {
    need_root
    [ $# -ge 1 ] || usage
    local dir i
    dir=$(cd "$1" && pwd)
    [ -n "$(master_pid "$dir")" ] || die "dovecot is not running in $dir (run start first)"
    load_env "$dir"
    for i in 1 2 3 4; do
        [ -f "$FIXTURES/$i.eml" ] || die "missing fixture $FIXTURES/$i.eml"
    done
    local size3
    size3=$(wc -c < "$FIXTURES/3.eml")
    [ "$size3" = 445 ] || die "$FIXTURES/3.eml is $size3 bytes, expected 445"

    local conf="$dir/dovecot.conf"
    # start from an empty mailbox store for strategos
    rm -rf "$dir/mail/strategos"
    install -d -o mail -g mail -m 700 "$dir/mail/strategos"
    # create INBOX and give it the seed's UIDVALIDITY before any mail
    doveadm -c "$conf" mailbox status -u strategos uidvalidity INBOX >/dev/null
    doveadm -c "$conf" mailbox update -u strategos --uid-validity "$SEED_UIDVALIDITY" INBOX

    # APPEND over IMAP with fixed INTERNALDATEs and flags, then one SELECT
    # in a later session so that nothing is \Recent any more.
    "$PYTHON" - "$PLAIN_PORT" "$FIXTURES" "${SEED_DATES[@]}" <<'EOF'
import imaplib, sys
port, fixtures, dates = int(sys.argv[1]), sys.argv[2], sys.argv[3:7]
flags = {1: r"(\Seen)", 2: None, 3: r"(\Seen)", 4: None}
m = imaplib.IMAP4("127.0.0.1", port)
m.login("strategos", "tryhackme")
for i in range(1, 5):
    with open(f"{fixtures}/{i}.eml", "rb") as f:
        data = f.read()
    typ, resp = m.append("INBOX", flags[i], '"%s"' % dates[i - 1], data)
    assert typ == "OK", (i, typ, resp)
m.logout()
m = imaplib.IMAP4("127.0.0.1", port)
m.login("strategos", "tryhackme")
typ, resp = m.select("INBOX")
assert typ == "OK" and resp == [b"4"], (typ, resp)
m.logout()
m = imaplib.IMAP4("127.0.0.1", port)
m.login("strategos", "tryhackme")
typ, _ = m.select("INBOX")
recent = m.untagged_responses.get("RECENT")
assert recent == [b"0"], recent
typ, resp = m.fetch("1:4", "(UID FLAGS RFC822.SIZE)")
for line in resp:
    sys.stderr.write("dovecot-lab: seeded " + line.decode() + "\n")
m.logout()
EOF
    log "strategos INBOX seeded: 4 messages, 1 and 3 \\Seen, 0 RECENT, UIDVALIDITY $SEED_UIDVALIDITY"
}

# ---------------------------------------------------------------- seed-lab
cmd_seed_lab() {
    need_root
    [ $# -ge 1 ] || usage
    local dir fixture="$REPO_DIR/scenarios/fixtures/dovecot-lab.yaml"
    dir=$(cd "$1" && pwd); shift
    if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then fixture=$1; shift; fi
    [ -n "$(master_pid "$dir")" ] || die "dovecot is not running in $dir (run start first)"
    load_env "$dir"
    "$PYTHON" "$SCRIPT_DIR/lab_seed.py" --port "$PLAIN_PORT" --conf "$dir/dovecot.conf" \
        --mail "$dir/mail" "$@" "$fixture"
}

# ---------------------------------------------------------------- main
[ $# -ge 1 ] || usage
sub=$1; shift
case $sub in
    install) cmd_install "$@" ;;
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    status) cmd_status "$@" ;;
    seed-strategos) cmd_seed_strategos "$@" ;;
    seed-lab) cmd_seed_lab "$@" ;;
    -h|--help|help) usage ;;
    *) usage ;;
esac
