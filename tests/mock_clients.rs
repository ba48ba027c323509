//! Real mail clients against `imap-tutor serve`: python3 imaplib, curl, fetchmail,
//! mbsync and mutt, each run as the program a learner would run, each checking that
//! the mail arrives byte for byte (tests/data/strategos/N.eml) and that what it
//! changes reaches the server.
//!
//! Every test starts its own server (`tests/support`, `MockServer`) on a free port of
//! 127.0.0.1 with the `default` fixture: the strategos INBOX (4 messages, 1 and 3
//! \Seen) plus Archive, Drafts, Junk, Sent and Trash. What a client changed is then
//! read back over a second connection, shown as `C:`/`S:` lines.
//!
//! The clients come from `scripts/ci-install.sh`, so these tests are `#[ignore]`d:
//! `cargo test -- --include-ignored` runs them, and a missing client fails its test with
//! a message saying what to install.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use support::{fresh_dir, require_program, run, strategos_eml, MockServer};

/// Reads back a mailbox through a second session: `UID FETCH 1:* (FLAGS)` after
/// EXAMINE (read-only, so reading changes nothing), one line per message.
fn flags_of(server: &MockServer, mailbox: &str) -> Vec<String> {
    let mut imap = server.connect();
    imap.ok("a LOGIN strategos tryhackme");
    imap.ok(&format!("b EXAMINE {mailbox}"));
    let reply = imap.ok("c UID FETCH 1:* (FLAGS)");
    imap.ok("d LOGOUT");
    reply
        .lines()
        .filter(|l| l.starts_with("* "))
        .map(str::to_owned)
        .collect()
}

/// `BODY.PEEK[]` of message `uid` in `mailbox`, through a second session.
fn body_of(server: &MockServer, mailbox: &str, uid: u32) -> Vec<u8> {
    let mut imap = server.connect();
    imap.ok("a LOGIN strategos tryhackme");
    imap.ok(&format!("b EXAMINE {mailbox}"));
    imap.send(format!("c UID FETCH {uid} BODY.PEEK[]\r\n").as_bytes());
    let reply = imap.until_tagged("c");
    imap.ok("d LOGOUT");
    // `* n FETCH (UID u BODY[] {size}` CRLF, the bytes, `)` CRLF, then the tagged OK.
    let open = reply
        .windows(3)
        .position(|w| w == b"}\r\n")
        .expect("a literal in the reply")
        + 3;
    let size: usize = {
        let head = String::from_utf8_lossy(&reply[..open - 3]).into_owned();
        head.rsplit('{').next().unwrap().parse().unwrap()
    };
    reply[open..open + size].to_vec()
}

fn show(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

// ------------------------------------------------------------------ curl

/// Runs curl as strategos against `imap://127.0.0.1:PORT/PATH`, with `extra` arguments.
fn curl(server: &MockServer, path: &str, extra: &[&str]) -> std::process::Output {
    let url = format!("imap://127.0.0.1:{}/{path}", server.port);
    let mut args = vec!["-sS", "--max-time", "30", &url, "-u", "strategos:tryhackme"];
    args.extend_from_slice(extra);
    run(Command::new("curl").args(&args))
}

/// curl reads one message by UID: `AUTHENTICATE PLAIN` (SASL-IR), `SELECT INBOX`,
/// `UID FETCH 3 BODY[]`. Its output is the seed's email, CRLFs and TABs included.
#[test]
#[ignore = "needs the mail clients: sudo bash scripts/ci-install.sh, then cargo test -- --include-ignored"]
fn curl_prints_the_seeds_email_byte_for_byte() {
    require_program("curl", "curl");
    let server = MockServer::start("default");
    let out = curl(&server, "INBOX;UID=3", &[]);
    assert!(out.status.success(), "curl failed: {}", show(&out.stderr));
    assert_eq!(show(&out.stdout), show(&strategos_eml(3)));
    assert_eq!(out.stdout, strategos_eml(3), "byte for byte");

    // BODY[] is not PEEK: it would set \Seen, but message 3 was \Seen already; message 2
    // was not, and a curl of it marks it.
    let out = curl(&server, "INBOX;UID=2", &[]);
    assert_eq!(out.stdout, strategos_eml(2));
    assert_eq!(
        flags_of(&server, "INBOX"),
        [
            r"* 1 FETCH (UID 1 FLAGS (\Seen))",
            r"* 2 FETCH (UID 2 FLAGS (\Seen))",
            r"* 3 FETCH (UID 3 FLAGS (\Seen))",
            r"* 4 FETCH (UID 4 FLAGS ())",
        ]
    );
}

/// curl's custom commands: `-X 'UID SEARCH ...'` prints the untagged reply.
#[test]
#[ignore = "needs the mail clients: sudo bash scripts/ci-install.sh, then cargo test -- --include-ignored"]
fn curl_searches_with_a_custom_command() {
    require_program("curl", "curl");
    let server = MockServer::start("default");
    let out = curl(&server, "INBOX", &["-X", "UID SEARCH UNSEEN"]);
    assert!(out.status.success(), "curl failed: {}", show(&out.stderr));
    assert_eq!(show(&out.stdout), "* SEARCH 2 4\r\n");
}

// ------------------------------------------------------------------ python3 imaplib

/// The script a Python user would write: every imaplib call of the issue, each
/// checked. It prints one line per step so a failure shows how far it got.
const IMAPLIB_SCRIPT: &str = r#"
import imaplib, re, sys
port, data = int(sys.argv[1]), sys.argv[2]
eml = {n: open(f"{data}/{n}.eml", "rb").read() for n in range(1, 5)}

def step(what, result, expect=None):
    typ, payload = result
    print(what, "->", typ, payload if len(repr(payload)) < 300 else repr(payload)[:300] + "...")
    assert typ == "OK", (what, typ, payload)
    if expect is not None:
        assert payload == expect, (what, payload, expect)
    return payload

m = imaplib.IMAP4("127.0.0.1", port)
print("greeting", m.welcome)
assert "IMAP4REV1" in m.capabilities and "AUTH=PLAIN" in m.capabilities, m.capabilities
step("login", m.login("strategos", "tryhackme"), [b"Logged in"])
caps = step("capability", m.capability())[0].split()
assert b"MOVE" in caps and b"UIDPLUS" in caps and b"SPECIAL-USE" in caps, caps
listed = step("list", m.list())
names = sorted(line.decode().rsplit(" ", 1)[1] for line in listed)
assert names == ["Archive", "Drafts", "INBOX", "Junk", "Sent", "Trash"], names
assert b'(\\HasNoChildren \\Sent) "/" Sent' in listed, listed
step("select", m.select("INBOX"), [b"4"])
step("search all", m.search(None, "ALL"), [b"1 2 3 4"])
step("search unseen", m.search(None, "UNSEEN"), [b"2 4"])
step("search from", m.search(None, "FROM", '"alice@client.thm"'), [b"2"])
step("search subject", m.search(None, "SUBJECT", "telnet"), [b"3 4"])
step("uid search", m.uid("SEARCH", "SINCE", "27-Jun-2024"), [b"3 4"])

# Mail content, byte for byte: BODY.PEEK[] leaves \Seen alone.
for n in range(1, 5):
    got = step(f"fetch {n} body.peek[]", m.fetch(str(n), "(BODY.PEEK[])"))
    assert got[0][1] == eml[n], (n, got[0][1])
step("flags after peek", m.fetch("2", "(FLAGS)"), [b"2 (FLAGS ())"])
got = step("fetch 2 body[]", m.fetch("2", "(BODY[])"))
assert got[0][1] == eml[2] and b"\\Seen" in got[0][0], got
step("flags after body[]", m.fetch("2", "(FLAGS)"), [b"2 (FLAGS (\\Seen))"])
got = step("fetch headers", m.fetch("1:4", "(UID RFC822.SIZE BODY.PEEK[HEADER.FIELDS (SUBJECT)])"))
assert got[0][0] == b"1 (UID 1 RFC822.SIZE 211 BODY[HEADER.FIELDS (SUBJECT)] {34}", got[0][0]
assert got[0][1] == b"Subject: Welcome to server.thm\r\n\r\n", got[0][1]

step("store +flags", m.store("2", "+FLAGS", "(\\Flagged)"), [b"2 (FLAGS (\\Flagged \\Seen))"])
step("store -flags", m.store("2", "-FLAGS", "(\\Seen)"), [b"2 (FLAGS (\\Flagged))"])
step("uid store", m.uid("STORE", "4", "+FLAGS", "(\\Answered)"), [b"4 (UID 4 FLAGS (\\Answered))"])

copied = step("copy", m.copy("1", "Archive"))
assert copied == [b"[COPYUID 1719824693 1 1] Copy completed (0.001 + 0.000 secs)."], copied
step("status", m.status("Archive", "(MESSAGES UIDNEXT)"), [b"Archive (MESSAGES 1 UIDNEXT 2)"])
step("uid move", m.uid("MOVE", "3", "Trash"))
# `* OK [COPYUID 1719824697 3 1] Moved UIDs.` and `* 3 EXPUNGE` came before the OK.
assert m.response("OK") == ("OK", [b"[COPYUID 1719824697 3 1] Moved UIDs."]), m.untagged_responses
assert m.response("EXPUNGE") == ("EXPUNGE", [b"3"]), m.untagged_responses
step("store deleted", m.store("3", "+FLAGS.SILENT", "(\\Deleted)"), [None])
step("expunge", m.expunge(), [b"3"])
step("search after expunge", m.uid("SEARCH", "ALL"), [b"1 2"])

appended = step("append", m.append("Sent", "(\\Seen)", '"01-Jul-2024 10:00:00 +0000"', eml[2]))
assert appended == [b"[APPENDUID 1719824696 1] Append completed (0.001 + 0.000 secs)."], appended
step("select sent", m.select("Sent"), [b"1"])
got = step("fetch appended", m.fetch("1", "(FLAGS INTERNALDATE BODY.PEEK[])"))
assert got[0][0] == b'1 (FLAGS (\\Seen \\Recent) INTERNALDATE "01-Jul-2024 10:00:00 +0000" BODY[] {240}', got[0][0]
assert got[0][1] == eml[2]
step("examine trash", m.select("Trash", readonly=True), [b"1"])
got = step("fetch moved", m.fetch("1", "(BODY.PEEK[])"))
assert got[0][1] == eml[3], got
step("close", m.close())
typ, bye = m.logout()
assert typ == "BYE", (typ, bye)
print("logout ->", typ, bye)
"#;

#[test]
#[ignore = "needs the mail clients: sudo bash scripts/ci-install.sh, then cargo test -- --include-ignored"]
fn python_imaplib_logs_in_lists_reads_changes_and_logs_out() {
    require_program("python3", "python3");
    let server = MockServer::start("default");
    let data = support::repo().join("tests/data/strategos");
    let out = run(Command::new("python3")
        .arg("-c")
        .arg(IMAPLIB_SCRIPT)
        .arg(server.port.to_string())
        .arg(&data));
    println!("{}", show(&out.stdout));
    assert!(
        out.status.success(),
        "the imaplib script failed:\n{}\n{}",
        show(&out.stdout),
        show(&out.stderr)
    );

    // What the script did is what the server now holds.
    assert_eq!(
        flags_of(&server, "INBOX"),
        [
            r"* 1 FETCH (UID 1 FLAGS (\Seen))",
            r"* 2 FETCH (UID 2 FLAGS (\Flagged))"
        ]
    );
    // The script never opened Archive, so the copy is still \Recent: EXAMINE shows it
    // but, being read-only, does not take it away (as in Dovecot).
    assert_eq!(
        flags_of(&server, "Archive"),
        [r"* 1 FETCH (UID 1 FLAGS (\Seen \Recent))"]
    );
    assert_eq!(body_of(&server, "Archive", 1), strategos_eml(1));
    assert_eq!(body_of(&server, "Trash", 1), strategos_eml(3));
    assert_eq!(body_of(&server, "Sent", 1), strategos_eml(2));
}

/// CONDSTORE and QRESYNC (RFC 7162) as a Python user drives them: imaplib passes
/// modifiers through as part of its arguments, and a SELECT with parameters goes
/// through `_simple_command`. The same script passes against Dovecot 2.3.19 (the lab
/// seeded with the strategos INBOX): the MODSEQs are Dovecot's.
const IMAPLIB_CONDSTORE_SCRIPT: &str = r#"
import imaplib, sys
port = int(sys.argv[1])

def step(what, result, expect=None):
    typ, payload = result
    print(what, "->", typ, payload)
    assert typ == "OK", (what, typ, payload)
    if expect is not None:
        assert payload == expect, (what, payload, expect)
    return payload

m = imaplib.IMAP4("127.0.0.1", port)
step("login", m.login("strategos", "tryhackme"))
caps = step("capability", m.capability())[0].split()
assert b"CONDSTORE" in caps and b"QRESYNC" in caps, caps
step("enable", m.enable("CONDSTORE"))
assert m.response("ENABLED") == ("ENABLED", [b"CONDSTORE"]), m.untagged_responses
step("select", m.select("INBOX"), [b"4"])
assert m.response("HIGHESTMODSEQ") == ("HIGHESTMODSEQ", [b"5"]), m.untagged_responses
step("fetch modseq", m.fetch("1:4", "(UID MODSEQ)"),
     [b"1 (UID 1 MODSEQ (5))", b"2 (UID 2 MODSEQ (5))", b"3 (UID 3 MODSEQ (5))", b"4 (UID 4 MODSEQ (5))"])
step("store", m.store("2", "+FLAGS", "(\\Flagged)"), [b"2 (MODSEQ (6) FLAGS (\\Flagged))"])
step("fetch changedsince", m.fetch("1:*", "(FLAGS) (CHANGEDSINCE 5)"), [b"2 (FLAGS (\\Flagged) MODSEQ (6))"])
step("uid fetch changedsince", m.uid("FETCH", "1:*", "(FLAGS) (CHANGEDSINCE 6)"), [None])
done = step("store unchangedsince", m.store("1:2", "(UNCHANGEDSINCE 5) +FLAGS", "(\\Answered)"))
assert done == [b"1 (MODSEQ (7) FLAGS (\\Answered \\Seen))"], done
assert m.response("MODIFIED") == ("MODIFIED", [b"2"]), m.untagged_responses
step("store unchangedsince ok", m.store("2", "(UNCHANGEDSINCE 6) -FLAGS", "(\\Flagged)"), [b"2 (MODSEQ (8) FLAGS ())"])
step("search modseq", m.search(None, "MODSEQ", "7"), [b"1 2 (MODSEQ 8)"])
step("delete 4", m.store("4", "+FLAGS.SILENT", "(\\Deleted)"), [b"4 (MODSEQ (9))"])
step("expunge", m.expunge(), [b"4"])
step("close", m.close())
step("enable qresync", m.enable("QRESYNC"))
assert m.response("ENABLED") == ("ENABLED", [b"QRESYNC"]), m.untagged_responses
step("select again", m.select("INBOX"), [b"3"])
typ, dat = m._simple_command("SELECT", "INBOX", "(QRESYNC (1719824692 5 1:4))")
print("select qresync ->", typ, dat)
assert typ == "OK" and dat == [b"[READ-WRITE] Select completed (0.001 + 0.000 secs)."], (typ, dat)
assert m.response("VANISHED") == ("VANISHED", [b"(EARLIER) 4"]), m.untagged_responses
assert m.response("FETCH") == ("FETCH", [b"1 (UID 1 FLAGS (\\Answered \\Seen) MODSEQ (7))", b"2 (UID 2 FLAGS () MODSEQ (8))"]), m.untagged_responses
step("uid fetch vanished", m.uid("FETCH", "1:*", "(FLAGS) (CHANGEDSINCE 8 VANISHED)"), [None])
assert m.response("VANISHED") == ("VANISHED", [b"(EARLIER) 4"]), m.untagged_responses
m.logout()
print("done")
"#;

#[test]
#[ignore = "needs the mail clients: sudo bash scripts/ci-install.sh, then cargo test -- --include-ignored"]
fn python_imaplib_resynchronises_with_condstore_and_qresync() {
    require_program("python3", "python3");
    let server = MockServer::start("default");
    let out = run(Command::new("python3")
        .arg("-c")
        .arg(IMAPLIB_CONDSTORE_SCRIPT)
        .arg(server.port.to_string()));
    println!("{}", show(&out.stdout));
    assert!(
        out.status.success(),
        "the imaplib script failed:\n{}\n{}",
        show(&out.stdout),
        show(&out.stderr)
    );
    assert!(show(&out.stdout).ends_with("done\n"));
    // The conditional STORE left message 2 alone, then the second one cleared it.
    assert_eq!(
        flags_of(&server, "INBOX"),
        [
            r"* 1 FETCH (UID 1 FLAGS (\Answered \Seen))",
            r"* 2 FETCH (UID 2 FLAGS ())",
            r"* 3 FETCH (UID 3 FLAGS (\Seen))"
        ]
    );
}

/// SORT, THREAD and ESEARCH (RFC 5256, 4731, 5267 §3) as a Python user drives them:
/// `sort`, `thread` and `uid` for the first two; imaplib files `* ESEARCH` under its
/// untagged responses, so the script reads it there and checks its TAG. After an
/// EXPUNGE, UIDs and sequence numbers differ, so the UID forms are told apart. The same
/// script passes against Dovecot 2.3.19 (the lab seeded with the strategos INBOX).
const IMAPLIB_SORT_SCRIPT: &str = r#"
import imaplib, re, sys
port = int(sys.argv[1])

def step(what, result, expect=None):
    typ, payload = result
    print(what, "->", typ, payload)
    assert typ == "OK", (what, typ, payload)
    if expect is not None:
        assert payload == expect, (what, payload, expect)
    return payload

def esearch(what, expect):
    # imaplib files `* ESEARCH` under the untagged responses; the TAG is the one
    # of imaplib's last command.
    last = m.tagpre + str(m.tagnum - 1).encode()
    typ, dat = m.response("ESEARCH")
    print(what, "-> ESEARCH", dat)
    assert dat == [b'(TAG "' + last + b'")' + expect], (what, dat, last)

m = imaplib.IMAP4("127.0.0.1", port)
step("login", m.login("strategos", "tryhackme"))
caps = step("capability", m.capability())[0].split()
for c in (b"SORT", b"THREAD=REFERENCES", b"THREAD=ORDEREDSUBJECT", b"ESEARCH", b"ESORT"):
    assert c in caps, (c, caps)
step("select", m.select("INBOX"), [b"4"])
step("sort subject", m.sort("(SUBJECT)", "UTF-8", "ALL"), [b"2 3 4 1"])
step("sort reverse date", m.sort("(REVERSE DATE)", "UTF-8", "ALL"), [b"4 3 2 1"])
step("sort from unseen", m.sort("(FROM)", "UTF-8", "UNSEEN"), [b"2 4"])
step("sort arrival subject", m.sort("(ARRIVAL SUBJECT)", "UTF-8", "ALL"), [b"1 2 3 4"])
step("thread references", m.thread("REFERENCES", "UTF-8", "ALL"), [b"(1)(2)(3 4)"])
step("thread orderedsubject", m.thread("ORDEREDSUBJECT", "UTF-8", "ALL"), [b"(1)(2)(3 4)"])
step("search return", m.search(None, "RETURN", "(MIN MAX COUNT ALL)", "ALL"), [None])
esearch("search return", b" MIN 1 MAX 4 ALL 1:4 COUNT 4")
step("search return none", m.search(None, "RETURN", "(COUNT)", "DELETED"), [None])
esearch("search return none", b" COUNT 0")
# Message 1 goes: from now on sequence numbers and UIDs differ.
step("delete 1", m.store("1", "+FLAGS.SILENT", "(\\Deleted)"))
step("expunge", m.expunge(), [b"1"])
step("sort subject again", m.sort("(SUBJECT)", "UTF-8", "ALL"), [b"1 2 3"])
step("uid sort subject", m.uid("SORT", "(SUBJECT)", "UTF-8", "ALL"), [b"2 3 4"])
step("uid sort reverse size", m.uid("SORT", "(REVERSE SIZE)", "UTF-8", "ALL"), [b"3 2 4"])
step("uid thread", m.uid("THREAD", "REFERENCES", "UTF-8", "ALL"), [b"(2)(3 4)"])
step("uid search return", m.uid("SEARCH", "RETURN", "(ALL COUNT)", "SEEN"), [None])
esearch("uid search return", b" UID ALL 3 COUNT 1")
step("search return seen", m.search(None, "RETURN", "(ALL)", "UNSEEN"), [None])
esearch("search return seen", b" ALL 1,3")
typ, dat = m._simple_command("UID", "SORT", "RETURN", "(MIN MAX)", "(SUBJECT)", "UTF-8", "ALL")
step("uid sort return", (typ, [None]))
esearch("uid sort return", b" UID MIN 2 MAX 4")
m.logout()
print("done")
"#;

#[test]
#[ignore = "needs the mail clients: sudo bash scripts/ci-install.sh, then cargo test -- --include-ignored"]
fn python_imaplib_sorts_threads_and_searches_with_esearch() {
    require_program("python3", "python3");
    let server = MockServer::start("default");
    let out = run(Command::new("python3")
        .arg("-c")
        .arg(IMAPLIB_SORT_SCRIPT)
        .arg(server.port.to_string()));
    println!("{}", show(&out.stdout));
    assert!(
        out.status.success(),
        "the imaplib script failed:\n{}\n{}",
        show(&out.stdout),
        show(&out.stderr)
    );
    assert!(show(&out.stdout).ends_with("done\n"));
    // Only the EXPUNGE changed the mailbox: message 1 is gone, the rest as they were.
    assert_eq!(
        flags_of(&server, "INBOX"),
        [
            r"* 1 FETCH (UID 2 FLAGS ())",
            r"* 2 FETCH (UID 3 FLAGS (\Seen))",
            r"* 3 FETCH (UID 4 FLAGS ())"
        ]
    );
}

// ------------------------------------------------------------------ fetchmail

/// fetchmail fetches all INBOX mail (`fetchall keep`) into an MDA that writes one file
/// per message. `invisible` and `no stripcr` keep the bytes as the server sent them:
/// no Received line of fetchmail's own, CRLF kept. It sends `FETCH 1:4 RFC822.SIZE`,
/// then per message `RFC822.HEADER`, `BODY.PEEK[TEXT]` and `STORE +FLAGS (\Seen)`.
#[test]
#[ignore = "needs the mail clients: sudo bash scripts/ci-install.sh, then cargo test -- --include-ignored"]
fn fetchmail_delivers_every_message_intact() {
    require_program("fetchmail", "fetchmail");
    let server = MockServer::start("default");
    let dir = fresh_dir("fetchmail");
    let out_dir = dir.join("delivered");
    std::fs::create_dir(&out_dir).unwrap();
    let rc = dir.join("fetchmailrc");
    std::fs::write(
        &rc,
        format!(
            "set no syslog\nset invisible\n\
             poll 127.0.0.1 service {port} protocol IMAP auth password\n\
             \tuser strategos password tryhackme is root here\n\
             \tfolder INBOX\n\tkeep fetchall no rewrite no stripcr\n\tsslproto ''\n\
             \tmda \"/bin/sh -c 'cat > {out}/message.$$'\"\n",
            port = server.port,
            out = out_dir.display()
        ),
    )
    .unwrap();
    // fetchmail refuses an rc file that others can read.
    std::fs::set_permissions(&rc, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = run(Command::new("fetchmail")
        .arg("-v")
        .arg("-f")
        .arg(&rc)
        .env("FETCHMAILHOME", &dir));
    let log = format!("{}{}", show(&out.stdout), show(&out.stderr));
    // Exit code 1 would mean "no mail"; 0 is "mail delivered".
    assert_eq!(out.status.code(), Some(0), "fetchmail:\n{log}");

    let mut delivered: Vec<Vec<u8>> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .collect();
    delivered.sort_by_key(|m| strategos_order(m));
    let expected: Vec<Vec<u8>> = (1..=4).map(strategos_eml).collect();
    assert_eq!(delivered.len(), 4, "fetchmail:\n{log}");
    for (n, (got, want)) in delivered.iter().zip(&expected).enumerate() {
        assert_eq!(show(got), show(want), "message {}", n + 1);
        assert_eq!(got, want, "message {} byte for byte", n + 1);
    }
    // fetchmail marks what it fetched \Seen (its own STORE; the fetches were PEEKs).
    assert_eq!(
        flags_of(&server, "INBOX")
            .iter()
            .filter(|l| l.contains(r"\Seen"))
            .count(),
        4
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Which strategos message (1-4) this is, by its Subject line, for sorting.
fn strategos_order(message: &[u8]) -> u8 {
    let text = show(message);
    [
        "Subject: Welcome",
        "Subject: Meeting",
        "Subject: Telnet email",
        "Subject: Re: Telnet",
    ]
    .iter()
    .position(|subject| text.contains(subject))
    .map_or(0, |n| n as u8 + 1)
}

// ------------------------------------------------------------------ mbsync

/// mbsync keeps a Maildir with LF line endings and adds an `X-TUID:` header; undo
/// both to compare with what the server holds.
fn from_maildir(file: &[u8]) -> Vec<u8> {
    let text = show(file);
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        if line.starts_with("X-TUID: ") {
            continue;
        }
        out.push_str(line.strip_suffix('\n').unwrap_or(line));
        if line.ends_with('\n') {
            out.push_str("\r\n");
        }
    }
    out.into_bytes()
}

/// The messages of a Maildir folder (`new/` and `cur/`) as (path, bytes), in the order
/// of the server UIDs mbsync writes into the names (`…,U=3:2,S`).
fn maildir_messages(folder: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    for sub in ["new", "cur"] {
        let Ok(entries) = std::fs::read_dir(folder.join(sub)) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            found.push((path, bytes));
        }
    }
    found.sort_by_key(|(path, _)| uid_in_name(path));
    found
}

fn uid_in_name(path: &Path) -> u32 {
    let name = path.file_name().unwrap().to_string_lossy();
    name.split(",U=")
        .nth(1)
        .and_then(|rest| rest.split(':').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn mbsync(config: &Path) -> String {
    let out = run(Command::new("mbsync")
        .arg("-c")
        .arg(config)
        .arg("-V")
        .arg("all"));
    let log = format!("{}{}", show(&out.stdout), show(&out.stderr));
    assert!(out.status.success(), "mbsync failed:\n{log}");
    log
}

/// mbsync (isync) mirrors every folder of the `default` fixture into a local Maildir,
/// then carries local changes back: a flag, a deletion, a new draft.
#[test]
#[ignore = "needs the mail clients: sudo bash scripts/ci-install.sh, then cargo test -- --include-ignored"]
fn mbsync_syncs_every_folder_and_a_change_back() {
    require_program("mbsync", "isync");
    let server = MockServer::start("default");
    // Mail in a second folder, so more than INBOX has something to sync.
    let mut imap = server.connect();
    imap.ok("a LOGIN strategos tryhackme");
    let four = strategos_eml(4);
    imap.send(format!("b APPEND Archive (\\Seen) {{{}+}}\r\n", four.len()).as_bytes());
    imap.send(&four);
    imap.send(b"\r\n");
    let reply = show(&imap.until_tagged("b"));
    assert_eq!(
        reply,
        "b OK [APPENDUID 1719824693 1] Append completed (0.001 + 0.000 secs).\r\n"
    );
    imap.ok("c LOGOUT");

    let dir = fresh_dir("mbsync");
    let mail = dir.join("mail");
    std::fs::create_dir(&mail).unwrap();
    let config = dir.join("mbsyncrc");
    std::fs::write(
        &config,
        format!(
            "IMAPAccount mock\nHost 127.0.0.1\nPort {port}\nUser strategos\nPass tryhackme\n\
             SSLType None\nAuthMechs LOGIN\n\n\
             IMAPStore mock-remote\nAccount mock\n\n\
             MaildirStore local\nPath {mail}/\nInbox {mail}/INBOX\nSubFolders Verbatim\n\n\
             Channel all\nFar :mock-remote:\nNear :local:\nPatterns *\nCreate Both\nExpunge Both\nSyncState *\n",
            port = server.port,
            mail = mail.display()
        ),
    )
    .unwrap();

    // First sync: every folder, every message.
    let log = mbsync(&config);
    for folder in ["INBOX", "Archive", "Drafts", "Junk", "Sent", "Trash"] {
        assert!(
            mail.join(folder).join("cur").is_dir(),
            "{folder} not synced:\n{log}"
        );
    }
    let inbox = maildir_messages(&mail.join("INBOX"));
    assert_eq!(inbox.len(), 4, "{log}");
    for (n, (path, bytes)) in inbox.iter().enumerate() {
        let uid = n as u32 + 1;
        assert_eq!(uid_in_name(path), uid, "{}", path.display());
        assert_eq!(show(&from_maildir(bytes)), show(&strategos_eml(uid)));
        // Maildir flags mirror the server's: 1 and 3 are \Seen.
        assert_eq!(
            path.to_string_lossy().ends_with(",S"),
            uid == 1 || uid == 3,
            "{}",
            path.display()
        );
    }
    let archive = maildir_messages(&mail.join("Archive"));
    assert_eq!(archive.len(), 1);
    assert_eq!(from_maildir(&archive[0].1), strategos_eml(4));
    assert!(maildir_messages(&mail.join("Trash")).is_empty());

    // Local changes: flag message 2, delete message 4, write a draft.
    let two = &inbox[1].0;
    let base = two
        .file_name()
        .unwrap()
        .to_string_lossy()
        .split(":2,")
        .next()
        .unwrap()
        .to_owned();
    std::fs::rename(two, mail.join("INBOX/cur").join(format!("{base}:2,F"))).unwrap();
    std::fs::remove_file(&inbox[3].0).unwrap();
    let draft = "From: strategos@server.thm\nTo: alice@client.thm\nSubject: Written offline\n\nSee you at 10:00.\n";
    std::fs::write(mail.join("Drafts/new/1719900000.1_1.local"), draft).unwrap();

    // Second sync: the changes reach the server.
    let log = mbsync(&config);
    assert_eq!(
        flags_of(&server, "INBOX"),
        [
            r"* 1 FETCH (UID 1 FLAGS (\Seen))",
            r"* 2 FETCH (UID 2 FLAGS (\Flagged))",
            r"* 3 FETCH (UID 3 FLAGS (\Seen))"
        ],
        "{log}"
    );
    assert_eq!(flags_of(&server, "Drafts").len(), 1, "{log}");
    // Uploaded with CRLF line endings (and mbsync's X-TUID header, which it uses to
    // find the new message's UID).
    let uploaded = show(&body_of(&server, "Drafts", 1));
    let uploaded: String = uploaded
        .split_inclusive("\r\n")
        .filter(|l| !l.starts_with("X-TUID: "))
        .collect();
    assert_eq!(uploaded, show(&from_maildir(draft.as_bytes())));
    let _ = std::fs::remove_dir_all(&dir);
}

// ------------------------------------------------------------------ mutt

/// mutt, run batch-style: it wants a terminal, which `script` gives it, and `-e 'push
/// ...'` types its keys. It jumps to message 3, pipes it raw to a file, deletes
/// message 4, syncs and quits. mutt logs in with AUTHENTICATE PLAIN and reads headers
/// with `FETCH 1:n (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER.FIELDS (...)])`.
#[test]
#[ignore = "needs the mail clients: sudo bash scripts/ci-install.sh, then cargo test -- --include-ignored"]
fn mutt_pipes_the_seeds_email_and_deletes_a_message() {
    require_program("mutt", "mutt");
    require_program("script", "bsdutils");
    let server = MockServer::start("default");
    let dir = fresh_dir("mutt");
    let out = dir.join("piped.eml");
    let rc = dir.join("muttrc");
    std::fs::write(
        &rc,
        format!(
            "set folder=\"imap://strategos@127.0.0.1:{port}/\"\nset imap_pass=\"tryhackme\"\n\
             set spoolfile=\"+INBOX\"\nset ssl_starttls=no\nset ssl_force_tls=no\n\
             set pipe_decode=no\nset wait_key=no\nset record=\"\"\nset move=no\nset quit=yes\n\
             set delete=yes\nset sort=mailbox-order\nset header_cache=\"\"\nset message_cachedir=\"\"\n",
            port = server.port
        ),
    )
    .unwrap();
    let keys = format!(
        "3<enter><pipe-message>cat > {}<enter>4<enter><delete-message><sync-mailbox><quit>",
        out.display()
    );
    let mutt = format!("mutt -n -F {} -e 'push \"{keys}\"'", rc.display());
    let run_out = run(Command::new("timeout")
        .args(["-k", "5", "60", "script", "-qec", &mutt, "/dev/null"])
        .env("HOME", &dir)
        .env("TERM", "xterm"));
    let screen = format!("{}{}", show(&run_out.stdout), show(&run_out.stderr));
    assert!(run_out.status.success(), "mutt:\n{screen}");

    // mutt stores the message with LF line ends; the bytes are otherwise the seed's.
    let piped = std::fs::read(&out).unwrap_or_else(|e| panic!("{}: {e}\n{screen}", out.display()));
    assert_eq!(show(&from_maildir(&piped)), show(&strategos_eml(3)));
    // Message 4 is gone; message 2, unread and seen in the index, got mutt's "Old"
    // keyword (its mark_old setting), which the mock accepts as any keyword.
    assert_eq!(
        flags_of(&server, "INBOX"),
        [
            r"* 1 FETCH (UID 1 FLAGS (\Seen))",
            r"* 2 FETCH (UID 2 FLAGS (Old))",
            r"* 3 FETCH (UID 3 FLAGS (\Seen))"
        ]
    );
    let _ = std::fs::remove_dir_all(&dir);
}
