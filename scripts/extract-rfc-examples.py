#!/usr/bin/env python3
"""Extract the C:/S: protocol examples from the IMAP RFCs into a test corpus.

Reads the plain-text RFCs (default: rfc/ in the repository) and writes, for every RFC that has C:/S: examples,
tests/data/rfc-examples/rfcNNNN.txt, plus expected-errors.txt and README.md in
the same folder.  The output format is documented in FORMAT_DOC below, at the
top of every generated file and in the generated README.md.

Usage:
    python3 scripts/extract-rfc-examples.py            # regenerate the corpus
    python3 scripts/extract-rfc-examples.py --check    # exit 1 if out of date
    python3 scripts/extract-rfc-examples.py --review review.txt
                                   # also dump every decision for eyeballing

Standard library only; output is deterministic (no dates, sorted inputs).
"""

import argparse
import hashlib
import os
import re
import sys

# --------------------------------------------------------------------------
# Paths

SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(SCRIPT_DIR)
OUT_DIR_DEFAULT = os.path.join(REPO_ROOT, "tests", "data", "rfc-examples")


def default_rfc_dir():
    env = os.environ.get("IMAP_TUTOR_RFC_DIR")
    if env:
        return env
    return os.path.join(REPO_ROOT, "rfc")


# RFCs whose examples are not IMAP at all (same C:/S: notation, other protocol)
# are detected per example (see detect_protocol); the titles are for README.
RFC_TITLES = {
    "2177": "IMAP4 IDLE command",
    "2342": "IMAP4 Namespace",
    "2595": "Using TLS with IMAP, POP3 and ACAP",
    "2971": "IMAP4 ID extension",
    "3348": "IMAP4 Child Mailbox Extension",
    "3501": "IMAP4rev1",
    "3691": "IMAP UNSELECT command",
    "4315": "IMAP UIDPLUS extension",
    "4466": "Collected Extensions to IMAP4 ABNF",
    "4616": "The PLAIN SASL Mechanism",
    "4731": "IMAP4 ESEARCH (SEARCH RETURN options)",
    "4959": "IMAP SASL-IR (initial client response)",
    "4978": "IMAP COMPRESS extension",
    "5161": "IMAP ENABLE extension",
    "5256": "IMAP SORT and THREAD",
    "5258": "IMAP LIST-EXTENDED",
    "5530": "IMAP Response Codes",
    "5819": "IMAP LIST-STATUS",
    "6154": "IMAP SPECIAL-USE",
    "6851": "IMAP MOVE",
    "7162": "IMAP CONDSTORE and QRESYNC",
    "7888": "IMAP LITERAL+ / LITERAL-",
    "8438": "IMAP STATUS=SIZE",
    "8474": "IMAP OBJECTID",
    "9051": "IMAP4rev2",
}

# Quirks no automatic check finds, keyed by (rfc, output line).
CURATED_QUIRKS = {
    ("2177", "S: * FLAGS (Deleted Seen)"): (
        "flags printed without the backslash: as written these are keywords"
        " \"Deleted\" and \"Seen\"; the RFC means \\Deleted \\Seen"
    ),
    ("2193", "S: * 10 FETCH . . ."): "the RFC elides the FETCH data with dots",
    ("2193", "S: * 11 FETCH . . ."): "the RFC elides the FETCH data with dots",
    ("2193", "S: * 12 FETCH . . ."): "the RFC elides the FETCH data with dots",
    ("2683", "S: * 3 FETCH (FLAGS(\\Seen) BODY[1]<0> {20000}"): (
        "no space between FLAGS and its list"
    ),
    ("2683", 'S: * LIST () "" INBOX'): (
        "an empty hierarchy delimiter: the grammar wants one quoted character or NIL"
    ),
    ("2683", "C: 001 FETCH 1 UID FLAGS INTERNALDATE"): (
        "several FETCH items without the parentheses a list needs"
    ),
    ("2683", "C: 002 FETCH 2 UID FLAGS INTERNALDATE"): (
        "several FETCH items without the parentheses a list needs"
    ),
    ("2683", 'S: * 1 FETCH (FLAGS (\\Seen) INTERNALDATE "..." UID 345)'): (
        "the RFC elides the INTERNALDATE value"
    ),
    ("2683", 'S: * 2 FETCH (INTERNALDATE "...")'): "the RFC elides the INTERNALDATE value",
    ("4314", "S: a005 Listrights successful"): "tagged response without OK",
    ("4314", "S: A006 Select Completed"): "tagged response without OK",
    ("4314", "S: * 1 FETCH (FLAGS (\\Draft \\Deleted)"): "the FETCH list is never closed",
    ("4314", "S: * 2 FETCH (FLAGS (\\Answered)"): "the FETCH list is never closed",
    ("4314", "S: * 3 FETCH (FLAGS ($Forwarded \\Seen)"): "the FETCH list is never closed",
    ("5032", "S: a1 * SEARCH 4 8 15 16 23 42"): (
        "an untagged SEARCH printed after the command's tag"
    ),
    ("5182", "C: A301 UID SEARCH $ SMALLER 4096 and the result of the command would be the same."): (
        "the RFC's prose goes on from the command on the next line, at the prose's indent;"
        " only \"A301 UID SEARCH $ SMALLER 4096\" is protocol"
    ),
    ("5255", 'S: * NAMESPACE (("" "/"))(("Other Users/" "/" "TRANSLATION" ("Andere Ben&APw-tzer/")))'
             ' (("Public Folders/" "/" "TRANSLATION" ("Gemeinsame Postf&AM8-cher/")))'): (
        "no space between the personal and the other users' namespaces"
    ),
    ("5267", "C: B02 UID SORT RETURN (UPDATE COUNT) UTF-8 KEYWORD $Junk"): (
        "SORT without its sort criteria: (criteria) must come before the charset"
    ),
    ("5465", "S: * 127 FETCH (UID 127001 BODY[HEADER.FIELDS (From To Subject)] {75}"): (
        "the RFC's prose \"(Time passes. ...)\" follows the FETCH response on its line"
    ),
    ("5465", "C: b notify set status (selected MessageNew (uid body.peek[header.fields"
             " (from to subject)]) MessageExpunge) (subtree Lists MessageNew)"): (
        "events without their parentheses: RFC 5465 §8 wants"
        " events = \"(\" event *(SP event) \")\" / \"NONE\" (Dovecot answers BAD)"
    ),
    ("5465", "C: e notify set (selected MessageNew (uid body.peek[header.fields"
             " (from to subject)]) MessageExpunge) (subtree Lists MessageNew)"
             " (mailboxes misc MessageNew)"): (
        "events without their parentheses: RFC 5465 §8 wants"
        " events = \"(\" event *(SP event) \")\" / \"NONE\" (Dovecot answers BAD)"
    ),
    ("5465", "S: d STATUS completed"): "tagged response without OK",
    ("5465", 'S: * ESEARCH (TAG "a00") (COUNT 17)'): (
        "COUNT in parentheses: ESEARCH's return data are not a list"
    ),
    ("5465", "S: * EXISTS 93"): "the number comes after EXISTS instead of before it",
    ("8474", 'C: 25 select "foo"'): (
        "the RFC prints this command twice in a row (it ends one example and"
        " starts the next); the first copy gets no response"
    ),
}

# --------------------------------------------------------------------------
# Format documentation (written at the top of every rfcNNNN.txt and README)

FORMAT_DOC = """\
Format (one file per RFC, UTF-8, LF line ends; generated, do not edit):
  Lines starting with "#" are comments.  A line "# example N — RFC R §S (line L)"
  starts example N (1-based, per file); S is the RFC section (no spaces, e.g.
  6.3.1 or BASE.6.4.THREAD), L the 1-based line in the RFC text file where the
  example starts.  Examples are separated by one blank line.  "#! key: value"
  lines are machine-readable notes.  Right after the header: "#! section:
  S Title", "#! rfc-lines: FIRST-LAST" and, for the few examples that are not
  IMAP, "#! protocol: POP3|ACAP ..." (skip those when parsing IMAP).  Inside
  an example, in place: "#! not-protocol: <text>" (text the RFC shows that is
  not real protocol: ellipses, <TLS negotiation>, placeholders; it exists
  only in this comment).  Immediately before the line they are about:
  "#! literal: ..." (before the line ending in {n}), "#! joined: ..." (RFC
  lines joined into it), "#! expect-bad: ..." (a deliberate error),
  "#! note: ..." (RFC quirk or normalization).
  Every other line is "XY" + one space + content (content = line[3:], may be
  empty, then the line is just "XY"; trailing spaces ARE significant):
    C: / S:  one protocol line sent by the client / server, without its CRLF.
             RFC lines wrapped for presentation are already joined.
    C+ / S+  one line of literal data.  A line ending in {n}, {n+} or ~{n}
             is followed by its literal: the C+/S+ lines joined with CRLF
             are the literal's bytes (so a literal that ends in CRLF has a
             last, empty "+" line).  Other-side lines (e.g. "S: + Ready")
             may come between the {n} line and its "+" lines.
    C> / S>  the rest of the protocol line after the literal (may be empty,
             may itself end in another {n}).  Wire bytes of one protocol line:
             "X:" content + CRLF + literal + ">" content [+ CRLF + literal2 +
             ">" content2 ...] + CRLF.
  A {n} line with no "+" lines after it: the literal was never sent (the
  server refused the command) or the RFC elides it; see its "#! literal:".
  "<NUL>" inside a C+/S+ line stands for one NUL octet (RFC 2595, 4616)."""

# --------------------------------------------------------------------------
# Text helpers

ANCHOR = re.compile(
    r"^(?P<indent>[ \t]*)(?:(?P<label>Examples?:)[ \t]+)?(?P<side>[CS]):(?:[ \t]+(?P<text>.*))?$"
)
FOOTER = re.compile(r"\[Page \d+\]\s*$")
HEADING = re.compile(
    r"^(?:Appendix\s+)?"
    r"(?P<num>(?:[A-Z]+\.)?\d+(?:\.\d+)*(?:\.[A-Z]+)?|[A-Z](?=\.)(?:\.\d+)*)"
    r"\.?\s+(?P<title>\S.*)$"
)
LITERAL_AT_END = re.compile(r"(~?)\{(\d+)([+-]?)\}$")
B64_TOKEN = re.compile(r"^[A-Za-z0-9+/]+=*$")


def indent_of(s):
    return len(s) - len(s.lstrip(" \t"))


def octets(s):
    """Length in octets on the wire; "<NUL>" is a placeholder for one NUL."""
    return len(s.replace("<NUL>", "\0").encode("utf-8"))


def split_octets(s, k):
    """Split s after k wire octets (treating "<NUL>" as one octet)."""
    units = re.findall(r"<NUL>|.", s, flags=re.S)
    n = 0
    out = []
    for i, u in enumerate(units):
        if n >= k:
            return "".join(out), "".join(units[i:])
        n += 1 if u == "<NUL>" else len(u.encode("utf-8"))
        out.append(u)
    return "".join(out), ""


def outside_quotes(s):
    """s with the contents of quoted strings replaced by "x"."""
    res = []
    inq = False
    esc = False
    for ch in s:
        if inq:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                inq = False
                res.append('"')
                continue
            res.append("x")
        else:
            if ch == '"':
                inq = True
            res.append(ch)
    return "".join(res)


def open_lists(s):
    """Stack of the start offsets of the parenthesized lists still open at
    the end of s (quoted strings skipped)."""
    t = outside_quotes(s)
    stack = []
    for i, ch in enumerate(t):
        if ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            stack.pop()
    return stack, t


# --------------------------------------------------------------------------
# Descriptive (non-protocol) text inside examples

def descriptive_start(text):
    """If an unprefixed line starts a piece of descriptive text, return the
    kind of closer that ends it ('...', '>', ')', or '' = single line)."""
    t = text.strip()
    if t.startswith("...") or t.startswith(". . .") or t.startswith("\u2026"):
        return "..."
    if t.startswith("<"):
        return ">"
    if t.startswith("[") and "..." in t:
        return ""
    if t.startswith("//") or t.startswith("==>"):
        return ""
    if re.match(r"^\((?:[Nn]ote|Server|server|Client|client|more|and|or)\b", t) or re.match(
        r"^\([A-Z]?[a-z]+ [a-z]+ [a-z]+ ", t
    ):
        return ")"
    return None


def descriptive_closed(text, closer, first):
    """Does this line end the descriptive text opened with `closer`?"""
    t = text.strip()
    if closer == "":
        return True
    if closer == "...":
        if first:
            # "...time passes..." or just "..." / ". . ."
            body = t
            if body in ("...", ". . .", "\u2026"):
                return True
            return (body.endswith("...") or body.endswith("\u2026")) and len(body) > 3
        return t.endswith("...") or t.endswith("\u2026")
    if closer == ">":
        return t.endswith(">")
    if closer == ")":
        return None  # decided by paren balance by the caller
    return True


def describe(text):
    """Why a descriptive line is not protocol (for expected-errors.txt)."""
    t = text.strip()
    if t.startswith("...") or t.startswith(". . .") or t.startswith("\u2026"):
        return "ellipsis: time passes or lines are left out"
    if t.startswith("<"):
        return "event described in angle brackets"
    if t.startswith("["):
        return "lines left out ([...])"
    if t.startswith("//"):
        return "explanatory comment (//)"
    if t.startswith("==>"):
        return "step heading (==>)"
    if t.startswith("("):
        return "remark in parentheses"
    return "descriptive text"


def protocol_placeholder(content):
    """Is a C:/S: line's content a placeholder rather than real protocol?
    Returns a reason or None.  (Not applied to literal data.)"""
    t = outside_quotes(content)
    if content.strip() == "...empty line...":
        return "placeholder for an empty command line (CRLF only)"
    if "..." in t or "\u2026" in t:
        return "ellipsis placeholder, not real protocol"
    if re.match(r"^<[^>]*>$", content.strip()):
        return "angle-bracket placeholder, not real protocol"
    if re.match(r"^\([a-z]+(?: [a-z]+)+\)$", content.strip()):
        return "description in parentheses, not real protocol"
    return None


# --------------------------------------------------------------------------
# Pagination

def depaginate(raw):
    """raw: list of text lines (no newline).  Returns list of (lineno, text)
    with page footers, form feeds, page headers and their padding removed.
    Where the page break probably hides a paragraph break, one blank line is
    kept.  Also returns a list of page-break decisions for the review log."""
    n = len(raw)
    drop = [False] * n
    keep_blank = {}
    decisions = []
    for f in range(n):
        if not raw[f].startswith("\f"):
            continue
        drop[f] = True
        # footer: last non-blank line before the form feed
        j = f - 1
        while j >= 0 and raw[j].strip() == "":
            drop[j] = True
            j -= 1
        if j >= 0 and FOOTER.search(raw[j]):
            drop[j] = True
            j -= 1
        blanks_before = 0
        while j >= 0 and raw[j].strip() == "":
            drop[j] = True
            blanks_before += 1
            j -= 1
        prev_idx = j
        rest = raw[f][1:]
        k = f + 1
        if rest.strip().startswith("RFC "):
            pass  # header on the form-feed line itself
        else:
            while k < n and raw[k].strip() == "":
                drop[k] = True
                k += 1
            if k < n and raw[k].startswith("RFC "):
                drop[k] = True
                k += 1
        while k < n and raw[k].strip() == "":
            drop[k] = True
            k += 1
        next_idx = k
        if prev_idx < 0 or next_idx >= n:
            continue
        nxt = raw[next_idx]
        join = blanks_before <= 4 and ANCHOR.match(nxt) is not None
        if not join:
            # keep one blank line to mark the presumed paragraph break
            keep_blank[prev_idx + 1] = True
        decisions.append((prev_idx + 1, next_idx + 1, blanks_before, join, raw[prev_idx], nxt))
    out = []
    for i, line in enumerate(raw):
        if keep_blank.get(i):
            out.append((i + 1, ""))
            continue
        if drop[i]:
            continue
        out.append((i + 1, line))
    return out, decisions


# --------------------------------------------------------------------------
# Example extraction

class Example:
    def __init__(self, rfc, number, section, title, first_line, last_line):
        self.rfc = rfc
        self.number = number
        self.section = section
        self.title = title
        self.first_line = first_line
        self.last_line = last_line
        self.protocol = "IMAP"
        self.out = []  # output lines (body only)
        self.protocol_lines = []  # (side, kind, content, lineno) kinds: ':', '+', '>'
        self.not_protocol = []  # (lineno, text, reason)
        self.literals = []  # dicts
        self.errors = []  # (line, why)
        self.quirks = []  # (line, why)
        self.warnings = []
        self.joins = []  # (first lineno, last lineno, joiners, result)


class Extractor:
    def __init__(self, rfc, raw_lines, review=None):
        self.rfc = rfc
        self.raw = raw_lines
        self.review = review if review is not None else []
        self.examples = []

    # -- paragraphs ------------------------------------------------------
    def run(self):
        lines, decisions = depaginate(self.raw)
        for prev_no, next_no, blanks, join, prev, nxt in decisions:
            if ANCHOR.match(prev) or ANCHOR.match(nxt):
                self.review.append(
                    "RFC %s page break %d->%d blanks=%d %s\n    |%s\n    |%s"
                    % (self.rfc, prev_no, next_no, blanks, "JOIN" if join else "BREAK", prev, nxt)
                )
        section, title = "0", "(front matter)"
        para = []
        para_section = (section, title)
        title_col = None  # column of the last heading's title, for wrapped titles
        for lineno, text in lines + [(None, "")]:
            if text.strip() == "":
                title_col = None
                if para:
                    self.paragraph(para, para_section)
                    para = []
                continue
            if title_col is not None and not para and indent_of(text) == title_col:
                title = title + " " + text.strip()  # heading title wrapped
                continue
            title_col = None
            m = HEADING.match(text)
            if m and not text[0].isspace() and not ANCHOR.match(text):
                if para:
                    self.paragraph(para, para_section)
                    para = []
                section, title = m.group("num"), m.group("title").strip()
                title_col = m.start("title")
                continue
            if not para:
                para_section = (section, title)
            para.append((lineno, text))

    def paragraph(self, para, sec):
        anchors = [i for i, (_, t) in enumerate(para) if ANCHOR.match(t)]
        if not anchors:
            return
        a = anchors[0]
        # leading lines: keep the longest suffix that is descriptive text
        start = a
        for s in range(a):
            if self.all_descriptive([t for _, t in para[s:a]]):
                start = s
                break
        for lineno, t in para[:start]:
            self.review.append("RFC %s prose before example, line %d: %s" % (self.rfc, lineno, t))
        block = para[start:]
        ex = Example(self.rfc, len(self.examples) + 1, sec[0], sec[1], block[0][0], block[-1][0])
        self.process_block(ex, block)
        self.examples.append(ex)

    @staticmethod
    def all_descriptive(texts):
        i = 0
        while i < len(texts):
            closer = descriptive_start(texts[i])
            if closer is None:
                return False
            j = i
            bal = 0
            first = True
            while True:
                if j >= len(texts):
                    return False
                if closer == ")":
                    bal += texts[j].count("(") - texts[j].count(")")
                    done = bal <= 0
                else:
                    done = descriptive_closed(texts[j], closer, first)
                first = False
                if done:
                    break
                j += 1
            i = j + 1
        return True

    # -- one example block ------------------------------------------------
    def process_block(self, ex, block):
        # Pass 1: classify RFC lines into items
        # items: (kind, lineno, side, text); kind P = C:/S: line,
        # D = descriptive text, K = unprefixed continuation line
        items = []
        i = 0
        while i < len(block):
            lineno, text = block[i]
            m = ANCHOR.match(text)
            if m:
                content = (m.group("text") or "").rstrip()
                items.append(("P", lineno, m.group("side"), content))
                i += 1
                continue
            closer = descriptive_start(text)
            if closer is not None:
                parts = [text.strip()]
                first_no = lineno
                bal = text.count("(") - text.count(")")
                done = (bal <= 0) if closer == ")" else descriptive_closed(text, closer, True)
                while not done and i + 1 < len(block) and not ANCHOR.match(block[i + 1][1]):
                    i += 1
                    parts.append(block[i][1].strip())
                    if closer == ")":
                        bal += block[i][1].count("(") - block[i][1].count(")")
                        done = bal <= 0
                    else:
                        done = descriptive_closed(block[i][1], closer, False)
                if not done:
                    ex.warnings.append("unterminated descriptive text at line %d" % first_no)
                items.append(("D", first_no, None, " ".join(parts)))
                i += 1
                continue
            items.append(("K", lineno, None, text.strip()))
            i += 1

        # Pass 2: build protocol lines, joins and literals
        self.build(ex, items)
        self.post_checks(ex)

    def build(self, ex, items):
        out = ex.out
        cur = None  # open protocol line: dict(side, kind, text, linenos, joiners, placeholder)
        lit = None  # open literal: dict

        def emit_line(pl):
            text = pl["text"]
            side = pl["side"]
            kind = pl["kind"]
            if len(pl["linenos"]) > 1:
                desc = []
                for jn in pl["joiners"]:
                    desc.append('" "' if jn == " " else 'nothing')
                uniq = sorted(set(desc))
                out.append(
                    "#! joined: RFC lines %d-%d (wrapped for presentation), joined with %s"
                    % (pl["linenos"][0], pl["linenos"][-1], " / ".join(uniq))
                )
                ex.joins.append((pl["linenos"][0], pl["linenos"][-1], pl["joiners"], text))
            if kind == ":":
                reason = protocol_placeholder(text)
                if reason:
                    self.not_protocol(ex, pl["linenos"][0], "%s: %s" % (side, text), reason)
                    return False
                if side == "S" and text == "+":
                    out.append(
                        '#! note: the RFC prints "+" alone; on the wire it is "+ " '
                        '(continue-req = "+" SP ...; RFC 4959 and RFC 9051 say so)'
                    )
                    text = "+ "
                    pl["text"] = text
            prefix = side + kind
            out.append(prefix + (" " + text if text != "" else ""))
            ex.protocol_lines.append((side, kind, text, pl["linenos"][0]))
            return True

        def start_literal(pl):
            m = LITERAL_AT_END.search(pl["text"])
            info = {
                "side": pl["side"],
                "decl": m.group(0),
                "n": int(m.group(2)),
                "sync": m.group(3) != "+",
                "binary": m.group(1) == "~",
                "pos": 0,
                "lines": [],
                "state": "open",  # open | await-rest | done | not-sent | elided
                "comment_at": len(out),
                "lineno": pl["linenos"][0],
                "saw_cont_req": False,
            }
            out.append(None)  # placeholder for the "#! literal:" comment
            emit_line(pl)
            return info

        def finish_literal(info):
            n = info["n"]
            if info["side"] == "S":
                kind = "server literal"
            else:
                kind = "client, " + ("synchronizing" if info["sync"] else "non-synchronizing")
            if info["binary"]:
                kind += ", binary (literal8)"
            if info["state"] == "not-sent":
                msg = "%s %s: never sent (the server answered before the client sent it)" % (info["decl"], kind)
            elif info["state"] == "elided":
                msg = "%s %s: elided in the RFC (only fragments shown, kept as not-protocol comments); not reconstructible" % (
                    info["decl"],
                    kind,
                )
            else:
                data = "\r\n".join(info["lines"])
                shown = octets(data)
                nl = len(info["lines"])
                msg = "%s %s: %d line%s, %d octets when the + lines are joined with CRLF" % (
                    info["decl"],
                    kind,
                    nl,
                    "" if nl == 1 else "s",
                    shown,
                )
                if shown == n:
                    msg += " (matches the declared count)"
                else:
                    msg += " (DECLARED %d: the RFC's count does not match the text shown)" % n
                    ex.quirks.append(
                        ("%s: ... %s" % (info["side"], info["decl"]), "literal count %d but the RFC shows %d octets" % (n, shown))
                    )
                if "<NUL>" in data:
                    msg += '; each "<NUL>" stands for one NUL octet'
                if info["sync"] and info["side"] == "C" and not info["saw_cont_req"]:
                    msg += '; the RFC does not show the server\'s "+" continuation request'
            out[info["comment_at"]] = "#! literal: " + msg
            ex.literals.append(dict(info, msg=msg))

        def new_line(side, kind, text, lineno):
            return {"side": side, "kind": kind, "text": text, "linenos": [lineno], "joiners": []}

        def close_cur():
            nonlocal cur, lit
            if cur is None:
                return
            pl = cur
            cur = None
            if LITERAL_AT_END.search(pl["text"]) and protocol_placeholder(pl["text"]) is None:
                lit = start_literal(pl)
            else:
                emit_line(pl)

        def set_cur(pl):
            """Open a protocol line; a line ending in a literal is complete
            at once (its literal data follows)."""
            nonlocal cur
            cur = pl
            if LITERAL_AT_END.search(pl["text"]):
                close_cur()

        def literal_feed(content, lineno):
            """Feed one line of literal data; returns True if consumed."""
            nonlocal lit, cur
            info = lit
            n = info["n"]
            L = octets(content)
            pos = info["pos"]
            if pos + L == n:
                info["lines"].append(content)
                out.append(info["side"] + "+" + (" " + content if content else ""))
                info["state"] = "done"
                finish_literal(info)
                lit = None
                set_cur(new_line(info["side"], ">", "", lineno))
                return True
            if pos + L + 2 == n:
                info["lines"].append(content)
                info["lines"].append("")
                out.append(info["side"] + "+" + (" " + content if content else ""))
                out.append(info["side"] + "+")
                info["state"] = "await-rest"
                info["pos"] = n
                return True
            if pos + L > n:
                head, tail = split_octets(content, n - pos)
                if re.match(r"^( |\)|$)", tail):
                    info["lines"].append(head)
                    out.append(info["side"] + "+" + (" " + head if head else ""))
                    info["state"] = "done"
                    finish_literal(info)
                    lit = None
                    set_cur(new_line(info["side"], ">", tail, lineno))
                    return True
                # count does not fit the text: keep the whole line as data
                ex.warnings.append("literal %s at line %d: count does not fit the text" % (info["decl"], info["lineno"]))
            info["lines"].append(content)
            out.append(info["side"] + "+" + (" " + content if content else ""))
            info["pos"] = pos + L + 2
            return True

        idx = 0
        while idx < len(items):
            kind, lineno, side, text = items[idx]
            idx += 1
            if lit is not None:
                if lit["state"] == "elided":
                    if kind in ("D", "K"):
                        self.not_protocol(ex, lineno, text, "part of a literal the RFC elides")
                        continue
                    # first protocol line after the elided literal ends it
                    finish_literal(lit)
                    lit = None
                elif lit["state"] == "await-rest":
                    if kind == "P" and side == lit["side"]:
                        info = lit
                        finish_literal(info)
                        lit = None
                        set_cur(new_line(side, ">", text, lineno))
                        continue
                    if kind == "K":
                        # the rest of the line printed without a prefix
                        info = lit
                        finish_literal(info)
                        lit = None
                        set_cur(new_line(info["side"], ">", text, lineno))
                        continue
                    ex.warnings.append("literal %s at line %d: no rest-of-line shown" % (lit["decl"], lit["lineno"]))
                    info = lit
                    finish_literal(info)
                    lit = None
                    cur = new_line(info["side"], ">", "", lineno)
                    close_cur()
                else:  # open
                    if kind == "P" and side != lit["side"]:
                        if text.startswith("+") and lit["pos"] == 0 and not lit["lines"]:
                            lit["saw_cont_req"] = True
                            pl = new_line(side, ":", text, lineno)
                            emit_line(pl)
                            continue
                        if lit["pos"] == 0 and not lit["lines"]:
                            lit["state"] = "not-sent"
                            finish_literal(lit)
                            lit = None
                        else:
                            ex.warnings.append(
                                "literal %s at line %d ended early (other side spoke)" % (lit["decl"], lit["lineno"])
                            )
                            lit_side = lit["side"]
                            finish_literal(lit)
                            lit = None
                            cur = new_line(lit_side, ">", "", lineno)
                            close_cur()
                        # fall through to normal processing of this item
                    elif kind == "D":
                        if text.startswith("[") and "..." in text:
                            lit["state"] = "elided"
                            self.not_protocol(ex, lineno, text, "part of a literal the RFC elides")
                            continue
                        self.not_protocol(ex, lineno, text, describe(text))
                        continue
                    else:  # same-side P or K: literal data
                        literal_feed(text, lineno)
                        continue
            # ---- normal processing
            if kind == "P":
                close_cur()
                set_cur(new_line(side, ":", text, lineno))
                continue
            if kind == "D":
                close_cur()
                self.not_protocol(ex, lineno, text, describe(text))
                continue
            # K: continuation of the open protocol line
            if cur is None:
                ex.warnings.append("continuation without a protocol line at %d: %s" % (lineno, text))
                self.not_protocol(ex, lineno, text, "stray text")
                continue
            jn = self.joiner(cur, text)
            cur["text"] = cur["text"] + jn + text
            cur["linenos"].append(lineno)
            cur["joiners"].append(jn)
            if LITERAL_AT_END.search(cur["text"]):
                close_cur()
        close_cur()
        if lit is not None:
            if lit["state"] == "open" and lit["pos"] == 0 and not lit["lines"]:
                lit["state"] = "not-sent"
            elif lit["state"] == "await-rest":
                ex.warnings.append("literal %s at line %d: example ends before the rest" % (lit["decl"], lit["lineno"]))
                out.append(lit["side"] + ">")
                ex.protocol_lines.append((lit["side"], ">", "", lit["lineno"]))
            elif lit["state"] == "open":
                ex.warnings.append("literal %s at line %d: example ends inside it" % (lit["decl"], lit["lineno"]))
            finish_literal(lit)
            lit = None

    # -- joining wrapped lines -------------------------------------------
    def joiner(self, cur, nxt):
        prev = cur["text"]
        side = cur["side"]
        # SASL data (base64) wrapped for presentation: no separator
        if side == "C" and cur["kind"] == ":" and B64_TOKEN.match(prev) and len(prev) >= 20 and B64_TOKEN.match(nxt):
            return ""
        if side == "S" and re.match(r"^\+ [A-Za-z0-9+/]+=*$", prev) and B64_TOKEN.match(nxt):
            return ""
        m = re.match(r"^\S+ AUTHENTICATE \S+ (\S+)$", prev)
        if side == "C" and m and B64_TOKEN.match(m.group(1)) and B64_TOKEN.match(nxt):
            return ""  # initial response itself wrapped
        if prev.endswith("(") or prev.endswith("["):
            return ""
        if nxt.startswith(")") or nxt.startswith("]"):
            return ""
        if prev.endswith(",") and re.match(r"^[0-9*$]", nxt):
            return ""  # sequence set wrapped after a comma
        if re.search(r"[a-z]-$", prev) and re.match(r"^[a-z]", nxt):
            return ""  # word hyphenated by the RFC formatter (mod-/sequence)
        if prev.endswith(")") and nxt.startswith("("):
            if re.match(r"^\* THREAD\b", prev):
                return ""  # threads are concatenated without SP
            stack, t = open_lists(prev)
            # Only where the grammar writes lists back to back: NAMESPACE
            # descriptors, ENVELOPE address lists and multipart BODY parts.
            # (LIST extended data, tagged-ext-comp, wants SP: RFC 5258 §3.)
            if stack and re.match(r"^\* (NAMESPACE|\d+ FETCH)\b", prev):
                inner = stack[-1]
                if t[inner + 1: inner + 2] == "(":
                    # the open list's elements are lists written back to
                    # back: address lists, namespace descriptors, multipart
                    return ""
            return " "
        return " "

    # -- bookkeeping -----------------------------------------------------
    def not_protocol(self, ex, lineno, text, reason):
        ex.out.append("#! not-protocol: " + text)
        ex.not_protocol.append((lineno, text, reason))

    def post_checks(self, ex):
        ex.protocol = detect_protocol(ex)
        if ex.protocol != "IMAP":
            return
        # walk the protocol lines: find commands, tags, BAD answers, quirks
        cmds = []  # (tag, content, index)
        sasl_tag = None
        idle_tag = None
        for i, (side, kind, text, lineno) in enumerate(ex.protocol_lines):
            if kind != ":":
                continue
            if side == "C":
                if sasl_tag is not None:
                    continue  # SASL response
                if idle_tag is not None and text.upper() == "DONE":
                    continue
                parts = text.split(" ", 2)
                tag = parts[0] if parts else ""
                cmds.append((tag, text, lineno))
                if len(parts) >= 2 and parts[1].upper() == "AUTHENTICATE":
                    sasl_tag = tag
                if len(parts) >= 2 and parts[1].upper() == "IDLE":
                    idle_tag = tag
            else:
                m = re.match(r"^(\S+) (OK|NO|BAD)\b", text)
                if m and m.group(1) not in ("*", "+"):
                    tag = m.group(1)
                    if tag == sasl_tag:
                        sasl_tag = None
                    if tag == idle_tag:
                        idle_tag = None
                    if not any(c[0] == tag for c in cmds) and not any(
                        t.startswith("C: " + tag + " ") for _, t, _ in ex.not_protocol
                    ):
                        ex.quirks.append(
                            ("S: " + text, "tagged response for tag %r, but no command with that tag is shown" % tag)
                        )
                    if m.group(2) == "BAD":
                        for c in reversed(cmds):
                            if c[0] == tag:
                                ex.errors.append(("C: " + c[1], 'the server answers "%s"' % text))
                                break
                if re.match(r"^\S+ (OK|NO|BAD|PREAUTH|BYE) \[[^\]]*\]$", text):
                    ex.quirks.append(
                        ("S: " + text, "response code with no text after it: strict RFC 3501/9051 ABNF wants SP text")
                    )
                elif re.match(r"^\S+ (OK|NO|BAD)$", text):
                    ex.quirks.append(("S: " + text, "status response with no text: strict ABNF wants SP resp-text"))
            if kind == ":" and (ex.rfc, "%s: %s" % (side, text)) in CURATED_QUIRKS:
                ex.quirks.append(("%s: %s" % (side, text), CURATED_QUIRKS[(ex.rfc, "%s: %s" % (side, text))]))
            m = re.match(r'^\* ESEARCH \(TAG "([^"]*)"\)', text) if side == "S" and kind == ":" else None
            if m and cmds and not any(c[0] == m.group(1) for c in cmds):
                ex.quirks.append(
                    ("S: " + text, "ESEARCH (TAG %r) names no command shown in the example" % m.group(1))
                )
            if "  " in outside_quotes(text) and kind == ":":
                ex.quirks.append(("%s: %s" % (side, text), "two spaces in a row: IMAP allows exactly one SP"))
        if re.search(r'\)"', " ".join(t for s, k, t, n in ex.protocol_lines if k == ":")):
            for side, kind, text, lineno in ex.protocol_lines:
                if kind == ":" and re.search(r'[A-Za-z]\)""', text):
                    ex.quirks.append(("%s: %s" % (side, text), "no SP between a list and the next argument"))
        # untagged BAD answering a placeholder/untagged client line
        seq = []
        for lineno, text, reason in ex.not_protocol:
            seq.append((lineno, "N", text))
        for side, kind, text, lineno in ex.protocol_lines:
            seq.append((lineno, side + kind, text))
        seq.sort(key=lambda x: x[0])
        for k, (lineno, what, text) in enumerate(seq):
            if what == "S:" and text.startswith("* BAD"):
                prev = seq[k - 1] if k > 0 else None
                if prev and prev[1] == "N" and prev[2].startswith("C:"):
                    ex.errors.append(
                        (prev[2], 'placeholder for a deliberately bad command line; the server answers "%s"' % text)
                    )
        # note quirks / errors inline
        notes = {}
        for line, why in ex.quirks:
            notes.setdefault(line, []).append(why)
        errs = {}
        for line, why in ex.errors:
            errs.setdefault(line, []).append(why)
        new_out = []
        done_notes = set()
        for o in ex.out:
            if o is not None and (o.startswith("C: ") or o.startswith("S: ") or o in ("C:", "S:")):
                key = o
                if key in errs and ("E", key) not in done_notes:
                    for why in errs[key]:
                        new_out.append("#! expect-bad: deliberate error: " + why)
                    done_notes.add(("E", key))
                if key in notes and ("Q", key) not in done_notes:
                    for why in notes[key]:
                        new_out.append("#! note: RFC quirk: " + why)
                    done_notes.add(("Q", key))
            if o is not None and o.startswith("#! not-protocol: "):
                key = o[len("#! not-protocol: "):]
                if key in errs and ("E", key) not in done_notes:
                    for why in errs[key]:
                        new_out.append("#! expect-bad: deliberate error: " + why)
                    done_notes.add(("E", key))
            new_out.append(o)
        ex.out = new_out


def detect_protocol(ex):
    for side, kind, text, lineno in ex.protocol_lines:
        if side == "S" and kind == ":" and text.startswith("* ACAP"):
            return "ACAP"
        if side == "S" and kind == ":" and (text.startswith("+OK") or text.startswith("-ERR")):
            return "POP3"
    return "IMAP"


# --------------------------------------------------------------------------
# Output

def render_rfc_file(rfc, src_name, src_sha, examples):
    lines = []
    lines.append("# RFC %s (%s): C:/S: protocol examples" % (rfc, RFC_TITLES.get(rfc, "")))
    lines.append("# Source: %s (sha256 %s)" % (src_name, src_sha))
    lines.append("# Generated by scripts/extract-rfc-examples.py; regenerate, do not edit.")
    lines.append("# See tests/data/rfc-examples/README.md for details.")
    lines.append("#")
    for d in FORMAT_DOC.split("\n"):
        lines.append(("# " + d).rstrip())
    lines.append("")
    for ex in examples:
        lines.append("# example %d — RFC %s §%s (line %d)" % (ex.number, rfc, ex.section, ex.first_line))
        lines.append("#! section: %s %s" % (ex.section, ex.title))
        lines.append("#! rfc-lines: %d-%d" % (ex.first_line, ex.last_line))
        if ex.protocol != "IMAP":
            lines.append("#! protocol: %s (not IMAP: do not feed to an IMAP parser)" % ex.protocol)
        for o in ex.out:
            lines.append(o)
        lines.append("")
    return "\n".join(lines)


def render_errors(all_examples):
    lines = []
    lines.append("# Deliberate errors and non-protocol lines in the RFC examples.")
    lines.append("# Generated by scripts/extract-rfc-examples.py; regenerate, do not edit.")
    lines.append("#")
    lines.append("# One record per line, fields separated by TAB:")
    lines.append("#   rfc  example  kind  line  why")
    lines.append("# kind is one of:")
    lines.append("#   deliberate-error  a client line the RFC shows being rejected with BAD on purpose")
    lines.append("#                     (line is as in rfcNNNN.txt: \"C: ...\", or the placeholder text)")
    lines.append("#   not-protocol      text inside an example that is not real protocol; in rfcNNNN.txt it")
    lines.append("#                     appears only as a \"#! not-protocol:\" comment")
    lines.append("#   rfc-quirk         a protocol line kept as the RFC prints it although a strict parser")
    lines.append("#                     may reject it, or a count/tag the RFC gets wrong")
    lines.append("# example is the number N of \"# example N\" in tests/data/rfc-examples/rfcNNNN.txt.")
    lines.append("")
    for ex in all_examples:
        for line, why in ex.errors:
            lines.append("\t".join([ex.rfc, str(ex.number), "deliberate-error", line, why]))
    for ex in all_examples:
        for lineno, text, reason in ex.not_protocol:
            lines.append("\t".join([ex.rfc, str(ex.number), "not-protocol", text, "%s (RFC line %d)" % (reason, lineno)]))
    for ex in all_examples:
        for line, why in ex.quirks:
            lines.append("\t".join([ex.rfc, str(ex.number), "rfc-quirk", line, why]))
    return "\n".join(lines) + "\n"


README_HEAD = """\
# RFC protocol examples (`C:` / `S:`)

Every `C:`/`S:` example in the IMAP RFCs kept in `rfc/` (RFC 3501,
RFC 9051 and the extension RFCs), extracted into one file per RFC so that Rust
tests can feed real, spec-blessed protocol lines to the parsers.

All files in this folder are generated by `scripts/extract-rfc-examples.py`.
Do not edit them by hand; change the script and regenerate:

    python3 scripts/extract-rfc-examples.py           # rewrite the files
    python3 scripts/extract-rfc-examples.py --check   # exit 1 if they are stale

The script reads the RFCs from `rfc/` in the repository
(override with `--rfc-dir DIR` or `IMAP_TUTOR_RFC_DIR`).  It uses only the
Python standard library and its output is deterministic.

## Files

- `rfcNNNN.txt`: the examples of RFC NNNN, in the format below.
- `expected-errors.txt`: tab-separated list of (a) client lines the RFC shows
  being rejected with `BAD` on purpose, (b) text inside examples that is not
  real protocol (ellipses, `<TLS negotiation ...>`, `[...]`, placeholders such
  as `S: * 2 FETCH ....`), (c) RFC quirks: lines kept exactly as printed that a
  strict parser may reject (double spaces, missing SP, response code without
  text, a tagged reply whose tag matches no command, ...).
- `.gitattributes` / `.editorconfig`: keep LF line ends and trailing spaces
  (a server's `+ ` continuation request ends in a significant space).

## Format
"""

README_READER = """\

### Reading it (pseudo-code for the Rust reader)

    for each line:
        "" (empty)             -> end of the current example
        "# example N — ..."    -> new example: N, RFC, section, RFC line
        "#! protocol: ..."     -> example is not IMAP (POP3/ACAP): skip it
        other "#..."           -> comment (optionally read the "#! " notes)
        otherwise              -> tag = line[0..2], content = line[3..] (or "")
            "C:"/"S:"  start a protocol line for client/server
            "C+"/"S+"  one literal line: literal = "+" lines joined with CRLF
            "C>"/"S>"  the rest of that protocol line after its literal

To rebuild the bytes one side sends for a protocol line: `content` of the
`X:` line, CRLF, then for each literal its `X+` lines joined with CRLF, then
the `X>` content, and a final CRLF after the last `X>` (or after the `X:`
line if it has no literal).  Lines of the other side can sit between an
`X:` line ending in `{n}` and its `X+` lines (the server's `+ Ready ...`
continuation request for a synchronizing literal).

A `{n}` line not followed by `+` lines has no literal data in the RFC: either
the server refused the command before it was sent (RFC 3501/9051
`A044 BLURDYBLOOP {102856}`) or the RFC elides the message (RFC 8474 APPEND);
the `#! literal:` comment before the line says which.

The literal counts printed in the RFCs are checked against the text shown
(lines joined with CRLF, non-ASCII text counted in UTF-8 octets, `<NUL>`
counted as one octet).  LITERAL_CHECK_RESULT

## How the RFC text was turned into examples

- Page breaks (footer `Author  Standards Track  [Page N]`, form feed, header
  `RFC NNNN  Title  Month Year`, and the blank padding around them) are
  removed.  An example that runs across a page break is rejoined when the
  page was full (at most 4 blank lines before the footer) and the next page
  goes on with a `C:`/`S:` line; otherwise the page break is taken as a
  paragraph break (e.g. RFC 3501 §6.3.4, where the page ends early and the
  next page starts a second, separate DELETE example).
- An example is a paragraph (a run of non-blank lines) that contains `C:`/`S:`
  lines.  Prose lines in front of the first `C:`/`S:` line are left out, but
  descriptive lines such as `... client connects to server ...` are kept as
  `#! not-protocol:` comments.  The section is the last numbered heading
  before the example (`6.3.1.  SELECT Command` gives `§6.3.1`; RFC 5256 uses
  headings such as `BASE.6.4.THREAD`).
- A line without `C:`/`S:` continues the protocol line above it (the RFC wraps
  long lines, sometimes at the same indentation as `C:`, as in RFC 3501's
  `LOGINDISABLED`).  It is joined with one space, except where a space would
  change the protocol: after `(` or `[`, before `)` or `]`, inside base64
  SASL data (RFC 3501/9051 AUTHENTICATE, RFC 9051 §8 SCRAM), after a `,` in a
  sequence set (RFC 7162 `15000,`/`22500`), in a word the formatter
  hyphenated (RFC 7162 `mod-`/`sequence`), and between lists written back
  to back (`)(`: THREAD responses, NAMESPACE descriptors, ENVELOPE address
  lists).  Each joined line is preceded by a `#! joined:` comment naming the
  RFC lines.
- Descriptive lines are not protocol: `...`, `. . .`, `...time passes...`,
  `<TLS negotiation ...>`, `[...]`, `(Server and client then close the
  connection)`, `(note that ...)`, `// comments`, `==> headings`, and
  `C:`/`S:` lines whose content is a placeholder (`S: ...`,
  `S: * 2 FETCH ....`, `S: * 4 FETCH (...)`, `C: ...very long command
  line...`, `S: (more expunges)`, `C: m STORE 42 FLAGS f1 ... f250`).  They
  appear only as `#! not-protocol:` comments and in `expected-errors.txt`.
- `S: +` (a bare continuation request) is written `S: + ` with the space the
  protocol requires (RFC 4959 and RFC 9051 point out that the space is there).
- Deliberate errors: a client command answered with a tagged `BAD`, and a
  placeholder client line answered with an untagged `* BAD`, get a
  `#! expect-bad:` comment and a `deliberate-error` record.  The untagged
  `* BAD Disk crash, attempting salvage to a new disk!` in RFC 3501/9051 §7.1.3
  is a server alert, not an answer to a bad command (A443 EXPUNGE completes
  OK), so it is not listed.
"""


def render_readme(per_rfc, all_examples):
    full = [l for ex in all_examples for l in ex.literals if l["state"] in ("done", "await-rest")]
    bad = [l for l in full if "DECLARED" in l["msg"]]
    if not bad:
        res = (
            "All %d literals shown in full have exactly the declared size, so the"
            " `+` lines reproduce them byte for byte." % len(full)
        )
    else:
        res = "%d of %d literals shown in full do not match their declared size: %s." % (
            len(bad),
            len(full),
            "; ".join("RFC line %d %s" % (l["lineno"], l["decl"]) for l in bad),
        )
    lines = [README_HEAD]
    lines.append("```")
    lines.append(FORMAT_DOC)
    lines.append("```")
    lines.append(README_READER.replace("LITERAL_CHECK_RESULT", res))
    lines.append("## Counts per RFC\n")
    lines.append(
        "| RFC | file | examples | C: lines | S: lines | literals | not-protocol | deliberate errors | quirks | non-IMAP examples |"
    )
    lines.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    tot = [0] * 8
    for rfc, examples in per_rfc:
        c = sum(1 for ex in examples for s, k, t, n in ex.protocol_lines if s == "C" and k == ":")
        s_ = sum(1 for ex in examples for s, k, t, n in ex.protocol_lines if s == "S" and k == ":")
        lits = sum(len(ex.literals) for ex in examples)
        npl = sum(len(ex.not_protocol) for ex in examples)
        errs = sum(len(ex.errors) for ex in examples)
        qu = sum(len(ex.quirks) for ex in examples)
        non = sum(1 for ex in examples if ex.protocol != "IMAP")
        row = [len(examples), c, s_, lits, npl, errs, qu, non]
        tot = [a + b for a, b in zip(tot, row)]
        lines.append(
            "| %s %s | `rfc%s.txt` | %s |" % (rfc, RFC_TITLES.get(rfc, ""), rfc, " | ".join(str(x) for x in row))
        )
    lines.append("| total | | %s |" % " | ".join(str(x) for x in tot))
    lines.append("")
    lines.append(
        "`C:`/`S:` count protocol lines after joining wrapped RFC lines (not `+`/`>` lines);"
        " not-protocol counts descriptive and placeholder lines."
    )
    lines.append("")
    # quirk list
    lines.append("## RFC quirks kept as printed\n")
    lines.append("See `expected-errors.txt` (kind `rfc-quirk`) for the full list. Summary:\n")
    seen = set()
    for ex in all_examples:
        for line, why in ex.quirks:
            key = (ex.rfc, line, why)
            if key in seen:
                continue
            seen.add(key)
            lines.append("- RFC %s example %d: `%s` — %s" % (ex.rfc, ex.number, line, why))
    lines.append("")
    return "\n".join(lines)


# --------------------------------------------------------------------------

def extract_all(rfc_dir, review):
    files = sorted(f for f in os.listdir(rfc_dir) if re.match(r"^rfc\d+\.txt$", f))
    per_rfc = []
    outputs = {}
    all_examples = []
    for fname in files:
        rfc = re.match(r"^rfc(\d+)\.txt$", fname).group(1)
        path = os.path.join(rfc_dir, fname)
        with open(path, "rb") as fh:
            data = fh.read()
        sha = hashlib.sha256(data).hexdigest()
        text = data.decode("utf-8-sig")
        raw = text.replace("\r\n", "\n").split("\n")
        raw = [l.rstrip() if not l.startswith("\f") else l for l in raw]
        ex = Extractor(rfc, raw, review)
        ex.run()
        if not ex.examples:
            continue
        for e in ex.examples:
            for w in e.warnings:
                review.append("RFC %s example %d WARNING: %s" % (rfc, e.number, w))
        per_rfc.append((rfc, ex.examples))
        all_examples.extend(ex.examples)
        outputs["rfc%s.txt" % rfc] = render_rfc_file(rfc, fname, sha, ex.examples) + "\n"
    outputs["expected-errors.txt"] = render_errors(all_examples)
    outputs["README.md"] = render_readme(per_rfc, all_examples)
    outputs[".gitattributes"] = (
        "# Generated corpus: keep LF line ends and trailing spaces (\"S: + \" is significant).\n"
        "*.txt text eol=lf whitespace=-blank-at-eol,-blank-at-eof\n"
    )
    outputs[".editorconfig"] = (
        "# Generated corpus: trailing spaces are significant (\"S: + \").\n"
        "[*.txt]\n"
        "trim_trailing_whitespace = false\n"
        "insert_final_newline = true\n"
        "end_of_line = lf\n"
    )
    return outputs, all_examples


def verify_corpus_file(name, text):
    """Read one generated rfcNNNN.txt the way FORMAT_DOC tells a reader to,
    rebuild the wire bytes of every protocol line and check every literal
    against its declared size.  Returns a list of problems (empty = good)."""
    problems = []
    example = None
    pending = None  # dict(side, n, lines, line) for a literal being read
    rebuilt = 0
    last_literal_note = ""

    def close_pending(where):
        nonlocal pending
        if pending is None:
            return
        if pending["lines"] is not None and pending["matches"]:
            data = "\r\n".join(pending["lines"])
            if octets(data) != pending["n"]:
                problems.append("%s: literal {%d} rebuilt to %d octets (%s)" % (name, pending["n"], octets(data), where))
        pending = None

    for no, line in enumerate(text.split("\n"), 1):
        where = "%s:%d" % (name, no)
        if line == "":
            if pending is not None and pending["lines"] is not None and not pending["rest"]:
                problems.append("%s: literal without its rest line" % where)
            pending = None
            example = None
            continue
        if line.startswith("#! literal: "):
            last_literal_note = line
        if line.startswith("#"):
            m = re.match(r"^# example (\d+) — RFC (\d+) §(\S+) \(line (\d+)\)$", line)
            if m:
                example = int(m.group(1))
            elif line.startswith("# example"):
                problems.append("%s: malformed example header" % where)
            continue
        if example is None:
            problems.append("%s: protocol line outside an example" % where)
            continue
        tag = line[:2]
        if len(line) > 2 and line[2] != " ":
            problems.append("%s: third character is not a space" % where)
        content = line[3:]
        if tag not in ("C:", "S:", "C+", "S+", "C>", "S>"):
            problems.append("%s: unknown line tag %r" % (where, tag))
            continue
        side, kind = tag[0], tag[1]
        if kind == "+":
            if pending is None or pending["side"] != side:
                problems.append("%s: literal line without a {n} line" % where)
                continue
            if pending["lines"] is None:
                pending["lines"] = []
            if pending["rest"]:
                problems.append("%s: literal line after the rest line" % where)
            pending["lines"].append(content)
            continue
        if kind == ">":
            if pending is None or pending["side"] != side or pending["lines"] is None:
                problems.append("%s: rest line without a literal" % where)
                continue
            pending["rest"] = True
            close_pending(where)
            rebuilt += 1
        elif kind == ":":
            if pending is not None and pending["side"] == side:
                # a new line from the same side while a literal is open:
                # allowed only when the literal was never sent / elided
                if pending["lines"] is not None:
                    problems.append("%s: new %s line inside a literal" % (where, tag))
                pending = None
            elif pending is not None and pending["lines"] is not None:
                problems.append("%s: other side speaks inside a literal" % where)
            rebuilt += 1
        m = LITERAL_AT_END.search(content)
        if m:
            pending = {
                "side": side,
                "n": int(m.group(2)),
                "lines": None,
                "rest": False,
                "matches": "(matches the declared count)" in last_literal_note,
            }
            last_literal_note = ""
    return problems, rebuilt


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rfc-dir", default=None, help="folder with rfcNNNN.txt (default: rfc/ in the repository)")
    ap.add_argument("--out-dir", default=OUT_DIR_DEFAULT, help="output folder (default: tests/data/rfc-examples)")
    ap.add_argument("--check", action="store_true", help="do not write; exit 1 if the files on disk differ")
    ap.add_argument("--review", default=None, help="write a log of every join/literal/page-break decision here")
    args = ap.parse_args(argv)
    rfc_dir = args.rfc_dir or default_rfc_dir()
    if not os.path.isdir(rfc_dir):
        print("error: RFC folder not found: %s (use --rfc-dir)" % rfc_dir, file=sys.stderr)
        return 2
    review = []
    outputs, all_examples = extract_all(rfc_dir, review)
    if args.review:
        for ex in all_examples:
            for a, b, joiners, result in ex.joins:
                review.append(
                    "RFC %s example %d join %d-%d %s\n    => %s"
                    % (ex.rfc, ex.number, a, b, ["SP" if j == " " else "NONE" for j in joiners], result)
                )
            for lit in ex.literals:
                review.append("RFC %s example %d literal line %d: %s" % (ex.rfc, ex.number, lit["lineno"], lit["msg"]))
            for lineno, text, reason in ex.not_protocol:
                review.append("RFC %s example %d not-protocol line %d (%s): %s" % (ex.rfc, ex.number, lineno, reason, text))
        with open(args.review, "w", encoding="utf-8") as fh:
            fh.write("\n".join(review) + "\n")
    out_dir = args.out_dir
    stale = []
    if os.path.isdir(out_dir):
        for f in sorted(os.listdir(out_dir)):
            if re.match(r"^rfc\d+\.txt$", f) and f not in outputs:
                stale.append(f)
    problems = []
    for name, content in sorted(outputs.items()):
        if re.match(r"^rfc\d+\.txt$", name):
            p, _ = verify_corpus_file(name, content)
            problems.extend(p)
    if problems:
        for p in problems:
            print("verify: " + p, file=sys.stderr)
        return 1
    if args.check:
        bad = []
        for name, content in sorted(outputs.items()):
            p = os.path.join(out_dir, name)
            try:
                with open(p, "r", encoding="utf-8", newline="") as fh:
                    if fh.read() != content:
                        bad.append(name)
            except FileNotFoundError:
                bad.append(name)
        bad.extend(stale)
        if bad:
            print("out of date: %s" % ", ".join(bad), file=sys.stderr)
            print("run: python3 scripts/extract-rfc-examples.py", file=sys.stderr)
            return 1
        print("rfc-examples up to date (%d files)" % len(outputs))
        return 0
    os.makedirs(out_dir, exist_ok=True)
    for name, content in sorted(outputs.items()):
        p = os.path.join(out_dir, name)
        with open(p, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(content)
    for f in stale:
        os.remove(os.path.join(out_dir, f))
    n_ex = len(all_examples)
    print("wrote %d files to %s (%d examples)" % (len(outputs), os.path.relpath(out_dir, REPO_ROOT), n_ex))
    return 0


if __name__ == "__main__":
    sys.exit(main())
