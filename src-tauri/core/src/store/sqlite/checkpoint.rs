//! WAL checkpoints off the write path. SQLite otherwise checkpoints inside whichever commit crosses the
//! threshold, and that commit (an ingest answer, a batch of attempts) then waits for the file sync: the
//! slowest one in a hundred deliveries took milliseconds longer than the rest. While an engine runs,
//! this thread checkpoints on its own connection instead, which does not hold up writers.

use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use super::super::conn::Inner;
use super::super::Conn;
use crate::Result;

const EVERY: Duration = Duration::from_millis(100);
/// About 32 MiB of log (4 KiB pages); at 1,000 events/s the log grows by about 12,000 frames a second.
const RESTART_AT_FRAMES: i64 = 8_192;
/// At most 4 MiB copied while the writers wait.
const CATCH_UP_FRAMES: i64 = 1_024;
/// SQLite's default, restored for the app's other work once the engine stops.
const DEFAULT_AUTOCHECKPOINT: i64 = 1000;

type Stop = Arc<(Mutex<bool>, Condvar)>;

/// The shared writer connection, held during a catch-up pass.
type Writer = Arc<Mutex<Conn>>;

pub struct Checkpointer {
    writer: Writer,
    stop: Stop,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    pub fn start(path: &std::path::Path, writer: Writer) -> Result<Checkpointer> {
        let conn = super::connect(path)?;
        {
            let shared = lock(&writer);
            if let Inner::Sqlite(c) = &shared.0 {
                c.pragma_update(None, "wal_autocheckpoint", 0)?;
                super::count_wal_frames(c);
            }
        }
        let stop: Stop = Arc::new((Mutex::new(false), Condvar::new()));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("hookdesk-checkpoint".into())
            .spawn({
                let writer = writer.clone();
                move || checkpoint_until_stopped(&writer, &conn, &flag)
            });
        let thread = match thread {
            Ok(t) => t,
            Err(e) => {
                restore(&writer);
                return Err(e.into());
            }
        };
        Ok(Checkpointer {
            writer,
            stop,
            thread: Some(thread),
        })
    }
}

fn lock(writer: &Writer) -> std::sync::MutexGuard<'_, Conn> {
    writer.lock().unwrap_or_else(|e| e.into_inner())
}

fn checkpoint_until_stopped(writer: &Writer, conn: &rusqlite::Connection, stop: &Stop) {
    let mut seen = None;
    loop {
        let (lock, cv) = &**stop;
        let stopped = lock.lock().unwrap_or_else(|e| e.into_inner());
        let (stopped, _) = cv
            .wait_timeout_while(stopped, EVERY, |s| !*s)
            .unwrap_or_else(|e| e.into_inner());
        let last = *stopped;
        drop(stopped);
        // data_version moves when another connection commits: an idle app does no disk work.
        let version: Option<i64> = conn.query_row("PRAGMA data_version", [], |r| r.get(0)).ok();
        if version != seen || last {
            seen = version;
            if let Err(e) = checkpoint(writer, conn) {
                tracing::warn!(error = %e, "WAL checkpoint failed");
            }
        }
        if last {
            return;
        }
    }
}

/// Copies the log into the database without stopping writers. That alone never lets the log start over
/// while commits keep coming: a writer restarts it only when it finds every frame copied, and frames are
/// appended while the copy runs. So once the log is long and this pass left only a little behind, a
/// second pass copies that little with the writer connection held, and the next commit starts the log
/// over. The writers wait for a small copy only: RESTART, which also waits for readers, took p99 at
/// 1,000 events/s from 2.7 to 11.5 ms, and holding the writers for a pass that was far behind stalled
/// them for up to 200 ms.
fn checkpoint(writer: &Writer, conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    let (log, copied): (i64, i64) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
        Ok((r.get(1)?, r.get(2)?))
    })?;
    if log >= RESTART_AT_FRAMES && log - copied <= CATCH_UP_FRAMES {
        let _writers = lock(writer);
        conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
    }
    Ok(())
}

fn restore(writer: &Writer) {
    if let Inner::Sqlite(c) = &lock(writer).0 {
        let _ = c.pragma_update(None, "wal_autocheckpoint", DEFAULT_AUTOCHECKPOINT);
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        let (lock, cv) = &*self.stop;
        *lock.lock().unwrap_or_else(|e| e.into_inner()) = true;
        cv.notify_all();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        restore(&self.writer);
    }
}
