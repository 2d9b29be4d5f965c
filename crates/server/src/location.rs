//! Where the server's database is: a SQLite file (the default) or a
//! PostgreSQL database (`postgres://` or `postgresql://` URL), for a team
//! that runs several servers on one database.

use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};

/// The database `--db` names.
#[derive(Clone, PartialEq, Eq)]
pub enum DbLocation {
    /// A SQLite file, created if missing.
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL (`postgres://user:password@host/db`).
    Postgres(String),
}

impl DbLocation {
    /// A `postgres://` or `postgresql://` URL names PostgreSQL; anything
    /// else is a SQLite file path.
    pub fn parse(text: impl AsRef<OsStr>) -> DbLocation {
        let text = text.as_ref();
        match text.to_str() {
            Some(url) if is_postgres_url(url) => DbLocation::Postgres(url.to_owned()),
            _ => DbLocation::Sqlite(PathBuf::from(text)),
        }
    }

    /// For logs and errors: the file path, or the URL without its password.
    pub fn redacted(&self) -> String {
        match self {
            DbLocation::Sqlite(path) => path.display().to_string(),
            DbLocation::Postgres(url) => redact(url),
        }
    }
}

fn is_postgres_url(text: &str) -> bool {
    ["postgres://", "postgresql://"].iter().any(|scheme| {
        text.get(..scheme.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(scheme))
    })
}

impl From<PathBuf> for DbLocation {
    fn from(path: PathBuf) -> DbLocation {
        DbLocation::parse(path.into_os_string())
    }
}

impl From<&Path> for DbLocation {
    fn from(path: &Path) -> DbLocation {
        DbLocation::parse(path)
    }
}

impl std::str::FromStr for DbLocation {
    type Err = std::convert::Infallible;

    fn from_str(text: &str) -> Result<DbLocation, Self::Err> {
        Ok(DbLocation::parse(text))
    }
}

/// Shows the redacted form: a password never reaches a log line.
impl fmt::Display for DbLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl fmt::Debug for DbLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DbLocation::Sqlite(path) => f.debug_tuple("Sqlite").field(path).finish(),
            DbLocation::Postgres(_) => f.debug_tuple("Postgres").field(&self.redacted()).finish(),
        }
    }
}

/// `url` with the password of its user info and any `password=` query
/// parameter replaced by `***`.
pub fn redact(url: &str) -> String {
    let (before_query, query) = match url.split_once('?') {
        Some((head, query)) => (head, Some(query)),
        None => (url, None),
    };
    let mut out = match before_query.split_once("://") {
        Some((scheme, rest)) => {
            // The authority ends at the first '/'; user info before its last '@'.
            let (authority, path) = match rest.find('/') {
                Some(i) => rest.split_at(i),
                None => (rest, ""),
            };
            let authority = match authority.rsplit_once('@') {
                Some((userinfo, host)) => match userinfo.split_once(':') {
                    Some((user, _password)) => format!("{user}:***@{host}"),
                    None => authority.to_owned(),
                },
                None => authority.to_owned(),
            };
            format!("{scheme}://{authority}{path}")
        }
        None => before_query.to_owned(),
    };
    if let Some(query) = query {
        let params: Vec<String> = query
            .split('&')
            .map(|param| match param.split_once('=') {
                Some((name, _)) if name.eq_ignore_ascii_case("password") => {
                    format!("{name}=***")
                }
                _ => param.to_owned(),
            })
            .collect();
        out.push('?');
        out.push_str(&params.join("&"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_postgres_and_anything_else_is_a_file() {
        assert_eq!(
            DbLocation::parse("postgres://u:p@h/db"),
            DbLocation::Postgres("postgres://u:p@h/db".into())
        );
        assert_eq!(
            DbLocation::parse("postgresql://h/db"),
            DbLocation::Postgres("postgresql://h/db".into())
        );
        assert_eq!(
            DbLocation::parse("server.sqlite"),
            DbLocation::Sqlite("server.sqlite".into())
        );
        assert_eq!(
            DbLocation::parse("/data/postgres/server.sqlite"),
            DbLocation::Sqlite("/data/postgres/server.sqlite".into())
        );
        assert_eq!(
            DbLocation::from(PathBuf::from("postgres://h/db")),
            DbLocation::Postgres("postgres://h/db".into())
        );
    }

    #[test]
    fn passwords_are_redacted() {
        let cases = [
            (
                "postgres://u:secret@h:5432/db",
                "postgres://u:***@h:5432/db",
            ),
            ("postgres://u@h/db", "postgres://u@h/db"),
            ("postgres://h/db", "postgres://h/db"),
            ("postgres://u:s%40cret@h", "postgres://u:***@h"),
            ("postgres://u:p@ss@h/db", "postgres://u:***@h/db"),
            (
                "postgres://h/db?user=u&password=secret&sslmode=disable",
                "postgres://h/db?user=u&password=***&sslmode=disable",
            ),
        ];
        for (url, shown) in cases {
            assert_eq!(redact(url), shown);
            assert!(!format!("{}", DbLocation::parse(url)).contains("secret"));
            assert!(!format!("{:?}", DbLocation::parse(url)).contains("secret"));
        }
    }
}
