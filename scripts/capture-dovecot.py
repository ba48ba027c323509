#!/usr/bin/env python3
"""capture-dovecot.py: record exactly what a real Dovecot answers.

Talks raw IMAP over sockets (no imaplib) to a lab started by
scripts/dovecot-lab.sh and writes RFC-style transcripts:

    C: <bytes the client sent, split at CRLF>
    S: <bytes the server sent, split at CRLF>
    # comment (not protocol)

Literals appear inline: the line announcing `{N}` is followed by the N
bytes, split at their CRLFs like every other line.  Every protocol line
ends with CRLF unless a `# (no CRLF after the line above)` comment says
otherwise.  A machine-readable twin (`*.json`) keeps the exact bytes of
every send/receive, in order, with the session number.

Modes (see tests/data/dovecot/README.md):
  --all                  start labs, seed, run everything, stop (the way the
                         files in tests/data/dovecot/ were made)
  --seed                 the seed session (A LOGIN / B SELECT / C FETCH / D LOGOUT)
  --battery              the battery of commands (reseeds first)
  --caps LABEL           greeting + CAPABILITY before/after login, TLS, STARTTLS
Lab location: --dir DIR (reads DIR/lab.env) or --port/--tls-port/--ca.
"""

import argparse
import base64
import json
import os
import re
import socket
import ssl
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
LAB = os.path.join(HERE, "dovecot-lab.sh")
DEFAULT_OUT = os.path.join(REPO, "tests", "data", "dovecot")
FIXTURES = os.path.join(REPO, "tests", "data", "strategos")
SEED_FILE_CANDIDATES = [
    os.path.join(REPO, "..", "shared", "seeds", "000_5f44558ce6d11335.txt"),
    "/work/shared/seeds/000_5f44558ce6d11335.txt",
]

USER, PASSWORD = "strategos", "tryhackme"
LITERAL_RE = re.compile(rb"\{(\d+)\+?\}\r\n$")


# --------------------------------------------------------------------------
# recording


class Recorder:
    """Collects the ordered events of one or more sessions."""

    def __init__(self, title):
        self.title = title
        self.events = []  # dicts: kind C/S/#, session, data(bytes or str), t

    def client(self, session, data):
        self.events.append({"kind": "C", "session": session, "data": data, "t": time.time()})

    def server(self, session, data):
        self.events.append({"kind": "S", "session": session, "data": data, "t": time.time()})

    def note(self, text, session=None):
        self.events.append({"kind": "#", "session": session, "data": text, "t": time.time()})

    # -- rendering

    def transcript(self):
        out = []
        for ev in self.events:
            if ev["kind"] == "#":
                if ev["data"] == "":
                    out.append("")
                else:
                    for line in ev["data"].split("\n"):
                        out.append("# " + line if line else "#")
                continue
            text = ev["data"].decode("utf-8", "backslashreplace")
            pieces = text.split("\r\n")
            trailing = pieces[-1]
            for p in pieces[:-1]:
                out.append("%s: %s" % (ev["kind"], p))
            if trailing:
                out.append("%s: %s" % (ev["kind"], trailing))
                out.append("# (no CRLF after the line above)")
        # merge: a server read may be split in several recv()s; the
        # recorder stores whole logical responses so splitting is fine.
        return "\n".join(out) + "\n"

    def to_json(self):
        t0 = self.events[0]["t"] if self.events else 0
        evs = []
        for ev in self.events:
            data = ev["data"]
            if isinstance(data, bytes):
                data = data.decode("utf-8", "backslashreplace")
            evs.append({"kind": ev["kind"], "session": ev["session"], "data": data,
                        "t": round(ev["t"] - t0, 3)})
        return json.dumps({"title": self.title, "events": evs}, indent=1, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------
# raw IMAP connection


class Closed(Exception):
    pass


class Session:
    def __init__(self, rec, num, port, tls=False, ca=None, label=None):
        self.rec = rec
        self.num = num
        self.ca = ca
        self.buf = b""
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        if tls:
            self.sock = self._wrap(self.sock)
        what = "TLS port" if tls else "plaintext port"
        rec.note("")
        rec.note("session %d: connect to 127.0.0.1:%d (%s)%s"
                 % (num, port, what, (" - " + label) if label else ""), num)
        self.greeting = self.read_response()
        self.rec.server(num, self.greeting)

    def _wrap(self, sock):
        ctx = ssl.create_default_context(cafile=self.ca)
        return ctx.wrap_socket(sock, server_hostname="localhost")

    def starttls(self):
        self.sock = self._wrap(self.sock)
        self.rec.note("(TLS handshake: %s %s)" % (self.sock.version(), self.sock.cipher()[0]), self.num)

    # -- low level reads

    def _fill(self, timeout):
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            return False
        except (ConnectionResetError, BrokenPipeError):
            raise Closed()
        if not data:
            raise Closed()
        self.buf += data
        return True

    def read_response(self, timeout=10.0):
        """One server response line, literals included (bytes, with CRLF)."""
        deadline = time.time() + timeout
        out = b""
        while True:
            i = self.buf.find(b"\r\n")
            while i < 0:
                left = deadline - time.time()
                if left <= 0:
                    raise socket.timeout("no complete line")
                try:
                    self._fill(left)
                except Closed:
                    if self.buf or out:
                        rest = out + self.buf
                        self.buf = b""
                        return rest
                    raise
                i = self.buf.find(b"\r\n")
            line, self.buf = self.buf[:i + 2], self.buf[i + 2:]
            out += line
            m = LITERAL_RE.search(line)
            if not m:
                return out
            n = int(m.group(1))
            while len(self.buf) < n:
                left = deadline - time.time()
                if left <= 0:
                    raise socket.timeout("literal incomplete")
                self._fill(left)
            out += self.buf[:n]
            self.buf = self.buf[n:]

    def drain(self, quiet=0.3):
        """Record whatever the server sends within `quiet` seconds."""
        got = b""
        closed = False
        while True:
            try:
                r = self.read_response(timeout=quiet)
            except socket.timeout:
                break
            except Closed:
                closed = True
                break
            got += r
        if got:
            self.rec.server(self.num, got)
        if closed:
            self.rec.note("(server closed the connection)", self.num)
        return got

    # -- commands

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.rec.client(self.num, data)
        try:
            self.sock.sendall(data)
        except (ConnectionResetError, BrokenPipeError):
            self.rec.note("(send failed: connection closed by the server)", self.num)

    def cmd(self, *parts, tag=None, timeout=10.0, note=None):
        """Send a command made of parts; between parts wait for a '+'
        continuation.  Reads until the tagged completion (or BYE/close)."""
        if note:
            self.rec.note(note, self.num)
        parts = [p.encode() if isinstance(p, str) else p for p in parts]
        first = parts[0]
        if tag is None:
            tag = first.split(b" ", 1)[0].split(b"\r", 1)[0]
        elif isinstance(tag, str):
            tag = tag.encode()
        t0 = time.time()
        got = b""
        done = False
        closed = False
        for k, part in enumerate(parts):
            self.send(part)
            if k == len(parts) - 1:
                break
            # wait for continuation
            while True:
                try:
                    r = self.read_response(timeout)
                except Closed:
                    closed = True
                    break
                got += r
                if r.startswith(b"+"):
                    break
                if r.startswith(tag + b" "):
                    done = True
                    break
            self.rec.server(self.num, got)
            got = b""
            if done or closed:
                break
        while not done and not closed:
            try:
                r = self.read_response(timeout)
            except Closed:
                closed = True
                break
            except socket.timeout:
                if got:
                    self.rec.server(self.num, got)
                    got = b""
                self.rec.note("(no tagged completion within %.0f s)" % timeout, self.num)
                break
            got += r
            if r.startswith(tag + b" "):
                done = True
        if got:
            self.rec.server(self.num, got)
        dt = time.time() - t0
        if dt >= 1.0:
            self.rec.note("(the reply took %.1f s)" % dt, self.num)
        if closed:
            self.rec.note("(server closed the connection)", self.num)
        return got

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def b64(s):
    return base64.b64encode(s.encode()).decode()


# --------------------------------------------------------------------------
# lab helpers


def lab_env(directory):
    env = {}
    with open(os.path.join(directory, "lab.env")) as f:
        for tok in f.read().split():
            k, _, v = tok.partition("=")
            env[k] = v
    return env


def lab(*args):
    subprocess.run(["bash", LAB] + list(args), check=True, stdout=subprocess.DEVNULL)


def reseed(directory):
    lab("seed-strategos", directory)


def fixture(n):
    with open(os.path.join(FIXTURES, "%d.eml" % n), "rb") as f:
        return f.read()


# --------------------------------------------------------------------------
# the seed session


SEED_CLIENT = ["A LOGIN strategos tryhackme", "B SELECT inbox", "C FETCH 3 body[]", "D LOGOUT"]


def run_seed(port):
    rec = Recorder("seed session 000_5f44558ce6d11335 replayed against Dovecot")
    s = Session(rec, 1, port)
    raw = s.greeting
    for line in SEED_CLIENT:
        raw += s.cmd(line + "\r\n")
    s.close()
    return rec, raw


def seed_expected():
    for p in SEED_FILE_CANDIDATES:
        if os.path.exists(p):
            with open(p, encoding="utf-8") as f:
                lines = f.read().split("\n")
            start = next(i for i, l in enumerate(lines) if l.startswith("* OK [CAPABILITY"))
            end = next(i for i, l in enumerate(lines) if l.startswith("D OK Logout"))
            return p, lines[start:end + 1]
    return None, None


def telnet_view(rec):
    """The session as telnet shows it: client and server lines interleaved."""
    lines = []
    for ev in rec.events:
        if ev["kind"] in "CS":
            text = ev["data"].decode("utf-8", "backslashreplace")
            lines.extend(text.split("\r\n")[:-1])
    return lines


def normalize(line):
    line = re.sub(r"\(\d+\.\d+( \+ \d+\.\d+)+ secs\)", "(T secs)", line)
    line = re.sub(r"\[CAPABILITY [^\]]*\]", "[CAPABILITY ...]", line)
    line = line.replace("Dovecot (Debian) ready.", "Dovecot (X) ready.")
    line = line.replace("Dovecot (Ubuntu) ready.", "Dovecot (X) ready.")
    line = line.replace("A LOGIN strategos tryhackme", "A LOGIN strategos")
    line = line.replace("\t", " " * 8)
    return line


def compare_seed(rec, label):
    path, expected = seed_expected()
    out = ["seed comparison (%s)" % label]
    if expected is None:
        out.append("  seed file not found; skipped")
        return "\n".join(out) + "\n"
    got = telnet_view(rec)
    out.append("  seed: %s" % path)
    exact_diffs = []
    norm_diffs = []
    n = max(len(got), len(expected))
    for i in range(n):
        g = got[i] if i < len(got) else "<missing>"
        e = expected[i] if i < len(expected) else "<missing>"
        if g != e:
            exact_diffs.append((i + 1, e, g))
            if normalize(g) != normalize(e):
                norm_diffs.append((i + 1, e, g))
    out.append("  %d lines seed, %d lines here; %d lines differ byte-wise, %d after normalizing"
               % (len(expected), len(got), len(exact_diffs), len(norm_diffs)))
    out.append("  (normalized: OS name in the greeting, CAPABILITY lists, timing figures,")
    out.append("   the password the seed leaves out, and the seed's 8-space folding of Received)")
    for i, e, g in exact_diffs:
        mark = "  REAL DIFFERENCE" if (i, e, g) in norm_diffs else ""
        out.append("  line %d:%s" % (i, mark))
        out.append("    seed:    %s" % e)
        out.append("    dovecot: %s" % g.replace("\t", "\\t"))
    for i, e, g in exact_diffs:
        if e.startswith("* OK [CAPABILITY") or e.startswith("A OK [CAPABILITY"):
            ce = set(re.search(r"\[CAPABILITY ([^\]]*)\]", e).group(1).split())
            m = re.search(r"\[CAPABILITY ([^\]]*)\]", g)
            cg = set(m.group(1).split()) if m else set()
            out.append("  capabilities on line %d: only in seed: %s; only in Dovecot here: %s"
                       % (i, " ".join(sorted(ce - cg)) or "-", " ".join(sorted(cg - ce)) or "-"))
    out.append("  verdict: %s" % ("REPRODUCED (only the expected differences)" if not norm_diffs
                                  else "DIFFERENT"))
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------
# capabilities


def run_caps(label, port, tls_port, ca):
    rec = Recorder("greeting and CAPABILITY: %s" % label)
    s = Session(rec, 1, port, label="plaintext, before and after LOGIN")
    s.cmd("a1 CAPABILITY\r\n")
    s.cmd("a2 LOGIN strategos tryhackme\r\n")
    s.cmd("a3 CAPABILITY\r\n")
    s.cmd('a4 LIST "" *\r\n')
    s.cmd('a5 LIST (SPECIAL-USE) "" *\r\n')
    s.cmd('a6 LSUB "" *\r\n')
    s.cmd("a7 LOGOUT\r\n")
    s.close()
    s = Session(rec, 2, port, ca=ca, label="plaintext, STARTTLS, then LOGIN")
    s.cmd("b1 STARTTLS\r\n")
    s.starttls()
    s.cmd("b2 CAPABILITY\r\n")
    s.cmd("b3 LOGIN strategos tryhackme\r\n")
    s.cmd("b4 LOGOUT\r\n")
    s.close()
    s = Session(rec, 3, tls_port, tls=True, ca=ca, label="implicit TLS")
    s.cmd("c1 CAPABILITY\r\n")
    s.cmd("c2 AUTHENTICATE PLAIN %s\r\n" % b64("\0strategos\0tryhackme"))
    s.cmd("c3 LOGOUT\r\n")
    s.close()
    return rec


# --------------------------------------------------------------------------
# the battery


def run_battery(port, directory, ca, rec=None):
    rec = rec or Recorder("Dovecot battery against the seeded strategos world")
    rec.title = "Dovecot battery against the seeded strategos world"
    rec.note("Dovecot battery. State at start: strategos INBOX seeded by\n"
             "`scripts/dovecot-lab.sh seed-strategos` (4 messages, 1 and 3 \\Seen, 0 RECENT,\n"
             "UIDVALIDITY 1719824692, no other mailbox). Sessions are numbered; a\n"
             "`# session N` comment opens each one. Timings like (0.001 + 0.000 secs) vary.")
    reseed(directory)
    n = [0]

    def new(label, tls=False, p=None):
        n[0] += 1
        return Session(rec, n[0], p or port, label=label)

    # ---- session 1: not authenticated state, then LOGIN
    s = new("not-authenticated state, LOGIN")
    s.cmd("a1 CAPABILITY\r\n")
    s.cmd("a2 NOOP\r\n")
    s.cmd("a3 noop\r\n", note="lowercase command")
    s.cmd("a4 SELECT INBOX\r\n", note="SELECT before login")
    s.cmd("a5 LOGIN strategos wrongpassword\r\n", note="wrong password (Dovecot waits ~2 s)")
    s.cmd("a6 LOGIN strategos tryhackme\r\n")
    s.cmd("a7 CAPABILITY\r\n")
    s.cmd("a8 NOOP\r\n")
    s.cmd("a9 LOGIN strategos tryhackme\r\n", note="LOGIN again once authenticated")
    s.cmd("a10 NAMESPACE\r\n")
    s.cmd('a11 ID ("name" "capture-dovecot" "version" "1")\r\n')
    s.cmd("a12 ID NIL\r\n")
    s.cmd("a13 FETCH 1 FLAGS\r\n", note="FETCH before SELECT")
    s.cmd("a14 STORE 1 +FLAGS (\\Seen)\r\n", note="STORE before SELECT")
    s.cmd("a15 EXPUNGE\r\n", note="EXPUNGE before SELECT")
    s.cmd("a16 CLOSE\r\n", note="CLOSE before SELECT")
    s.cmd("a17 UNSELECT\r\n", note="UNSELECT before SELECT")
    s.cmd("a18 SEARCH ALL\r\n", note="SEARCH before SELECT")
    s.cmd("a19 LOGOUT\r\n")
    s.close()

    # ---- session 2: pre-login errors (imap-login tolerates few bad commands)
    rec.note("")
    rec.note("Before login, imap-login answers 3 bad commands and closes the connection at\n"
             "the 4th with * BYE (the session about too many bad commands shows it), so the error cases below are spread\n"
             "over several sessions with at most 2 bad commands each.")
    s = new("not-authenticated errors: the seed tutorial's c1LOGIN, no tag")
    s.cmd("c1LOGIN strategos tryhackme\r\n", note="no space after the tag (the seed's tutorial writes c1LOGIN)")
    s.cmd("LOGIN strategos tryhackme\r\n", note="no tag at all: the command name is taken as the tag")
    s.cmd("x3 LOGOUT\r\n")
    s.close()

    s = new("not-authenticated errors: unknown command, missing argument")
    s.cmd("x1 FOO\r\n", note="unknown command")
    s.cmd("x2 LOGIN strategos\r\n", note="missing argument (the seed shows `A LOGIN strategos`: its password was left out)")
    s.cmd("x3 LOGOUT\r\n")
    s.close()

    s = new("not-authenticated errors: LOGIN without arguments, extra arguments")
    s.cmd("y1 LOGIN\r\n", note="LOGIN without arguments")
    s.cmd("y2 CAPABILITY extra\r\n", note="extra argument to CAPABILITY (ignored)")
    s.cmd("y3 NOOP extra\r\n", note="extra argument to NOOP")
    s.cmd("y4 LOGIN strategos tryhackme extra\r\n", note="LOGIN with an extra argument")
    s.cmd("y5 LOGOUT\r\n")
    s.close()

    s = new("not-authenticated: too many bad commands (does a good command reset the count?)")
    s.cmd("v1 BAD1\r\n")
    s.cmd("v2 BAD2\r\n")
    s.cmd("v3 NOOP\r\n", note="a good command in between")
    s.cmd("v4 BAD3\r\n")
    s.cmd("v5 BAD4\r\n")
    s.cmd("v6 NOOP\r\n")
    s.close()

    s = new("not-authenticated: lowercase commands, ID, ENABLE")
    s.cmd("k1 capability\r\n")
    s.cmd('k2 id ("name" "capture-dovecot")\r\n')
    s.cmd("k2a ENABLE CONDSTORE\r\n", note="ENABLE before login")
    s.cmd("k3 login strategos tryhackme\r\n", note="lowercase LOGIN")
    s.cmd("k4 logout\r\n")
    s.close()

    s = new("not-authenticated: empty line, tag only, LOGIN with quoted strings and literal")
    s.send(b"\r\n")
    rec.note("(empty line sent; waiting 0.5 s for any answer)", s.num)
    s.drain(0.5)
    s.cmd("z1\r\n", note="a tag and nothing else")
    s.cmd('z2 LOGIN "strategos" "tryhackme"\r\n', note="quoted strings")
    s.cmd("z3 LOGOUT\r\n")
    s.close()

    s = new("LOGIN with a synchronizing literal")
    s.cmd("z4 LOGIN {9}\r\n", "strategos {9}\r\n", "tryhackme\r\n")
    s.cmd("z5 LOGOUT\r\n")
    s.close()

    # ---- AUTHENTICATE
    s = new("AUTHENTICATE PLAIN with SASL-IR")
    s.cmd("b1 AUTHENTICATE PLAIN %s\r\n" % b64("\0strategos\0tryhackme"))
    s.cmd("b2 LOGOUT\r\n")
    s.close()

    s = new("AUTHENTICATE PLAIN via continuation, authzid given")
    s.cmd("b1 AUTHENTICATE PLAIN\r\n", b64("strategos\0strategos\0tryhackme") + "\r\n")
    s.cmd("b2 LOGOUT\r\n")
    s.close()

    s = new("AUTHENTICATE LOGIN, AUTHENTICATE cancelled, unknown mechanism, bad base64")
    s.cmd("b1 AUTHENTICATE PLAIN\r\n", "*\r\n", note="client cancels with *")
    s.cmd("b2 AUTHENTICATE CRAM-MD5\r\n", note="mechanism not offered")
    s.cmd("b3 AUTHENTICATE LOGIN\r\n", b64("strategos") + "\r\n", b64("tryhackme") + "\r\n")
    s.cmd("b4 LOGOUT\r\n")
    s.close()

    s = new("AUTHENTICATE with invalid base64")
    s.cmd("b1 AUTHENTICATE PLAIN\r\n", "!!!notbase64\r\n")
    s.cmd("b2 LOGOUT\r\n")
    s.close()

    s = new("LOGOUT before login")
    s.cmd("l1 LOGOUT\r\n")
    s.close()

    # ---- session: mailbox management in authenticated state
    s = new("authenticated state: LIST, LSUB, STATUS, CREATE, RENAME, DELETE, SUBSCRIBE")
    s.cmd("m1 LOGIN strategos tryhackme\r\n")
    s.cmd('m2 LIST "" ""\r\n', note='LIST "" "" (hierarchy delimiter)')
    s.cmd('m3 LIST "" *\r\n')
    s.cmd('m4 LIST "" %\r\n')
    s.cmd('m5 LIST "" INBOX\r\n')
    s.cmd('m6 LIST "" inbox\r\n', note="INBOX is case-insensitive")
    s.cmd('m7 LSUB "" *\r\n')
    s.cmd("m8 STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN)\r\n")
    s.cmd("m9 STATUS inbox (MESSAGES)\r\n")
    s.cmd("m10 STATUS INBOX (HIGHESTMODSEQ SIZE)\r\n", note="STATUS extensions advertised after login")
    s.cmd("m11 STATUS Nonexistent (MESSAGES)\r\n")
    s.cmd("m12 STATUS INBOX (BOGUS)\r\n")
    s.cmd("m13 CREATE Work\r\n")
    s.cmd("m14 CREATE Work/Projects\r\n")
    s.cmd("m15 CREATE Work\r\n", note="CREATE an existing mailbox")
    s.cmd("m16 CREATE INBOX\r\n", note="CREATE INBOX")
    s.cmd("m17 CREATE Deep/Down/Below/\r\n", note="trailing separator, missing parents")
    s.cmd('m18 LIST "" *\r\n')
    s.cmd('m19 LIST "" %\r\n')
    s.cmd('m20 LIST "" Work/%\r\n')
    s.cmd('m21 LIST Work/ *\r\n', note="reference name")
    s.cmd('m22 LIST "" "*Proj*"\r\n')
    s.cmd('m23 LIST "" Nothing*\r\n', note="pattern that matches nothing")
    s.cmd("m24 SUBSCRIBE Work\r\n")
    s.cmd("m25 SUBSCRIBE Nonexistent\r\n")
    s.cmd('m26 LSUB "" *\r\n')
    s.cmd('m27 LSUB "" %\r\n')
    s.cmd("m28 UNSUBSCRIBE Nonexistent\r\n")
    s.cmd("m29 UNSUBSCRIBE Work\r\n")
    s.cmd("m30 UNSUBSCRIBE Work\r\n", note="UNSUBSCRIBE again")
    s.cmd('m31 LSUB "" *\r\n')
    s.cmd("m32 RENAME Work/Projects Work/Done\r\n")
    s.cmd("m33 RENAME Missing Other\r\n", note="RENAME of a missing mailbox")
    s.cmd("m34a CREATE Other\r\n")
    s.cmd("m34 RENAME Work Other\r\n", note="RENAME onto an existing mailbox")
    s.cmd("m35 RENAME INBOX OldInbox\r\n", note="RENAME INBOX")
    s.cmd('m36 LIST "" *\r\n')
    s.cmd("m37 STATUS OldInbox (MESSAGES UNSEEN UIDNEXT)\r\n")
    s.cmd("m38 STATUS INBOX (MESSAGES UIDNEXT)\r\n")
    s.cmd("m39 DELETE Work\r\n", note="DELETE of a mailbox with children")
    s.cmd('m39a LIST "" *\r\n', note="LIST after deleting a parent: still listed, no \\Noselect")
    s.cmd("m39b SELECT Work\r\n", note="SELECT of a \\Noselect mailbox")
    s.cmd("m40 DELETE Work/Done\r\n")
    s.cmd("m41 DELETE Work\r\n", note="the \\Noselect parent has gone with its last child")
    s.cmd("m41a DELETE Other\r\n")
    s.cmd("m42 DELETE Missing\r\n")
    s.cmd("m43 DELETE INBOX\r\n")
    s.cmd("m44 DELETE Deep/Down/Below\r\n")
    s.cmd("m45 DELETE Deep/Down\r\n", note="a \\Noselect parent that no longer has children")
    s.cmd("m46 DELETE Deep\r\n")
    s.cmd("m47 DELETE OldInbox\r\n")
    s.cmd('m48 LIST "" *\r\n')
    s.cmd("m49 SELECT Missing\r\n", note="SELECT of a missing mailbox")
    s.cmd("m50 EXAMINE Missing\r\n")
    s.cmd("m51 LOGOUT\r\n")
    s.close()

    s = new("user learner: an empty INBOX")
    s.cmd("n1 LOGIN learner learner\r\n")
    s.cmd('n2 LIST "" *\r\n')
    s.cmd("n3 STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN)\r\n")
    s.cmd("n4 SELECT INBOX\r\n", note="SELECT of an empty mailbox: no UNSEEN line")
    s.cmd("n5 FETCH 1:* FLAGS\r\n", note="1:* in an empty mailbox")
    s.cmd("n6 FETCH 1 FLAGS\r\n")
    s.cmd("n7 UID FETCH 1:* FLAGS\r\n")
    s.cmd("n8 SEARCH ALL\r\n")
    s.cmd("n9 EXPUNGE\r\n")
    s.cmd("n10 LOGOUT\r\n")
    s.close()

    # RENAME INBOX moved the seeded mail away; start again from the seed.
    rec.note("")
    rec.note("(reseeded: scripts/dovecot-lab.sh seed-strategos DIR, so that the next session starts from the seed state)")
    reseed(directory)

    # ---- session: selected state, FETCH
    s = new("selected state: EXAMINE, SELECT, FETCH")
    s.cmd("f1 LOGIN strategos tryhackme\r\n")
    s.cmd("f2 EXAMINE INBOX\r\n")
    s.cmd("f3 FETCH 2 BODY[]\r\n", note="BODY[] on an unseen message, read-only: no \\Seen set")
    s.cmd("f4 FETCH 2 FLAGS\r\n")
    s.cmd("f5 STORE 2 +FLAGS (\\Flagged)\r\n", note="STORE in a read-only mailbox")
    s.cmd("f6 EXPUNGE\r\n", note="EXPUNGE in a read-only mailbox")
    s.cmd("f7 SELECT INBOX\r\n", note="SELECT while another mailbox is selected")
    s.cmd("f8 FETCH 1 FLAGS\r\n")
    s.cmd("f9 FETCH 1:* FLAGS\r\n")
    s.cmd("f10 FETCH 1 INTERNALDATE\r\n")
    s.cmd("f11 FETCH 1 UID\r\n")
    s.cmd("f12 FETCH 1 RFC822.SIZE\r\n")
    s.cmd("f13 FETCH 1 RFC822.HEADER\r\n")
    s.cmd("f14 FETCH 1 ENVELOPE\r\n")
    s.cmd("f15 FETCH 3 ENVELOPE\r\n", note="the seed's mail: no Date, no Message-ID")
    s.cmd("f16 FETCH 1 BODY\r\n")
    s.cmd("f17 FETCH 1 BODYSTRUCTURE\r\n")
    s.cmd("f18 FETCH 1 BODY.PEEK[HEADER]\r\n")
    s.cmd("f19 FETCH 1 (BODY[HEADER.FIELDS (From Subject)])\r\n")
    s.cmd("f20 FETCH 3 BODY.PEEK[HEADER.FIELDS.NOT (Received Return-path)]\r\n")
    s.cmd("f21 FETCH 1 BODY[TEXT]<0.10>\r\n")
    s.cmd("f22 FETCH 1 BODY[1]\r\n")
    s.cmd("f23 FETCH 1 BODY[1.MIME]\r\n")
    s.cmd("f24 FETCH 1 ALL\r\n")
    s.cmd("f25 FETCH 1 FAST\r\n")
    s.cmd("f26 FETCH 1 FULL\r\n")
    s.cmd("f27 FETCH 1 (RFC822.SIZE FLAGS UID INTERNALDATE)\r\n", note="order of items in the answer")
    s.cmd("f28 FETCH 1 (BODY.PEEK[HEADER.FIELDS (Subject)] UID FLAGS)\r\n")
    s.cmd("f28a FETCH 1 (BODY.PEEK[TEXT] RFC822.SIZE BODY.PEEK[HEADER.FIELDS (Subject)] ENVELOPE)\r\n",
          note="two body sections and two plain items, interleaved")
    s.cmd("f28b FETCH 1 (BODY.PEEK[HEADER.FIELDS (Subject)] BODYSTRUCTURE ENVELOPE BODY INTERNALDATE FLAGS)\r\n",
          note="which items go before the body sections")
    s.cmd("f28c FETCH 1 (ENVELOPE UID BODYSTRUCTURE RFC822.SIZE)\r\n")
    s.cmd("f29 FETCH 1:4 (UID RFC822.SIZE)\r\n")
    s.cmd("f30 FETCH 2,4 (FLAGS)\r\n")
    s.cmd("f31 FETCH * (UID)\r\n")
    s.cmd("f32 FETCH 3:* (UID)\r\n")
    s.cmd("f33 FETCH 2 BODY.PEEK[]\r\n", note="PEEK on an unseen message: no \\Seen")
    s.cmd("f34 FETCH 2 BODY[TEXT]<0.10>\r\n", note="non-PEEK partial on an unseen message: sets \\Seen, FLAGS added")
    s.cmd("f35 FETCH 2 FLAGS\r\n")
    s.cmd("f36 FETCH 4 RFC822\r\n", note="RFC822 on an unseen message")
    s.cmd("f37 FETCH 4 RFC822.TEXT\r\n")
    s.cmd("f38 STORE 2,4 -FLAGS (\\Seen)\r\n", note="back to unseen")
    s.cmd("f39 FETCH 4 BODY[]\r\n", note="BODY[] on an unseen message: FLAGS (\\Seen) added after the body")
    s.cmd("f40 FETCH 4 (FLAGS BODY[HEADER.FIELDS (Subject)])\r\n",
          note="FLAGS requested and \\Seen implicitly set in the same command")
    s.cmd("f41 STORE 4 -FLAGS.SILENT (\\Seen)\r\n")
    s.cmd("f41a FETCH 4 (BODY[TEXT] UID RFC822.SIZE)\r\n",
          note="implicit FLAGS with other plain items requested")
    s.cmd("f41b STORE 4 -FLAGS.SILENT (\\Seen)\r\n")
    s.cmd("f42 UID FETCH 3 (FLAGS)\r\n", note="UID FETCH: UID is added to the answer")
    s.cmd("f43 UID FETCH 1:* (FLAGS)\r\n")
    s.cmd("f44 UID FETCH 99 FLAGS\r\n", note="UID that does not exist")
    s.cmd("f45 FETCH 99 FLAGS\r\n", note="message number out of range")
    s.cmd("f46 FETCH 0 FLAGS\r\n", note="message number 0")
    s.cmd("f47 FETCH abc FLAGS\r\n", note="bad sequence set")
    s.cmd("f48 FETCH 1 BOGUS\r\n", note="unknown data item")
    s.cmd("f49 FETCH 1\r\n", note="missing argument")
    s.cmd("f50 FETCH 1 (FLAGS\r\n", note="unbalanced parenthesis")
    s.cmd("f51 fetch 1 flags\r\n", note="lowercase command and item")
    s.cmd("f52 uid fetch 1 (flags)\r\n")
    s.cmd("f53 FETCH 1 FLAGS extra\r\n", note="extra argument")
    s.cmd("f54 FETCH 3 BINARY.PEEK[]\r\n", note="BINARY is advertised")
    s.cmd("f55 FETCH 3 (BODY[]<400.100>)\r\n", note="partial beyond the end")
    s.cmd("f56 LOGOUT\r\n")
    s.close()

    # ---- session: SEARCH
    s = new("SEARCH and UID SEARCH")
    s.cmd("s1 LOGIN strategos tryhackme\r\n")
    s.cmd("s2 SELECT INBOX\r\n")
    for i, crit in enumerate([
        "ALL", "UNSEEN", "SEEN", "NEW", "OLD", "RECENT", "FLAGGED", "UNFLAGGED",
        "DELETED", "ANSWERED", "DRAFT",
        'FROM "user@client.thm"', "FROM alice", "FROM nobody", "TO strategos",
        'SUBJECT "Telnet email"', "SUBJECT telnet", 'BODY "telnet"', "BODY imap",
        'TEXT "client.thm"', "SINCE 27-Jun-2024", "BEFORE 27-Jun-2024", "ON 27-Jun-2024",
        "SENTSINCE 26-Jun-2024", "SENTBEFORE 27-Jun-2024", "SENTON 25-Jun-2024",
        "LARGER 300", "SMALLER 300", "UID 2:3", "UID 3,1", "2:3", "1,4",
        "OR FROM alice FROM bob", "NOT SEEN", "NOT FROM alice", "SEEN SUBJECT telnet",
        "OR SEEN FLAGGED UNSEEN", "CHARSET UTF-8 SUBJECT Telnet", "CHARSET US-ASCII ALL",
        "CHARSET BOGUS-8 ALL", 'HEADER Message-ID "<meeting-2@client.thm>"',
        'HEADER Envelope-to ""', "KEYWORD foo", "UNKEYWORD foo", "(SEEN FROM user)",
        "RETURN (MIN MAX COUNT) ALL", "RETURN () UNSEEN",
    ]):
        s.cmd("s%d SEARCH %s\r\n" % (i + 3, crit))
    k = 60
    for crit in ["ALL", "UNSEEN", "UID 2:*", "SUBJECT telnet", "1:2"]:
        s.cmd("s%d UID SEARCH %s\r\n" % (k, crit))
        k += 1
    s.cmd("s70 SEARCH\r\n", note="missing criteria")
    s.cmd("s71 SEARCH BOGUS\r\n", note="unknown key")
    s.cmd("s72 SEARCH SINCE notadate\r\n", note="bad date")
    s.cmd("s73 SEARCH FROM\r\n", note="key missing its argument")
    s.cmd("s74 search unseen\r\n", note="lowercase")
    s.cmd("s75 SEARCH CHARSET UTF-8 SUBJECT {6}\r\n", "Telnet\r\n", note="literal argument")
    s.cmd("s76 LOGOUT\r\n")
    s.close()

    # ---- session: STORE, COPY, MOVE, APPEND, EXPUNGE, CLOSE
    s = new("STORE, COPY, MOVE, APPEND, EXPUNGE, CHECK, CLOSE, UNSELECT")
    s.cmd("w1 LOGIN strategos tryhackme\r\n")
    s.cmd("w2 SELECT INBOX\r\n")
    s.cmd("w3 STORE 2 +FLAGS (\\Flagged)\r\n")
    s.cmd("w4 STORE 2 -FLAGS (\\Flagged)\r\n")
    s.cmd("w5 STORE 2 FLAGS (\\Answered \\Draft)\r\n")
    s.cmd("w6 STORE 2 +FLAGS.SILENT (\\Flagged)\r\n")
    s.cmd("w7 STORE 2 -FLAGS.SILENT (\\Flagged)\r\n")
    s.cmd("w8 STORE 2 FLAGS.SILENT ()\r\n")
    s.cmd("w9 STORE 2 +FLAGS \\Flagged\r\n", note="flag without parentheses")
    s.cmd("w10 STORE 1:2 +FLAGS (\\Flagged $Important)\r\n", note="keyword: FLAGS and PERMANENTFLAGS grow")
    s.cmd("w11 UID STORE 1,2 -FLAGS ($Important \\Flagged)\r\n")
    s.cmd("w12 STORE 2 +FLAGS (\\Recent)\r\n", note="\\Recent cannot be stored")
    s.cmd("w13 STORE 2 +FLAGS (\\Bogus)\r\n")
    s.cmd("w14 STORE 2 BADITEM (\\Seen)\r\n")
    s.cmd("w15 STORE 2 FLAGS ()\r\n")
    s.cmd("w16 COPY 1 Archive\r\n", note="COPY to a missing mailbox")
    s.cmd("w17 CREATE Archive\r\n")
    s.cmd("w18 COPY 1:2 Archive\r\n")
    s.cmd("w19 UID COPY 3 Archive\r\n")
    s.cmd("w20 UID COPY 99 Archive\r\n", note="UID COPY of a UID that does not exist")
    s.cmd("w21 COPY 99 Archive\r\n", note="COPY of a message number out of range")
    s.cmd("w22 c5COPY 1 body[]\r\n", note="the seed tutorial's c5COPY line, with a tag in front")
    s.cmd("c5COPY 1 body[]\r\n", note="the seed tutorial's c5COPY line, as written")
    s.cmd("w23 COPY 1 body[]\r\n", note="COPY with a data item instead of a mailbox")
    s.cmd("w24 COPY 1\r\n", note="COPY without a mailbox")
    s.cmd("w25 STATUS Archive (MESSAGES RECENT UIDNEXT UNSEEN)\r\n")
    s.cmd("w26 MOVE 4 Archive\r\n")
    s.cmd("w27 UID MOVE 3 Archive\r\n")
    s.cmd("w28 MOVE 1 Missing\r\n")
    s.cmd("w29 STATUS INBOX (MESSAGES UIDNEXT)\r\n", note="STATUS of the selected mailbox")
    msg = fixture(4).replace(b"Re: Telnet email", b"Appended one")
    s.cmd(b"w30 APPEND INBOX {%d}\r\n" % len(msg), msg + b"\r\n", note="APPEND, synchronizing literal, selected mailbox")
    msg2 = fixture(2).replace(b"Meeting tomorrow", b"Appended two")
    s.cmd(b'w31 APPEND INBOX (\\Seen \\Flagged) "01-Jul-2024 10:00:00 +0200" {%d+}\r\n%s\r\n' % (len(msg2), msg2),
          note="APPEND with LITERAL+, flags and date")
    s.cmd(b"w32 APPEND Archive {%d+}\r\n%s\r\n" % (len(msg), msg), note="APPEND to another mailbox")
    s.cmd(b"w33 APPEND Missing {%d}\r\n" % len(msg), msg + b"\r\n", note="APPEND to a missing mailbox (synchronizing)")
    s.cmd(b"w34 APPEND Missing {%d+}\r\n%s\r\n" % (len(msg), msg), note="APPEND to a missing mailbox (LITERAL+)")
    s.cmd(b'w35 APPEND INBOX "bad-date" {%d}\r\n' % len(msg), msg + b"\r\n", note="APPEND with a bad date (synchronizing: refused before the literal)")
    s.cmd(b"w36 APPEND INBOX {0}\r\n", b"\r\n", note="APPEND of an empty message")
    s.cmd("w37 FETCH 1:* (UID FLAGS)\r\n")
    s.cmd("w38 CHECK\r\n")
    s.cmd("w39 STORE 1 +FLAGS (\\Deleted)\r\n")
    s.cmd("w40 STORE 3 +FLAGS.SILENT (\\Deleted)\r\n")
    s.cmd("w41 EXPUNGE\r\n", note="EXPUNGE of messages 1 and 3")
    s.cmd("w42 FETCH 1:* (UID FLAGS)\r\n")
    s.cmd("w43 STORE 1:2 +FLAGS.SILENT (\\Deleted)\r\n")
    s.cmd("w44 UID EXPUNGE 6\r\n", note="UID EXPUNGE only the given UID")
    s.cmd("w45 UID SEARCH DELETED\r\n")
    s.cmd("w46 EXPUNGE\r\n")
    s.cmd("w47 EXPUNGE\r\n", note="nothing to expunge")
    s.cmd("w48 SELECT Archive\r\n")
    s.cmd("w49 FETCH 1:* (UID FLAGS)\r\n")
    s.cmd("w50 STORE 1 +FLAGS.SILENT (\\Deleted)\r\n")
    s.cmd("w51 CLOSE\r\n", note="CLOSE expunges silently")
    s.cmd("w52 STATUS Archive (MESSAGES)\r\n")
    s.cmd("w53 CLOSE\r\n", note="CLOSE with nothing selected")
    s.cmd("w54 EXAMINE Archive\r\n")
    s.cmd("w55 UNSELECT\r\n")
    s.cmd("w56 SELECT Archive\r\n", note="\\Recent was given to the first session only")
    s.cmd("w57 STORE 1:* +FLAGS.SILENT (\\Deleted)\r\n")
    s.cmd("w58 UNSELECT\r\n", note="UNSELECT does not expunge")
    s.cmd("w59 STATUS Archive (MESSAGES)\r\n")
    s.cmd("w60 DELETE Archive\r\n")
    s.cmd("w61 LOGOUT\r\n")
    s.close()

    # ---- IDLE, with mail delivered by another session
    rec.note("")
    rec.note("(reseeded: scripts/dovecot-lab.sh seed-strategos DIR)")
    reseed(directory)
    a = new("IDLE; another session appends while this one idles")
    a.cmd("i1 LOGIN strategos tryhackme\r\n")
    a.cmd("i2 SELECT INBOX\r\n")
    a.send(b"i3 IDLE\r\n")
    a.rec.server(a.num, a.read_response())  # + idling
    b = new("second session delivering mail while session %d idles" % a.num)
    b.cmd("j1 LOGIN strategos tryhackme\r\n")
    msg = fixture(2).replace(b"Meeting tomorrow", b"New mail while idling")
    b.cmd(b"j2 APPEND INBOX {%d+}\r\n%s\r\n" % (len(msg), msg))
    rec.note("(session %d, still idling, receives:)" % a.num, a.num)
    t0 = time.time()
    got = b""
    while time.time() - t0 < 10 and b"EXISTS" not in got:
        try:
            got += a.read_response(timeout=10 - (time.time() - t0))
        except socket.timeout:
            break
    a.rec.server(a.num, got)
    rec.note("(arrived %.2f s after the APPEND completed)" % (time.time() - t0), a.num)
    a.drain(0.5)
    b.cmd("j4 SELECT INBOX\r\n")
    b.cmd("j5 STORE 1 +FLAGS (\\Flagged)\r\n")
    rec.note("(session %d, still idling, receives:)" % a.num, a.num)
    a.drain(1.0)
    a.cmd("DONE\r\n", tag="i3")
    b.cmd("j6 STORE 5 +FLAGS.SILENT (\\Deleted)\r\n")
    b.cmd("j7 EXPUNGE\r\n")
    b.cmd("j8 STORE 2 +FLAGS (\\Answered)\r\n")
    a.cmd("i4 NOOP\r\n", note="changes made by session %d show up at the next command" % b.num)
    b.cmd("j9 STORE 1 -FLAGS (\\Flagged)\r\n")
    b.cmd("j10 STORE 2 -FLAGS (\\Answered)\r\n")
    a.cmd("i5 FETCH 1 FLAGS\r\n", note="changes by session %d, then the FETCH itself" % b.num)
    b.cmd("j11 APPEND INBOX {%d+}\r\n%s\r\n" % (len(msg), msg.decode()))
    a.cmd("i6 CHECK\r\n")
    b.cmd("j12 STORE 5 +FLAGS.SILENT (\\Deleted)\r\n")
    b.cmd("j13 EXPUNGE\r\n")
    a.cmd("i7 FETCH 5 FLAGS\r\n", note="FETCH does not report expunges (RFC 3501 7.4.1)")
    a.cmd("i8 STORE 1 +FLAGS (\\Seen)\r\n")
    a.cmd("i9 SEARCH ALL\r\n")
    a.cmd("i10 NOOP\r\n")
    a.cmd("i11 IDLE\r\n", "DONE\r\n", note="IDLE with nothing happening")
    a.cmd("i12 IDLE extra\r\n", "i13 NOOP\r\n", tag="i12",
          note="IDLE with an argument (accepted), then something other than DONE")
    a.drain(0.5)
    a.cmd("i14 LOGOUT\r\n")
    b.cmd("j14 LOGOUT\r\n")
    a.close()
    b.close()

    # ---- ENABLE, UNSELECT, post-login errors
    rec.note("")
    rec.note("(reseeded: scripts/dovecot-lab.sh seed-strategos DIR)")
    reseed(directory)
    s = new("ENABLE, CONDSTORE and errors in the authenticated state")
    s.cmd("e1 LOGIN strategos tryhackme\r\n")
    s.cmd("e2 ENABLE UTF8=ACCEPT\r\n", note="not supported by Dovecot 2.3")
    s.cmd("e3 ENABLE FOO\r\n")
    s.cmd("e4 ENABLE\r\n", note="missing argument")
    s.cmd("e5 FOO\r\n", note="unknown command after login")
    s.cmd("e6 SELECT\r\n", note="missing argument")
    s.cmd("e7 SELECT INBOX extra\r\n", note="extra argument")
    s.cmd("e8 NOOP extra\r\n", note="extra argument")
    s.cmd("e10 c1LOGIN strategos tryhackme\r\n", note="no space after the tag, logged in")
    s.cmd("c1LOGIN strategos tryhackme\r\n")
    s.cmd("LIST\r\n", note="no tag")
    s.send(b"\r\n")
    rec.note("(empty line sent after login; waiting 0.5 s)", s.num)
    s.drain(0.5)
    s.cmd("* NOOP\r\n", tag="*", note="an invalid tag (*)")
    s.cmd("e11 select inbox\r\n", note="lowercase, as in the seed")
    s.cmd("e12 unselect\r\n")
    s.cmd("e13 UNSELECT\r\n", note="nothing selected")
    s.cmd("e14 ENABLE CONDSTORE\r\n")
    s.cmd("e15 ENABLE CONDSTORE\r\n", note="already enabled")
    s.cmd("e16 SELECT INBOX\r\n", note="with CONDSTORE enabled")
    s.cmd("e17 FETCH 1 (FLAGS)\r\n", note="FETCH FLAGS with CONDSTORE enabled (no MODSEQ unless asked)")
    s.cmd("e17a FETCH 1 (FLAGS MODSEQ)\r\n")
    s.cmd("e18 STORE 2 +FLAGS (\\Flagged)\r\n")
    s.cmd("e19 ENABLE QRESYNC\r\n")
    s.cmd("e20 CLOSE\r\n")
    s.cmd("e21 LOGOUT extra\r\n", note="LOGOUT with an extra argument")
    s.close()

    # ---- the seed session's own lowercase style, and a command with
    # literal mail in a single line (telnet-style mistakes)
    s = new("too many bad commands after login (does a good command reset the count?)")
    s.cmd("t1 LOGIN strategos tryhackme\r\n")
    for i in range(2, 12):
        s.cmd("t%d XYZZY\r\n" % i)
    s.cmd("t12 NOOP\r\n", note="a good command after 10 bad ones")
    for i in range(13, 40):
        r = s.cmd("t%d XYZZY\r\n" % i)
        # the BYE follows the tagged BAD of the same command: wait for it
        # here so that it is recorded with this command
        r += s.drain(0.2)
        if b"BYE" in r or not r:
            break
    s.close()

    return rec


# --------------------------------------------------------------------------
# driver


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print("wrote %s" % os.path.relpath(path, os.getcwd()), file=sys.stderr)


def header_for(rec, version, how):
    return ("# %s\n# %s\n# %s\n" % (rec.title, version, how))


def dovecot_version():
    try:
        return subprocess.run(["dovecot", "--version"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "?"


def save(out, name, rec, how):
    v = "Dovecot %s (Debian dovecot-imapd), captured %s" % (
        dovecot_version(), time.strftime("%Y-%m-%d", time.gmtime()))
    write(os.path.join(out, name + ".txt"), header_for(rec, v, how) + rec.transcript())
    write(os.path.join(out, name + ".json"), rec.to_json())


def do_all(args):
    out = args.out
    d = args.dir or "/tmp/imap-tutor-dovecot-capture"
    pp, tp = str(args.port or 10143), str(args.tls_port or 10993)
    reports = []
    variants = [
        ("default", []),
        ("special-use", ["--special-use"]),
        ("plain-only", ["--auth-mechanisms", "plain"]),
        ("seed-like", ["--special-use-noauto", "--auth-mechanisms", "plain",
                       "--login-greeting", "Dovecot (Ubuntu) ready."]),
    ]
    try:
        for label, extra in variants:
            print("== variant %s" % label, file=sys.stderr)
            lab("start", d, "--plain-port", pp, "--tls-port", tp, *extra)
            env = lab_env(d)
            port, tls_port, ca = int(env["DOVECOT_PORT"]), int(env["DOVECOT_TLS_PORT"]), env["DOVECOT_CA"]
            reseed(d)
            rec, raw = run_seed(port)
            how = ("scripts/dovecot-lab.sh start DIR%s; scripts/dovecot-lab.sh seed-strategos DIR; "
                   "python3 scripts/capture-dovecot.py --seed --dir DIR"
                   % "".join(" " + e if " " not in e else ' "%s"' % e for e in extra))
            if label == "default":
                save(out, "seed-session", rec, how)
                with open(os.path.join(out, "seed-session.raw"), "wb") as f:
                    f.write(raw)
            elif label == "seed-like":
                save(out, "seed-session-seed-like", rec, how)
                with open(os.path.join(out, "seed-session-seed-like.raw"), "wb") as f:
                    f.write(raw)
            reports.append(compare_seed(rec, "lab variant: %s" % label))
            reseed(d)
            caps = run_caps(label, port, tls_port, ca)
            save(out, "caps-%s" % label, caps,
                 how.replace("--seed", "--caps %s" % label))
            if label == "default" and not args.no_battery:
                bat = run_battery(port, d, ca)
                save(out, "battery", bat, "scripts/dovecot-lab.sh start DIR; "
                     "python3 scripts/capture-dovecot.py --battery --dir DIR (reseeds itself)")
        write(os.path.join(out, "seed-compare.txt"), "\n".join(reports))
        write(os.path.join(out, "VERSION"), dovecot_version() + "\n")
    finally:
        subprocess.run(["bash", LAB, "stop", d], stdout=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--all", action="store_true")
    g.add_argument("--seed", action="store_true")
    g.add_argument("--battery", action="store_true")
    g.add_argument("--caps", metavar="LABEL")
    ap.add_argument("--dir", help="lab DIR (reads DIR/lab.env); for --all: where to run the lab")
    ap.add_argument("--port", type=int)
    ap.add_argument("--tls-port", type=int)
    ap.add_argument("--ca")
    ap.add_argument("--out", default=DEFAULT_OUT, help="where to write files (default tests/data/dovecot)")
    ap.add_argument("--write", action="store_true", help="--seed/--battery/--caps: also write files to --out")
    ap.add_argument("--no-battery", action="store_true", help="--all: skip the battery")
    ap.add_argument("--no-reseed", action="store_true",
                    help="--seed with --dir: do not run seed-strategos first")
    args = ap.parse_args()

    if args.all:
        do_all(args)
        return
    port, tls_port, ca = args.port, args.tls_port, args.ca
    if args.dir:
        env = lab_env(args.dir)
        port = port or int(env["DOVECOT_PORT"])
        tls_port = tls_port or int(env["DOVECOT_TLS_PORT"])
        ca = ca or env["DOVECOT_CA"]
    port = port or 10143
    tls_port = tls_port or 10993
    if args.seed:
        if args.dir and not args.no_reseed:
            reseed(args.dir)
        rec, raw = run_seed(port)
        sys.stdout.buffer.write(raw)
        sys.stdout.flush()
        print(compare_seed(rec, "port %d" % port), file=sys.stderr)
        if args.write:
            save(args.out, "seed-session", rec, "python3 scripts/capture-dovecot.py --seed --write")
    elif args.battery:
        if not args.dir:
            sys.exit("--battery needs --dir (it reseeds the lab)")
        rec = Recorder("Dovecot battery")
        try:
            rec = run_battery(port, args.dir, ca, rec)
        finally:
            sys.stdout.write(rec.transcript())
        if args.write:
            save(args.out, "battery", rec, "python3 scripts/capture-dovecot.py --battery --write")
    elif args.caps:
        rec = run_caps(args.caps, port, tls_port, ca)
        sys.stdout.write(rec.transcript())
        if args.write:
            save(args.out, "caps-%s" % args.caps, rec, "python3 scripts/capture-dovecot.py --caps")


if __name__ == "__main__":
    main()
