//! `idflow serve`, `idflow token ...` and `idflow policy`: the team
//! server and its database, run on a tokio runtime built here.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, Result, anyhow};
use idflow_server::db::AuditQuery;
use idflow_server::{Config, Db, DbLocation, Role};

use crate::{TokenRole, exit, terminal};

/// `--db` (a SQLite file path or a `postgres://` URL), else the platform
/// data folder's `server.sqlite`.
fn resolve_db(explicit: Option<PathBuf>) -> Result<DbLocation> {
    explicit
        .or_else(idflow_server::default_db_path)
        .map(DbLocation::from)
        .ok_or_else(|| {
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

/// What `idflow serve` was given.
pub struct ServeOptions {
    pub bind: SocketAddr,
    pub db: Option<PathBuf>,
    pub public_url: Option<String>,
    pub allow_callback_hosts: Vec<String>,
    pub no_callbacks: bool,
    pub require_approval: bool,
    pub comment_rate: idflow_server::comment_rate::CommentRate,
    pub clock_ahead: std::time::Duration,
    pub limits: idflow_server::ConnectionLimits,
}

pub fn serve(options: ServeOptions) -> u8 {
    let ServeOptions {
        bind,
        db,
        public_url,
        allow_callback_hosts,
        no_callbacks,
        require_approval,
        comment_rate,
        clock_ahead,
        limits,
    } = options;
    finish((|| {
        let db = resolve_db(db)?;
        let public = idflow_server::public_url(public_url.as_deref(), bind)?;
        eprintln!("idflow server: {public}/api/store/v1 (database {db}); Ctrl+C stops it");
        if !clock_ahead.is_zero() {
            eprintln!(
                "the mock platform's clock runs {}s ahead of this machine's (--clock-ahead)",
                clock_ahead.as_secs_f64()
            );
        }
        if let DbLocation::Sqlite(path) = &db {
            for exposed in idflow_server::db::private_file::exposed(path) {
                eprintln!("warning: {exposed}");
            }
        }
        runtime()?.block_on(idflow_server::serve(Config {
            bind,
            db,
            public_url,
            allow_callback_hosts,
            no_callbacks,
            require_approval,
            comment_rate,
            clock_ahead,
            limits,
        }))?;
        Ok(())
    })())
}

pub fn create_token(db: Option<PathBuf>, role: TokenRole, name: &str) -> u8 {
    let role = match role {
        TokenRole::Designer => Role::Designer,
        TokenRole::Publisher => Role::Publisher,
    };
    finish((|| {
        let location = resolve_db(db)?;
        let token = runtime()?.block_on(async {
            let db = Db::open_location(&location)
                .await
                .with_context(|| location.redacted())?;
            let token = idflow_server::create_token(&db, name, role).await;
            db.close().await;
            token.context("cannot create the token")
        })?;
        println!("{token}");
        eprintln!(
            "token for {name:?} ({role}) stored in {location}; it is shown only now: keep it secret"
        );
        Ok(())
    })())
}

pub fn list_tokens(db: Option<PathBuf>) -> u8 {
    finish((|| {
        let location = resolve_db(db)?;
        let tokens = runtime()?.block_on(async {
            let db = Db::open_location(&location)
                .await
                .with_context(|| location.redacted())?;
            let tokens = db.tokens().await;
            db.close().await;
            tokens.context("cannot list the tokens")
        })?;
        for token in tokens {
            println!(
                "{}\t{}\t{}\t{}",
                terminal::one_field(&token.name),
                token.role,
                token.created_at,
                token.revoked_at.as_deref().unwrap_or("-")
            );
        }
        Ok(())
    })())
}

pub fn revoke_token(db: Option<PathBuf>, name: &str) -> u8 {
    let location = match resolve_db(db) {
        Ok(location) => location,
        Err(error) => {
            eprintln!("error: {error:#}");
            return exit::UNREADABLE;
        }
    };
    let revoked = runtime().and_then(|runtime| {
        runtime.block_on(async {
            let db = Db::open_location(&location)
                .await
                .with_context(|| location.redacted())?;
            let revoked = db.revoke_token(name).await;
            db.close().await;
            revoked.context("cannot revoke the token")
        })
    });
    match revoked {
        Ok(true) => {
            eprintln!("token {name:?} revoked: its next request is refused");
            exit::OK
        }
        Ok(false) => {
            eprintln!("error: no live token is named {name:?} (idflow token list shows them)");
            exit::REFUSED
        }
        Err(error) => {
            eprintln!("error: {error:#}");
            exit::UNREADABLE
        }
    }
}

/// `--comments-per-minute` and `--comment-burst` (clap keeps both at 1
/// or more).
pub fn comment_rate(per_minute: u32, burst: u32) -> idflow_server::comment_rate::CommentRate {
    let at_least_one = |n: u32| std::num::NonZeroU32::new(n).unwrap_or(std::num::NonZeroU32::MIN);
    idflow_server::comment_rate::CommentRate {
        per_minute: at_least_one(per_minute),
        burst: at_least_one(burst),
    }
}

/// `idflow token audit`: one page of what `query` asks for, or with `all`
/// every page; printed oldest first (issue 30, item 3).
pub fn audit(db: Option<PathBuf>, query: &AuditQuery, all: bool) -> u8 {
    finish((|| {
        let location = resolve_db(db)?;
        let (entries, next) = runtime()?.block_on(async {
            let db = Db::open_location(&location)
                .await
                .with_context(|| location.redacted())?;
            let read = read_audit(&db, query, all).await;
            db.close().await;
            read.context("cannot read the audit trail")
        })?;
        let mut out = std::io::stdout().lock();
        for e in entries {
            let key = e.key.map_or_else(|| "-".to_owned(), |k| k.to_string());
            let revision = e.revision.map_or_else(|| "-".to_owned(), |r| r.to_string());
            writeln!(
                out,
                "{}\t{}\t{}\t{key}\t{revision}\t{}",
                e.at,
                terminal::one_field(&e.actor),
                terminal::one_field(&e.action),
                terminal::one_field(&e.detail)
            )?;
        }
        if let Some(next) = next {
            eprintln!(
                "older entries match: --cursor {next} prints the page before (--all prints every one)"
            );
        }
        Ok(())
    })())
}

/// The entries `query` asks for, oldest first: one page, or every page
/// (walking back from the newest) with `all`; and the cursor of the page
/// before, if one is left.
async fn read_audit(
    db: &Db,
    query: &AuditQuery,
    all: bool,
) -> Result<(Vec<idflow_store::wire::AuditEntry>, Option<u64>), idflow_server::DbError> {
    if !all {
        let page = db.audit_page(query).await?;
        return Ok((page.entries, page.next));
    }
    let mut pages = Vec::new();
    let mut query = AuditQuery {
        limit: idflow_server::db::AUDIT_PAGE,
        ..query.clone()
    };
    loop {
        let page = db.audit_page(&query).await?;
        pages.push(page.entries);
        match page.next {
            Some(next) => query.before = Some(next),
            None => break,
        }
    }
    Ok((pages.into_iter().rev().flatten().collect(), None))
}

/// `idflow policy`: prints the store's settings, or with `require_approval`
/// sets four eyes on publishing (issue 30, item 2), audited as the command
/// line's.
pub fn policy(db: Option<PathBuf>, require_approval: Option<bool>) -> u8 {
    let on_off = |on: bool| if on { "on" } else { "off" };
    finish((|| {
        let location = resolve_db(db)?;
        let (now, changed) = runtime()?.block_on(async {
            let db = Db::open_location(&location)
                .await
                .with_context(|| location.redacted())?;
            let result = async {
                let changed = match require_approval {
                    Some(on) => db
                        .set_require_approval(on, idflow_server::db::TOKEN_ADMIN)
                        .await
                        .context("cannot change the store's policy")?,
                    None => false,
                };
                let now = db
                    .require_approval()
                    .await
                    .context("cannot read the store's policy")?;
                anyhow::Ok((now, changed))
            }
            .await;
            db.close().await;
            result
        })?;
        println!("require-approval\t{}", on_off(now));
        if require_approval.is_some() {
            eprintln!(
                "{location}: four eyes on publishing {} ({})",
                on_off(now),
                if changed {
                    "changed, audited"
                } else {
                    "as it was"
                }
            );
        }
        Ok(())
    })())
}
