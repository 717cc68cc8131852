//! Creating and dropping whole databases on a server: for `hookdesk migrate --to`'s checks and for test
//! set-ups that give every test a database of its own.

use super::{DatabaseUrl, PgConn};
use crate::{Error, Result};

fn checked_name(name: &str) -> Result<&str> {
    if name.is_empty()
        || name.len() > 63
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return Err(Error::invalid(
            "database",
            "a database name of 1 to 63 lower-case letters, digits and underscores",
        ));
    }
    Ok(name)
}

/// Creates database `name` on the server `server` points at (connecting to `server`'s own database).
pub fn create_database(server: &DatabaseUrl, name: &str) -> Result<DatabaseUrl> {
    let name = checked_name(name)?;
    let conn = PgConn::connect(server)?;
    conn.batch(&format!("CREATE DATABASE {name}"))?;
    Ok(server.with_database(name))
}

/// Drops database `name`, ending any session still connected to it.
pub fn drop_database(server: &DatabaseUrl, name: &str) -> Result<()> {
    let name = checked_name(name)?;
    let conn = PgConn::connect(server)?;
    conn.batch(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))?;
    Ok(())
}
