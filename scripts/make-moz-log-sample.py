#!/usr/bin/env python3
"""Writes tests/data/imports/thunderbird-moz-log.txt: a Thunderbird MOZ_LOG=timestamp,IMAP:5
sample written from the log's documented shape (nsImapProtocol::Log), for the
MOZ_LOG import's tests: one connection to the lab's Dovecot with AUTHENTICATE PLAIN
(whose credentials Thunderbird does not log), SELECT, a FETCH of flags, a FETCH of a
whole message (a literal, logged a line at a time) and IDLE, among Thunderbird's
own lines (URLs, streams, debug), which the import skips.

Each data entry is MOZ_LOG's prefix, then `address:host:state:Function: data`,
where the data keeps its CR LF, so an empty line follows it.
"""
import pathlib

CONN = "0x7f3a2c41e800"
HOST = "127.0.0.1"
out = []
clock = [35.0]


def stamp():
    clock[0] += 0.004
    return f"2024-06-27 16:19:{clock[0]:09.6f} UTC - [Parent 4242: IMAP]: "


def own(state, func, text):
    out.append(f"{stamp()}D/IMAP {CONN}:{HOST}:{state}:{func}: {text}\n")


def debug(text):
    out.append(f"{stamp()}D/IMAP {text}\n")


def send(state, data):
    out.append(f"{stamp()}I/IMAP {CONN}:{HOST}:{state}:SendData: {data}\r\n\n")


def recv(state, line):
    out.append(f"{stamp()}I/IMAP {CONN}:{HOST}:{state}:CreateNewLineFromSocket: {line}\r\n\n")


own("NA", "SetupWithUrlCallback", "clearing IMAP_CONNECTION_IS_OPEN")
debug(f"ReadNextLine [rv=0x0 stream={CONN} nb=101 needmore=0]")
recv("NA", "* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ "
           "AUTH=PLAIN AUTH=LOGIN] Dovecot (Debian) ready.")
send("NA", "1 capability")
recv("NA", "* CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ AUTH=PLAIN AUTH=LOGIN")
recv("NA", "1 OK Pre-login capabilities listed, post-login capabilities have more.")
send("NA", "2 authenticate PLAIN")
recv("NA", "+ ")
# The base64 credentials: Thunderbird sends them with logging suppressed.
out.append(f"{stamp()}I/IMAP {CONN}:{HOST}:NA:SendData: Logging suppressed for this command "
           "(it probably contained authentication information)\n")
recv("A", "2 OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT THREAD=REFERENCES "
          "MULTIAPPEND UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED CONDSTORE QRESYNC ESEARCH "
          "BINARY MOVE SPECIAL-USE] Logged in")
own("A", "ProcessCurrentURL", f"imap://strategos@{HOST}:10143/select%3E%2FINBOX:  = currentUrl")
send("A", '3 select "INBOX"')
for line in ["* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)",
             "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted.",
             "* 4 EXISTS", "* 0 RECENT", "* OK [UNSEEN 2] First unseen.",
             "* OK [UIDVALIDITY 1719824692] UIDs valid", "* OK [UIDNEXT 5] Predicted next UID"]:
    recv("A", line)
recv("S-INBOX", "3 OK [READ-WRITE] Select completed (0.001 + 0.000 secs).")
send("S-INBOX", "4 UID fetch 1:* (FLAGS)")
for i, flags in enumerate(["(\\Seen)", "()", "(\\Seen)", "()"], 1):
    recv("S-INBOX", f"* {i} FETCH (UID {i} FLAGS {flags})")
recv("S-INBOX", "4 OK Fetch completed (0.001 + 0.000 secs).")
body = ["From: Bob <bob@client.thm>", "To: strategos@server.thm", "Subject: Re: Telnet email",
        "Date: Fri, 28 Jun 2024 08:05:00 +0000", "",
        "Hi! Thunderbird fetched this with BODY.PEEK[]."]
size = sum(len(line) + 2 for line in body)
send("S-INBOX", "5 UID fetch 4 (UID RFC822.SIZE BODY.PEEK[])")
own("S-INBOX", "STREAM", f"OPEN Size: {size}: Begin Message Download Stream")
recv("S-INBOX", f"* 4 FETCH (UID 4 RFC822.SIZE {size} BODY[] {{{size}}}")
for line in body[:-1]:
    recv("S-INBOX", line)
# The literal's last line: its CR LF, then the FETCH's closing parenthesis.
recv("S-INBOX", body[-1] + "\r\n)")
own("S-INBOX", "STREAM", "CLOSE: Normal Message End Download Stream")
recv("S-INBOX", "5 OK Fetch completed (0.002 + 0.000 secs).")
send("S-INBOX", "6 IDLE")
recv("S-INBOX", "+ idling")
recv("S-INBOX", "* 5 EXISTS")
recv("S-INBOX", "* 1 RECENT")
send("S-INBOX", "DONE")
recv("S-INBOX", "6 OK Idle completed (0.001 + 3.215 + 3.214 secs).")
send("S-INBOX", "7 logout")
recv("S-INBOX", "* BYE Logging out")
recv("S-INBOX", "7 OK Logout completed (0.001 + 0.000 secs).")
own("S-INBOX", "TellThreadToDie", "close socket connection")

target = pathlib.Path(__file__).resolve().parent.parent / "tests/data/imports/thunderbird-moz-log.txt"
target.write_text("".join(out), newline="")
print(f"wrote {target}")
