//! A write described as data, once, for both writers to execute
//! (`crate::platform::writer`: rusqlite on the SQLite writer's own
//! connection, sqlx on PostgreSQL and on the pool fallback): a list of
//! statements, each its SQL text, the values it binds and when it runs.
//!
//! The SQL is the same on both databases: placeholders are `$1..$n`,
//! numbered in the order they first appear in the text (SQLite reads
//! `$N` as a named parameter and numbers those by first appearance, so
//! binding by position means the same on both; `tests` hold every write to
//! it).

/// A value bound to a placeholder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param<'a> {
    Text(&'a str),
    /// NULL when `None`.
    OptionalText(Option<&'a str>),
    Integer(i64),
}

impl<'a> From<&'a str> for Param<'a> {
    fn from(text: &'a str) -> Param<'a> {
        Param::Text(text)
    }
}

impl<'a> From<&'a String> for Param<'a> {
    fn from(text: &'a String) -> Param<'a> {
        Param::Text(text)
    }
}

impl<'a> From<&'a Option<String>> for Param<'a> {
    fn from(text: &'a Option<String>) -> Param<'a> {
        Param::OptionalText(text.as_deref())
    }
}

impl From<i64> for Param<'_> {
    fn from(number: i64) -> Self {
        Param::Integer(number)
    }
}

/// When a statement of a write runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Always,
    /// Only if the statement before it ran and changed a row (e.g. a
    /// completed execution's reuse record, only once its status changed).
    PreviousChanged,
}

/// One statement of a write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement<'a> {
    pub sql: &'static str,
    pub params: Vec<Param<'a>>,
    pub when: When,
    /// A plain one-row `INSERT INTO table (columns) VALUES (...)`: the rows
    /// of consecutive writes of the same statements may be sent as one
    /// multi-row INSERT (what the sqlx writer does: one round trip for a
    /// group's new accounts instead of two per account).
    pub row_insert: bool,
}

impl<'a> Statement<'a> {
    pub fn new(sql: &'static str, params: Vec<Param<'a>>) -> Statement<'a> {
        Statement {
            sql,
            params,
            when: When::Always,
            row_insert: false,
        }
    }

    /// A plain one-row INSERT (see [`Statement::row_insert`]).
    pub fn row(sql: &'static str, params: Vec<Param<'a>>) -> Statement<'a> {
        Statement {
            row_insert: true,
            ..Statement::new(sql, params)
        }
    }

    /// Runs only if the statement before it changed a row.
    pub fn if_previous_changed(self) -> Statement<'a> {
        Statement {
            when: When::PreviousChanged,
            ..self
        }
    }

    /// A row insert's text up to `VALUES` (`INSERT INTO table (columns) `),
    /// for a multi-row INSERT.
    pub fn insert_head(&self) -> Option<&'static str> {
        if !self.row_insert {
            return None;
        }
        self.sql.rfind("VALUES").map(|at| &self.sql[..at])
    }
}

/// Where a write's statements stand as an executor runs them in order:
/// which run (their guards) and whether the write took effect. Shared by
/// both executors, so the guards mean the same on both databases.
#[derive(Debug, Default)]
pub struct Progress {
    /// How many statements were handled.
    handled: usize,
    /// Whether the first one changed a row.
    first_changed: bool,
    /// Whether the last one ran and changed a row.
    previous_changed: bool,
}

impl Progress {
    /// Whether `statement` runs (its guard).
    pub fn runs(&self, statement: &Statement<'_>) -> bool {
        match statement.when {
            When::Always => true,
            When::PreviousChanged => self.previous_changed,
        }
    }

    /// The next statement changed `rows` rows (0 when it did not run).
    pub fn record(&mut self, rows: u64) {
        if self.handled == 0 {
            self.first_changed = rows > 0;
        }
        self.previous_changed = rows > 0;
        self.handled += 1;
    }

    /// A write takes effect when its first statement changes a row (the
    /// conditional UPDATE or the INSERT that the rest depends on).
    pub fn took_effect(&self) -> bool {
        self.first_changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_guarded_statement_runs_only_after_one_that_changed_a_row() {
        let always = Statement::new("UPDATE t SET a = 1", Vec::new());
        let guarded = Statement::new("INSERT INTO u VALUES (1)", Vec::new()).if_previous_changed();
        let mut progress = Progress::default();
        assert!(progress.runs(&always));
        progress.record(0);
        assert!(!progress.runs(&guarded), "the first changed nothing");
        progress.record(0);
        assert!(!progress.took_effect());

        let mut progress = Progress::default();
        progress.record(1);
        assert!(progress.runs(&guarded));
        progress.record(1);
        assert!(progress.runs(&guarded), "a chain of guarded statements");
        assert!(progress.took_effect());
    }

    #[test]
    fn only_a_row_insert_has_an_insert_head() {
        let row = Statement::row("INSERT INTO t (a, b) VALUES ($1, $2)", Vec::new());
        assert_eq!(row.insert_head(), Some("INSERT INTO t (a, b) "));
        let conditional = Statement::new("INSERT INTO t (a, b) VALUES ($1, $2)", Vec::new());
        assert_eq!(conditional.insert_head(), None);
    }
}
