use std::path::PathBuf;

/// An isolated data directory, removed when the test ends.
pub struct TestDir {
    pub dir: tempfile::TempDir,
}

impl TestDir {
    pub fn new() -> Self {
        // `make test` runs the suite with HOOKDESK_LOG=trace into one file that is then scanned for secrets.
        let _ = hookdesk_core::logging::init_from_env();
        TestDir {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }
    pub fn path(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }
}
