//! `hookdesk init`, `2fa`, `unlock`, `lock` and `user`: accounts and two-factor from the command line.

use std::io::BufRead;
use std::path::Path;

use clap::{Args, Subcommand};
use hookdesk_core::auth::{self, Actor, Permission, Role};
use hookdesk_core::clock::rfc3339;
use hookdesk_core::domain::Secret;
use hookdesk_core::{Ctx, Error, Result};
use serde_json::json;

use super::{print, to_json};

/// The session token other commands act with (from `hookdesk unlock`).
pub const SESSION_ENV: &str = "HOOKDESK_SESSION";

#[derive(Subcommand)]
pub enum AuthCmd {
    /// Create the database and the first admin; prints the two-factor key to add to an authenticator app.
    Init {
        /// Name of the first administrator.
        #[arg(long, value_name = "NAME")]
        admin: String,
        /// Read the password from the first line of stdin.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Two-factor enrollment and recovery codes.
    #[command(name = "2fa", subcommand)]
    TwoFactor(TwoFactorCmd),
    /// Sign in and unlock; prints a session token for HOOKDESK_SESSION.
    Unlock {
        /// The user signing in.
        #[arg(long, value_name = "NAME")]
        user: String,
        /// A 6-digit code from the authenticator app, or a recovery code.
        #[arg(long)]
        code: String,
        /// Read the password from the first line of stdin.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Lock the session in HOOKDESK_SESSION.
    Lock,
    /// Change your password: stdin holds the current password, then the new one (two lines).
    Passwd {
        /// A current 6-digit code from your authenticator app.
        #[arg(long)]
        code: String,
    },
    /// Manage users (admin).
    #[command(subcommand)]
    User(UserCmd),
}

#[derive(Subcommand)]
pub enum TwoFactorCmd {
    /// Show the two-factor key of a user who has not enrolled yet (checks the password).
    Enroll {
        /// The user enrolling.
        #[arg(long, value_name = "NAME")]
        user: String,
        /// Read the password from the first line of stdin.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Confirm enrollment with a code from the app; prints the recovery codes once.
    Confirm {
        /// The user enrolling.
        #[arg(long, value_name = "NAME")]
        user: String,
        /// The 6-digit code the authenticator app shows for the new key.
        #[arg(long)]
        code: String,
    },
    /// Ten new recovery codes for the signed-in user, printed once; the old ones stop working.
    RecoveryCodes {
        /// A current 6-digit code from your authenticator app.
        #[arg(long)]
        code: String,
    },
}

#[derive(Subcommand)]
pub enum UserCmd {
    /// Add a user, who enrolls two-factor at their first sign-in.
    Add(UserAdd),
    /// Remove a user (not yourself, not the last enabled admin).
    Remove {
        /// The user to remove.
        name: String,
    },
    /// List users.
    List,
    /// Clear a user's two-factor key and recovery codes and end their sessions; they enroll again.
    #[command(name = "reset-2fa")]
    ResetTwoFactor {
        /// The user whose two-factor sign-in is reset.
        name: String,
        /// A current 6-digit code from your own authenticator app.
        #[arg(long)]
        code: String,
    },
    /// Stop a user from signing in and end their sessions (not yourself, not the last enabled admin).
    Disable {
        /// The user to disable.
        name: String,
        /// A current 6-digit code from your own authenticator app (may be left out within 5 minutes of unlocking).
        #[arg(long)]
        code: Option<String>,
    },
    /// Let a disabled user sign in again.
    Enable {
        /// The user to enable.
        name: String,
        /// A current 6-digit code from your own authenticator app (may be left out within 5 minutes of unlocking).
        #[arg(long)]
        code: Option<String>,
    },
    /// Change a user's role (the last enabled admin cannot be demoted).
    Role {
        /// The user whose role changes.
        name: String,
        /// The new role.
        #[arg(long, value_parser = ["admin", "manager", "support"])]
        role: String,
        /// A current 6-digit code from your own authenticator app (may be left out within 5 minutes of unlocking).
        #[arg(long)]
        code: Option<String>,
    },
}

#[derive(Args)]
pub struct UserAdd {
    /// The new user's name.
    name: String,
    /// What the user may do.
    #[arg(long, value_parser = ["admin", "manager", "support"])]
    role: String,
    /// Read the new user's password from the first line of stdin.
    #[arg(long)]
    password_stdin: bool,
}

/// The actor behind HOOKDESK_SESSION, checked for `perm`. No session means "locked".
pub fn session_actor(ctx: &Ctx, perm: Permission) -> Result<Actor> {
    let token = std::env::var(SESSION_ENV).unwrap_or_default();
    if token.trim().is_empty() {
        return Err(Error::Locked);
    }
    auth::require(ctx, token.trim(), perm)
}

/// The first line of stdin, without its line ending. Passwords never come from argv.
fn read_password(password_stdin: bool) -> Result<Secret> {
    if !password_stdin {
        return Err(Error::invalid(
            "password",
            "pass the password on stdin with --password-stdin",
        ));
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let trimmed = line.trim_end_matches(['\r', '\n']).to_string();
    line.clear();
    if trimmed.is_empty() {
        return Err(Error::invalid("password", "no password on stdin"));
    }
    Ok(Secret::new(trimmed))
}

/// `passwd`'s stdin: the current password, then the new one, one per line.
fn read_password_pair() -> Result<(Secret, Secret)> {
    let stdin = std::io::stdin();
    let mut lock = stdin.lock();
    let mut line = || -> Result<Secret> {
        let mut l = String::new();
        lock.read_line(&mut l)?;
        Ok(Secret::new(l.trim_end_matches(['\r', '\n'])))
    };
    let current = line()?;
    if current.expose().is_empty() {
        return Err(Error::invalid(
            "currentPassword",
            "stdin must hold the current password, then the new one, one per line",
        ));
    }
    let new = line()?;
    if new.expose().is_empty() {
        return Err(Error::invalid(
            "newPassword",
            "no new password on the second line of stdin",
        ));
    }
    Ok((current, new))
}

fn totp_json(e: &auth::Enrollment) -> serde_json::Value {
    json!({"secret": e.secret_base32.expose(), "otpauth_url": e.otpauth_url.expose()})
}

pub fn run(cmd: &AuthCmd, data_dir: &Path, json_out: bool) -> Result<()> {
    match cmd {
        AuthCmd::Init {
            admin,
            password_stdin,
        } => {
            let password = read_password(*password_stdin)?;
            let ctx = Ctx::open(data_dir)?;
            let (user, enrollment) = auth::create_admin(&ctx, admin, &password)?;
            print(
                json_out,
                &json!({"user": to_json(&user)?, "totp": totp_json(&enrollment)}),
            );
        }
        AuthCmd::TwoFactor(TwoFactorCmd::Enroll {
            user,
            password_stdin,
        }) => {
            let password = read_password(*password_stdin)?;
            let ctx = Ctx::open(data_dir)?;
            let signed = auth::sign_in(&ctx, user, &password)?;
            let enrollment = auth::begin_enrollment(&ctx, signed.token.expose());
            auth::sign_out(&ctx, signed.token.expose())?;
            print(json_out, &json!({"totp": totp_json(&enrollment?)}));
        }
        AuthCmd::TwoFactor(TwoFactorCmd::Confirm { user, code }) => {
            let ctx = Ctx::open(data_dir)?;
            let codes = auth::confirm_enrollment_for_user(&ctx, user, code)?;
            print(json_out, &json!({"recovery_codes": codes}));
        }
        AuthCmd::Unlock {
            user,
            code,
            password_stdin,
        } => {
            let password = read_password(*password_stdin)?;
            let ctx = Ctx::open(data_dir)?;
            let signed = auth::sign_in(&ctx, user, &password)?;
            let token = signed.token.expose();
            match auth::unlock(&ctx, token, code) {
                Ok(info) => print(
                    json_out,
                    &json!({"session": token, "expires_at": rfc3339(info.expires_at_ms)}),
                ),
                Err(e) => {
                    // A session that never unlocked is of no use to anyone: drop it.
                    let _ = auth::sign_out(&ctx, token);
                    return Err(e);
                }
            }
        }
        AuthCmd::Lock => {
            let ctx = Ctx::open(data_dir)?;
            let token = std::env::var(SESSION_ENV).unwrap_or_default();
            if token.trim().is_empty() {
                return Err(Error::Locked);
            }
            auth::lock(&ctx, token.trim())?;
            print(json_out, &json!({"locked": true}));
        }
        AuthCmd::User(UserCmd::Add(add)) => {
            let role = Role::parse("role", &add.role)?;
            let password = read_password(add.password_stdin)?;
            let ctx = Ctx::open(data_dir)?;
            let actor = session_actor(&ctx, Permission::ManageUsers)?;
            let user = auth::add_user(&ctx, &actor, &add.name, role, &password)?;
            print(json_out, &json!({"user": to_json(&user)?}));
        }
        AuthCmd::User(UserCmd::Remove { name }) => {
            let ctx = Ctx::open(data_dir)?;
            let actor = session_actor(&ctx, Permission::ManageUsers)?;
            auth::remove_user(&ctx, &actor, name)?;
            print(json_out, &json!({"removed": name.trim()}));
        }
        AuthCmd::TwoFactor(TwoFactorCmd::RecoveryCodes { code }) => {
            let ctx = Ctx::open(data_dir)?;
            let actor = session_actor(&ctx, Permission::OwnAccount)?;
            let codes = auth::renew_recovery_codes(&ctx, &actor, code)?;
            print(json_out, &json!({"recovery_codes": codes}));
        }
        AuthCmd::Passwd { code } => {
            let (current, new) = read_password_pair()?;
            let ctx = Ctx::open(data_dir)?;
            let actor = session_actor(&ctx, Permission::OwnAccount)?;
            auth::change_password(&ctx, &actor, &current, &new, code)?;
            print(json_out, &json!({"password_changed": true}));
        }
        AuthCmd::User(UserCmd::ResetTwoFactor { name, code }) => {
            let ctx = Ctx::open(data_dir)?;
            let actor = session_actor(&ctx, Permission::ManageUsers)?;
            let user = auth::reset_two_factor(&ctx, &actor, name, code)?;
            print(json_out, &json!({"user": to_json(&user)?}));
        }
        AuthCmd::User(UserCmd::Disable { name, code }) => {
            let ctx = Ctx::open(data_dir)?;
            let actor = session_actor(&ctx, Permission::ManageUsers)?;
            let user = auth::set_disabled(&ctx, &actor, name, true, code.as_deref())?;
            print(json_out, &json!({"user": to_json(&user)?}));
        }
        AuthCmd::User(UserCmd::Enable { name, code }) => {
            let ctx = Ctx::open(data_dir)?;
            let actor = session_actor(&ctx, Permission::ManageUsers)?;
            let user = auth::set_disabled(&ctx, &actor, name, false, code.as_deref())?;
            print(json_out, &json!({"user": to_json(&user)?}));
        }
        AuthCmd::User(UserCmd::Role { name, role, code }) => {
            let role = Role::parse("role", role)?;
            let ctx = Ctx::open(data_dir)?;
            let actor = session_actor(&ctx, Permission::ManageUsers)?;
            let user = auth::set_role(&ctx, &actor, name, role, code.as_deref())?;
            print(json_out, &json!({"user": to_json(&user)?}));
        }
        AuthCmd::User(UserCmd::List) => {
            let ctx = Ctx::open(data_dir)?;
            let actor = session_actor(&ctx, Permission::ManageUsers)?;
            let users = auth::list_users(&ctx, &actor)?;
            print(json_out, &json!({"users": to_json(&users)?}));
        }
    }
    Ok(())
}
