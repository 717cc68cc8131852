use hookdesk_core::auth::{self, Permission, Role, UserView};
use hookdesk_core::domain::Secret;
use hookdesk_core::store::audit::{self, AuditEntry};
use hookdesk_core::{Error, Result};
use serde::Serialize;
use tauri::State;

use crate::AppState;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthState {
    needs_setup: bool,
    user: Option<UserView>,
    unlocked: bool,
    idle_expires_at: Option<i64>,
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
            idle_expires_at: i.idle_expires_at_ms,
            user: Some(i.user),
        },
        None => AuthState {
            needs_setup,
            user: None,
            unlocked: false,
            idle_expires_at: None,
        },
    })
}

#[tauri::command]
pub fn auth_state(state: State<'_, AppState>) -> Result<AuthState> {
    current(&state)
}

#[tauri::command]
pub fn setup_admin(
    state: State<'_, AppState>,
    name: String,
    password: String,
) -> Result<AuthState> {
    let ctx = state.ctx()?;
    let password = Secret::new(password);
    auth::create_admin(ctx, &name, &password)?;
    let s = auth::sign_in(ctx, &name, &password)?;
    state.set_session(Some(s.token));
    current(&state)
}

#[tauri::command]
pub fn sign_in(state: State<'_, AppState>, name: String, password: String) -> Result<AuthState> {
    let s = auth::sign_in(state.ctx()?, &name, &Secret::new(password))?;
    state.set_session(Some(s.token));
    current(&state)
}

#[tauri::command]
pub fn sign_out(state: State<'_, AppState>) -> Result<()> {
    if let Ok(t) = state.token() {
        auth::sign_out(state.ctx()?, &t)?;
    }
    state.set_session(None);
    Ok(())
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EnrollmentView {
    secret: String,
    otpauth_url: String,
    qr_png_base64: String,
}

#[tauri::command]
pub fn begin_enrollment(state: State<'_, AppState>) -> Result<EnrollmentView> {
    let e = auth::begin_enrollment(state.ctx()?, &state.token()?)?;
    Ok(EnrollmentView {
        secret: e.secret_base32.expose().to_string(),
        otpauth_url: e.otpauth_url.expose().to_string(),
        qr_png_base64: e.qr_png_base64.clone(),
    })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecoveryCodes {
    recovery_codes: Vec<String>,
}

#[tauri::command]
pub fn confirm_enrollment(state: State<'_, AppState>, code: String) -> Result<RecoveryCodes> {
    let codes = auth::confirm_enrollment_for_token(state.ctx()?, &state.token()?, &code)?;
    Ok(RecoveryCodes {
        recovery_codes: codes,
    })
}

#[tauri::command]
pub fn unlock(state: State<'_, AppState>, code: String) -> Result<AuthState> {
    auth::unlock(state.ctx()?, &state.token()?, &code)?;
    current(&state)
}

#[tauri::command]
pub fn lock(state: State<'_, AppState>) -> Result<()> {
    if let Ok(t) = state.token() {
        auth::lock(state.ctx()?, &t)?;
    }
    Ok(())
}

#[tauri::command]
pub fn users_list(state: State<'_, AppState>) -> Result<Vec<UserView>> {
    let (ctx, actor) = state.actor(Permission::ManageUsers)?;
    auth::list_users(&ctx, &actor)
}

#[tauri::command]
pub fn user_add(
    state: State<'_, AppState>,
    name: String,
    role: String,
    password: String,
) -> Result<UserView> {
    let (ctx, actor) = state.actor(Permission::ManageUsers)?;
    let role = Role::parse("role", &role)?;
    auth::add_user(&ctx, &actor, &name, role, &Secret::new(password))
}

#[tauri::command]
pub fn user_remove(state: State<'_, AppState>, name: String) -> Result<()> {
    let (ctx, actor) = state.actor(Permission::ManageUsers)?;
    auth::remove_user(&ctx, &actor, &name)
}

#[tauri::command]
pub fn audit_list(
    state: State<'_, AppState>,
    limit: u32,
    before_id: Option<i64>,
) -> Result<Vec<AuditEntry>> {
    let (ctx, actor) = state.actor(Permission::ReadAudit)?;
    audit::list(&ctx, &actor, limit, before_id)
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    idle_minutes: i64,
}

#[tauri::command]
pub fn settings_get(state: State<'_, AppState>) -> Result<Settings> {
    let (ctx, _) = state.actor(Permission::ReadHooks)?;
    Ok(Settings {
        idle_minutes: auth::idle_minutes(&ctx)?,
    })
}

#[tauri::command]
pub fn settings_set(state: State<'_, AppState>, idle_minutes: i64) -> Result<Settings> {
    let (ctx, actor) = state.actor(Permission::ManageSettings)?;
    auth::set_idle_minutes(&ctx, &actor, idle_minutes)?;
    Ok(Settings {
        idle_minutes: auth::idle_minutes(&ctx)?,
    })
}

/// The Users screen's actions; each needs the admin's fresh two-factor code.
#[tauri::command]
pub fn user_reset_2fa(state: State<'_, AppState>, name: String, code: String) -> Result<UserView> {
    let (ctx, actor) = state.actor(Permission::ManageUsers)?;
    auth::reset_two_factor(&ctx, &actor, &name, &code)
}

#[tauri::command]
pub fn user_set_disabled(
    state: State<'_, AppState>,
    name: String,
    disabled: bool,
    code: String,
) -> Result<UserView> {
    let (ctx, actor) = state.actor(Permission::ManageUsers)?;
    auth::set_disabled(&ctx, &actor, &name, disabled, Some(&code))
}

#[tauri::command]
pub fn user_set_role(
    state: State<'_, AppState>,
    name: String,
    role: String,
    code: String,
) -> Result<UserView> {
    let (ctx, actor) = state.actor(Permission::ManageUsers)?;
    let role = Role::parse("role", &role)?;
    auth::set_role(&ctx, &actor, &name, role, Some(&code))
}
