//! The address of a PostgreSQL database, as given by `--database` or `HOOKDESK_DATABASE_URL`
//! (README, PostgreSQL). The password never leaves this type except to the driver: every display masks it.

use crate::{Error, Result};

/// A parsed `postgres://user[:password]@host[:port]/dbname[?sslmode=…]` address.
#[derive(Clone)]
pub struct DatabaseUrl {
    url: url::Url,
}

impl DatabaseUrl {
    pub fn parse(field: &str, text: &str) -> Result<DatabaseUrl> {
        let bad = |why: &str| Error::invalid(field, why.to_string());
        let url = url::Url::parse(text.trim()).map_err(|_| {
            bad("expected a database address such as postgres://user@host:5432/hookdesk")
        })?;
        if !matches!(url.scheme(), "postgres" | "postgresql") {
            return Err(bad(
                "only postgres:// addresses are supported (leave it unset for the built-in SQLite file)",
            ));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(bad("the address names no host"));
        }
        if url.username().is_empty() {
            return Err(bad("the address names no user (postgres://USER@host/db)"));
        }
        let db = url.path().trim_start_matches('/');
        if db.is_empty() || db.contains('/') {
            return Err(bad(
                "the address names no database (postgres://user@host/DATABASE)",
            ));
        }
        for (k, v) in url.query_pairs() {
            match k.as_ref() {
                "sslmode" => {
                    if !matches!(
                        v.as_ref(),
                        "disable" | "prefer" | "require" | "verify-ca" | "verify-full"
                    ) {
                        return Err(bad(
                            "sslmode must be disable, prefer, require, verify-ca or verify-full",
                        ));
                    }
                }
                "connect_timeout" | "application_name" => {}
                _ => return Err(bad(&format!("unknown option {k} in the address"))),
            }
        }
        Ok(DatabaseUrl { url })
    }

    pub fn host(&self) -> &str {
        self.url.host_str().unwrap_or_default()
    }

    pub fn database(&self) -> &str {
        self.url.path().trim_start_matches('/')
    }

    /// The address with the password replaced by `***`, for status output and logs.
    pub fn masked(&self) -> String {
        let mut shown = self.url.clone();
        if shown.password().is_some() {
            let _ = shown.set_password(Some("***"));
        }
        shown.to_string()
    }

    /// The whole address, password included: only for handing to a child process's environment.
    pub fn unmasked(&self) -> String {
        self.url.to_string()
    }

    /// The same server, another database: tests and `migrate` use the maintenance database `postgres`.
    pub fn with_database(&self, name: &str) -> DatabaseUrl {
        let mut url = self.url.clone();
        url.set_path(&format!("/{name}"));
        DatabaseUrl { url }
    }

    /// The driver's configuration. TLS is always verified when it is used, so the stricter `verify-*`
    /// modes mean what `require` means here (README, PostgreSQL).
    pub(in crate::store) fn driver_config(&self) -> Result<tokio_postgres::Config> {
        let mut cfg = tokio_postgres::Config::new();
        cfg.host(self.host());
        cfg.port(self.url.port().unwrap_or(5432));
        cfg.user(self.url.username());
        if let Some(p) = self.url.password() {
            let p = percent_decode(p);
            cfg.password(p);
        }
        cfg.dbname(percent_decode(self.database()));
        cfg.application_name("hookdesk");
        cfg.connect_timeout(std::time::Duration::from_secs(10));
        // A peer that vanished (a network cut, a powered-off server) is noticed within a minute.
        cfg.keepalives_idle(std::time::Duration::from_secs(30));
        let mut ssl = tokio_postgres::config::SslMode::Prefer;
        for (k, v) in self.url.query_pairs() {
            match (k.as_ref(), v.as_ref()) {
                ("sslmode", "disable") => ssl = tokio_postgres::config::SslMode::Disable,
                ("sslmode", "prefer") => ssl = tokio_postgres::config::SslMode::Prefer,
                ("sslmode", _) => ssl = tokio_postgres::config::SslMode::Require,
                ("connect_timeout", secs) => {
                    if let Ok(s) = secs.parse::<u64>() {
                        cfg.connect_timeout(std::time::Duration::from_secs(s.max(1)));
                    }
                }
                ("application_name", name) => {
                    cfg.application_name(name);
                }
                _ => {}
            }
        }
        cfg.ssl_mode(ssl);
        Ok(cfg)
    }
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.masked())
    }
}

impl std::fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_is_masked_everywhere_it_is_shown() {
        let u = DatabaseUrl::parse(
            "database",
            "postgres://shop:s3cret@db.example:5433/hookdesk",
        )
        .unwrap();
        assert_eq!(u.masked(), "postgres://shop:***@db.example:5433/hookdesk");
        assert_eq!(format!("{u}"), u.masked());
        assert_eq!(format!("{u:?}"), u.masked());
        assert_eq!(u.host(), "db.example");
        assert_eq!(u.database(), "hookdesk");
        let cfg = u.driver_config().unwrap();
        assert_eq!(cfg.get_password(), Some(&b"s3cret"[..]));
        assert_eq!(cfg.get_ports(), &[5433]);
    }

    #[test]
    fn bad_addresses_are_refused_by_field() {
        for bad in [
            "mysql://a@b/c",
            "postgres://b/c",
            "postgres://a@/c",
            "postgres://a@b",
            "postgres://a@b/c?sslmode=sometimes",
            "postgres://a@b/c?sslrootcert=/x",
            "not a url",
        ] {
            let e = DatabaseUrl::parse("database", bad).unwrap_err();
            assert_eq!(e.field(), Some("database"), "{bad}");
        }
    }

    #[test]
    fn an_encoded_password_reaches_the_driver_decoded() {
        let u = DatabaseUrl::parse("database", "postgres://a:p%40ss%2Bw@h/d").unwrap();
        assert_eq!(
            u.driver_config().unwrap().get_password(),
            Some(&b"p@ss+w"[..])
        );
    }
}
