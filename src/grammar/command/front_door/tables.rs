//! What learners bring from elsewhere: commands of other protocols, extension commands
//! the tutor knows by name only, and the words to choose from where a label applies.

use crate::grammar::args::label;
use crate::grammar::command::specs::UID_COMMANDS;
use crate::grammar::search::SEARCH_KEY_NAMES;
use crate::grammar::status::STATUS_ATT_NAMES;

/// Words from other protocols that learners type at an IMAP server, with the IMAP command
/// to use instead (if there is one) and why.
pub(super) const CONFUSIONS: &[(&str, Option<&str>, &str)] = &[
    ("HELO", Some("CAPABILITY"), "HELO is SMTP's greeting. An IMAP server speaks first, so there is nothing to greet; CAPABILITY asks what the server supports."),
    ("EHLO", Some("CAPABILITY"), "EHLO is SMTP's greeting. An IMAP server speaks first, so there is nothing to greet; CAPABILITY asks what the server supports."),
    ("HELLO", Some("CAPABILITY"), "IMAP has no greeting command: the server greets first. CAPABILITY asks what it supports."),
    ("HELP", Some("CAPABILITY"), "IMAP has no HELP command; CAPABILITY lists what the server supports."),
    ("USER", Some("LOGIN"), "USER is POP3. IMAP sends the user name and the password in one command: LOGIN <user> <password>."),
    ("PASS", Some("LOGIN"), "PASS is POP3. IMAP sends the user name and the password in one command: LOGIN <user> <password>."),
    ("AUTH", Some("AUTHENTICATE"), "AUTH is the SMTP and POP3 spelling; IMAP's command is AUTHENTICATE <mechanism>."),
    ("QUIT", Some("LOGOUT"), "QUIT is POP3 and SMTP; IMAP ends a session with LOGOUT."),
    ("EXIT", Some("LOGOUT"), "IMAP ends a session with LOGOUT."),
    ("BYE", Some("LOGOUT"), "BYE is what a server says when it closes the connection; the client's command is LOGOUT."),
    ("RETR", Some("FETCH"), "RETR is POP3. IMAP reads messages with FETCH, such as FETCH 1 BODY[]."),
    ("TOP", Some("FETCH"), "TOP is POP3. IMAP reads headers with FETCH, such as FETCH 1 BODY.PEEK[HEADER]."),
    ("DELE", Some("STORE"), "DELE is POP3. IMAP marks a message with STORE 1 +FLAGS (\\Deleted) and removes marked messages with EXPUNGE."),
    ("STAT", Some("STATUS"), "STAT is POP3. IMAP's STATUS asks about a mailbox: STATUS INBOX (MESSAGES UNSEEN)."),
    ("MAIL", None, "MAIL is SMTP. IMAP reads and files mail; sending is SMTP's job. To store a message in a mailbox, use APPEND."),
    ("RCPT", None, "RCPT is SMTP. IMAP reads and files mail; sending is SMTP's job."),
    ("DATA", None, "DATA is SMTP. IMAP reads and files mail; sending is SMTP's job. To store a message in a mailbox, use APPEND."),
];

/// Extension commands the tutor recognises by name but does not parse, with the
/// extension that defines them: valid when the server announces that extension.
pub(super) const UNMODELLED: &[(&str, &str)] = &[
    ("ESEARCH", "MULTISEARCH (RFC 7377)"),
    ("REPLACE", "REPLACE (RFC 8508)"),
    ("URLFETCH", "URLAUTH (RFC 4467)"),
    ("GENURLAUTH", "URLAUTH (RFC 4467)"),
    ("RESETKEY", "URLAUTH (RFC 4467)"),
    ("CANCELUPDATE", "CONTEXT (RFC 5267)"),
];

/// The words a learner can choose from where a label applies, for "did you mean".
pub(super) fn choices(expected: &str) -> Option<&'static [&'static str]> {
    const STORE_CHOICES: &[&str] = &[
        "FLAGS",
        "+FLAGS",
        "-FLAGS",
        "FLAGS.SILENT",
        "+FLAGS.SILENT",
        "-FLAGS.SILENT",
    ];
    match expected {
        label::FETCH_ATT | label::FETCH_ITEMS => Some(crate::grammar::fetch::FETCH_NAMES),
        label::STORE_ITEM => Some(STORE_CHOICES),
        label::SEARCH_KEY | label::CRITERIA => Some(SEARCH_KEY_NAMES),
        label::STATUS_ATT | label::STATUS_ITEMS => Some(STATUS_ATT_NAMES),
        label::UID_COMMAND => Some(UID_COMMANDS),
        _ => None,
    }
}
