//! Lesson 24 teaches NOTIFY (RFC 5465) over two sessions: what the mock answers at each
//! of its NOTIFY steps, and that the sections it cites exist. Every answer asserted here
//! is also what Dovecot 2.3.19 gave for the same sequence, CONDSTORE's HIGHESTMODSEQ
//! and MODSEQ included: SET STATUS with FlagChange turns it on (the lesson's step 7;
//! tests/data/differential/notify.txt f1-f12).

use std::path::Path;

use imap_tutor::lesson::{check, schema};

const LESSON: &str = "scenarios/24-idle-two-sessions.yaml";

fn replies() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(LESSON);
    let scenario = schema::load(&path).unwrap_or_else(|e| panic!("{e:?}"));
    check::replies(&scenario).unwrap_or_else(|e| panic!("{e}"))
}

/// The expect lines the mock produced for step `n` (1-based).
fn step(all: &str, n: usize) -> Vec<String> {
    let start = format!("# step {n} ");
    let block = all
        .split_inclusive('\n')
        .skip_while(|l| !l.starts_with(&start))
        .skip(1)
        .take_while(|l| !l.starts_with("# step "))
        .collect::<String>();
    block
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- "))
        .map(str::to_owned)
        .collect()
}

/// Step `n`'s reply from the mock must be exactly `want`.
fn assert_step(all: &str, n: usize, want: &[&str]) {
    assert_eq!(step(all, n), want, "step {n} in:\n{all}");
}

#[test]
fn notify_set_status_answers_with_the_other_mailboxs_status() {
    let all = replies();
    let shown = all.lines().find(|l| l.contains("NOTIFY SET")).unwrap_or("");
    assert!(
        shown.contains("(SELECTED (MessageNew (UID FLAGS) MessageExpunge FlagChange))"),
        "{all}"
    );
    let status = r#""* STATUS Archive (MESSAGES 1 UIDNEXT 2 UIDVALIDITY 1719824693 UNSEEN 1 HIGHESTMODSEQ 2)""#;
    assert_step(
        &all,
        7,
        &[
            r#""* OK [HIGHESTMODSEQ 8] Highest""#,
            status,
            r#""{tag} OK NOTIFY completed (0.001 + 0.000 secs).""#,
        ],
    );
}

#[test]
fn under_notify_flag_changes_and_new_mail_come_with_the_items_asked_for() {
    let all = replies();
    let noop = r#""{tag} OK NOOP completed (0.001 + 0.000 secs).""#;
    assert_step(
        &all,
        8,
        &[r#""* 3 FETCH (MODSEQ (9) FLAGS (\\Seen))""#, noop],
    );
    let new = [r#""* 4 EXISTS""#, r#""* 4 FETCH (UID 5 FLAGS ())""#, noop];
    assert_step(&all, 9, &new);
}

#[test]
fn after_notify_none_a_noop_reports_nothing() {
    let all = replies();
    assert_step(
        &all,
        11,
        &[r#""{tag} OK NOOP completed (0.001 + 0.000 secs).""#],
    );
}

#[test]
fn the_lesson_cites_rfc_5465_sections_that_exist() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lesson = std::fs::read_to_string(root.join(LESSON)).unwrap();
    let rfc = std::fs::read_to_string(root.join("rfc/rfc5465.txt")).unwrap();
    let header = lesson
        .lines()
        .find(|l| l.starts_with("# RFC sections:"))
        .unwrap();
    let cited: Vec<&str> = header
        .split(", ")
        .filter_map(|c| c.trim().strip_prefix("RFC 5465 §"))
        .collect();
    assert!(cited.len() >= 4, "{header}");
    for s in cited {
        let heading = format!("\n{s}.  ");
        assert!(rfc.contains(&heading), "RFC 5465 has no section {s}");
    }
    assert!(lesson.contains("IDLE is the only way to hear about changes"));
}
