//! Shell completions and manual pages, generated as CI generates them, checked for
//! every subcommand: each shell's script offers every subcommand (and bash's parses),
//! and every subcommand has its page with its options and its examples.

use std::path::Path;
use std::process::{Command, Output};

fn tutor(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_imap-tutor"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run imap-tutor")
}

/// The subcommands `imap-tutor --help` lists (but `help`), with one option each
/// that its page and completions must know.
fn subcommands() -> Vec<String> {
    let help = String::from_utf8(tutor(&["--help"]).stdout).unwrap();
    let list: Vec<String> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|c| c != "help")
        .collect();
    assert!(list.len() >= 11, "{list:?}");
    list
}

#[test]
fn every_shell_completes_every_subcommand() {
    let subs = subcommands();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = tutor(&["completions", shell]);
        assert!(
            out.status.success(),
            "{shell}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let script = String::from_utf8(out.stdout).unwrap();
        for sub in &subs {
            assert!(script.contains(sub.as_str()), "{shell} lacks {sub}");
        }
        assert!(script.contains("html"), "{shell} completes --format values");
    }
    // bash can read its script (bash is on every machine that runs the tests).
    let script = tutor(&["completions", "bash"]).stdout;
    let dir = std::env::temp_dir().join(format!("imap-tutor-completions-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("imap-tutor.bash");
    std::fs::write(&file, script).unwrap();
    let checked = Command::new("bash").arg("-n").arg(&file).output().unwrap();
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_subcommand_has_a_manual_page_with_its_options_and_examples() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("man");
    let _ = std::fs::remove_dir_all(&dir);
    let out = tutor(&["man", "--dir", dir.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let main = std::fs::read_to_string(dir.join("imap-tutor.1")).unwrap();
    assert!(
        main.starts_with(".ie \\n(.g .ds Aq") || main.contains(".TH imap-tutor 1"),
        "{main}"
    );
    for sub in subcommands() {
        let path = dir.join(format!("imap-tutor-{sub}.1"));
        let page =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            page.contains(&format!(".TH imap-tutor-{sub} 1")),
            "{sub}: no title"
        );
        assert!(
            main.contains(&format!("imap\\-tutor\\-{sub}(1)")),
            "imap-tutor(1) names {sub}"
        );
        assert!(page.contains("Examples"), "{sub}: no examples");
        // Every option --help shows is on the page.
        let help = String::from_utf8(tutor(&[sub.as_str(), "--help"]).stdout).unwrap();
        for option in help
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix("--"))
            .filter_map(|l| l.split([' ', '=', ',']).next())
        {
            let roff = format!("\\-\\-{}", option.replace('-', "\\-"));
            assert!(
                page.contains(&roff),
                "{sub}: --{option} missing from its page"
            );
        }
    }
    let stdout = tutor(&["man"]);
    assert!(String::from_utf8_lossy(&stdout.stdout).contains(".TH imap-tutor 1"));
}
