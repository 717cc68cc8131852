//! Users, passwords, TOTP two-factor, sessions, lockout and recovery codes.

mod accounts;
pub mod audit;
mod codes;
mod credentials;
mod enroll;
mod lifecycle;
pub mod recovery;
mod roles;
mod session;
pub mod tokens;
pub mod totp;
mod views;

pub use accounts::{
    add_user, create_admin, list_users, needs_setup, remove_user, set_idle_minutes,
};
pub use codes::LOCKOUT;
pub use credentials::{UserName, MIN_PASSWORD_CHARS};
pub use enroll::{begin_enrollment, confirm_enrollment_for_token, confirm_enrollment_for_user};
pub use lifecycle::{
    change_password, own_sessions, renew_recovery_codes, reset_two_factor, set_disabled, set_role,
    sign_out_everywhere,
};
pub use roles::{Actor, Permission, Role};
pub use session::{
    idle_minutes, lock, require, session_info, sign_in, sign_out, token_hash, unlock,
    verify_fresh_code, DEFAULT_IDLE_MINUTES, MAX_IDLE_MINUTES, RECENT_UNLOCK_MS,
};
pub use views::{Enrollment, SessionInfo, SessionView, SignIn, UnlockInfo, UserView};
