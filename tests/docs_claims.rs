//! The claims the hand-written documentation makes about the tool, held by tests so that
//! drift fails CI: the README's first commands, every example of `--help` and of the
//! README's and the book's command blocks that runs offline (and the output a
//! `console` block shows, where it shows one), the book's small lesson and fixture, and
//! the defaults the pages state against the ones `--help` and the library report.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const REPO: &str = env!("CARGO_MANIFEST_DIR");

/// The hand-written pages whose command blocks are run.
const PAGES: [&str; 8] = [
    "README.md",
    "CONTRIBUTING.md",
    "book/src/introduction.md",
    "book/src/reference/diff.md",
    "book/src/reference/fixtures.md",
    "book/src/reference/proxy.md",
    "book/src/reference/scenario-format.md",
    "book/src/reference/transcript-format.md",
];

/// Files the examples name as "one of yours": they stand for the reader's own files,
/// so an example naming one is not run. Any other input an example names must exist.
const PLACEHOLDERS: [&str; 9] = [
    "session.txt",
    "capture.txt",
    "capture.pcap",
    "expected.txt",
    "actual.txt",
    "my-recording.txt",
    "my-lesson.yaml",
    "my-world.yaml",
    "scenarios/my-lesson.yaml",
];

/// Options whose value is written, not read: the examples' outputs go to a scratch folder.
const OUTPUTS: [&str; 5] = ["-o", "--output", "--record", "--save", "--dir"];

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(REPO).join(path)).expect(path)
}

/// A scratch folder that looks like the repository to a relative path (its inputs are
/// links to the real folders), with `today.txt`, the file `diff.md`'s example compares:
/// `transcripts/strategos.txt` with the two lines the page says were changed.
/// Removed when the test ends, passed or failed.
fn workdir(name: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!("imap-tutor-docs-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for folder in ["transcripts", "scenarios", "tests"] {
        std::os::unix::fs::symlink(Path::new(REPO).join(folder), dir.join(folder)).unwrap();
    }
    let today = read("transcripts/strategos.txt")
        .replace("S: * 4 EXISTS", "S: * 5 EXISTS")
        .replace("S: B OK [READ-WRITE]", "S: B NO [READ-WRITE]");
    std::fs::write(dir.join("today.txt"), today).unwrap();
    Scratch(dir)
}

/// A scratch folder that goes away with the test.
struct Scratch(PathBuf);

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for Scratch {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Splits a shell line into words (single and double quotes, no expansions), up to a
/// redirection, a pipe, a comment or an aside in parentheses.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word: Option<String> = None;
    let mut quote = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.get_or_insert_with(String::new).push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                word.get_or_insert_with(String::new);
            }
            (None, ' ') => out.extend(word.take()),
            (None, '>' | '|' | '#' | '(') if word.is_none() => break,
            (None, c) => word.get_or_insert_with(String::new).push(c),
        }
    }
    out.extend(word);
    out
}

/// Why an example is not run here, if it is not: it needs the network, a server, a
/// terminal of its own or a file of the reader's.
fn not_offline(args: &[String]) -> Option<String> {
    let sub = args.first().map(String::as_str).unwrap_or("");
    if matches!(sub, "proxy" | "connect" | "serve") || args.iter().any(|a| a == "--against") {
        return Some(format!("{sub} needs a network peer"));
    }
    if sub == "lesson" && !args.iter().any(|a| a == "--demo") {
        return Some("an interactive lesson".into());
    }
    args.iter()
        .find(|a| PLACEHOLDERS.contains(&a.as_str()))
        .map(|a| format!("{a} stands for the reader's own file"))
}

/// Runs one example (`imap-tutor` and its arguments) in `dir`, outputs redirected into
/// it; `None` when it is not an offline example.
fn run_example(dir: &Path, line: &str) -> Option<(Vec<String>, Output)> {
    let args: Vec<String> = words(line).into_iter().skip(1).collect();
    if not_offline(&args).is_some() {
        return None;
    }
    let mut patched = Vec::new();
    for (i, arg) in args.iter().enumerate() {
        let is_output = i > 0 && OUTPUTS.contains(&args[i - 1].as_str());
        patched.push(if is_output {
            let name = Path::new(arg).file_name().map(|n| n.to_owned());
            dir.join("out")
                .join(name.unwrap_or_default())
                .display()
                .to_string()
        } else {
            arg.clone()
        });
    }
    std::fs::create_dir_all(dir.join("out")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_imap-tutor"))
        .args(&patched)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("XDG_DATA_HOME", dir.join("data"))
        .stdin(Stdio::null())
        .output()
        .expect("run imap-tutor");
    Some((args, out))
}

/// An example ran as documented: 0, or 1 where the command's 1 means "found problems"
/// (a difference, a failing scenario), never 2 ("could not run").
fn check_ran(source: &str, line: &str, args: &[String], out: &Output) -> Option<String> {
    let code = out.status.code().unwrap_or(-1);
    let finds = matches!(args[0].as_str(), "diff" | "replay" | "check");
    if code == 0 || (code == 1 && finds) {
        return None;
    }
    Some(format!(
        "{source}: `{line}` exited {code}:\n{}",
        String::from_utf8_lossy(&out.stderr)
    ))
}

/// The `imap-tutor ...` lines of each subcommand's `--help` examples, wide enough that
/// none is wrapped.
fn help_examples() -> Vec<(String, String)> {
    let mut subcommands = vec![String::new()];
    let top = help(&[]);
    subcommands.extend(
        top.lines()
            .skip_while(|l| !l.starts_with("Commands:"))
            .skip(1)
            .take_while(|l| !l.is_empty())
            .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
            .filter_map(|l| l.split_whitespace().next().map(str::to_string))
            .filter(|c| c != "help"),
    );
    let mut examples = Vec::new();
    for sub in subcommands {
        let text = if sub.is_empty() {
            top.clone()
        } else {
            help(&[&sub])
        };
        let block = text
            .lines()
            .skip_while(|l| !l.starts_with("Examples"))
            .skip(1)
            .take_while(|l| !l.is_empty());
        for line in block {
            // `bash:        imap-tutor completions bash > ...` names its shell first.
            let Some(at) = line.find("imap-tutor ") else {
                continue;
            };
            let label = line[..at].trim();
            if label.is_empty() || label.ends_with(':') {
                let example = line[at..].split("  ").next().unwrap_or("");
                examples.push((format!("imap-tutor {sub} --help"), example.to_string()));
            }
        }
    }
    examples
}

fn help(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_imap-tutor"))
        .args(args)
        .arg("--help")
        .env("COLUMNS", "1000")
        .output()
        .expect("run imap-tutor --help");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_readme_starts_with_the_two_commands_that_work_on_a_fresh_machine() {
    let readme = read("README.md");
    let before_any_section = &readme[..readme.find("\n## ").unwrap()];
    let block = before_any_section
        .split("```sh\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a ```sh block before the first section");
    let commands: Vec<&str> = block
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(
        commands,
        ["cargo run --release -- lesson strategos", "cargo test"],
        "the README's first block"
    );
    // The lesson it names exists and runs (typed by the tutor here).
    let dir = workdir("first");
    let (args, out) = run_example(&dir, "imap-tutor lesson strategos --demo --no-pause").unwrap();
    assert_eq!(
        check_ran("README.md", "lesson strategos", &args, &out),
        None
    );
}

#[test]
fn every_offline_example_of_help_runs() {
    let dir = workdir("help");
    let (mut ran, mut failures) = (0, Vec::new());
    let examples = help_examples();
    for (source, line) in &examples {
        if let Some((args, out)) = run_example(&dir, line) {
            ran += 1;
            failures.extend(check_ran(source, line, &args, &out));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Most examples run offline: a parser that found none would prove nothing.
    assert!(
        ran >= 25,
        "only {ran} of {} help examples ran",
        examples.len()
    );
}

/// The command lines of a page's ```sh and ```console blocks, each with the output the
/// page shows under it (console blocks: the lines up to the next `$`).
fn page_commands(page: &str) -> Vec<(String, Vec<String>)> {
    let mut found = Vec::new();
    let mut in_block = false;
    for line in page.lines() {
        if line.starts_with("```") {
            in_block = !in_block && (line == "```sh" || line == "```console");
            continue;
        }
        if !in_block {
            continue;
        }
        let command = line.strip_prefix("$ ").unwrap_or(line);
        if command.starts_with("imap-tutor ") {
            found.push((command.to_string(), Vec::new()));
        } else if line.starts_with("$ ") || line.starts_with("sudo ") || line.starts_with("cargo ")
        {
            found.push((String::new(), Vec::new()));
        } else if let Some((_, shown)) = found.last_mut() {
            shown.push(line.to_string());
        }
    }
    found.retain(|(command, _)| !command.is_empty());
    found
}

#[test]
fn every_offline_command_of_the_readme_and_the_book_runs_and_prints_what_they_show() {
    let dir = workdir("pages");
    let (mut ran, mut failures) = (0, Vec::new());
    for page in PAGES {
        for (line, shown) in page_commands(&read(page)) {
            let Some((args, out)) = run_example(&dir, &line) else {
                continue;
            };
            eprintln!("{page}: {line}");
            ran += 1;
            failures.extend(check_ran(page, &line, &args, &out));
            let printed = String::from_utf8_lossy(&out.stdout);
            if !shown.is_empty() && printed.trim_end() != shown.join("\n") {
                failures.push(format!(
                    "{page}: `{line}` prints\n{printed}\nbut the page shows\n{}",
                    shown.join("\n")
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(ran >= 7, "only {ran} commands of the pages ran");
}

/// The YAML block under a page's heading.
fn yaml_under(page: &str, heading: &str) -> String {
    let text = read(page);
    let after = text.split(heading).nth(1).expect(heading);
    let block = after.split("```yaml\n").nth(1).expect("a yaml block");
    block.split("```").next().unwrap().to_string()
}

fn check_lesson(dir: &Path, file: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_imap-tutor"))
        .args(["check", file])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run imap-tutor check")
}

#[test]
fn the_books_small_lesson_passes_check_and_its_small_fixture_serves_its_mail() {
    let dir = workdir("yaml");
    let lesson = yaml_under("book/src/reference/scenario-format.md", "## A small lesson");
    std::fs::write(dir.join("small.yaml"), lesson).unwrap();
    let out = check_lesson(&dir, "small.yaml");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // The fixture names `mail/second.eml` beside it; alice logs in and finds both messages.
    let fixture = yaml_under("book/src/reference/fixtures.md", "## A small fixture");
    std::fs::write(dir.join("small-fixture.yaml"), fixture).unwrap();
    std::fs::create_dir_all(dir.join("mail")).unwrap();
    std::fs::write(dir.join("mail/second.eml"), "Subject: two\r\n\r\nHi\r\n").unwrap();
    let uses_it = r#"id: uses-the-small-fixture
title: "The small fixture"
level: beginner
summary: The book's small fixture, logged in.
fixture: small-fixture.yaml
setup:
  - s1 LOGIN alice wonderland
steps:
  - narrative: x
    goal: x
    show: a1 SELECT INBOX
    expect:
      - "..."
      - "* 2 EXISTS"
      - "..."
      - "{tag} OK [READ-WRITE] Select completed{*}"
    hints: ["a1 SELECT INBOX"]
    explanation: x
"#;
    std::fs::write(dir.join("uses.yaml"), uses_it).unwrap();
    let out = check_lesson(&dir, "uses.yaml");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// `--help`'s `[default: X]` for an option of a subcommand.
fn help_default(sub: &str, option: &str) -> String {
    let text = help(&[sub]);
    let at = text.find(&format!("{option} <")).expect(option);
    let rest = &text[at..];
    let start = rest.find("[default: ").expect("a default") + "[default: ".len();
    rest[start..rest[start..].find(']').unwrap() + start].to_string()
}

/// A page's text with its whitespace runs made single spaces, so wrapping does not matter.
fn flat(page: &str) -> String {
    read(page).split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_defaults_the_pages_state_are_the_tools() {
    let proxy = flat("book/src/reference/proxy.md");
    let listen = help_default("proxy", "--listen");
    assert!(
        proxy.contains(&format!("`{listen}` by default")),
        "proxy.md: --listen {listen}"
    );
    let fixture = help_default("connect", "--fixture");
    assert!(
        proxy.contains(&format!("`{fixture}` by default")),
        "proxy.md: --fixture {fixture}"
    );
    let diff = flat("book/src/reference/diff.md");
    for option in ["--timeout", "--updates-wait"] {
        let value = help_default("replay", option);
        assert!(
            diff.contains(&format!("`{option} SECS` ({value})")),
            "diff.md: {option} {value}"
        );
    }
    let readme = flat("README.md");
    let served = help_default("serve", "--listen");
    assert!(
        readme.contains(&format!("the mock server on {served}")),
        "README: serve on {served}"
    );

    // The mock's limits, as the README's table and the fixture page state them.
    let limits = imap_tutor::mock::Limits::default();
    assert_eq!(limits.max_connections, 1000);
    assert!(readme.contains("| connections (`max_connections`) | 1,000 |"));
    assert_eq!(limits.login_timeout.as_secs(), 180);
    assert!(readme.contains("(`login_timeout_secs`), from the connection | 3 min |"));
    assert_eq!(limits.write_timeout.as_secs(), 60);
    assert!(readme.contains("(`write_timeout_secs`) | 60 s |"));
    assert_eq!(limits.max_store, 1 << 30);
    assert!(readme.contains("(`max_store`) | 1 GiB |"));
    let fixtures = flat("book/src/reference/fixtures.md");
    for stated in [
        "`max_store` (bytes of mail the store may hold, default 1 GiB)",
        "`login_timeout_secs` (default 180)",
        "`write_timeout_secs` (default 60;",
        "`max_connections` (default 1000)",
    ] {
        assert!(fixtures.contains(stated), "fixtures.md: {stated}");
    }
    assert_eq!(imap_tutor::net::serve::BACKLOG, 4096);
    assert!(readme.contains("| the listen backlog of `serve` | 4,096"));
}

#[test]
fn a_lesson_file_that_is_missing_is_named_as_a_file() {
    // `imap-tutor lesson my-lesson.yaml`, the help's example, before the file exists.
    let dir = workdir("missing");
    let out = Command::new(env!("CARGO_BIN_EXE_imap-tutor"))
        .args(["lesson", "my-lesson.yaml"])
        .current_dir(&dir)
        .stdin(Stdio::null())
        .output()
        .expect("run imap-tutor");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("no lesson file my-lesson.yaml: check the path") && err.contains("strategos"),
        "{err}"
    );
}
