use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

    /// DESIGN §2: admin does everything, including users and installation settings (ingest tokens,
    /// unlock timeout); manager edits hooks and pages and sends tests; support reads (secrets masked),
    /// sends tests, reads logs and resends.
    pub fn allows(self, p: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Admin => true,
            Role::Manager => !matches!(p, ManageUsers | ReadAudit | ManageSettings),
            Role::Support => matches!(p, ReadHooks | SendTest | ReadLogs | Resend),
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
}

impl Permission {
    pub fn describe(self) -> &'static str {
        use Permission::*;
        match self {
            ReadHooks => "read webhook settings",
            EditHooks => "change webhook settings",
            SendTest => "send test hooks",
            ReadLogs => "read delivery logs",
            Resend => "resend deliveries",
            EmitEvents => "queue live events",
            AllowPrivateNetwork => "allow private-network targets",
            RevealSecrets => "reveal signing secrets",
            ManageUsers => "manage users",
            ReadAudit => "read the audit log",
            ManageSettings => "change installation settings",
        }
    }
}

/// The signed-in, unlocked user a command acts as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub user_id: i64,
    pub name: String,
    pub role: Role,
}

impl Actor {
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
        let a = Actor {
            user_id: 1,
            name: "s".into(),
            role: Role::Support,
        };
        assert_eq!(
            a.require(Permission::EditHooks).unwrap_err().code(),
            "forbidden"
        );
    }
}
