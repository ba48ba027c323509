#!/usr/bin/env python3
"""Seed corpora for the fuzz targets, from the files the tests already use.

  seeds.py TARGET DIR

writes one file per seed into DIR (named by content hash, so running it again adds
nothing). What each target gets, in the form its body reads (tests/fuzz_support/):

  framer, mock_session   the client bytes of each session in tests/data and transcripts/
                         (the framer also gets server bytes, raw rawlogs and mail);
  command_grammar        each client line; response_grammar: each server line;
  explainer              each session with both directions, \\x00 between turns;
  transcript_readers     every transcript, capture and log file, whole;
  lesson_yaml            every lesson and fixture in scenarios/.

Passwords masked in recordings ("********") are put back as `tryhackme`, the lab's,
so that the mock's login succeeds and the fuzzer reaches the selected state.
"""
import hashlib
import pathlib
import re
import sys

REPO = pathlib.Path(__file__).resolve().parents[2]
TEXT_SESSIONS = [
    "tests/data/dovecot/*.txt",
    "tests/data/rfc-examples/*.txt",
    "tests/data/strategos/*.txt",
    "tests/data/pasted/*.txt",
    "tests/data/imports/*.txt",
    "transcripts/*.txt",
]
# `@0.011 S: text`, `C: text`, `S| literal line`, `sf: text` (differential batteries).
LINE = re.compile(r"^(?:@[0-9.]+ )?(?:([CS])[:|]|[a-z]+:) ?(.*)$")
ESCAPE = re.compile(rb"\\(x[0-9A-Fa-f]{2}|[rnt\\$])")


def unescape(text):
    """The native format's escapes (\\r, \\n, \\t, \\xNN, \\\\); close enough for seeds."""
    table = {b"r": b"\r", b"n": b"\n", b"t": b"\t", b"\\": b"\\", b"$": b""}

    def one(m):
        e = m.group(1)
        return bytes([int(e[1:], 16)]) if e[:1] == b"x" else table[e]

    return ESCAPE.sub(one, text.encode("utf-8", "replace"))


def sessions():
    """Each file as a list of (direction, bytes) turns, sessions split at `# session`."""
    for pattern in TEXT_SESSIONS:
        for path in sorted(REPO.glob(pattern)):
            turns = []
            for raw in path.read_text(errors="replace").splitlines():
                if raw.startswith("# session") and turns:
                    yield turns
                    turns = []
                m = LINE.match(raw)
                if not m:
                    continue
                direction = m.group(1) or "C"
                text = m.group(2).replace("********", "tryhackme")
                data = unescape(text)
                if not data.endswith(b"\n"):
                    data += b"\r\n"
                if turns and turns[-1][0] == direction:
                    turns[-1] = (direction, turns[-1][1] + data)
                else:
                    turns.append((direction, data))
            if turns:
                yield turns


def files(*patterns):
    for pattern in patterns:
        for path in sorted(REPO.glob(pattern)):
            if path.is_file():
                yield path.read_bytes()


def seeds(target):
    all_sessions = list(sessions())
    client = [b"".join(d for s, d in t if s == "C") for t in all_sessions]
    server = [b"".join(d for s, d in t if s == "S") for t in all_sessions]
    if target == "framer":
        for stream in client + server:
            yield b"\x05" + stream
        for data in files("tests/data/imports/rawlog/*", "tests/data/corpus/*.eml"):
            yield b"\x30" + data
    elif target == "mock_session":
        yield from client
    elif target in ("command_grammar", "response_grammar"):
        side = "C" if target == "command_grammar" else "S"
        for turns in all_sessions:
            for s, data in turns:
                if s == side:
                    yield from data.splitlines(keepends=True)
    elif target == "explainer":
        for turns in all_sessions:
            # The body starts with the server speaking; \x00 switches direction.
            out, speaking = bytearray(b"\x04"), "S"
            for s, data in turns:
                if s != speaking:
                    out += b"\x00"
                    speaking = s
                out += data.replace(b"\x00", b"").replace(b"\x01", b"").replace(b"\x02", b"")
            yield bytes(out)
    elif target == "transcript_readers":
        yield from files(*TEXT_SESSIONS, "tests/data/imports/*", "tests/data/imports/rawlog/*",
                         "tests/data/differential/*.txt")
    elif target == "lesson_yaml":
        yield from files("scenarios/*.yaml", "scenarios/fixtures/*.yaml")
    else:
        sys.exit(f"seeds.py: unknown target {target}")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    target, out = sys.argv[1], pathlib.Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    written = 0
    for seed in seeds(target):
        # libFuzzer's -max_len is 64 KiB by default in scripts/fuzz.sh; longer seeds
        # are cut there too, so keep them whole only up to that.
        if not seed or len(seed) > 1 << 20:
            continue
        name = out / hashlib.sha1(seed).hexdigest()
        if not name.exists():
            name.write_bytes(seed)
            written += 1
    print(f"{target}: {written} new seeds in {out}")


if __name__ == "__main__":
    main()
