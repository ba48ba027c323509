#!/usr/bin/env python3
"""lab_seed.py: gives a running Dovecot lab the world of a mock fixture.

Called by `scripts/dovecot-lab.sh seed-lab DIR [FIXTURE]`, which passes the lab's
plaintext port, its dovecot.conf and its mail folder. For every user of the fixture
(all of them, or the ones named with --user) it empties the user's mail, then
rebuilds each mailbox as the fixture describes it: UIDVALIDITY, the messages in
order with their flags and INTERNALDATE (APPENDed over IMAP, so UIDs come out as the
fixture numbers them), the subscriptions, and one SELECT afterwards so that nothing
is \\Recent. The mock loads the same YAML, so both servers start from one world.

What the lab cannot play is refused rather than approximated: `special_use`
(it needs Dovecot's config), `recent: true`, and `text:` messages (their line
breaks become CRLF in the mock; the lab's fixture keeps its mail in files).
"""

import argparse
import imaplib
import os
import shutil
import subprocess
import sys
import time

import yaml


def die(message):
    sys.stderr.write(f"lab_seed: error: {message}\n")
    sys.exit(1)


def doveadm(conf, *args):
    subprocess.run(["doveadm", "-c", conf, *args], check=True, stdout=subprocess.DEVNULL)


def quote(name):
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def check(typ, data, what):
    if typ != "OK":
        die(f"{what}: {typ} {data}")


def imap_children(master):
    """The pids of the `imap` processes this lab's master started (one per session)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as f:
                stat = f.read()
        except OSError:
            continue  # gone meanwhile
        # pid (comm) state ppid ...: comm may hold spaces, so split after its ')'.
        comm = stat[stat.find("(") + 1:stat.rfind(")")]
        ppid = stat[stat.rfind(")") + 2:].split()[1]
        if comm == "imap" and ppid == str(master):
            pids.append(int(entry))
    return pids


def wait_for_sessions_to_end(conf):
    """Waits until the sessions of earlier clients are over, their processes gone.

    A session's imap process writes its mailbox's index and cache as it ends, after
    anvil has already forgotten it (`doveadm who` is empty by then). Mail removed and
    seeded again before that write gets the old session's index back: a battery run
    right after another saw a stale cache answer one SEARCH of a message differently,
    now and then. So the world is reset only once no imap process of the lab is left.
    """
    pid_file = os.path.join(os.path.dirname(os.path.abspath(conf)), "run", "master.pid")
    try:
        with open(pid_file, encoding="ascii") as f:
            master = int(f.read().strip())
    except (OSError, ValueError):
        return  # no master: nothing can be running
    subprocess.run(["doveadm", "-c", conf, "kick", "*"], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False)
    deadline = time.monotonic() + 20
    while imap_children(master):
        if time.monotonic() > deadline:
            die(f"imap sessions still running after 20 s: {imap_children(master)}")
        time.sleep(0.02)


def seed_user(args, base, user):
    name, password = user["name"], user["password"]
    home = os.path.join(args.mail, name)
    shutil.rmtree(home, ignore_errors=True)
    os.makedirs(home, mode=0o700)
    shutil.chown(home, "mail", "mail")
    mailboxes = user.get("mailboxes") or []
    imap = imaplib.IMAP4("127.0.0.1", args.port)
    check(*imap.login(name, password), f"LOGIN {name}")
    for box in mailboxes:
        for unsupported in ("special_use",):
            if box.get(unsupported):
                die(f"{name}/{box['name']}: the lab cannot play `{unsupported}`")
        mailbox = box["name"]
        if mailbox.upper() != "INBOX":
            check(*imap.create(quote(mailbox)), f"CREATE {mailbox}")
        else:
            # INBOX exists once asked about; give it its UIDVALIDITY before any mail.
            doveadm(args.conf, "mailbox", "status", "-u", name, "uidvalidity", "INBOX")
        if box.get("uidvalidity"):
            doveadm(args.conf, "mailbox", "update", "-u", name,
                    "--uid-validity", str(box["uidvalidity"]), mailbox)
        next_uid = 1
        for message in box.get("messages") or []:
            if message.get("recent") or message.get("text") is not None:
                die(f"{name}/{mailbox}: the lab seeds only `file:` messages, never recent")
            uid = message.get("uid", next_uid)
            if uid < next_uid:
                die(f"{name}/{mailbox}: UID {uid} after {next_uid - 1}")
            if uid > next_uid:
                doveadm(args.conf, "mailbox", "update", "-u", name,
                        "--min-next-uid", str(uid), mailbox)
            with open(os.path.join(base, message["file"]), "rb") as f:
                data = f.read()
            flags = message.get("flags") or []
            date = message.get("internal_date")
            check(*imap.append(quote(mailbox), "(" + " ".join(flags) + ")" if flags else None,
                               f'"{date}"' if date else None, data),
                  f"APPEND {mailbox} UID {uid}")
            next_uid = uid + 1
        if box.get("uidnext") and box["uidnext"] > next_uid:
            doveadm(args.conf, "mailbox", "update", "-u", name,
                    "--min-next-uid", str(box["uidnext"]), mailbox)
        if box.get("subscribed"):
            check(*imap.subscribe(quote(mailbox)), f"SUBSCRIBE {mailbox}")
    imap.logout()
    # A later session's SELECT takes \Recent away, as on a server whose mail is old.
    imap = imaplib.IMAP4("127.0.0.1", args.port)
    check(*imap.login(name, password), f"LOGIN {name}")
    for box in mailboxes:
        check(*imap.select(quote(box["name"])), f"SELECT {box['name']}")
    imap.logout()
    counts = ", ".join(f"{b['name']} {len(b.get('messages') or [])}" for b in mailboxes)
    sys.stderr.write(f"lab_seed: {name}: {counts or 'empty'}\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--conf", required=True, help="the lab's dovecot.conf")
    parser.add_argument("--mail", required=True, help="the lab's mail folder (DIR/mail)")
    parser.add_argument("--user", action="append", help="seed only this user (repeatable)")
    parser.add_argument("fixture")
    args = parser.parse_args()
    with open(args.fixture, encoding="utf-8") as f:
        fixture = yaml.safe_load(f)
    base = os.path.dirname(os.path.abspath(args.fixture))
    users = fixture.get("users") or []
    if args.user:
        unknown = set(args.user) - {u["name"] for u in users}
        if unknown:
            die(f"no such user in {args.fixture}: {', '.join(sorted(unknown))}")
        users = [u for u in users if u["name"] in args.user]
    wait_for_sessions_to_end(args.conf)
    for user in users:
        seed_user(args, base, user)


if __name__ == "__main__":
    main()
