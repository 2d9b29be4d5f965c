//! Why a platform operation failed (below the service's typed refusals):
//! a leaf every platform module shares.

use crate::db::DbError;

#[derive(Debug, thiserror::Error)]
pub enum PlatformError {
    #[error("database: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("platform data in the database is damaged: {0}")]
    Corrupt(String),
    #[error("cannot encode {0}")]
    Encode(String),
    #[error("the system's random number generator failed: {0}")]
    Random(String),
    #[error(transparent)]
    Token(#[from] super::token::TokenError),
    #[error(transparent)]
    Scenario(#[from] idflow_core::simulate::ScenarioError),
    #[error("cannot build the HTTP client for callbacks: {0}")]
    HttpClient(String),
    #[error("the server is stopping: the write was not made")]
    WriterStopped,
    #[error("the write was made but could not be synced to disk: {0}")]
    Sync(String),
}
