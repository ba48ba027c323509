#!/usr/bin/env python3
"""One python imaplib session against a server, for the import captures.

Usage: imaplib_session.py HOST PORT MODE [BIG_BYTES]
  plain     LOGIN, SELECT, FETCH flags and sizes, FETCH 3 BODY[] (a literal), NOOP,
            STORE, LOGOUT: what tests/data/imports/dovecot-imaplib.* hold
  big       the same, plus APPEND and FETCH of a message of BIG_BYTES bytes (default
            200000), whose literals TCP splits across segments on loopback
  tls       implicit TLS (IMAPS): LOGIN and LOGOUT, certificate not checked (a lab)
  starttls  STARTTLS first, then LOGIN and LOGOUT
The user is the lab's strategos / tryhackme.
"""
import imaplib
import ssl
import sys

host, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
big = int(sys.argv[4]) if len(sys.argv) > 4 else 200000
lab_tls = ssl.create_default_context()
lab_tls.check_hostname = False
lab_tls.verify_mode = ssl.CERT_NONE

if mode == "tls":
    imap = imaplib.IMAP4_SSL(host, port, ssl_context=lab_tls)
else:
    imap = imaplib.IMAP4(host, port)
if mode == "starttls":
    imap.starttls(ssl_context=lab_tls)
imap.login("strategos", "tryhackme")
if mode in ("plain", "big"):
    imap.select("INBOX")
    imap.fetch("1:4", "(UID FLAGS RFC822.SIZE)")
    typ, data = imap.fetch("3", "(BODY.PEEK[])")
    assert len(data[0][1]) == 445, len(data[0][1])
    imap.noop()
    imap.store("2", "+FLAGS", "(\\Flagged)")
    if mode == "big":
        line = b"All work and no play makes Jack a dull boy. 0123456789 abcdefghijklmnop\r\n"
        body = line * (big // len(line) + 1)
        message = (b"From: big@client.thm\r\nTo: strategos@server.thm\r\nSubject: big\r\n\r\n"
                   + body)[:big]
        imap.append("INBOX", None, None, message)
        typ, data = imap.select("INBOX")
        last = data[0].decode()
        typ, data = imap.fetch(last, "(BODY.PEEK[])")
        assert data[0][1] == message, "the big message came back changed"
    imap.store("2", "-FLAGS", "(\\Flagged)")
imap.logout()
