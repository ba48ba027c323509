//! The sans-IO lesson runner, driven line by line as a learner would type: each test is
//! a short session with what the tutor must say after each line.

use imap_tutor::lesson::{self, repl, Runner, Show};
use imap_tutor::render::TextStyle;

fn lesson(id: &str) -> Runner {
    let scenario = lesson::catalogue()
        .unwrap()
        .into_iter()
        .find(|s| s.id == id)
        .unwrap();
    Runner::new(scenario).unwrap()
}

/// What the learner reads after typing `line`, as plain text.
fn say(r: &mut Runner, line: &str) -> String {
    text(&r.input(line))
}

fn text(shows: &[Show]) -> String {
    let mut out = Vec::new();
    repl::write_shows(
        &mut out,
        shows,
        TextStyle {
            color: false,
            width: 200,
            full: false,
        },
    )
    .unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn a_literal_typed_line_by_line_is_one_attempt() {
    let mut r = lesson("literals");
    text(&r.begin());
    // C: a1 APPEND INBOX {42}   S: + OK   (not judged yet: the literal is awaited)
    let said = say(&mut r, "t1 APPEND INBOX {42}");
    assert!(
        said.contains("S: + OK") && !said.contains("Goal reached") && !said.contains("Not yet"),
        "{said}"
    );
    assert_eq!(r.prompt(), "literal, 42 bytes to go> ");
    say(&mut r, "From: me@client.thm");
    assert_eq!(r.prompt(), "literal, 21 bytes to go> ");
    say(&mut r, "Subject: Hi");
    say(&mut r, "");
    let said = say(&mut r, "Hello!");
    assert!(
        said.contains("S: t1 OK [APPENDUID 1719824692 5] Append completed"),
        "{said}"
    );
    assert!(
        said.contains("Goal reached") && said.contains("INBOX holds 5 messages"),
        "{said}"
    );
    assert_eq!(r.prompt(), "step 2/3> ");
}

#[test]
fn a_continuation_keeps_the_commands_tag() {
    let mut r = lesson("login-auth");
    text(&r.begin());
    assert!(say(&mut r, "k1 CAPABILITY").contains("Goal reached"));
    let said = say(&mut r, "k2 AUTHENTICATE PLAIN");
    assert!(
        said.contains("S: + ") && said.contains("Goal reached"),
        "{said}"
    );
    // The base64 line has no tag: `{tag}` is AUTHENTICATE's, k2.
    let said = say(&mut r, "AHN0cmF0ZWdvcwB3cm9uZw==");
    assert!(
        said.contains("k2 NO [AUTHENTICATIONFAILED]") && said.contains("Goal reached"),
        "{said}"
    );
}

#[test]
fn mail_arrives_while_idling_and_done_ends_it() {
    let mut r = lesson("idle");
    text(&r.begin());
    let said = say(&mut r, "w IDLE");
    // Step 2 begins: another client delivers, and the idling session hears it at once.
    assert!(
        said.contains("S: + idling") && said.contains("Another client delivers a message to INBOX"),
        "{said}"
    );
    assert!(said.contains("S: * 5 EXISTS"), "{said}");
    assert_eq!(r.prompt(), "idling (DONE ends it)> ");
    let said = say(&mut r, "DONE");
    assert!(
        said.contains("S: w OK Idle completed") && said.contains("Goal reached"),
        "{said}"
    );
}

#[test]
fn a_miss_shows_the_diff_and_the_hints_in_turn_then_show_and_skip() {
    let mut r = lesson("copy-move");
    text(&r.begin());
    assert!(say(&mut r, "c1 COPY 1 body[]").contains("Goal reached"));
    // COPY to a mailbox that does not exist: one sentence from the reply's meaning, a hint;
    // the diff shows the NO against the OK expected, on :diff.
    let said = say(&mut r, "c2 COPY 1 archive");
    assert!(
        said.contains("Not yet: Expected OK, the server said NO: the target mailbox does not exist: CREATE it first, then try again."),
        "{said}"
    );
    assert!(!said.contains("- c2 OK [COPYUID"), "the diff waits: {said}");
    assert!(said.contains("Hint 1/2:"), "{said}");
    let diff = say(&mut r, ":diff");
    assert!(
        diff.contains("- c2 OK [COPYUID 1719824693 1 1] Copy completed"),
        "{diff}"
    );
    assert!(
        diff.contains("+ c2 NO [TRYCREATE] Mailbox doesn't exist: archive"),
        "{diff}"
    );
    assert!(say(&mut r, ":hint").contains("Hint 2/2:"));
    assert!(say(&mut r, ":hint").contains("No more hints"));
    assert!(say(&mut r, ":show").contains("a2 COPY 1 Archive"));
    let said = say(&mut r, ":skip");
    assert!(
        said.contains("(typed for you) a2 COPY 1 Archive") && said.contains("Step 3 of 3"),
        "{said}"
    );
    let said = say(&mut r, ":explain * 4 EXPUNGE");
    assert!(said.contains("S: * 4 EXPUNGE"), "{said}");
}

#[test]
fn restart_replays_the_earlier_steps_on_a_fresh_mock() {
    let mut r = lesson("expunge");
    text(&r.begin());
    assert!(say(&mut r, "e1 STORE 2:3 +FLAGS (\\Deleted)").contains("Goal reached"));
    // A learner who expunges by another route is judged on the reply...
    let said = say(&mut r, "e2 CLOSE");
    assert!(
        said.contains("Not yet: The reply has no line like * 3 EXPUNGE."),
        "{said}"
    );
    // ...and :restart gives step 2 back with step 1 replayed: INBOX selected, 2 and 3 deleted.
    let said = say(&mut r, ":restart");
    assert!(
        said.contains("steps 1 to 1 replayed") && said.contains("Step 2 of 3"),
        "{said}"
    );
    let said = say(&mut r, "e3 EXPUNGE");
    assert!(
        said.contains("S: * 3 EXPUNGE")
            && said.contains("S: * 2 EXPUNGE")
            && said.contains("Goal reached"),
        "{said}"
    );
}

#[test]
fn the_lesson_screen_shows_control_bytes_instead_of_obeying_them() {
    // A lesson file and a fixture's mail may come from anyone: ESC, NUL and CR in its
    // prose, its reply lines and its typed lines are shown, not sent to the terminal.
    let said = text(&[
        Show::Event("another client \x1b[2J cleared".into()),
        Show::Typed("a1 NOOP\x1b]0;pwned\x07".into()),
        Show::Diff {
            reasons: vec!["the reply \x00 differs\r".into()],
            diff: vec!["-* OK fine".into(), "+* OK \x1b[31mred\x1b[0m".into()],
        },
        Show::Hint {
            number: 1,
            total: 1,
            text: "type\x1b[8m hidden".into(),
        },
    ]);
    assert!(
        !said.chars().any(|c| c.is_control() && c != '\n'),
        "{said:?}"
    );
    for shown in [
        "\\e[2J",
        "\\e]0;pwned\\a",
        "\\0 differs\\r",
        "+* OK \\e[31mred\\e[0m",
        "\\e[8m hidden",
    ] {
        assert!(said.contains(shown), "{shown} in {said}");
    }
}
