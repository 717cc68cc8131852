//! TLS to PostgreSQL with rustls (README, PostgreSQL): a cluster of the test's own with `ssl = on` and a
//! certificate for 127.0.0.1. `sslmode=require` connects over TLS when the certificate's authority is
//! trusted through `HOOKDESK_DATABASE_CA`, and is refused without it. Runs on the PostgreSQL run only
//! (it needs the server binaries and the `postgres` user).

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use hookdesk_core::store::{DatabaseUrl, Db};

use crate::support::{cli, postgres_server, TestDir};

struct Cluster {
    dir: tempfile::TempDir,
}

impl Cluster {
    fn start() -> (Cluster, String) {
        let dir = tempfile::Builder::new()
            .prefix("hd-pg-tls-")
            .tempdir_in("/tmp")
            .expect("tempdir");
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/test-postgres.sh");
        let out = Command::new(&script)
            .arg("start")
            .arg(dir.path().join("cluster"))
            .output()
            .expect("start a cluster");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let url = String::from_utf8(out.stdout).unwrap().trim().to_string();
        (Cluster { dir }, url)
    }

    fn data(&self) -> std::path::PathBuf {
        self.dir.path().join("cluster/data")
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/test-postgres.sh");
        let _ = Command::new(script)
            .arg("stop")
            .arg(self.dir.path().join("cluster"))
            .status();
    }
}

fn with_sslmode(url: &str, mode: &str) -> String {
    format!("{url}?sslmode={mode}")
}

#[test]
fn sslmode_require_connects_over_tls_to_a_trusted_server_only() {
    if postgres_server().is_none() {
        eprintln!("PostgreSQL run only: TLS to a PostgreSQL server");
        return;
    }
    let (cluster, url) = Cluster::start();
    // The server's certificate, for the address the client dials; the client trusts it as its own
    // authority through HOOKDESK_DATABASE_CA.
    let cert = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into()]).expect("certificate");
    let data = cluster.data();
    std::fs::write(data.join("server.crt"), cert.cert.pem()).unwrap();
    std::fs::write(data.join("server.key"), cert.key_pair.serialize_pem()).unwrap();
    std::fs::set_permissions(
        data.join("server.key"),
        std::fs::Permissions::from_mode(0o600),
    )
    .unwrap();
    for f in ["server.crt", "server.key"] {
        let ok = Command::new("chown")
            .arg("postgres")
            .arg(data.join(f))
            .status()
            .expect("chown");
        assert!(ok.success());
    }
    let ca = cluster.dir.path().join("ca.pem");
    std::fs::write(&ca, cert.cert.pem()).unwrap();
    {
        let plain = DatabaseUrl::parse("database", &with_sslmode(&url, "disable")).unwrap();
        let admin = Db::open_at(&TestDir::new().path(), Some(&plain)).expect("plain connection");
        admin
            .conn()
            .execute_batch("ALTER SYSTEM SET ssl = on")
            .unwrap();
        admin
            .conn()
            .execute_batch("SELECT pg_reload_conf()")
            .unwrap();
    }
    std::thread::sleep(std::time::Duration::from_millis(500));

    let require = with_sslmode(&url, "require");
    let t = TestDir::new();
    let trusted = cli::run(
        &t.path(),
        None,
        &["--database", &require, "status"],
        &[("HOOKDESK_DATABASE_CA", ca.to_str().unwrap())],
    );
    let v = cli::ok_json(&trusted);
    assert_eq!(v["backend"], "postgres");

    // The sessions really are encrypted: a running `serve` on that address, seen from the server.
    let (mut serve, _) = crate::engine_crash::start_serve_with(
        &t.path(),
        &[],
        &[
            (
                hookdesk_core::store::DATABASE_URL_ENV,
                format!("{require}&application_name=hookdesk-tls"),
            ),
            ("HOOKDESK_DATABASE_CA", ca.display().to_string()),
        ],
    );
    let plain = DatabaseUrl::parse("database", &with_sslmode(&url, "disable")).unwrap();
    let observer = Db::open_at(&TestDir::new().path(), Some(&plain)).unwrap();
    let (sessions, encrypted): (i64, i64) = observer
        .conn()
        .query_row(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE s.ssl)
             FROM pg_stat_activity a JOIN pg_stat_ssl s ON s.pid = a.pid
             WHERE a.application_name = 'hookdesk-tls'",
            hookdesk_core::args![],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let _ = serve.kill();
    let _ = serve.wait();
    assert!(sessions >= 1, "serve holds sessions");
    assert_eq!(encrypted, sessions, "every session is encrypted");

    // Without the authority the certificate is not trusted, and nothing is sent in the clear instead.
    let untrusted = cli::run(&t.path(), None, &["--database", &require, "status"], &[]);
    assert!(!untrusted.status.success());
    assert_eq!(cli::error_code(&untrusted).as_deref(), Some("database"));
}
