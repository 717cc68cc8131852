//! The integration tests' shared set-up, in one place: an isolated data directory, one `Env` (data dir,
//! manual clock, core handle), an independent TOTP, users made through real sign-in and enrollment, the
//! engine harness, and the one runner for the real `hookdesk` binary.

pub mod accounts;
pub mod cli;
pub mod config;
pub mod engine;
pub mod team;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use hmac::{Hmac, Mac};
use hookdesk_core::clock::{Clock, ManualClock, SystemClock};
use hookdesk_core::store::DatabaseUrl;
use hookdesk_core::Ctx;

/// The PostgreSQL server the suite runs against instead of SQLite (`make test` starts a throw-away
/// one and runs the suite twice; see README, Tests): a URL to its maintenance database.
pub const POSTGRES_ENV: &str = "HOOKDESK_TEST_POSTGRES";

/// The server of [`POSTGRES_ENV`], when this run is the PostgreSQL one.
pub fn postgres_server() -> Option<DatabaseUrl> {
    let url = std::env::var(POSTGRES_ENV).ok().filter(|u| !u.is_empty())?;
    Some(
        DatabaseUrl::parse(POSTGRES_ENV, &url)
            .expect("HOOKDESK_TEST_POSTGRES is a postgres:// URL"),
    )
}

/// For tests of what only the SQLite file has (its bytes on disk, its WAL, its syncs, backup files):
/// true, after saying so, when this run is the PostgreSQL one.
pub fn sqlite_only(what: &str) -> bool {
    if postgres_server().is_some() {
        eprintln!("SQLite only, not run on PostgreSQL: {what}");
        return true;
    }
    false
}

/// Data directories whose data lives in a PostgreSQL database, so the CLI runner can name it.
fn databases() -> &'static Mutex<HashMap<PathBuf, String>> {
    static D: OnceLock<Mutex<HashMap<PathBuf, String>>> = OnceLock::new();
    D.get_or_init(Default::default)
}

/// The database a test data directory uses (None: the SQLite file in it).
pub fn database_of(dir: &Path) -> Option<DatabaseUrl> {
    let map = databases().lock().unwrap_or_else(|e| e.into_inner());
    map.get(dir)
        .map(|u| DatabaseUrl::parse("database", u).expect("registered URL"))
}

/// An isolated data directory, removed when the test ends, with a PostgreSQL database of its own on
/// the PostgreSQL run (created here, dropped at the end).
pub struct TestDir {
    pub dir: tempfile::TempDir,
    database: Option<String>,
}

impl TestDir {
    pub fn new() -> Self {
        // `make test` runs the suite with HOOKDESK_LOG=trace into one file that is then scanned for secrets.
        let _ = hookdesk_core::logging::init_from_env();
        let dir = tempfile::tempdir().expect("tempdir");
        let database = postgres_server().map(|server| {
            static N: AtomicU64 = AtomicU64::new(0);
            let name = format!(
                "hd_{}_{}_{}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed),
                rand_suffix()
            );
            let url = hookdesk_core::store::postgres::admin::create_database(&server, &name)
                .expect("create the test's database");
            databases()
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(dir.path().to_path_buf(), url.unmasked());
            name
        });
        TestDir { dir, database }
    }
    /// A data directory that keeps its data in its own SQLite file on every run.
    pub fn sqlite() -> Self {
        let _ = hookdesk_core::logging::init_from_env();
        TestDir {
            dir: tempfile::tempdir().expect("tempdir"),
            database: None,
        }
    }
    pub fn path(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }
    /// The database this directory's data lives in, None for its SQLite file.
    pub fn database(&self) -> Option<DatabaseUrl> {
        database_of(self.dir.path())
    }
}

impl Drop for TestDir {
    fn drop(&mut self) {
        if let (Some(name), Some(server)) = (&self.database, postgres_server()) {
            databases()
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(self.dir.path());
            let _ = hookdesk_core::store::postgres::admin::drop_database(&server, name);
        }
    }
}

fn rand_suffix() -> u32 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(SystemClock.now_ms() as u64);
    h.finish() as u32 % 100_000
}

/// Opens a data directory the way the product does, in the database the test gave it.
pub fn open_ctx(dir: &Path, clock: Arc<dyn Clock>) -> hookdesk_core::Result<Ctx> {
    open_ctx_with(
        dir,
        clock,
        hookdesk_core::crypto::system_key_store().as_ref(),
    )
}

/// As [`open_ctx`], with a given key store.
pub fn open_ctx_with(
    dir: &Path,
    clock: Arc<dyn Clock>,
    store: &dyn hookdesk_core::crypto::KeyStore,
) -> hookdesk_core::Result<Ctx> {
    Ctx::open_at(dir, database_of(dir).as_ref(), clock, store)
}

/// A data dir with a core handle on a manual clock: what every library-level test starts from.
pub struct Env {
    pub dir: TestDir,
    pub clock: ManualClock,
    pub ctx: Ctx,
}

impl Env {
    /// At `accounts::T0`, the start of a TOTP step, so "30 s later" is always the next step.
    pub fn new() -> Env {
        Env::at(accounts::T0)
    }

    /// With the manual clock set to `ms`.
    pub fn at(ms: i64) -> Env {
        let dir = TestDir::new();
        let clock = ManualClock::at(ms);
        let ctx = open_ctx(&dir.path(), Arc::new(clock.clone())).expect("open ctx");
        Env { dir, clock, ctx }
    }

    /// With the manual clock set to the real time, so sessions made here are also valid for the real
    /// binary, which uses the system clock.
    pub fn real_time() -> Env {
        Env::at(SystemClock.now_ms())
    }

    /// A second, independent handle on the same data dir and clock (as after a restart).
    pub fn open_again(&self) -> Ctx {
        open_ctx(&self.dir.path(), Arc::new(self.clock.clone())).expect("open ctx")
    }

    pub fn now(&self) -> i64 {
        self.clock.now_ms()
    }

    /// Moves to the start of the next TOTP step, so the next code has not been used yet.
    pub fn next_step(&self) {
        self.clock.advance(accounts::STEP_MS);
    }
}

/// RFC 4648 base32 without padding, as authenticator apps read it.
pub fn base32_decode(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let (mut buf, mut bits) = (0u32, 0u32);
    for c in s.trim_end_matches('=').bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a',
            b'2'..=b'7' => c - b'2' + 26,
            _ => panic!("not base32: {s}"),
        };
        buf = (buf << 5) | u32::from(v);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
            buf &= (1 << bits) - 1;
        }
    }
    out
}

/// RFC 6238 with SHA-1, 6 digits, 30 s: written here from the RFC so the product's TOTP is not checked
/// against itself.
pub fn totp(secret_base32: &str, unix_secs: i64) -> String {
    let key = base32_decode(secret_base32);
    let counter = (unix_secs.div_euclid(30) as u64).to_be_bytes();
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(&key).expect("any key length");
    mac.update(&counter);
    let h = mac.finalize().into_bytes();
    let off = usize::from(h[19] & 0x0f);
    let bin = (u32::from(h[off] & 0x7f) << 24)
        | (u32::from(h[off + 1]) << 16)
        | (u32::from(h[off + 2]) << 8)
        | u32::from(h[off + 3]);
    format!("{:06}", bin % 1_000_000)
}

#[test]
fn independent_totp_matches_rfc_6238() {
    // RFC 6238 appendix B, SHA-1 seed "12345678901234567890", last 6 of the 8 digits.
    let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    assert_eq!(base32_decode(secret), b"12345678901234567890");
    assert_eq!(totp(secret, 59), "287082");
    assert_eq!(totp(secret, 1_111_111_109), "081804");
    assert_eq!(totp(secret, 2_000_000_000), "279037");
}

/// The data directory's database without the data key: for looking at or changing rows directly.
pub fn raw_db(dir: &Path) -> hookdesk_core::store::Db {
    hookdesk_core::store::Db::open_at(dir, database_of(dir).as_ref()).expect("open the database")
}

/// The PostgreSQL cluster's data directory on the PostgreSQL run, for the scans of what reached the disk.
pub const POSTGRES_DATA_ENV: &str = "HOOKDESK_TEST_POSTGRES_DATA";

/// Every byte the data directory's database has on disk, after its log is written into the tables:
/// the SQLite file and its WAL, or on PostgreSQL the database's own files and the server's whole WAL.
pub fn stored_bytes(dir: &Path) -> Vec<u8> {
    let db = raw_db(dir);
    let Some(_) = db.database_url() else {
        let mut bytes = std::fs::read(dir.join("hookdesk.db")).expect("the database file");
        if let Ok(w) = std::fs::read(dir.join("hookdesk.db-wal")) {
            bytes.extend(w);
        }
        return bytes;
    };
    let conn = db.conn();
    conn.execute_batch("CHECKPOINT").expect("checkpoint");
    let oid: i64 = conn
        .query_row(
            "SELECT CAST(oid AS BIGINT) FROM pg_database WHERE datname = current_database()",
            hookdesk_core::args![],
            |r| r.get(0),
        )
        .expect("database oid");
    let data = PathBuf::from(
        std::env::var_os(POSTGRES_DATA_ENV).expect("HOOKDESK_TEST_POSTGRES_DATA names the cluster"),
    );
    let mut bytes = Vec::new();
    for folder in [data.join("base").join(oid.to_string()), data.join("pg_wal")] {
        for entry in std::fs::read_dir(&folder)
            .expect("cluster folder")
            .flatten()
        {
            if entry.file_type().is_ok_and(|t| t.is_file()) {
                bytes.extend(std::fs::read(entry.path()).unwrap_or_default());
            }
        }
    }
    assert!(bytes.len() > 1 << 20, "the scan read the cluster's files");
    bytes
}
