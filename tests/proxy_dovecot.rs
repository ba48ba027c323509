//! The proxy in front of a real Dovecot (Debian's dovecot-imapd, started by
//! `scripts/dovecot-lab.sh` in a fresh /tmp folder on free ports), with python's
//! imaplib and a raw client on the other side.
//!
//! One test starts one Dovecot and runs every scenario against it in turn, so the lab
//! is stopped (about 3 s) exactly once. It is `#[ignore]`d (it needs Dovecot); run with
//! `--include-ignored`, it fails without Dovecot and says to run `scripts/ci-install.sh`.

mod proxy_support;
mod support;

use std::io::Read;
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;

use imap_tutor::grammar::extensions::sasl_ir::encode_base64;
use proxy_support::{flat, python, Proxy};
use support::{DovecotLab, Imap};

/// imaplib through the proxy: log in, read the seed's message 3, log out. `tls` makes
/// the client itself speak IMAPS to the proxy, trusting `ca`.
const IMAPLIB: &str = r#"
import imaplib, ssl, sys
port, mode = int(sys.argv[1]), sys.argv[2]
if mode == "tls":
    ctx = ssl.create_default_context(cafile=sys.argv[3])
    m = imaplib.IMAP4_SSL("127.0.0.1", port, ssl_context=ctx)
elif mode == "starttls":
    m = imaplib.IMAP4("127.0.0.1", port)
    m.starttls(ssl.create_default_context(cafile=sys.argv[3]))
else:
    m = imaplib.IMAP4("127.0.0.1", port)
print("caps", " ".join(sorted(m.capabilities)))
m.login("strategos", "tryhackme")
typ, data = m.select("INBOX")
assert typ == "OK" and data == [b"4"], (typ, data)
typ, data = m.fetch("3", "(BODY.PEEK[])")
assert typ == "OK", typ
print("body", len(data[0][1]))
typ, data = m.search(None, "ALL")
print("search", data[0].decode())
m.logout()
"#;

#[test]
#[ignore = "needs Dovecot (dovecot-imapd) and root: sudo bash scripts/ci-install.sh, then cargo test -- --include-ignored"]
fn python_imaplib_through_the_proxy_to_dovecot() {
    let lab = DovecotLab::start(&[]);
    lab.seed_strategos();
    let ca = lab.ca.to_str().unwrap().to_string();

    // Plain text all the way.
    let plain = format!("127.0.0.1:{}", lab.port);
    let proxy = Proxy::start(&["--upstream", &plain]);
    let got = python(IMAPLIB, &[&proxy.port.to_string(), "plain"]);
    assert!(
        got.contains("body 445") && got.contains("search 1 2 3 4"),
        "{got}"
    );
    let out = flat(&proxy.wait_for("session over", 1));
    proxy.stop();
    assert!(
        out.contains("445 bytes: an email, \"Telnet email\""),
        "{out}"
    );
    assert!(
        out.contains("C: 2 UQ") || out.contains("LOGIN strategos ********"),
        "{out}"
    );
    assert!(!out.contains("tryhackme"), "{out}");

    // Implicit TLS to Dovecot's IMAPS port, trusting the lab's CA.
    let tls = format!("127.0.0.1:{}", lab.tls_port);
    let proxy = Proxy::start(&["--upstream", &tls, "--tls", "--ca", &ca]);
    let got = python(IMAPLIB, &[&proxy.port.to_string(), "plain"]);
    assert!(got.contains("body 445"), "{got}");
    let out = flat(&proxy.wait_for("session over", 1));
    proxy.stop();
    assert!(
        out.contains("TLS is up between the proxy and 127.0.0.1"),
        "{out}"
    );
    assert!(out.contains("certificate verified against"), "{out}");

    // STARTTLS, done by the proxy: the client sees no STARTTLS, the proxy says why.
    let proxy = Proxy::start(&["--upstream", &plain, "--starttls", "--ca", &ca]);
    let got = python(IMAPLIB, &[&proxy.port.to_string(), "plain"]);
    assert!(
        got.contains("body 445") && !got.contains("STARTTLS"),
        "{got}"
    );
    let out = flat(&proxy.wait_for("session over", 1));
    proxy.stop();
    assert!(out.contains("proxy → server: tutor0 STARTTLS"), "{out}");
    assert!(out.contains("server → proxy: tutor0 OK"), "{out}");
    assert!(
        out.contains("the proxy changed the greeting's capability list (removed STARTTLS"),
        "{out}"
    );

    // The server's certificate is not trusted without --ca: the problem is named.
    let proxy = Proxy::start(&["--upstream", &tls, "--tls"]);
    let mut client = TcpStream::connect(("127.0.0.1", proxy.port)).unwrap();
    let mut bye = String::new();
    client.read_to_string(&mut bye).unwrap();
    assert!(
        bye.starts_with("* BYE [UNAVAILABLE]") && bye.contains("(tls)"),
        "{bye}"
    );
    let out = flat(&proxy.wait_for("session over", 1));
    proxy.stop();
    assert!(
        (out.contains("SELF-SIGNED") || out.contains("UNKNOWN ISSUER")) && out.contains("--ca"),
        "{out}"
    );

    // --tls against the plaintext port: the proxy says it is not a TLS port.
    let proxy = Proxy::start(&["--upstream", &plain, "--tls", "--ca", &ca]);
    let mut client = TcpStream::connect(("127.0.0.1", proxy.port)).unwrap();
    let mut bye = String::new();
    client.read_to_string(&mut bye).unwrap();
    let out = flat(&proxy.wait_for("session over", 1));
    proxy.stop();
    assert!(
        out.contains("plaintext port") || out.contains("is it a TLS port"),
        "{out}"
    );

    // The client speaks IMAPS to the proxy, with the certificate made on first use.
    let data = support::fresh_dir("proxy-xdg");
    let data_str = data.to_str().unwrap();
    let proxy = Proxy::start_with_env(
        &["--upstream", &plain, "--listen-tls"],
        &[("XDG_DATA_HOME", data_str)],
    );
    let cert = data.join("imap-tutor/proxy-cert.pem");
    assert!(cert.exists(), "{}", proxy.stderr());
    let got = python(
        IMAPLIB,
        &[&proxy.port.to_string(), "tls", cert.to_str().unwrap()],
    );
    assert!(got.contains("body 445"), "{got}");
    proxy.wait_for("session over", 1);
    proxy.stop();

    // The client asks the proxy for STARTTLS, the proxy speaks TLS to Dovecot's IMAPS
    // port: two TLS links, both ends readable in the middle.
    let proxy = Proxy::start_with_env(
        &[
            "--upstream",
            &tls,
            "--tls",
            "--ca",
            &ca,
            "--client-starttls",
        ],
        &[("XDG_DATA_HOME", data_str)],
    );
    let got = python(
        IMAPLIB,
        &[&proxy.port.to_string(), "starttls", cert.to_str().unwrap()],
    );
    assert!(
        got.contains("body 445") && got.contains("search 1 2 3 4"),
        "{got}"
    );
    let out = flat(&proxy.wait_for("session over", 1));
    proxy.stop();
    assert!(
        out.contains("the proxy added STARTTLS to the capabilities"),
        "{out}"
    );
    assert!(
        out.contains("the proxy answers the client's STARTTLS itself"),
        "{out}"
    );
    assert!(
        out.contains("445 bytes: an email"),
        "the session stays explained after STARTTLS:\n{out}"
    );
    let _ = std::fs::remove_dir_all(&data);

    redaction(&lab);
}

/// The password never appears on screen or in a recording, whatever the way of
/// logging in; the server still gets it (every login succeeds).
fn redaction(lab: &DovecotLab) {
    let plain = format!("127.0.0.1:{}", lab.port);
    let dir = support::fresh_dir("proxy-redaction");
    let record = format!("{}/", dir.display());
    let plain_blob = encode_base64(b"\0strategos\0tryhackme");
    let secrets = [
        "tryhackme".to_string(),
        plain_blob.clone(),
        encode_base64(b"tryhackme"),
        // The base64 of the password alone, at each alignment inside a PLAIN blob.
        plain_blob[8..20].to_string(),
    ];

    for format in ["text", "json"] {
        let proxy = Proxy::start(&[
            "--upstream",
            &plain,
            "--record",
            &record,
            "--format",
            format,
        ]);
        let port = proxy.port;

        // LOGIN, the password as an atom.
        let mut c = Imap::connect(port);
        c.ok("r1 LOGIN strategos tryhackme");
        c.ok("r1b LOGOUT");
        drop(c);
        // LOGIN, the password as a synchronizing literal.
        let mut c = Imap::connect(port);
        c.send(b"r2 LOGIN strategos {9}\r\n");
        assert!(c.response().starts_with(b"+"));
        c.send(b"tryhackme\r\n");
        let reply = String::from_utf8_lossy(&c.until_tagged("r2")).into_owned();
        assert!(reply.contains("r2 OK"), "{reply}");
        drop(c);
        // AUTHENTICATE PLAIN with SASL-IR (RFC 4959).
        let mut c = Imap::connect(port);
        c.ok(&format!("r3 AUTHENTICATE PLAIN {plain_blob}"));
        drop(c);
        // AUTHENTICATE PLAIN, the credentials after the server's +.
        let mut c = Imap::connect(port);
        c.send(b"r4 AUTHENTICATE PLAIN\r\n");
        assert!(c.response().starts_with(b"+"));
        c.send(format!("{plain_blob}\r\n").as_bytes());
        let reply = String::from_utf8_lossy(&c.until_tagged("r4")).into_owned();
        assert!(reply.contains("r4 OK"), "{reply}");
        drop(c);
        // AUTHENTICATE LOGIN: user name, then password, each after a +.
        let mut c = Imap::connect(port);
        c.send(b"r5 AUTHENTICATE LOGIN\r\n");
        assert!(c.response().starts_with(b"+ VXNlcm5hbWU6"));
        c.send(format!("{}\r\n", encode_base64(b"strategos")).as_bytes());
        assert!(c.response().starts_with(b"+ UGFzc3dvcmQ6"));
        c.send(format!("{}\r\n", encode_base64(b"tryhackme")).as_bytes());
        let reply = String::from_utf8_lossy(&c.until_tagged("r5")).into_owned();
        assert!(reply.contains("r5 OK"), "{reply}");
        drop(c);

        proxy.wait_for("session over", 5);
        let (out, err) = proxy.stop();
        for secret in &secrets {
            assert!(
                !out.contains(secret.as_str()),
                "`{secret}` shown ({format}):\n{out}"
            );
        }
        assert!(out.contains("r5 AUTHENTICATE LOGIN"), "{out}\n{err}");
    }

    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 10, "{files:?}");
    let mut all = String::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for secret in &secrets {
            assert!(
                !text.contains(secret.as_str()),
                "`{secret}` recorded in {}:\n{text}",
                file.display()
            );
        }
        // Each recording reads back, and its explanation keeps the secret too.
        let explained = explain(file);
        for secret in &secrets {
            assert!(
                !explained.contains(secret.as_str()),
                "`{secret}` in explain {}:\n{explained}",
                file.display()
            );
        }
        all.push_str(&text);
    }
    // What is kept: the user name, the mechanism, and a recording that still frames.
    assert!(all.contains("C: r1 LOGIN strategos \"********\""), "{all}");
    assert!(
        all.contains("C: r2 LOGIN strategos {8}\n") && all.contains(" ********\n"),
        "{all}"
    );
    assert!(
        all.contains(&format!(
            "C: r3 AUTHENTICATE PLAIN {}",
            encode_base64(b"\0strategos\0********")
        )),
        "{all}"
    );
    assert!(
        all.contains(&format!("C: {}", encode_base64(b"strategos"))),
        "{all}"
    );
    let _ = std::fs::remove_dir_all(&dir);

    // With --show-secrets the password is there: the checks above would see a leak.
    let proxy = Proxy::start(&["--upstream", &plain, "--show-secrets"]);
    let mut c = Imap::connect(proxy.port);
    c.ok("s1 LOGIN strategos tryhackme");
    drop(c);
    let out = proxy.wait_for("session over", 1);
    proxy.stop();
    assert!(out.contains("s1 LOGIN strategos tryhackme"), "{out}");
}

fn explain(file: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_imap-tutor"))
        .args(["--color", "never", "explain"])
        .arg(file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "explain {}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
