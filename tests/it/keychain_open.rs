//! Where `Ctx::open_with` finds the data key, against a stand-in for the OS keychain (we do not own the
//! real one), and how it refuses a key that does not belong to the data.

use std::path::Path;
use std::sync::Arc;

use hmac::{Hmac, Mac};
use hookdesk_core::auth;
use hookdesk_core::clock::SystemClock;
use hookdesk_core::crypto::{
    account_for, open, seal, DataKey, KeySource, KeyStore, TestKeyStore, KEY_FILE,
};
use hookdesk_core::domain::Secret;
use hookdesk_core::store::app_settings::KEY_CHECK_SETTING;
use hookdesk_core::{Ctx, Error};

use crate::support::TestDir;

const PASSWORD: &str = "keychain-password-1";

fn open_ctx(dir: &Path, store: &dyn KeyStore) -> Result<Ctx, Error> {
    crate::support::open_ctx_with(dir, Arc::new(SystemClock), store)
}

/// The check value, computed here from its definition rather than by the code under test.
pub fn expected_check(key_hex: &str) -> String {
    let key = hex::decode(key_hex.trim()).unwrap();
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
    mac.update(b"hookdesk data key check");
    hex::encode(mac.finalize().into_bytes())
}

pub fn stored_check(dir: &Path) -> Option<String> {
    let db = crate::support::raw_db(dir);
    let conn = db.conn();
    conn.query_row(
        "SELECT value FROM app_settings WHERE key = ?1",
        hookdesk_core::args![KEY_CHECK_SETTING],
        |r| r.get(0),
    )
    .ok()
}

/// Proves two handles hold the same key by decrypting with one what the other sealed.
fn same_key(a: &DataKey, b: &DataKey) -> bool {
    let blob = seal(a, "t", "c", "1", b"probe");
    open(b, "t", "c", "1", &blob).is_ok()
}

fn write_key_file(dir: &Path, bytes: [u8; 32]) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join(KEY_FILE), hex::encode(bytes)).unwrap();
}

fn with_admin(ctx: &Ctx) {
    auth::create_admin(ctx, "ann", &Secret::new(PASSWORD)).unwrap();
}

#[test]
fn first_run_keeps_the_key_in_the_keychain_and_writes_no_key_file() {
    let dir = TestDir::new();
    let store = TestKeyStore::new();
    let ctx = open_ctx(&dir.path(), &store).unwrap();
    assert_eq!(ctx.key.source(), KeySource::Keychain);
    assert!(!dir.path().join(KEY_FILE).exists());
    assert_eq!(store.len(), 1);

    let stored = store.get(&account_for(&dir.path())).unwrap().unwrap();
    assert_eq!(stored.len(), 64);
    assert_eq!(stored_check(&dir.path()), Some(expected_check(&stored)));

    let blob = seal(&ctx.key, "hooks", "auth_secret", "1", b"canary");
    drop(ctx);
    let again = open_ctx(&dir.path(), &store).unwrap();
    assert_eq!(again.key.source(), KeySource::Keychain);
    assert_eq!(
        open(&again.key, "hooks", "auth_secret", "1", &blob).unwrap(),
        b"canary"
    );
    assert_eq!(store.len(), 1, "no second entry");
}

#[test]
fn each_data_dir_gets_its_own_keychain_entry() {
    let (a, b) = (TestDir::new(), TestDir::new());
    let store = TestKeyStore::new();
    let ka = open_ctx(&a.path(), &store).unwrap();
    let kb = open_ctx(&b.path(), &store).unwrap();
    assert_eq!(store.len(), 2);
    assert!(!same_key(&ka.key, &kb.key));
}

#[test]
fn a_key_file_only_install_keeps_working_and_is_not_moved() {
    let dir = TestDir::new();
    write_key_file(&dir.path(), [9; 32]);
    let file_key = DataKey::from_bytes([9; 32], KeySource::KeyFile);
    let store = TestKeyStore::new();

    let ctx = open_ctx(&dir.path(), &store).unwrap();
    assert_eq!(ctx.key.source(), KeySource::KeyFile);
    assert!(same_key(&file_key, &ctx.key));
    assert!(store.is_empty());
    assert_eq!(
        stored_check(&dir.path()),
        Some(expected_check(&hex::encode([9u8; 32])))
    );
    with_admin(&ctx);
    drop(ctx);

    let again = open_ctx(&dir.path(), &store).unwrap();
    assert!(auth::sign_in(&again, "ann", &Secret::new(PASSWORD)).is_ok());
}

#[test]
fn an_install_from_before_check_values_gets_one_recorded() {
    let dir = TestDir::new();
    write_key_file(&dir.path(), [4; 32]);
    let store = TestKeyStore::unavailable();
    with_admin(&open_ctx(&dir.path(), &store).unwrap());
    forget_check_value(&dir.path());

    open_ctx(&dir.path(), &store).unwrap();
    assert_eq!(
        stored_check(&dir.path()),
        Some(expected_check(&hex::encode([4u8; 32])))
    );
}

#[test]
fn an_unavailable_keychain_falls_back_to_a_private_key_file() {
    let dir = TestDir::new();
    let ctx = open_ctx(&dir.path(), &TestKeyStore::unavailable()).unwrap();
    assert_eq!(ctx.key.source(), KeySource::KeyFile);
    let path = dir.path().join(KEY_FILE);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(stored_check(&dir.path()), Some(expected_check(&text)));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    with_admin(&ctx);
    drop(ctx);

    // Later the keychain works again: the key file is still found and nothing new is created.
    let store = TestKeyStore::new();
    let again = open_ctx(&dir.path(), &store).unwrap();
    assert_eq!(again.key.source(), KeySource::KeyFile);
    assert!(store.is_empty());
    assert!(auth::sign_in(&again, "ann", &Secret::new(PASSWORD)).is_ok());
}

#[test]
fn the_keychain_entry_wins_over_a_key_file() {
    let dir = TestDir::new();
    let store = TestKeyStore::new();
    drop(open_ctx(&dir.path(), &store).unwrap());
    // A stray key file (a restored backup, say) does not replace the key the data was written with.
    write_key_file(&dir.path(), [3; 32]);
    let ctx = open_ctx(&dir.path(), &store).unwrap();
    assert_eq!(ctx.key.source(), KeySource::Keychain);
}

#[test]
fn deleting_the_keychain_entry_after_data_exists_is_refused_not_replaced() {
    let dir = TestDir::new();
    let store = TestKeyStore::new();
    with_admin(&open_ctx(&dir.path(), &store).unwrap());
    let check = stored_check(&dir.path());
    let account = account_for(&dir.path());
    assert!(store.remove(&account));

    let err = open_ctx(&dir.path(), &store).unwrap_err();
    assert_eq!(err.code(), "crypto");
    let msg = err.to_string();
    assert!(msg.contains("no data key"), "{msg}");
    assert!(
        msg.contains(&account),
        "the message says where keys are looked up: {msg}"
    );
    assert!(msg.contains(KEY_FILE), "{msg}");
    assert!(store.is_empty(), "no new key in the keychain");
    assert!(!dir.path().join(KEY_FILE).exists(), "no new key file");
    assert_eq!(stored_check(&dir.path()), check);
}

#[test]
fn deleting_the_key_file_after_data_exists_is_refused_not_replaced() {
    let dir = TestDir::new();
    let store = TestKeyStore::unavailable();
    with_admin(&open_ctx(&dir.path(), &store).unwrap());
    std::fs::remove_file(dir.path().join(KEY_FILE)).unwrap();

    let err = open_ctx(&dir.path(), &TestKeyStore::new()).unwrap_err();
    assert_eq!(err.code(), "crypto");
    assert!(!dir.path().join(KEY_FILE).exists());
}

#[test]
fn data_from_before_check_values_without_a_key_is_refused() {
    let dir = TestDir::new();
    let store = TestKeyStore::unavailable();
    with_admin(&open_ctx(&dir.path(), &store).unwrap());
    forget_check_value(&dir.path());
    std::fs::remove_file(dir.path().join(KEY_FILE)).unwrap();

    let err = open_ctx(&dir.path(), &store).unwrap_err();
    assert_eq!(err.code(), "crypto");
    assert!(!dir.path().join(KEY_FILE).exists());
}

#[test]
fn a_different_key_file_is_refused_and_the_data_is_left_alone() {
    let dir = TestDir::new();
    let store = TestKeyStore::unavailable();
    with_admin(&open_ctx(&dir.path(), &store).unwrap());
    let original = std::fs::read_to_string(dir.path().join(KEY_FILE)).unwrap();
    let check = stored_check(&dir.path());
    std::fs::remove_file(dir.path().join(KEY_FILE)).unwrap();
    write_key_file(&dir.path(), [5; 32]);

    let err = open_ctx(&dir.path(), &store).unwrap_err();
    assert_eq!(err.code(), "crypto");
    assert!(err.to_string().contains("does not match"), "{err}");
    assert_eq!(stored_check(&dir.path()), check);

    std::fs::remove_file(dir.path().join(KEY_FILE)).unwrap();
    std::fs::write(dir.path().join(KEY_FILE), original).unwrap();
    let ctx = open_ctx(&dir.path(), &store).unwrap();
    assert!(auth::sign_in(&ctx, "ann", &Secret::new(PASSWORD)).is_ok());
}

#[test]
fn a_damaged_keychain_entry_is_an_error_not_a_new_key() {
    let dir = TestDir::new();
    let store = TestKeyStore::new();
    store.set(&account_for(&dir.path()), "not a key").unwrap();

    let err = open_ctx(&dir.path(), &store).unwrap_err();
    assert_eq!(err.code(), "crypto");
    assert!(!dir.path().join(KEY_FILE).exists());
    assert_eq!(stored_check(&dir.path()), None);
}

/// Makes the data look as written before key check values existed.
fn forget_check_value(dir: &std::path::Path) {
    crate::support::raw_db(dir)
        .conn()
        .execute(
            "DELETE FROM app_settings WHERE key = ?1",
            hookdesk_core::args![KEY_CHECK_SETTING],
        )
        .unwrap();
}
