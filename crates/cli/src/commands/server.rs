//! `idflow serve` and `idflow token create`: the team server, run on a
//! tokio runtime built here.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, Result, anyhow};
use idflow_server::{Config, Db, Role};

use crate::{TokenRole, exit};

/// `--db`, else the platform data folder's `server.sqlite`.
fn resolve_db(explicit: Option<PathBuf>) -> Result<PathBuf> {
    explicit.or_else(idflow_server::default_db_path).ok_or_else(|| {
        anyhow!("no home folder to keep the server database in: pass --db PATH or set IDFLOW_SERVER_DB")
    })
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

fn finish(result: Result<()>) -> u8 {
    match result {
        Ok(()) => exit::OK,
        Err(e) => {
            eprintln!("error: {e:#}");
            exit::UNREADABLE
        }
    }
}

pub fn serve(bind: SocketAddr, db: Option<PathBuf>) -> u8 {
    finish((|| {
        let db = resolve_db(db)?;
        eprintln!(
            "idflow server: http://{bind}/api/store/v1 (database {}); Ctrl+C stops it",
            db.display()
        );
        runtime()?.block_on(idflow_server::serve(Config { bind, db }))?;
        Ok(())
    })())
}

pub fn create_token(db: Option<PathBuf>, role: TokenRole, name: &str) -> u8 {
    let role = match role {
        TokenRole::Designer => Role::Designer,
        TokenRole::Publisher => Role::Publisher,
    };
    finish((|| {
        let path = resolve_db(db)?;
        let token = runtime()?.block_on(async {
            let db = Db::open(&path)
                .await
                .with_context(|| format!("{}", path.display()))?;
            let token = idflow_server::create_token(&db, name, role).await;
            db.close().await;
            token.context("cannot create the token")
        })?;
        println!("{token}");
        eprintln!(
            "token for {name:?} ({role}) stored in {}; it is shown only now: keep it secret",
            path.display()
        );
        Ok(())
    })())
}
