//! Users, passwords, TOTP two-factor, sessions, lockout and recovery codes.
