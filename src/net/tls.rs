//! TLS for the proxy and `connect`: rustls with the ring provider, no OpenSSL.
//!
//! Three things live here: the client configuration (whom to trust: the system's
//! roots, a lab CA, or nobody with `--insecure`), the server configuration for the
//! proxy's own listener (a certificate made on first use, or the user's), and the
//! translation of a failed handshake into a sentence that names the certificate
//! problem and what to do about it. A learner who reads "invalid peer certificate:
//! UnknownIssuer" does not know that `--ca` exists; one who reads "issued by an
//! authority this machine does not trust ... pass the lab's CA with --ca" does.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{verify_server_name, WebPkiServerVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, ServerConfig,
    SignatureScheme,
};

/// Whom a TLS client trusts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trust {
    /// The operating system's roots (`/etc/ssl/certs` on Debian).
    System,
    /// Only the certificates in this PEM file: a lab CA, or a self-signed server
    /// certificate (which is its own CA).
    CaFile(PathBuf),
    /// Nobody is checked. For a lab whose CA is not at hand; never across a network.
    Insecure,
}

/// The warning printed whenever `--insecure` is in force. Loud on purpose: it turns
/// TLS into encryption with an unknown party.
pub const INSECURE_WARNING: &str = "WARNING: --insecure: the server's certificate is NOT checked. Anyone between \
     you and the server can read and change this session, passwords included. Use it only for a lab on this \
     machine; for anything else pass the CA with --ca FILE.";

/// Why a TLS configuration cannot be made. Each message names the file or the step,
/// and what to pass instead.
#[derive(Debug)]
pub enum TlsError {
    /// rustls refused its own defaults (a broken crypto provider).
    Setup(rustls::Error),
    /// `--ca` not given and the system has no roots.
    NoSystemRoots,
    /// A certificate file cannot be opened or read.
    Read {
        path: PathBuf,
        error: rustls::pki_types::pem::Error,
    },
    /// A certificate file is not PEM.
    NotPem {
        path: PathBuf,
        error: rustls::pki_types::pem::Error,
    },
    /// `--ca FILE` holds no certificate rustls can use.
    NoUsableCa(PathBuf),
    /// The CA certificates cannot make a verifier.
    Verifier {
        path: PathBuf,
        error: rustls::client::VerifierBuilderError,
    },
    /// `--cert FILE` holds no certificate.
    NoCertificate(PathBuf),
    /// `--key FILE` holds no private key.
    NoKey {
        path: PathBuf,
        error: rustls::pki_types::pem::Error,
    },
    /// The certificate and the key do not belong together.
    Mismatch {
        cert: PathBuf,
        key: PathBuf,
        error: rustls::Error,
    },
    /// The folder of the generated certificate cannot be made.
    CreateDir { path: PathBuf, error: io::Error },
    /// rcgen cannot make the proxy's certificate.
    Generate(rcgen::Error),
    /// The generated certificate or key cannot be written.
    Write { path: PathBuf, error: io::Error },
    /// A host that is no DNS name or IP address.
    ServerName(String),
}

impl std::fmt::Display for TlsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TlsError::Setup(e) => write!(f, "TLS setup failed: {e}"),
            TlsError::NoSystemRoots => f.write_str(
                "no trusted root certificates found on this machine (looked in /etc/ssl/certs and SSL_CERT_FILE): \
                 install the `ca-certificates` package, or pass the server's CA with --ca FILE",
            ),
            TlsError::Read { path, error } => {
                write!(f, "cannot read {}: {error} (check the path)", path.display())
            }
            TlsError::NotPem { path, error } => {
                write!(f, "{}: not a PEM certificate file: {error}", path.display())
            }
            TlsError::NoUsableCa(path) => write!(
                f,
                "{}: no usable certificate in this file: --ca wants the CA (or self-signed) certificate in \
                 PEM form, starting with -----BEGIN CERTIFICATE-----",
                path.display()
            ),
            TlsError::Verifier { path, error } => {
                write!(f, "{}: cannot use these certificates: {error}", path.display())
            }
            TlsError::NoCertificate(path) => write!(
                f,
                "{}: no certificate in this file (PEM expected)",
                path.display()
            ),
            TlsError::NoKey { path, error } => write!(
                f,
                "{}: no usable private key (PEM expected): {error}",
                path.display()
            ),
            TlsError::Mismatch { cert, key, error } => write!(
                f,
                "{} and {} do not make a usable certificate: {error}",
                cert.display(),
                key.display()
            ),
            TlsError::CreateDir { path, error } => {
                write!(f, "cannot create {}: {error}", path.display())
            }
            TlsError::Generate(e) => write!(f, "cannot make a certificate: {e}"),
            TlsError::Write { path, error } => write!(f, "cannot write {}: {error}", path.display()),
            TlsError::ServerName(host) => write!(f, "`{host}` is not a valid host name for TLS"),
        }
    }
}

impl std::error::Error for TlsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            TlsError::Setup(e) | TlsError::Mismatch { error: e, .. } => Some(e),
            TlsError::Read { error, .. }
            | TlsError::NotPem { error, .. }
            | TlsError::NoKey { error, .. } => Some(error),
            TlsError::Verifier { error, .. } => Some(error),
            TlsError::CreateDir { error, .. } | TlsError::Write { error, .. } => Some(error),
            TlsError::Generate(e) => Some(e),
            TlsError::NoSystemRoots
            | TlsError::NoUsableCa(_)
            | TlsError::NoCertificate(_)
            | TlsError::ServerName(_) => None,
        }
    }
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The client configuration for a trust choice.
pub fn client_config(trust: &Trust) -> Result<Arc<ClientConfig>, TlsError> {
    let builder = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(TlsError::Setup)?;
    let config = match trust {
        Trust::Insecure => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(NoVerification(provider())))
            .with_no_client_auth(),
        Trust::System => {
            let mut roots = RootCertStore::empty();
            let found = rustls_native_certs::load_native_certs();
            let (added, _ignored) = roots.add_parsable_certificates(found.certs);
            if added == 0 {
                return Err(TlsError::NoSystemRoots);
            }
            builder.with_root_certificates(roots).with_no_client_auth()
        }
        Trust::CaFile(path) => {
            let mut roots = RootCertStore::empty();
            let certs = read_certificates(path)?;
            let (added, _) = roots.add_parsable_certificates(certs.clone());
            if added == 0 {
                return Err(TlsError::NoUsableCa(path.clone()));
            }
            let inner = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider())
                .build()
                .map_err(|error| TlsError::Verifier {
                    path: path.clone(),
                    error,
                })?;
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(CaFileVerifier {
                    inner,
                    pinned: certs,
                }))
                .with_no_client_auth()
        }
    };
    Ok(Arc::new(config))
}

/// The name rustls checks the certificate against, and sends as SNI.
pub(crate) fn server_name(host: &str) -> Result<ServerName<'static>, TlsError> {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    ServerName::try_from(host.to_string()).map_err(|_| TlsError::ServerName(host.to_string()))
}

fn read_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let certs: Result<Vec<_>, _> = CertificateDer::pem_file_iter(path)
        .map_err(|error| TlsError::Read {
            path: path.to_path_buf(),
            error,
        })?
        .collect();
    certs.map_err(|error| TlsError::NotPem {
        path: path.to_path_buf(),
        error,
    })
}

/// `--ca FILE`: the usual WebPKI checks against the certificates in the file, plus one
/// allowance. A self-signed certificate made with `openssl req -x509` (as most labs do,
/// ours included) says `CA:TRUE`, and WebPKI refuses a CA certificate as a server's own
/// (`CaUsedAsEndEntity`). When the server presents *exactly* a certificate the user
/// gave with `--ca`, it is trusted as pinned; its names are still checked, so a name
/// mismatch is still reported.
#[derive(Debug)]
struct CaFileVerifier {
    inner: Arc<WebPkiServerVerifier>,
    pinned: Vec<CertificateDer<'static>>,
}

impl ServerCertVerifier for CaFileVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        ) {
            Err(rustls::Error::InvalidCertificate(CertificateError::Other(other)))
                if format!("{other:?}").contains("CaUsedAsEndEntity")
                    && self
                        .pinned
                        .iter()
                        .any(|p| p.as_ref() == end_entity.as_ref()) =>
            {
                let parsed = ParsedCertificate::try_from(end_entity)?;
                verify_server_name(&parsed, server_name)?;
                Ok(ServerCertVerified::assertion())
            }
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// Accepts any certificate, but still checks that the handshake is signed by the key
/// in it: `--insecure` skips *who*, not the cryptography.
#[derive(Debug)]
struct NoVerification(Arc<CryptoProvider>);

impl ServerCertVerifier for NoVerification {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// Explains a failed TLS handshake with `host`: the certificate problem by name, and
/// what to check or type instead.
pub(crate) fn describe_handshake_error(error: &io::Error, host: &str, port: u16) -> String {
    let tls = error
        .get_ref()
        .and_then(|e| e.downcast_ref::<rustls::Error>());
    let Some(tls) = tls else {
        return match error.kind() {
            io::ErrorKind::UnexpectedEof | io::ErrorKind::ConnectionReset => format!(
                "{host}:{port} closed the connection during the TLS handshake: is it a TLS port? \
                 IMAPS (--tls) is usually port 993; on port 143 use --starttls"
            ),
            _ => format!("TLS handshake with {host}:{port} failed: {error}"),
        };
    };
    match tls {
        rustls::Error::InvalidCertificate(problem) => describe_certificate_problem(problem, host),
        rustls::Error::InvalidMessage(_) => format!(
            "{host}:{port} did not answer in TLS: it is probably a plaintext port. Use --tls for IMAPS (usually \
             port 993), --starttls for port 143, or neither for plain text"
        ),
        rustls::Error::AlertReceived(alert) => format!(
            "{host}:{port} refused the TLS handshake (alert {alert:?}): the server and imap-tutor share no TLS \
             version or cipher, or the server wants a client certificate"
        ),
        rustls::Error::PeerIncompatible(why) => {
            format!("{host}:{port} speaks no TLS version or cipher imap-tutor accepts (TLS 1.2 or 1.3): {why:?}")
        }
        other => format!("TLS handshake with {host}:{port} failed: {other}"),
    }
}

fn describe_certificate_problem(problem: &CertificateError, host: &str) -> String {
    match problem {
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => format!(
            "the certificate of {host} has EXPIRED: the server's administrator must renew it (or, if it should \
             still be valid, check this machine's clock)"
        ),
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => format!(
            "the certificate of {host} is NOT VALID YET: check this machine's clock, and the server's certificate dates"
        ),
        CertificateError::UnknownIssuer => format!(
            "the certificate of {host} was issued by an UNKNOWN ISSUER, an authority this machine does not trust \
             (a self-signed or lab certificate?): pass that CA with --ca FILE (for the Dovecot lab: \
             --ca $DOVECOT_CA), or --insecure for a lab on this machine only"
        ),
        CertificateError::NotValidForName => format!(
            "the certificate does NOT MATCH THE NAME {host}: connect with the name the certificate was made for"
        ),
        CertificateError::NotValidForNameContext { presented, .. } => format!(
            "the certificate does NOT MATCH THE NAME {host}: it is for {}; connect with one of those names",
            if presented.is_empty() { "no name at all".to_string() } else { presented.join(", ") }
        ),
        CertificateError::Revoked => format!("the certificate of {host} has been REVOKED by its issuer: do not use this server"),
        CertificateError::BadSignature => {
            format!("the certificate of {host} has a BAD SIGNATURE: it was altered, or was not signed by the CA it names")
        }
        CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
            format!("the certificate of {host} is not meant for a TLS server (wrong key usage)")
        }
        CertificateError::Other(other) if format!("{other:?}").contains("CaUsedAsEndEntity") => format!(
            "the certificate of {host} is SELF-SIGNED (a CA certificate used as the server's own, as `openssl req \
             -x509` makes them): no authority this machine trusts vouches for it. Pass that certificate with --ca \
             FILE (for the Dovecot lab: --ca $DOVECOT_CA), or --insecure for a lab on this machine only"
        ),
        other => format!("the certificate of {host} was rejected: {other:?}"),
    }
}

/// The proxy's own server configuration, for `--listen-tls` and for clients that ask
/// for STARTTLS. Uses `--cert`/`--key` when given; otherwise a self-signed certificate
/// for `localhost` and `127.0.0.1`, made once and kept under the XDG data directory,
/// so a client that was told to trust it keeps trusting it.
pub fn server_config(
    cert_and_key: Option<(&Path, &Path)>,
) -> Result<(Arc<ServerConfig>, PathBuf), TlsError> {
    let (cert_path, key_path) = match cert_and_key {
        Some((cert, key)) => (cert.to_path_buf(), key.to_path_buf()),
        None => generated_certificate()?,
    };
    let certs = read_certificates(&cert_path)?;
    if certs.is_empty() {
        return Err(TlsError::NoCertificate(cert_path));
    }
    let key = PrivateKeyDer::from_pem_file(&key_path).map_err(|error| TlsError::NoKey {
        path: key_path.clone(),
        error,
    })?;
    let config = ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(TlsError::Setup)?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|error| TlsError::Mismatch {
            cert: cert_path.clone(),
            key: key_path.clone(),
            error,
        })?;
    Ok((Arc::new(config), cert_path))
}

/// Where the generated certificate lives: `$XDG_DATA_HOME/imap-tutor/` or
/// `~/.local/share/imap-tutor/`.
pub(crate) fn data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir).join("imap-tutor");
    }
    let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("."), PathBuf::from);
    home.join(".local/share/imap-tutor")
}

fn generated_certificate() -> Result<(PathBuf, PathBuf), TlsError> {
    let dir = data_dir();
    let cert_path = dir.join("proxy-cert.pem");
    let key_path = dir.join("proxy-key.pem");
    if cert_path.exists() && key_path.exists() {
        return Ok((cert_path, key_path));
    }
    std::fs::create_dir_all(&dir).map_err(|error| TlsError::CreateDir {
        path: dir.clone(),
        error,
    })?;
    let names = vec!["localhost".to_string(), "127.0.0.1".to_string()];
    let made = rcgen::generate_simple_self_signed(names).map_err(TlsError::Generate)?;
    std::fs::write(&cert_path, made.cert.pem()).map_err(|error| TlsError::Write {
        path: cert_path.clone(),
        error,
    })?;
    write_private(&key_path, made.key_pair.serialize_pem().as_bytes())?;
    Ok((cert_path, key_path))
}

/// Writes a private key readable by its owner only.
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), TlsError> {
    use std::io::Write;
    #[cfg(unix)]
    let file = {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(path)
    };
    #[cfg(not(unix))]
    let file = std::fs::File::create(path);
    file.and_then(|mut f| f.write_all(bytes))
        .map_err(|error| TlsError::Write {
            path: path.to_path_buf(),
            error,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_problems_are_named() {
        let unknown =
            describe_certificate_problem(&CertificateError::UnknownIssuer, "imap.example.org");
        assert!(
            unknown.contains("UNKNOWN ISSUER") && unknown.contains("--ca"),
            "{unknown}"
        );
        assert!(describe_certificate_problem(&CertificateError::Expired, "h").contains("EXPIRED"));
        assert!(
            describe_certificate_problem(&CertificateError::NotValidForName, "h")
                .contains("NOT MATCH")
        );
    }

    #[test]
    fn a_plaintext_answer_is_recognised() {
        let error = io::Error::new(
            io::ErrorKind::InvalidData,
            rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType),
        );
        let text = describe_handshake_error(&error, "127.0.0.1", 143);
        assert!(
            text.contains("plaintext port") && text.contains("--starttls"),
            "{text}"
        );
    }
}
