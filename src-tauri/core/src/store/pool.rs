//! A few PostgreSQL sessions shared by one process's threads (docs/architecture.md, Storage backends).
//! A caller that finds every session lent out waits a moment and then opens one more rather than wait
//! for ever: a thread holding a session while it asks for a second must not stall the process.

use std::sync::{Condvar, Mutex};
use std::time::Duration;

use super::Conn;
use crate::Result;

/// How long a caller waits for a lent session before it opens an extra one.
const WAIT: Duration = Duration::from_millis(500);

pub struct Pool {
    state: Mutex<State>,
    returned: Condvar,
    size: usize,
}

struct State {
    idle: Vec<Conn>,
    /// The pool's own sessions, idle or lent; extra ones opened after a wait are not counted.
    open: usize,
}

/// A session lent by the pool. Without one (the server cannot be reached) every statement answers
/// that the database cannot be reached.
pub struct Lent<'a> {
    pool: &'a Pool,
    /// The session, or the stand-in that answers "cannot be reached" when none could be opened.
    conn: Conn,
    /// One of the pool's own sessions, which goes back to it.
    counted: bool,
}

fn is_open(c: &Conn) -> bool {
    c.as_postgres().is_some_and(|p| p.is_open())
}

impl Pool {
    pub fn new(size: usize) -> Pool {
        Pool {
            state: Mutex::new(State {
                idle: Vec::with_capacity(size),
                open: 0,
            }),
            returned: Condvar::new(),
            size: size.max(1),
        }
    }

    /// An open session: an idle one, a new one while the pool has room, else an idle one within a
    /// moment, else an extra one.
    pub fn take(&self, open: impl Fn() -> Result<Conn>) -> Lent<'_> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let mut counted = true;
        let found = if let Some(c) = state.idle.pop() {
            Some(c)
        } else if state.open < self.size {
            state.open += 1;
            None
        } else {
            state = self
                .returned
                .wait_timeout_while(state, WAIT, |s| s.idle.is_empty())
                .map(|(g, _)| g)
                .unwrap_or_else(|e| e.into_inner().0);
            let c = state.idle.pop();
            counted = c.is_some();
            c
        };
        drop(state);
        let conn = match found {
            Some(c) if is_open(&c) => Some(c),
            _ => match open() {
                Ok(c) => Some(c),
                Err(e) => {
                    tracing::warn!(error = %e, "cannot open a database session");
                    None
                }
            },
        };
        Lent {
            pool: self,
            conn: conn.unwrap_or_else(Conn::unavailable),
            counted,
        }
    }
}

impl std::ops::Deref for Lent<'_> {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        &self.conn
    }
}

impl Drop for Lent<'_> {
    fn drop(&mut self) {
        if !self.counted {
            return;
        }
        let mut state = self.pool.state.lock().unwrap_or_else(|e| e.into_inner());
        let conn = std::mem::replace(&mut self.conn, Conn::unavailable());
        if is_open(&conn) {
            state.idle.push(conn);
        } else {
            // A lost session leaves room for a new one.
            state.open = state.open.saturating_sub(1);
        }
        self.pool.returned.notify_one();
    }
}
