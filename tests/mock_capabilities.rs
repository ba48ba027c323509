//! Every capability the seed's server advertises after login works in the mock (issue
//! 9): under the `strategos` fixture, for each capability of the post-login CAPABILITY
//! line, real commands that use it are answered without `[CANNOT]` or "does not
//! implement", every tagged answer is OK, and the answer shows the capability at work.
//!
//! The list comes from the mock's own LOGIN answer, so a capability added to the
//! fixture without a row in `USES` fails here, and so does a row whose capability is
//! no longer advertised.

use std::sync::Arc;

use imap_tutor::mock::fixture;
use imap_tutor::mock::Session;

/// How a capability is used: the lines sent (a session of its own, logged in first
/// unless `before_login`), and a text the answers must contain.
struct Use {
    capability: &'static str,
    before_login: bool,
    lines: &'static [&'static str],
    shows: &'static str,
}

const fn after(
    capability: &'static str,
    lines: &'static [&'static str],
    shows: &'static str,
) -> Use {
    Use {
        capability,
        before_login: false,
        lines,
        shows,
    }
}

/// One row per capability of the strategos post-login line, in its order.
const USES: &[Use] = &[
    after("IMAP4rev1", &["c CAPABILITY"], "* CAPABILITY IMAP4rev1 "),
    Use {
        capability: "SASL-IR",
        before_login: true,
        // "\0strategos\0tryhackme" in base64, on the AUTHENTICATE line itself.
        lines: &["a AUTHENTICATE PLAIN AHN0cmF0ZWdvcwB0cnloYWNrbWU="],
        shows: "a OK",
    },
    Use {
        capability: "LOGIN-REFERRALS",
        before_login: true,
        // A local user gets no referral: an OK with no [REFERRAL], as from Dovecot.
        lines: &["a LOGIN strategos tryhackme"],
        shows: "a OK [CAPABILITY",
    },
    after("ID", &["i ID (\"name\" \"test\")"], "* ID (\"name\" \"Dovecot\")"),
    after("ENABLE", &["e ENABLE CONDSTORE"], "* ENABLED CONDSTORE"),
    after("IDLE", &["s SELECT INBOX", "i IDLE", "DONE"], "+ idling"),
    after("SORT", &["s SELECT INBOX", "t SORT (SUBJECT) UTF-8 ALL"], "* SORT "),
    after("SORT=DISPLAY", &["s SELECT INBOX", "t SORT (DISPLAYFROM) UTF-8 ALL"], "* SORT "),
    after("THREAD=REFERENCES", &["s SELECT INBOX", "t THREAD REFERENCES UTF-8 ALL"], "* THREAD ("),
    after("THREAD=REFS", &["s SELECT INBOX", "t THREAD REFS UTF-8 ALL"], "* THREAD ("),
    after("THREAD=ORDEREDSUBJECT", &["s SELECT INBOX", "t THREAD ORDEREDSUBJECT UTF-8 ALL"], "* THREAD ("),
    after("MULTIAPPEND", &["m APPEND INBOX {3+}\r\nabc {3+}\r\ndef"], "[APPENDUID 1719824692 5:6]"),
    after(
        "URL-PARTIAL",
        &["u APPEND INBOX CATENATE (URL \"/INBOX;UIDVALIDITY=1719824692/;UID=1/;SECTION=TEXT/;PARTIAL=0.7\")"],
        "[APPENDUID 1719824692 5]",
    ),
    after(
        "CATENATE",
        &["c APPEND INBOX CATENATE (TEXT {4+}\r\nHi\r\n URL \"/INBOX;UIDVALIDITY=1719824692/;UID=1/;SECTION=TEXT\")"],
        "[APPENDUID 1719824692 5]",
    ),
    after("UNSELECT", &["s SELECT INBOX", "u UNSELECT"], "u OK Unselect completed"),
    after("CHILDREN", &["c CREATE Lists/one", "l LIST \"\" \"*\""], "(\\HasNoChildren) \"/\" INBOX"),
    after("NAMESPACE", &["n NAMESPACE"], "* NAMESPACE ((\"\" \"/\")) NIL NIL"),
    after("UIDPLUS", &["s SELECT INBOX", "c UID COPY 1 INBOX"], "[COPYUID 1719824692 1 5]"),
    after("LIST-EXTENDED", &["l LIST (SUBSCRIBED) \"\" \"*\" RETURN (CHILDREN)"], "l OK"),
    after("I18NLEVEL=1", &["s SELECT INBOX", "f SEARCH CHARSET UTF-8 SUBJECT \"WELCOME\""], "* SEARCH 1\r\n"),
    after("CONDSTORE", &["s SELECT INBOX (CONDSTORE)", "f FETCH 1 (MODSEQ)"], "* 1 FETCH (MODSEQ ("),
    after(
        "QRESYNC",
        &["e ENABLE QRESYNC", "s SELECT INBOX (QRESYNC (1719824692 1))"],
        "* 1 FETCH (UID 1 ",
    ),
    after("ESEARCH", &["s SELECT INBOX", "f SEARCH RETURN (MIN MAX COUNT) ALL"], "* ESEARCH (TAG \"f\") MIN 1 MAX 4 COUNT 4"),
    after("ESORT", &["s SELECT INBOX", "f SORT RETURN (MIN COUNT) (SUBJECT) UTF-8 ALL"], "* ESEARCH (TAG \"f\")"),
    after("SEARCHRES", &["s SELECT INBOX", "f SEARCH RETURN (SAVE) SEEN", "g FETCH $ UID"], "* 3 FETCH (UID 3)"),
    after("WITHIN", &["s SELECT INBOX", "f SEARCH YOUNGER 60"], "* SEARCH"),
    after(
        "CONTEXT=SEARCH",
        &["s SELECT INBOX", "f SEARCH RETURN (UPDATE COUNT) ALL", "c CANCELUPDATE \"f\""],
        "* ESEARCH (TAG \"f\") COUNT 4",
    ),
    after("LIST-STATUS", &["l LIST \"\" \"*\" RETURN (STATUS (MESSAGES))"], "* STATUS INBOX (MESSAGES 4)"),
    after("BINARY", &["s SELECT INBOX", "f FETCH 1 (BINARY.SIZE[1] BINARY.PEEK[1])", "a APPEND INBOX ~{3+}\r\nabc"], "BINARY.SIZE[1] "),
    after("MOVE", &["c CREATE Moved", "s SELECT INBOX", "m MOVE 1 Moved"], "[COPYUID "),
    after("SNIPPET=FUZZY", &["s SELECT INBOX", "f FETCH 1 (SNIPPET (FUZZY))"], "SNIPPET (FUZZY \"Welcome"),
    after("PREVIEW=FUZZY", &["s SELECT INBOX", "f FETCH 1 (PREVIEW (FUZZY))"], "PREVIEW (FUZZY \"Welcome"),
    after("PREVIEW", &["s SELECT INBOX", "f FETCH 1 (PREVIEW)"], "PREVIEW \"Welcome"),
    after("STATUS=SIZE", &["s STATUS INBOX (SIZE)"], "* STATUS INBOX (SIZE "),
    after("SAVEDATE", &["s SELECT INBOX", "f FETCH 1 (SAVEDATE)", "g SEARCH SAVEDSINCE 1-Jan-2000"], "SAVEDATE \""),
    after("LITERAL+", &["a APPEND INBOX {3+}\r\nabc"], "[APPENDUID 1719824692 5]"),
    after("NOTIFY", &["s SELECT INBOX", "n NOTIFY SET STATUS (SELECTED (MessageNew MessageExpunge)) (PERSONAL (MailboxName))"], "n OK"),
    after("SPECIAL-USE", &["l LIST \"\" \"*\" RETURN (SPECIAL-USE)"], "* LIST () \"/\" INBOX"),
];

/// The post-login capabilities the mock announces under the strategos fixture.
fn advertised() -> Vec<String> {
    let (store, config) = fixture::load("strategos").unwrap_or_else(|e| panic!("{e}"));
    let (mut session, _) = Session::new(store, Arc::new(config));
    let out = session.receive(b"a LOGIN strategos tryhackme\r\n");
    let text = String::from_utf8_lossy(&out.bytes).into_owned();
    let list = text
        .split("[CAPABILITY ")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .unwrap_or_else(|| panic!("no capabilities in {text:?}"));
    list.split(' ').map(str::to_owned).collect()
}

/// Runs `u` in a fresh session of a fresh store; returns everything answered.
fn run(u: &Use) -> String {
    let (store, config) = fixture::load("strategos").unwrap_or_else(|e| panic!("{e}"));
    let (mut session, _) = Session::new(store, Arc::new(config));
    let mut lines: Vec<&str> = Vec::new();
    if !u.before_login {
        lines.push("l0 LOGIN strategos tryhackme");
    }
    lines.extend(u.lines);
    // The tags sent: a line that starts with one is a tagged answer (a literal's
    // content, also not starting with `*`, is not).
    let tags: Vec<String> = lines
        .iter()
        .filter(|l| **l != "DONE")
        .map(|l| format!("{} ", l.split(' ').next().unwrap_or("")))
        .collect();
    let mut all = String::new();
    for line in lines {
        let out = session.receive(format!("{line}\r\n").as_bytes());
        let text = String::from_utf8_lossy(&out.bytes).into_owned();
        for answer in text.lines() {
            assert!(
                !answer.contains("[CANNOT]") && !answer.contains("does not implement"),
                "{}: C: {line}\nS: {answer}",
                u.capability
            );
            if let Some(tag) = tags.iter().find(|t| answer.starts_with(t.as_str())) {
                assert!(
                    answer[tag.len()..].starts_with("OK"),
                    "{}: C: {line}\nS: {text}",
                    u.capability
                );
            }
        }
        all.push_str(&text);
    }
    all
}

#[test]
fn every_capability_advertised_after_login_has_a_use_in_this_table() {
    let advertised = advertised();
    assert!(advertised.len() >= 38, "{advertised:?}");
    for cap in &advertised {
        assert!(
            USES.iter().any(|u| u.capability.eq_ignore_ascii_case(cap)),
            "the strategos fixture advertises {cap}, and USES has no command that uses it"
        );
    }
    for u in USES {
        assert!(
            advertised
                .iter()
                .any(|c| c.eq_ignore_ascii_case(u.capability)),
            "USES has {}, which the strategos fixture no longer advertises",
            u.capability
        );
    }
}

#[test]
fn every_capability_advertised_after_login_works_in_the_mock() {
    for u in USES {
        let answers = run(u);
        assert!(
            answers.contains(u.shows),
            "{}: expected {:?} in:\n{answers}",
            u.capability,
            u.shows
        );
    }
}
