//! Users, passwords, TOTP two-factor, sessions, lockout and recovery codes.

mod roles;

pub use roles::{Actor, Permission, Role};
