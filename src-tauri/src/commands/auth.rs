use hookdesk_core::auth::audit::{self, AuditEntry};
use hookdesk_core::auth::{self, Permission, Role, UserView};
use hookdesk_core::domain::Secret;
use hookdesk_core::{Error, Result};
use serde::Serialize;
use tauri::State;

use super::account::RecoveryCodes;
use super::{blocking, IpcResult};
use crate::AppState;

#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct AuthState {
    needs_setup: bool,
    user: Option<UserView>,
    unlocked: bool,
    idle_expires_at_ms: Option<i64>,
}

fn current(state: &AppState) -> Result<AuthState> {
    let ctx = state.ctx()?;
    let needs_setup = auth::needs_setup(ctx)?;
    let info = match state.token() {
        Ok(t) => match auth::session_info(ctx, &t) {
            Ok(i) => Some(i),
            Err(Error::Locked) | Err(Error::Unauthorized) => {
                state.set_session(None);
                None
            }
            Err(e) => return Err(e),
        },
        Err(_) => None,
    };
    Ok(match info {
        Some(i) => AuthState {
            needs_setup,
            unlocked: i.unlocked,
            idle_expires_at_ms: i.idle_expires_at_ms,
            user: Some(i.user),
        },
        None => AuthState {
            needs_setup,
            user: None,
            unlocked: false,
            idle_expires_at_ms: None,
        },
    })
}

#[tauri::command]
pub async fn auth_state(state: State<'_, AppState>) -> IpcResult<AuthState> {
    blocking(&state, |state| current(&state)).await
}

/// Creating the admin hashes the password twice (create, then sign in): seconds of Argon2 work, kept on
/// the blocking pool.
#[tauri::command]
pub async fn setup_admin(
    state: State<'_, AppState>,
    name: String,
    password: String,
) -> IpcResult<AuthState> {
    blocking(&state, move |state| {
        let ctx = state.ctx()?;
        let password = Secret::new(password);
        auth::create_admin(ctx, &name, &password)?;
        let session = auth::sign_in(ctx, &name, &password)?;
        state.set_session(Some(session.token));
        current(&state)
    })
    .await
}

#[tauri::command]
pub async fn sign_in(
    state: State<'_, AppState>,
    name: String,
    password: String,
) -> IpcResult<AuthState> {
    blocking(&state, move |state| {
        let session = auth::sign_in(state.ctx()?, &name, &Secret::new(password))?;
        state.set_session(Some(session.token));
        current(&state)
    })
    .await
}

#[tauri::command]
pub async fn sign_out(state: State<'_, AppState>) -> IpcResult<()> {
    blocking(&state, |state| {
        if let Ok(t) = state.token() {
            auth::sign_out(state.ctx()?, &t)?;
        }
        state.set_session(None);
        Ok(())
    })
    .await
}

#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct EnrollmentView {
    secret: String,
    otpauth_url: String,
    qr_png_base64: String,
}

#[tauri::command]
pub async fn begin_enrollment(state: State<'_, AppState>) -> IpcResult<EnrollmentView> {
    blocking(&state, |state| {
        let e = auth::begin_enrollment(state.ctx()?, &state.token()?)?;
        Ok(EnrollmentView {
            secret: e.secret_base32.expose().to_string(),
            otpauth_url: e.otpauth_url.expose().to_string(),
            qr_png_base64: e.qr_png_base64.clone(),
        })
    })
    .await
}

#[tauri::command]
pub async fn confirm_enrollment(
    state: State<'_, AppState>,
    code: String,
) -> IpcResult<RecoveryCodes> {
    blocking(&state, move |state| {
        let codes = auth::confirm_enrollment_for_token(state.ctx()?, &state.token()?, &code)?;
        Ok(RecoveryCodes {
            recovery_codes: codes,
        })
    })
    .await
}

#[tauri::command]
pub async fn unlock(state: State<'_, AppState>, code: String) -> IpcResult<AuthState> {
    blocking(&state, move |state| {
        auth::unlock(state.ctx()?, &state.token()?, &code)?;
        current(&state)
    })
    .await
}

#[tauri::command]
pub async fn lock(state: State<'_, AppState>) -> IpcResult<()> {
    blocking(&state, |state| {
        if let Ok(t) = state.token() {
            auth::lock(state.ctx()?, &t)?;
        }
        Ok(())
    })
    .await
}

#[tauri::command]
pub async fn users_list(state: State<'_, AppState>) -> IpcResult<Vec<UserView>> {
    blocking(&state, |state| {
        let (ctx, actor) = state.actor(Permission::ManageUsers)?;
        auth::list_users(&ctx, &actor)
    })
    .await
}

/// Hashes the new user's password: on the blocking pool like every command, and the one the UI shows
/// a busy state for.
#[tauri::command]
pub async fn user_add(
    state: State<'_, AppState>,
    name: String,
    role: String,
    password: String,
) -> IpcResult<UserView> {
    blocking(&state, move |state| {
        let (ctx, actor) = state.actor(Permission::ManageUsers)?;
        let role = Role::parse("role", &role)?;
        auth::add_user(&ctx, &actor, &name, role, &Secret::new(password))
    })
    .await
}

#[tauri::command]
pub async fn user_remove(state: State<'_, AppState>, name: String) -> IpcResult<()> {
    blocking(&state, move |state| {
        let (ctx, actor) = state.actor(Permission::ManageUsers)?;
        auth::remove_user(&ctx, &actor, &name)
    })
    .await
}

#[tauri::command]
pub async fn audit_list(
    state: State<'_, AppState>,
    limit: u32,
    before_id: Option<i64>,
) -> IpcResult<Vec<AuditEntry>> {
    blocking(&state, move |state| {
        let (ctx, actor) = state.actor(Permission::ReadAudit)?;
        audit::list(&ctx, &actor, limit, before_id)
    })
    .await
}

#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    idle_minutes: i64,
}

#[tauri::command]
pub async fn settings_get(state: State<'_, AppState>) -> IpcResult<Settings> {
    blocking(&state, |state| {
        let (ctx, _) = state.actor(Permission::ReadHooks)?;
        Ok(Settings {
            idle_minutes: auth::idle_minutes(&ctx)?,
        })
    })
    .await
}

#[tauri::command]
pub async fn settings_set(state: State<'_, AppState>, idle_minutes: i64) -> IpcResult<Settings> {
    blocking(&state, move |state| {
        let (ctx, actor) = state.actor(Permission::ManageSettings)?;
        auth::set_idle_minutes(&ctx, &actor, idle_minutes)?;
        Ok(Settings {
            idle_minutes: auth::idle_minutes(&ctx)?,
        })
    })
    .await
}

/// The Users screen's actions; each needs the admin's fresh two-factor code.
#[tauri::command]
pub async fn user_reset_2fa(
    state: State<'_, AppState>,
    name: String,
    code: String,
) -> IpcResult<UserView> {
    blocking(&state, move |state| {
        let (ctx, actor) = state.actor(Permission::ManageUsers)?;
        auth::reset_two_factor(&ctx, &actor, &name, &code)
    })
    .await
}

#[tauri::command]
pub async fn user_set_disabled(
    state: State<'_, AppState>,
    name: String,
    disabled: bool,
    code: String,
) -> IpcResult<UserView> {
    blocking(&state, move |state| {
        let (ctx, actor) = state.actor(Permission::ManageUsers)?;
        auth::set_disabled(&ctx, &actor, &name, disabled, Some(&code))
    })
    .await
}

#[tauri::command]
pub async fn user_set_role(
    state: State<'_, AppState>,
    name: String,
    role: String,
    code: String,
) -> IpcResult<UserView> {
    blocking(&state, move |state| {
        let (ctx, actor) = state.actor(Permission::ManageUsers)?;
        let role = Role::parse("role", &role)?;
        auth::set_role(&ctx, &actor, &name, role, Some(&code))
    })
    .await
}
