//! One Hookdesk per data directory: the first instance listens on a local socket named after its data
//! directory; a second launch on the same directory asks it to show its window and exits. (A second
//! engine on the same data directory would be refused by the engine lease anyway; this makes it friendly.)

use std::path::Path;

#[cfg(target_os = "linux")]
pub use linux::claim;

#[cfg(not(target_os = "linux"))]
pub struct Listener;

/// Elsewhere there is no instance check yet: every launch is the first.
#[cfg(not(target_os = "linux"))]
pub fn claim(_data_dir: &Path) -> Option<Listener> {
    Some(Listener)
}

/// FNV-1a: stable across builds and versions, so an older and a newer Hookdesk find each other.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn socket_name(data_dir: &Path) -> String {
    let dir = std::fs::canonicalize(data_dir).unwrap_or_else(|_| data_dir.to_path_buf());
    format!(
        "hookdesk-{:016x}",
        fnv1a(dir.as_os_str().as_encoded_bytes())
    )
}

#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
const FOCUS: &str = "focus";

#[cfg(target_os = "linux")]
mod linux {
    use std::io::{BufRead, BufReader, Write};
    use std::os::linux::net::SocketAddrExt;
    use std::os::unix::net::{SocketAddr, UnixListener, UnixStream};

    use super::*;

    pub struct Listener(Option<UnixListener>);

    /// `Some` for the first instance on `data_dir`; `None` when another one was found and told to show
    /// itself. An abstract socket vanishes with its process, so a crash leaves nothing stale behind.
    pub fn claim(data_dir: &Path) -> Option<Listener> {
        let Ok(addr) = SocketAddr::from_abstract_name(socket_name(data_dir).as_bytes()) else {
            return Some(Listener(None));
        };
        for _ in 0..2 {
            if let Ok(mut s) = UnixStream::connect_addr(&addr) {
                let _ = writeln!(s, "{FOCUS}");
                return None;
            }
            match UnixListener::bind_addr(&addr) {
                Ok(l) => return Some(Listener(Some(l))),
                // Another instance bound it between our connect and bind: ask that one.
                Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => continue,
                Err(e) => {
                    eprintln!("hookdesk: no single-instance check: {e}");
                    return Some(Listener(None));
                }
            }
        }
        None
    }

    impl Listener {
        /// Calls `on_focus` for each later launch, on a thread of its own.
        pub fn serve(self, on_focus: impl Fn() + Send + 'static) {
            let Some(listener) = self.0 else { return };
            std::thread::spawn(move || {
                for stream in listener.incoming().flatten() {
                    let mut line = String::new();
                    if BufReader::new(stream).read_line(&mut line).is_ok() && line.trim() == FOCUS {
                        on_focus();
                    }
                }
            });
        }
    }
}

#[cfg(not(target_os = "linux"))]
impl Listener {
    pub fn serve(self, _on_focus: impl Fn() + Send + 'static) {}
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn a_second_claim_on_the_same_dir_finds_the_first() {
        let dir = std::env::temp_dir().join(format!("hookdesk-instance-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let first = claim(&dir).expect("first instance");
        let (tx, rx) = std::sync::mpsc::channel();
        first.serve(move || {
            let _ = tx.send(());
        });
        assert!(
            claim(&dir).is_none(),
            "the second launch defers to the first"
        );
        rx.recv_timeout(std::time::Duration::from_secs(5))
            .expect("the first instance was asked to show itself");
        let other = dir.join("other");
        std::fs::create_dir_all(&other).unwrap();
        assert!(claim(&other).is_some(), "another data dir is independent");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
