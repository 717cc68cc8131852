use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Manager,
    Support,
}

impl Role {
    pub fn parse(field: &str, s: &str) -> crate::Result<Role> {
        match s {
            "admin" => Ok(Role::Admin),
            "manager" => Ok(Role::Manager),
            "support" => Ok(Role::Support),
            _ => Err(crate::Error::invalid(
                field,
                "must be admin, manager or support",
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Support => "support",
        }
    }

    /// docs/architecture.md, Who may do what: admin does everything, including users and installation settings (ingest tokens,
    /// unlock timeout); manager edits hooks and pages and sends tests; support reads (secrets masked),
    /// sends tests, reads logs and resends.
    pub fn allows(self, p: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Admin => true,
            Role::Manager => !matches!(p, ManageUsers | ReadAudit | ManageSettings),
            Role::Support => matches!(p, ReadHooks | SendTest | ReadLogs | Resend | OwnAccount),
        }
    }
}

/// What a command needs; checked in the core for every command, whichever front end calls it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    ReadHooks,
    EditHooks,
    SendTest,
    ReadLogs,
    Resend,
    EmitEvents,
    AllowPrivateNetwork,
    RevealSecrets,
    ManageUsers,
    ReadAudit,
    ManageSettings,
    /// One's own password, recovery codes and sessions: every role.
    OwnAccount,
}

impl Permission {
    pub fn describe(self) -> &'static str {
        use Permission::*;
        match self {
            ReadHooks => "read webhook settings",
            EditHooks => "change webhooks, stores or order-webhook pages",
            SendTest => "send test hooks",
            ReadLogs => "read delivery logs",
            Resend => "resend deliveries",
            EmitEvents => "queue live events",
            AllowPrivateNetwork => "allow private-network targets",
            RevealSecrets => "reveal signing secrets",
            ManageUsers => "manage users",
            ReadAudit => "read the audit log",
            ManageSettings => "change installation settings",
            OwnAccount => "manage your own account",
        }
    }
}

/// The signed-in, unlocked user a command acts as. Only the session check in this module builds one
/// (`auth::require`), so holding an `Actor` is proof that a real, unlocked session stood behind the call;
/// its fields are private so no front end can make itself an admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    user_id: i64,
    name: String,
    role: Role,
    /// The hash of the session this actor came from: "end my other sessions" keeps this one.
    #[serde(skip)]
    session: String,
}

impl Actor {
    pub(crate) fn from_session(user_id: i64, name: String, role: Role, session: String) -> Actor {
        Actor {
            user_id,
            name,
            role,
            session,
        }
    }

    pub fn user_id(&self) -> i64 {
        self.user_id
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn role(&self) -> Role {
        self.role
    }

    pub(crate) fn session_hash(&self) -> &str {
        &self.session
    }

    pub fn require(&self, p: Permission) -> crate::Result<()> {
        if self.role.allows(p) {
            Ok(())
        } else {
            Err(crate::Error::Forbidden(p.describe().to_string()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_matrix() {
        assert!(Role::Admin.allows(Permission::ManageUsers));
        assert!(!Role::Manager.allows(Permission::ManageUsers));
        assert!(Role::Manager.allows(Permission::EditHooks));
        assert!(Role::Manager.allows(Permission::AllowPrivateNetwork));
        assert!(!Role::Manager.allows(Permission::ManageSettings));
        assert!(!Role::Support.allows(Permission::EditHooks));
        assert!(!Role::Support.allows(Permission::AllowPrivateNetwork));
        assert!(Role::Support.allows(Permission::SendTest));
        assert!(Role::Support.allows(Permission::Resend));
        for role in [Role::Admin, Role::Manager, Role::Support] {
            assert!(role.allows(Permission::OwnAccount));
        }
        let a = Actor::from_session(1, "s".into(), Role::Support, String::new());
        assert_eq!(
            a.require(Permission::EditHooks).unwrap_err().code(),
            "forbidden"
        );
    }
}
