//! TLS to PostgreSQL with rustls. The server's certificate is always checked: against the web's root
//! authorities, plus the authority in `HOOKDESK_DATABASE_CA` (a PEM file) for a private one
//! (README, PostgreSQL).

use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::store::{DbError, DbErrorKind};

/// The environment variable naming a PEM file of extra certificate authorities to trust.
pub const DATABASE_CA_ENV: &str = "HOOKDESK_DATABASE_CA";

pub fn connector() -> Result<MakeRustlsConnect, DbError> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = std::env::var_os(DATABASE_CA_ENV).filter(|p| !p.is_empty()) {
        let unreadable = |why: String| {
            DbError::new(
                DbErrorKind::Unavailable,
                format!(
                    "{DATABASE_CA_ENV} ({}): {why}",
                    std::path::Path::new(&path).display()
                ),
            )
        };
        let certs = CertificateDer::pem_file_iter(&path)
            .map_err(|e| unreadable(e.to_string()))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| unreadable(e.to_string()))?;
        if certs.is_empty() {
            return Err(unreadable("no certificate in the file".into()));
        }
        for c in certs {
            roots.add(c).map_err(|e| unreadable(e.to_string()))?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| DbError::new(DbErrorKind::Unavailable, e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
}
