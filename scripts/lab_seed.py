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
    for user in users:
        seed_user(args, base, user)


if __name__ == "__main__":
    main()
