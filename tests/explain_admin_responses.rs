//! The explainer on what a real server with quotas, ACLs and metadata answers (issue
//! 9): QUOTA and QUOTAROOT (RFC 9208), ACL, LISTRIGHTS and MYRIGHTS (RFC 4314),
//! METADATA with values and unsolicited (RFC 5464). No fixture advertises these, so
//! the server side is the RFCs' own examples, in the order a client would meet them.
//! Besides the snapshot: no line is unknown, no error is found, every citation is a
//! heading of its RFC in `rfc/`, and each response cites its own section.

mod explain_support;
mod support;

use explain_support::{check, explain_lines, render};
use imap_tutor::wire::Direction;

const SESSION: &[(Direction, &str)] = &[
    (
        Direction::Server,
        "* OK [CAPABILITY IMAP4rev1 QUOTA QUOTA=RES-STORAGE ACL RIGHTS=texk METADATA] ready.",
    ),
    (Direction::Client, "a1 LOGIN fred secret"),
    (Direction::Server, "a1 OK Logged in"),
    (Direction::Client, "a2 GETQUOTAROOT INBOX"),
    (Direction::Server, "* QUOTAROOT INBOX \"\""),
    (
        Direction::Server,
        "* QUOTA \"\" (STORAGE 10 512 MESSAGE 4 1000)",
    ),
    (Direction::Server, "a2 OK Getquotaroot completed"),
    (Direction::Client, "a3 GETQUOTAROOT comp.mail.mime"),
    (Direction::Server, "* QUOTAROOT comp.mail.mime"),
    (Direction::Server, "a3 OK Getquotaroot completed"),
    (Direction::Client, "a4 GETQUOTA user.fred"),
    (Direction::Server, "* QUOTA user.fred ()"),
    (Direction::Server, "a4 OK Getquota completed"),
    (Direction::Client, "a5 MYRIGHTS INBOX"),
    (Direction::Server, "* MYRIGHTS INBOX lrswipkxtecda"),
    (Direction::Server, "a5 OK Myrights completed"),
    (Direction::Client, "a6 GETACL INBOX"),
    (
        Direction::Server,
        "* ACL INBOX fred lrswipkxtecda anyone lr -bob w",
    ),
    (Direction::Server, "a6 OK Getacl completed"),
    (Direction::Client, "a7 LISTRIGHTS archive/imap smith"),
    (
        Direction::Server,
        "* LISTRIGHTS archive/imap smith la r swicdkxte",
    ),
    (Direction::Server, "a7 OK Listrights completed"),
    (Direction::Client, "a8 GETMETADATA \"\" /shared/comment"),
    (
        Direction::Server,
        "* METADATA \"\" (/shared/comment \"Shared comment\")",
    ),
    (Direction::Server, "a8 OK Getmetadata completed"),
    (
        Direction::Client,
        "a9 GETMETADATA INBOX (/private/comment /shared/comment)",
    ),
    (
        Direction::Server,
        "* METADATA INBOX (/private/comment NIL /shared/comment \"Team inbox\")",
    ),
    (Direction::Server, "a9 OK Getmetadata completed"),
    (Direction::Client, "a10 NOOP"),
    (Direction::Server, "* METADATA INBOX /shared/comment"),
    (Direction::Server, "a10 OK NOOP completed"),
    (Direction::Client, "a11 LOGOUT"),
    (Direction::Server, "* BYE Logging out"),
    (Direction::Server, "a11 OK Logout completed"),
];

#[test]
fn quota_acl_and_metadata_responses_are_explained() {
    let annotations = explain_lines(SESSION);
    let cited = check(&annotations, &[]);
    for (response, section) in [
        ("* QUOTA ", "RFC 9208 §4.2.1"),
        ("* QUOTAROOT ", "RFC 9208 §4.2.2"),
        ("* ACL ", "RFC 4314 §3.6"),
        ("* LISTRIGHTS ", "RFC 4314 §3.7"),
        ("* MYRIGHTS ", "RFC 4314 §3.8"),
        ("* METADATA ", "RFC 5464 §4.4"),
    ] {
        let lines: Vec<_> = annotations
            .iter()
            .filter(|a| a.display.starts_with(response))
            .collect();
        assert!(!lines.is_empty(), "{response}");
        for a in lines {
            assert!(
                a.rfc.iter().any(|r| r == section),
                "{}: {:?}",
                a.display,
                a.rfc
            );
            assert!(
                a.diagnostics.is_empty(),
                "{}: {:?}",
                a.display,
                a.diagnostics
            );
        }
    }
    assert!(cited.len() > 30);
    insta::assert_snapshot!("admin_responses", render(&annotations));
}
