//! The explainer on the commands that administer an account (issue 9): GETQUOTA,
//! GETQUOTAROOT, SETQUOTA (RFC 9208 §4.1), GETACL, SETACL, DELETEACL, LISTRIGHTS,
//! MYRIGHTS (RFC 4314 §3), GETMETADATA with MAXSIZE and DEPTH, SETMETADATA (RFC 5464
//! §4.2, §4.3) and Gmail's XLIST. No fixture advertises them, so both sides are the
//! RFCs' own examples (tags made unique; RFC 5464's options moved before the mailbox,
//! where its ABNF wants them), with a few lines of ours for what they do not show
//! (MAILBOX and ANNOTATION-STORAGE limits, negative rights, vendor entries, XLIST).
//! Besides the snapshot: no line is unknown, nor any response code (METADATA's
//! included), none is an error (A035's upper-case right is a warning), every citation
//! is a heading of its RFC in `rfc/`, each command cites its own section, and each part
//! of a line is explained.

mod explain_support;
mod support;

use explain_support::{check, explain_lines, render};
use imap_tutor::explain::Annotation;
use imap_tutor::wire::Direction;

const SESSION: &[(Direction, &str)] = &[
    (
        Direction::Server,
        "* OK [CAPABILITY IMAP4rev1 QUOTA QUOTASET QUOTA=RES-STORAGE QUOTA=RES-MESSAGE ACL RIGHTS=texk METADATA] ready.",
    ),
    (Direction::Client, "a1 LOGIN alice secret"),
    (Direction::Server, "a1 OK Logged in"),
    // RFC 9208 §4.1.1–§4.1.3
    (Direction::Client, "G0001 GETQUOTA \"!partition/sda4\""),
    (Direction::Server, "* QUOTA \"!partition/sda4\" (STORAGE 104 10923847)"),
    (Direction::Server, "G0001 OK Getquota complete"),
    (Direction::Client, "G0002 GETQUOTAROOT INBOX"),
    (Direction::Server, "* QUOTAROOT INBOX \"#user/alice\" \"!partition/sda4\""),
    (Direction::Server, "* QUOTA \"#user/alice\" (MESSAGE 42 1000)"),
    (Direction::Server, "* QUOTA \"!partition/sda4\" (STORAGE 104 10923847)"),
    (Direction::Server, "G0002 OK Getquotaroot complete"),
    (Direction::Client, "S0001 SETQUOTA \"#user/alice\" (STORAGE 510)"),
    (Direction::Server, "* QUOTA \"#user/alice\" (STORAGE 58 512)"),
    (Direction::Server, "S0001 OK Rounded quota"),
    (Direction::Client, "S0002 SETQUOTA \"!partition/sda4\" (STORAGE 99999999)"),
    (Direction::Server, "* QUOTA \"!partition/sda4\" (STORAGE 104 10923847)"),
    (Direction::Server, "S0002 NO Cannot change system limit"),
    (
        Direction::Client,
        "S0003 SETQUOTA \"#user/alice\" (MESSAGE 1000 MAILBOX 50 ANNOTATION-STORAGE 64)",
    ),
    (Direction::Server, "S0003 OK Setquota completed"),
    (Direction::Client, "S0004 SETQUOTA \"#user/alice\" ()"),
    (Direction::Server, "S0004 OK Setquota completed"),
    // RFC 4314 §3.1–§3.5
    (Direction::Client, "A001 GETACL INBOX/Drafts"),
    (Direction::Server, "* ACL INBOX/Drafts Fred rwipslxetad Chris lrswi"),
    (Direction::Server, "A001 OK Getacl complete"),
    (Direction::Client, "A002 SETACL INBOX/Drafts Chris +cda"),
    (Direction::Server, "A002 OK Setacl complete"),
    (Direction::Client, "A035 SETACL INBOX/Drafts John lrQswicda"),
    (Direction::Server, "A035 BAD Uppercase rights are not allowed"),
    (Direction::Client, "A036 SETACL INBOX/Drafts John lrqswicda"),
    (Direction::Server, "A036 BAD The q right is not supported"),
    (Direction::Client, "A037 SETACL INBOX -Fred w"),
    (Direction::Server, "A037 OK Setacl complete"),
    (Direction::Client, "A038 SETACL INBOX anyone -w"),
    (Direction::Server, "A038 OK Setacl complete"),
    (Direction::Client, "B002 DeleteAcl INBOX Fred"),
    (Direction::Server, "B002 OK Deleteacl complete"),
    (Direction::Client, "a001 LISTRIGHTS ~/Mail/saved smith"),
    (Direction::Server, "* LISTRIGHTS ~/Mail/saved smith la r swicdkxte"),
    (Direction::Server, "a001 OK Listrights completed"),
    (Direction::Client, "A003 MYRIGHTS INBOX"),
    (Direction::Server, "* MYRIGHTS INBOX rwiptsldaex"),
    (Direction::Server, "A003 OK Myrights complete"),
    // RFC 5464 §4.2–§4.3
    (Direction::Client, "m1 GETMETADATA \"\" /shared/comment"),
    (Direction::Server, "* METADATA \"\" (/shared/comment \"Shared comment\")"),
    (Direction::Server, "m1 OK GETMETADATA complete"),
    (Direction::Client, "m2 GETMETADATA \"INBOX\" (/shared/comment /private/comment)"),
    (
        Direction::Server,
        "* METADATA \"INBOX\" (/shared/comment \"Shared comment\" /private/comment \"My own comment\")",
    ),
    (Direction::Server, "m2 OK GETMETADATA complete"),
    (
        Direction::Client,
        "m3 GETMETADATA (MAXSIZE 1024) \"INBOX\" (/shared/comment /private/comment)",
    ),
    (Direction::Server, "* METADATA \"INBOX\" (/private/comment \"My own comment\")"),
    (Direction::Server, "m3 OK [METADATA LONGENTRIES 2199] GETMETADATA complete"),
    (Direction::Client, "m4 GETMETADATA (DEPTH 1) \"INBOX\" (/private/filters/values)"),
    (
        Direction::Server,
        "* METADATA \"INBOX\" (/private/filters/values/small \"SMALLER 5000\" /private/filters/values/boss \"FROM \\\"boss@example.com\\\"\")",
    ),
    (Direction::Server, "m4 OK GETMETADATA complete"),
    (
        Direction::Client,
        "m5 GETMETADATA (DEPTH infinity) \"\" (/shared/admin /shared/vendor/vendor.example/motd)",
    ),
    (Direction::Server, "* METADATA \"\" (/shared/admin \"mailto:postmaster@example.com\" /shared/vendor/vendor.example/motd NIL)"),
    (Direction::Server, "m5 OK GETMETADATA complete"),
    (Direction::Client, "m6 SETMETADATA INBOX (/private/comment {33}"),
    (Direction::Server, "+ ready for data"),
    (Direction::Client, "My new comment across\r\ntwo lines.)"),
    (Direction::Server, "m6 OK SETMETADATA complete"),
    (Direction::Client, "m7 SETMETADATA INBOX (/private/comment NIL)"),
    (Direction::Server, "m7 OK SETMETADATA complete"),
    (
        Direction::Client,
        "m8 SETMETADATA INBOX (/private/comment \"My new comment\" /shared/comment \"This one is for you!\")",
    ),
    (Direction::Server, "m8 OK SETMETADATA complete"),
    (Direction::Client, "m9 SETMETADATA INBOX (/private/comment \"My new comment\")"),
    (Direction::Server, "m9 NO [METADATA TOOMANY] SETMETADATA failed"),
    // Gmail's XLIST, answered as Gmail did
    (Direction::Client, "x1 XLIST \"\" \"*\""),
    (Direction::Server, "* XLIST (\\HasNoChildren \\Inbox) \"/\" \"Inbox\""),
    (Direction::Server, "x1 OK Success"),
    (Direction::Client, "z LOGOUT"),
    (Direction::Server, "* BYE Logging out"),
    (Direction::Server, "z OK Logout completed"),
];

/// The annotation of the client line tagged `tag`.
fn command<'a>(annotations: &'a [Annotation], tag: &str) -> &'a Annotation {
    annotations
        .iter()
        .find(|a| a.direction == Some(Direction::Client) && a.tag.as_deref() == Some(tag))
        .unwrap_or_else(|| panic!("no command tagged {tag}"))
}

#[test]
fn quota_acl_metadata_and_xlist_commands_are_explained() {
    let annotations = explain_lines(SESSION);
    let cited = check(&annotations, &[]);
    for (tag, section) in [
        ("G0001", "RFC 9208 §4.1.1"),
        ("G0002", "RFC 9208 §4.1.2"),
        ("S0001", "RFC 9208 §4.1.3"),
        ("A001", "RFC 4314 §3.3"),
        ("A002", "RFC 4314 §3.1"),
        ("B002", "RFC 4314 §3.2"),
        ("a001", "RFC 4314 §3.4"),
        ("A003", "RFC 4314 §3.5"),
        ("m1", "RFC 5464 §4.2"),
        ("m3", "RFC 5464 §4.2.1"),
        ("m4", "RFC 5464 §4.2.2"),
        ("m6", "RFC 5464 §4.3"),
        ("x1", "RFC 6154 §2"),
    ] {
        let a = command(&annotations, tag);
        assert!(a.rfc.iter().any(|r| r == section), "{tag}: {:?}", a.rfc);
    }
    // Each part of a line has its own words: the letters, the resources, the scopes.
    let text = |tag| {
        let a = command(&annotations, tag);
        format!("{} {}", a.summary, a.details.join(" "))
    };
    assert!(text("A002").contains("c: RFC 2086's create"));
    assert!(text("A035").contains("Q: not a right"));
    let warned = &command(&annotations, "A035").diagnostics;
    assert!(warned.iter().any(|d| d.code == "acl-rights"), "{warned:?}");
    assert!(text("A037").contains("negative rights"));
    assert!(text("A038").contains("anyone is every user"));
    assert!(text("S0003").contains("ANNOTATION-STORAGE at most 64 KiB"));
    assert!(text("S0004").contains("removes every limit"));
    assert!(text("m2").contains("/private/comment is private"));
    assert!(text("m3").contains("MAXSIZE 1024"));
    assert!(text("m4").contains("DEPTH 1"));
    assert!(text("m5").contains("vendor namespace"));
    assert!(text("m7").contains("removed (NIL)"));
    assert!(text("x1").contains("XLIST"));
    for a in &annotations {
        assert!(
            a.diagnostics.iter().all(|d| d.code != "unknown-code"),
            "{}: {:?}",
            a.display,
            a.diagnostics
        );
    }
    assert!(cited.len() > 40);
    insta::assert_snapshot!("admin_commands", render(&annotations));
}
