use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use hookdesk_core::auth::{Actor, Permission};
use hookdesk_core::delivery::engine::Engine;
use hookdesk_core::domain::Secret;
use hookdesk_core::{Ctx, Error, Result};

/// Shared by every command. A data directory that failed to open is kept as its error so the window can
/// say why instead of the process vanishing. Cloning is cheap (one `Arc`): a command hands its clone to a
/// blocking worker so the window's main thread never waits on the database or on password hashing.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

struct Inner {
    ctx: std::result::Result<Arc<Ctx>, String>,
    /// The one signed-in session of this window; its token never reaches the web view.
    session: Mutex<Option<Secret>>,
    engine: OnceLock<Engine>,
}

impl AppState {
    pub fn open(data_dir: PathBuf) -> Self {
        // The window is told in plain words; a database or file error's own text goes to the log only.
        let ctx = Ctx::open(&data_dir).map(Arc::new).map_err(|e| {
            eprintln!("hookdesk: {e}");
            e.plain_message()
        });
        AppState(Arc::new(Inner {
            ctx,
            session: Mutex::new(None),
            engine: OnceLock::new(),
        }))
    }

    pub fn ctx(&self) -> Result<&Arc<Ctx>> {
        self.0
            .ctx
            .as_ref()
            .map_err(|msg| Error::Conflict(msg.clone()))
    }

    pub fn engine(&self) -> Result<Engine> {
        if let Some(e) = self.0.engine.get() {
            return Ok(e.clone());
        }
        let e = Engine::new(self.ctx()?.clone())?;
        Ok(self.0.engine.get_or_init(|| e).clone())
    }

    pub fn set_session(&self, token: Option<Secret>) {
        *self.0.session.lock().unwrap_or_else(|e| e.into_inner()) = token;
    }

    /// The session token, or `locked` when nobody is signed in.
    pub fn token(&self) -> Result<String> {
        self.0
            .session
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .map(|s| s.expose().to_string())
            .ok_or(Error::Locked)
    }

    pub fn has_session(&self) -> bool {
        self.0.session.lock().map(|s| s.is_some()).unwrap_or(false)
    }

    /// The unlocked user for a command, checked by the core on every call.
    pub fn actor(&self, perm: Permission) -> Result<(Arc<Ctx>, Actor)> {
        let ctx = self.ctx()?.clone();
        let actor = hookdesk_core::auth::require(&ctx, &self.token()?, perm)?;
        Ok((ctx, actor))
    }
}
