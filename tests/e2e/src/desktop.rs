//! What the desktop around the window does, done for real: a close request as a window manager sends
//! it, a private D-Bus session bus with a notification server on it, and finding the app's process.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use x11rb::connection::Connection as _;
use x11rb::protocol::xproto::{
    AtomEnum, ClientMessageEvent, ConnectionExt as _, EventMask, Window,
};

/// Sends WM_DELETE_WINDOW to the top-level window titled `title`, as a window manager does when its
/// close button is pressed (a bare X server has no window manager to do it).
pub fn request_close(title: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match try_request_close(title) {
            Ok(true) => return,
            Ok(false) | Err(_) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(200))
            }
            Ok(false) => panic!("no window titled {title:?}"),
            Err(e) => panic!("X11: {e}"),
        }
    }
}

type XResult<T> = Result<T, Box<dyn std::error::Error>>;

/// The top-level windows titled `title`, on a fresh connection.
fn windows_titled(title: &str) -> XResult<(x11rb::rust_connection::RustConnection, Vec<Window>)> {
    let (conn, screen) = x11rb::connect(None)?;
    let root = conn.setup().roots[screen].root;
    let net_name = conn.intern_atom(false, b"_NET_WM_NAME")?.reply()?.atom;
    let utf8 = conn.intern_atom(false, b"UTF8_STRING")?.reply()?.atom;
    let mut found = Vec::new();
    for w in conn.query_tree(root)?.reply()?.children {
        let name = conn
            .get_property(false, w, net_name, utf8, 0, 256)?
            .reply()?;
        let name = if name.value.is_empty() {
            conn.get_property(false, w, AtomEnum::WM_NAME, AtomEnum::STRING, 0, 256)?
                .reply()?
                .value
        } else {
            name.value
        };
        if name == title.as_bytes() {
            found.push(w);
        }
    }
    Ok((conn, found))
}

/// Whether a window titled `title` that belongs to the Hookdesk process on `data_dir` is mapped (shown).
/// Windows of other processes are ignored: an earlier test's app may still be closing on the same display.
pub fn window_shown(data_dir: &Path, title: &str) -> bool {
    let pids = app_pids(data_dir);
    let Ok((conn, windows)) = windows_titled(title) else {
        return false;
    };
    let Ok(pid_atom) = conn
        .intern_atom(false, b"_NET_WM_PID")
        .map_err(|e| e.to_string())
        .and_then(|c| c.reply().map_err(|e| e.to_string()))
        .map(|r| r.atom)
    else {
        return false;
    };
    windows.into_iter().any(|w| {
        let owner = conn
            .get_property(false, w, pid_atom, AtomEnum::CARDINAL, 0, 1)
            .ok()
            .and_then(|c| c.reply().ok())
            .and_then(|r| r.value32().and_then(|mut v| v.next()));
        owner.is_some_and(|p| pids.contains(&p))
            && conn
                .get_window_attributes(w)
                .ok()
                .and_then(|c| c.reply().ok())
                .is_some_and(|a| a.map_state == x11rb::protocol::xproto::MapState::VIEWABLE)
    })
}

/// Waits until the window titled `title` of the Hookdesk process on `data_dir` is shown (or hidden).
pub async fn wait_shown(data_dir: &Path, title: &str, shown: bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while window_shown(data_dir, title) != shown {
        assert!(
            Instant::now() < deadline,
            "the window {title:?} never became {}",
            if shown { "shown" } else { "hidden" }
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn try_request_close(title: &str) -> XResult<bool> {
    let (conn, windows) = windows_titled(title)?;
    let atom = |name: &[u8]| -> XResult<u32> { Ok(conn.intern_atom(false, name)?.reply()?.atom) };
    let protocols = atom(b"WM_PROTOCOLS")?;
    let delete = atom(b"WM_DELETE_WINDOW")?;
    let Some(&w) = windows.last() else {
        return Ok(false);
    };
    let ev = ClientMessageEvent::new(32, w, protocols, [delete, 0, 0, 0, 0]);
    // Checked, so a refused request is an error here rather than a silent no-op.
    conn.send_event(false, w, EventMask::NO_EVENT, ev)?
        .check()?;
    Ok(true)
}

/// Pids of running Hookdesk windows on `data_dir` (read from /proc).
pub fn app_pids(data_dir: &Path) -> Vec<u32> {
    let want = data_dir.to_string_lossy().to_string();
    let mut pids = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return pids;
    };
    for e in entries.flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(e.path().join("cmdline")) else {
            continue;
        };
        let args: Vec<String> = cmdline
            .split(|b| *b == 0)
            .map(|a| String::from_utf8_lossy(a).to_string())
            .collect();
        if args
            .first()
            .is_some_and(|a| a.ends_with("hookdesk-desktop"))
            && args.contains(&want)
        {
            pids.push(pid);
        }
    }
    pids
}

/// Waits until no Hookdesk window runs on `data_dir`.
pub async fn wait_app_exit(data_dir: &Path, within: Duration) {
    let deadline = Instant::now() + within;
    while !app_pids(data_dir).is_empty() {
        assert!(
            Instant::now() < deadline,
            "Hookdesk is still running on {}",
            data_dir.display()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A private session bus (`dbus-daemon --session`), stopped when dropped.
pub struct SessionBus {
    pub address: String,
    daemon: Child,
}

impl SessionBus {
    pub fn start() -> SessionBus {
        use std::io::BufRead;
        let mut daemon = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("dbus-daemon on PATH");
        let mut line = String::new();
        std::io::BufReader::new(daemon.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("bus address");
        SessionBus {
            address: line.trim().to_string(),
            daemon,
        }
    }
}

impl Drop for SessionBus {
    fn drop(&mut self) {
        unsafe {
            libc::kill(self.daemon.id() as i32, libc::SIGTERM);
        }
        let _ = self.daemon.wait();
    }
}

/// One notification the server was asked to show.
#[derive(Debug, Clone)]
pub struct Shown {
    pub id: u32,
    pub summary: String,
    pub body: String,
}

/// A minimal org.freedesktop.Notifications server: records each Notify and can "click" one.
pub struct NotificationServer {
    pub shown: Arc<Mutex<Vec<Shown>>>,
    clicks: Arc<Mutex<Vec<u32>>>,
    stop: Arc<AtomicBool>,
}

const IFACE: &str = "org.freedesktop.Notifications";
const PATH: &str = "/org/freedesktop/Notifications";

impl NotificationServer {
    pub fn start(bus: &SessionBus) -> NotificationServer {
        use dbus::blocking::Connection;
        use dbus::channel::{Channel, MatchingReceiver};
        use dbus::message::{MatchRule, Message};

        let mut ch = Channel::open_private(&bus.address).expect("connect to the test bus");
        ch.register().expect("register on the test bus");
        let conn = Connection::from(ch);
        conn.request_name(IFACE, false, true, true)
            .expect("own org.freedesktop.Notifications");
        let shown: Arc<Mutex<Vec<Shown>>> = Arc::default();
        let clicks: Arc<Mutex<Vec<u32>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let (s2, c2, stop2) = (shown.clone(), clicks.clone(), stop.clone());
        std::thread::spawn(move || {
            let seen = s2.clone();
            conn.start_receive(
                MatchRule::new_method_call(),
                Box::new(move |msg: Message, conn| {
                    use dbus::channel::Sender;
                    let reply = match msg.member().as_deref() {
                        Some("Notify") => {
                            let (_app, _replaces, _icon, summary, body): (
                                String,
                                u32,
                                String,
                                String,
                                String,
                            ) = msg.read5().unwrap_or_default();
                            let mut v = seen.lock().expect("lock");
                            let id = v.len() as u32 + 1;
                            v.push(Shown { id, summary, body });
                            msg.method_return().append1(id)
                        }
                        Some("GetCapabilities") => {
                            msg.method_return().append1(vec!["actions", "body"])
                        }
                        Some("GetServerInformation") => msg
                            .method_return()
                            .append2("hookdesk-e2e", "hookdesk")
                            .append2("1", "1.2"),
                        _ => msg.method_return(),
                    };
                    let _ = conn.send(reply);
                    true
                }),
            );
            while !stop2.load(Ordering::SeqCst) {
                let _ = conn.process(Duration::from_millis(100));
                let pending: Vec<u32> = std::mem::take(&mut *c2.lock().expect("lock"));
                for id in pending {
                    use dbus::channel::Sender;
                    let sig = Message::new_signal(PATH, IFACE, "ActionInvoked")
                        .expect("signal")
                        .append2(id, "default");
                    let _ = conn.send(sig);
                }
            }
        });
        NotificationServer {
            shown,
            clicks,
            stop,
        }
    }

    pub fn shown(&self) -> Vec<Shown> {
        self.shown.lock().expect("lock").clone()
    }

    /// Waits until at least `n` notifications were shown.
    pub async fn wait_for(&self, n: usize) -> Vec<Shown> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let got = self.shown();
            if got.len() >= n {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "{} of {n} notifications shown",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Clicks a notification, as the user would in the notification popup.
    pub fn click(&self, id: u32) {
        self.clicks.lock().expect("lock").push(id);
    }
}

impl Drop for NotificationServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}
