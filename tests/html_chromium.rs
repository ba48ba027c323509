//! The HTML view in a real browser: Debian's Chromium, headless, opens the page of
//! the strategos session, of a tcpdump capture of Dovecot with a 100 MB literal, of a
//! damaged capture and of a diff. Each must load with no console message at all
//! (an error, a warning, a log), hold every message and explanation in its DOM,
//! nothing from the input as markup, and no password. The keys are pressed by a
//! script added to a copy of the page. Screenshots go to target/html-view/ as
//! artefacts to look at.
//!
//! Chromium runs as CI does (root, no network): --no-sandbox, and the flags that
//! stop it reaching for Google's services (see ../shared or the machine notes).

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use imap_tutor::explain::{Explainer, Options};
use imap_tutor::render::html;
use support::{
    fresh_dir, imaplib_session, import_sessions, repo, require_program, tutor, DovecotLab, Tcpdump,
};

/// Where pages and screenshots are kept after the run.
fn artefacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("../html-view");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes `imap-tutor ARGS` (an HTML page) to target/html-view/NAME.html.
fn make_page(name: &str, args: &[&str]) -> PathBuf {
    let out = tutor(args);
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = artefacts().join(format!("{name}.html"));
    std::fs::write(&path, &out.stdout).unwrap();
    path
}

/// What Chromium made of a page: its DOM after the scripts ran, and every console
/// message it logged.
struct Opened {
    dom: String,
    console: Vec<String>,
}

fn chromium(args: &[&str], page: &Path) -> (String, String) {
    let profile = fresh_dir("chromium-profile");
    let out = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("run chromium");
    let _ = std::fs::remove_dir_all(&profile);
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Opens the page, dumps its DOM and takes a screenshot (target/html-view/NAME.png).
fn open(page: &Path) -> Opened {
    let (dom, log) = chromium(&["--dump-dom"], page);
    let shot = page.with_extension("png");
    let (_, shot_log) = chromium(
        &[
            "--window-size=1280,2000",
            &format!("--screenshot={}", shot.display()),
        ],
        page,
    );
    assert!(
        std::fs::metadata(&shot).is_ok_and(|m| m.len() > 10_000),
        "no screenshot"
    );
    let console = format!("{log}\n{shot_log}")
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    Opened { dom, console }
}

/// How Chromium serialises text: `&`, `<`, `>` escaped, quotes as they are.
fn as_in_dom(text: &str) -> String {
    html::esc(text)
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

/// Checks a session page against the annotations it was made from.
fn check_session_page(opened: &Opened, file: &str, password: &str) {
    assert!(
        opened.console.is_empty(),
        "console messages: {:#?}",
        opened.console
    );
    let sessions = import_sessions(&repo().join(file));
    let annotations: Vec<_> = sessions
        .iter()
        .flat_map(|s| Explainer::explain_transcript(&s.transcript, Options::default()))
        .collect();
    let rows = opened.dom.matches("<li id=\"s").count();
    assert_eq!(
        rows,
        annotations.len(),
        "one message in the DOM per annotation"
    );
    for a in &annotations {
        assert!(
            opened.dom.contains(&as_in_dom(&a.display)),
            "{:?} is not in the DOM",
            a.display
        );
        assert!(
            opened.dom.contains(&as_in_dom(&a.summary)),
            "{:?} is not in the DOM",
            a.summary
        );
    }
    assert_eq!(
        opened.dom.matches("<script").count(),
        1,
        "only the page's own script"
    );
    assert!(
        !opened.dom.contains(password),
        "the password is on the page"
    );
}

#[test]
#[ignore = "needs chromium: sudo bash scripts/ci-install.sh, then cargo test -- --include-ignored"]
fn chromium_opens_the_pages_of_sessions_captures_and_a_diff() {
    require_program("chromium", "chromium");
    let strategos = make_page(
        "strategos",
        &["explain", "--format", "html", "transcripts/strategos.txt"],
    );
    let opened = open(&strategos);
    check_session_page(&opened, "transcripts/strategos.txt", "tryhackme");
    assert!(opened.dom.contains("A LOGIN strategos ********"));

    let damaged_file = "tests/data/imports/dovecot-imaplib-damaged.pcapng";
    let damaged = make_page(
        "capture-damaged",
        &["explain", "--format", "html", damaged_file],
    );
    check_session_page(&open(&damaged), damaged_file, "tryhackme");

    let diff = make_page(
        "diff",
        &[
            "diff",
            "--format",
            "html",
            "tests/data/imports/dovecot-imaplib.txt",
            "tests/data/imports/dovecot-imaplib-damaged.pcapng",
        ],
    );
    let opened = open(&diff);
    assert!(opened.console.is_empty(), "{:#?}", opened.console);
    assert!(
        opened.dom.contains("the command got no tagged completion"),
        "a meaning"
    );
    assert!(opened
        .dom
        .contains("<td class=\"del\"><code>S: * BYE Logging out</code></td>"));

    // The keys, pressed by a script on a copy of the damaged capture's page.
    let page = std::fs::read_to_string(&damaged).unwrap();
    let probe = "<script>\nfunction key(k) { document.dispatchEvent(new KeyboardEvent('keydown', { key: k })); }\n\
        key('j'); key('j'); var second = document.activeElement.id;\n\
        key('n'); var problem = document.activeElement.id;\n\
        key('e'); var open = document.querySelectorAll('details[open]').length;\n\
        key('x'); var terse = document.body.classList.contains('terse');\n\
        document.body.setAttribute('data-probe', [second, problem, open, terse].join(' '));\n</script>\n</body>";
    let keyed = artefacts().join("keys.html");
    std::fs::write(&keyed, page.replacen("</body>", probe, 1)).unwrap();
    let (dom, log) = chromium(&["--dump-dom"], &keyed);
    assert!(!log.contains(":CONSOLE"), "{log}");
    let probe = dom
        .split("data-probe=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("the probe ran");
    let details = page.matches("<details").count();
    // `n` goes to the first problem after the message that has focus (the second).
    let next_problem = page
        .split("<li id=\"s1m")
        .skip(1)
        .filter(|li| {
            li.split('>')
                .next()
                .is_some_and(|tag| tag.contains(" problem"))
        })
        .filter_map(|li| li.split('"').next()?.parse::<usize>().ok())
        .find(|&n| n > 2)
        .map(|n| format!("s1m{n}"))
        .unwrap();
    assert_eq!(probe, format!("s1m2 {next_problem} {details} true"));
}

#[test]
#[ignore = "needs chromium, tcpdump, python3 and Dovecot: sudo bash scripts/ci-install.sh, then cargo test -- --include-ignored"]
fn chromium_opens_a_dovecot_capture_with_a_100_mb_literal_in_a_page_under_2_mb() {
    require_program("chromium", "chromium");
    require_program("tcpdump", "tcpdump");
    require_program("python3", "python3");
    const BIG: usize = 100 * 1024 * 1024;
    let lab = DovecotLab::start(&[]);
    lab.seed_strategos();
    // tcpdump on loopback while imaplib APPENDs a 100 MB message and FETCHes it back.
    // On a busy machine the kernel may drop packets before tcpdump reads them (its
    // count says so): such a capture has real holes, which are not what this test is
    // about, so it is made again, three times at most.
    let dir = fresh_dir("html-100mb");
    let capture = dir.join("dovecot-100mb.pcap");
    let mut tries = 0;
    loop {
        tries += 1;
        let dump = Tcpdump::start(&capture, lab.port);
        imaplib_session(lab.port, "big", BIG);
        let report = dump.stop_after_logout(&capture);
        if report.dropped_by_kernel == 0 {
            break;
        }
        eprintln!("capture {tries}: tcpdump says {}", report.text);
        assert!(
            tries < 3,
            "tcpdump's kernel buffer overflowed on each of 3 captures: {}",
            report.text
        );
    }
    let page = make_page(
        "dovecot-100mb",
        &["explain", "--format", "html", capture.to_str().unwrap()],
    );
    let size = std::fs::metadata(&page).unwrap().len();
    let html = std::fs::read_to_string(&page).unwrap();
    let summary = html
        .split("reassembled from the capture")
        .nth(1)
        .and_then(|r| r.split('<').next())
        .unwrap_or("(no reassembly note)");
    assert!(
        !html.contains("where the capture lost"),
        "tcpdump kept every packet, yet the page says some were lost: {summary}"
    );
    // Both literals counted whole in the summary band, though the page keeps 16 KiB.
    for way in ["client → server", "server → client"] {
        let figure: u64 = html
            .split(&format!("<dt>bytes {way}</dt><dd>"))
            .nth(1)
            .and_then(|r| r.split('<').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        assert!(figure > BIG as u64, "bytes {way}: {figure}");
    }
    assert!(size < 2 * 1024 * 1024, "the page is {size} bytes");
    let opened = open(&page);
    check_session_page(&opened, capture.to_str().unwrap(), "tryhackme");
    assert!(
        opened.dom.contains(&format!("{{{BIG}}}")),
        "the literal's size is shown"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
