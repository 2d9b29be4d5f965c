//! One test, both backends: [`both_backends!`] writes a test once and runs
//! it on a SQLite file and on a scratch PostgreSQL database.

use super::{Fixture, TestDb, fixture_on};

/// What a test run on both backends starts from: made on a fresh SQLite
/// database, or on a scratch PostgreSQL one (`None` when no PostgreSQL is
/// configured: the test says it was skipped, and passes).
pub trait FromBackend: Sized {
    fn on_sqlite() -> impl Future<Output = Self>;
    fn on_postgres(test: &str) -> impl Future<Output = Option<Self>>;
}

impl FromBackend for TestDb {
    async fn on_sqlite() -> TestDb {
        TestDb::sqlite()
    }

    async fn on_postgres(test: &str) -> Option<TestDb> {
        TestDb::postgres(test).await
    }
}

impl FromBackend for Fixture {
    async fn on_sqlite() -> Fixture {
        fixture_on(TestDb::sqlite()).await
    }

    async fn on_postgres(test: &str) -> Option<Fixture> {
        Some(fixture_on(TestDb::postgres(test).await?).await)
    }
}

/// Runs one test on both backends. Written as a test taking what it
/// starts from (any [`FromBackend`]: a [`Fixture`], a [`TestDb`], a file's
/// own setup), with its runtime attribute:
///
/// ```ignore
/// both_backends!(
///     /// What it checks.
///     #[tokio::test]
///     async fn restores_a_version(f: Fixture) {
///         ...
///     }
/// );
/// ```
///
/// it makes the tests `restores_a_version` (SQLite) and
/// `postgres_restores_a_version` (PostgreSQL; skipped, saying so, when
/// none is configured), both calling one body, `restores_a_version_on`.
/// Parentheses, not braces, so that rustfmt formats the body.
#[allow(unused_macros)] // not every test binary runs a test on both backends
macro_rules! both_backends {
    (
        $(#[$attribute:meta])*
        async fn $name:ident($start:ident: $kind:ty) $body:block
    ) => {
        ::pastey::paste! {
            $(#[$attribute])*
            async fn $name() {
                [<$name _on>](
                    <$kind as $crate::common::FromBackend>::on_sqlite().await,
                )
                .await;
            }

            $(#[$attribute])*
            async fn [<postgres_ $name>]() {
                if let Some($start) =
                    <$kind as $crate::common::FromBackend>::on_postgres(stringify!($name)).await
                {
                    [<$name _on>]($start).await;
                }
            }

            async fn [<$name _on>]($start: $kind) $body
        }
    };
}
pub(crate) use both_backends;
