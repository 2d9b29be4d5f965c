//! What a token may do: a leaf, so the database layer and the HTTP layer
//! can both name roles without importing each other.

use std::str::FromStr;

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Read, create, duplicate and save drafts.
    Designer,
    /// Everything a designer may, and publish.
    Publisher,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Designer => "designer",
            Role::Publisher => "publisher",
        }
    }

    pub fn may_publish(self) -> bool {
        self == Role::Publisher
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Role, String> {
        match s {
            "designer" => Ok(Role::Designer),
            "publisher" => Ok(Role::Publisher),
            other => Err(format!(
                "unknown role {other:?}: expected designer or publisher"
            )),
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
