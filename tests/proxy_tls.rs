//! TLS failures, named: the proxy in front of small TLS servers made for the test,
//! each with a certificate that is wrong in one way (signed by a test CA that is
//! passed with `--ca`, so the one fault is the only fault).

mod proxy_support;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::Arc;

use proxy_support::{flat, Proxy};
use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

struct TestCa {
    cert: rcgen::Certificate,
    key: KeyPair,
    pem_path: PathBuf,
}

fn test_ca(label: &str) -> TestCa {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "imap-tutor test CA");
    let cert = params.self_signed(&key).unwrap();
    let pem_path = std::env::temp_dir().join(format!(
        "imap-tutor-test-ca-{label}-{}.pem",
        std::process::id()
    ));
    std::fs::write(&pem_path, cert.pem()).unwrap();
    TestCa {
        cert,
        key,
        pem_path,
    }
}

/// A TLS server on 127.0.0.1 that presents a certificate for `names`, valid over
/// `years` (e.g. 2020..2021 for an expired one), and greets whoever completes the
/// handshake. Returns its port.
fn tls_server(ca: &TestCa, names: &[&str], years: Option<(i32, i32)>) -> u16 {
    let key = KeyPair::generate().unwrap();
    let mut params =
        CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
    if let Some((from, to)) = years {
        params.not_before = rcgen::date_time_ymd(from, 1, 1);
        params.not_after = rcgen::date_time_ymd(to, 1, 1);
    }
    let cert = params.signed_by(&key, &ca.cert, &ca.key).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        vec![CertificateDer::from(cert.der().to_vec())],
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
    )
    .unwrap();
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for tcp in listener.incoming().flatten() {
            let conn = rustls::ServerConnection::new(config.clone()).unwrap();
            let mut tls = rustls::StreamOwned::new(conn, tcp);
            // Fails when the proxy rejects the certificate: that is the point.
            let _ = tls.write_all(b"* OK [CAPABILITY IMAP4rev1] test TLS server ready\r\n");
            let _ = tls.flush();
            let mut rest = Vec::new();
            let _ = tls.read_to_end(&mut rest);
        }
    });
    port
}

/// Connects a client to the proxy and returns what it got before the close.
fn client_sees(proxy: &Proxy) -> String {
    let mut client = std::net::TcpStream::connect(("127.0.0.1", proxy.port)).unwrap();
    let mut got = [0u8; 4096];
    let n = client.read(&mut got).unwrap();
    String::from_utf8_lossy(&got[..n]).into_owned()
}

#[test]
fn a_certificate_for_another_name_is_named() {
    let ca = test_ca("name");
    let port = tls_server(&ca, &["other.example"], None);
    let upstream = format!("127.0.0.1:{port}");
    let proxy = Proxy::start(&[
        "--upstream",
        &upstream,
        "--tls",
        "--ca",
        ca.pem_path.to_str().unwrap(),
    ]);
    let got = client_sees(&proxy);
    assert!(got.starts_with("* BYE [UNAVAILABLE]"), "{got}");
    let out = flat(&proxy.wait_for("session over", 1));
    proxy.stop();
    assert!(
        out.contains("does NOT MATCH THE NAME 127.0.0.1") && out.contains("other.example"),
        "{out}"
    );
}

#[test]
fn an_expired_certificate_is_named() {
    let ca = test_ca("expired");
    let port = tls_server(&ca, &["127.0.0.1"], Some((2020, 2021)));
    let upstream = format!("127.0.0.1:{port}");
    let proxy = Proxy::start(&[
        "--upstream",
        &upstream,
        "--tls",
        "--ca",
        ca.pem_path.to_str().unwrap(),
    ]);
    let got = client_sees(&proxy);
    assert!(got.starts_with("* BYE [UNAVAILABLE]"), "{got}");
    let out = flat(&proxy.wait_for("session over", 1));
    proxy.stop();
    assert!(out.contains("has EXPIRED"), "{out}");
}

#[test]
fn an_unknown_issuer_is_named_and_a_good_certificate_passes() {
    let ca = test_ca("good");
    let port = tls_server(&ca, &["127.0.0.1", "localhost"], None);
    let upstream = format!("127.0.0.1:{port}");

    // The system's roots do not know the test CA.
    let proxy = Proxy::start(&["--upstream", &upstream, "--tls"]);
    let got = client_sees(&proxy);
    assert!(got.starts_with("* BYE [UNAVAILABLE]"), "{got}");
    let out = flat(&proxy.wait_for("session over", 1));
    proxy.stop();
    assert!(
        out.contains("UNKNOWN ISSUER") && out.contains("--ca FILE"),
        "{out}"
    );

    // With the CA, by IP and by name.
    for host in ["127.0.0.1", "localhost"] {
        let upstream = format!("{host}:{port}");
        let proxy = Proxy::start(&[
            "--upstream",
            &upstream,
            "--tls",
            "--ca",
            ca.pem_path.to_str().unwrap(),
        ]);
        let got = client_sees(&proxy);
        assert!(
            got.starts_with("* OK [CAPABILITY IMAP4rev1] test TLS server ready"),
            "{got}"
        );
        proxy.stop();
    }

    // --insecure connects, and says loudly what it gives up.
    let proxy = Proxy::start(&["--upstream", &upstream, "--tls", "--insecure"]);
    let got = client_sees(&proxy);
    assert!(got.starts_with("* OK"), "{got}");
    let (out, err) = proxy.stop();
    assert!(err.contains("WARNING: --insecure"), "{err}");
    assert!(
        flat(&out).contains("certificate NOT verified: --insecure"),
        "{out}"
    );
}
