//! idflow's command line: lint, convert, export and the store, so scripts
//! and CI get the same answers as the designer.

pub mod commands;
mod output;
pub mod terminal;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

pub use commands::store::resolve_store_dir;

/// Exit codes scripts can rely on.
pub mod exit {
    /// Success, and no lint errors.
    pub const OK: u8 = 0;
    /// Lint errors, or the store refused the operation (conflict, read-only,
    /// lint errors on publish, unknown key; on a team server also an
    /// unknown token or a role that may not).
    pub const REFUSED: u8 = 1;
    /// A file could not be read or parsed, the store is damaged, the
    /// server could not start (database, address in use), or a team
    /// server could not be reached, failed, or was given no usable
    /// URL or token.
    pub const UNREADABLE: u8 = 2;
}

#[derive(Debug, Parser)]
#[command(
    name = "idflow",
    version,
    about = "Design, check, version and publish identity-verification workflows"
)]
pub struct Cli {
    /// The local store folder (default: the platform data folder).
    #[arg(long, global = true, env = "IDFLOW_STORE", value_name = "DIR")]
    pub store: Option<PathBuf>,
    /// Work on a team server's store (`idflow serve`) instead of the local
    /// folder: `idflow store ...` then goes over HTTP, e.g.
    /// http://127.0.0.1:8080. Needs --token; --store is then not used.
    #[arg(long, global = true, env = "IDFLOW_SERVER", value_name = "URL")]
    pub server: Option<String>,
    /// The API token for --server (from `idflow token create`).
    #[arg(
        long,
        global = true,
        env = "IDFLOW_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub token: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open a workflow file in the designer.
    Open { file: PathBuf },
    /// Check workflow files for what the platform would reject.
    Lint {
        #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
        format: TextOrJson,
        /// List the rules (code, default severity, summary) instead.
        #[arg(long)]
        rules: bool,
        #[arg(required_unless_present = "rules", value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Convert between RON and JSON (by file extension).
    Convert { input: PathBuf, output: PathBuf },
    /// Print what the platform needs for a workflow.
    Export {
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// `customerInternalReference` of the request body.
        #[arg(long, default_value = "idflow-export")]
        customer_reference: String,
        file: PathBuf,
    },
    /// Run a workflow under a scenario (or every built-in one with --matrix).
    Simulate {
        file: PathBuf,
        /// A built-in scenario name (ALL_PASS, FAKE_ID, ...) or a scenario file.
        #[arg(long, default_value = "ALL_PASS", value_name = "NAME|FILE")]
        scenario: String,
        /// Tabulate every built-in scenario instead.
        #[arg(long)]
        matrix: bool,
        /// With --matrix: add a row for every label of this capability.
        #[arg(long, requires = "matrix", value_name = "CAPABILITY")]
        capability: Option<String>,
        /// text or json for a run; text, json or csv for --matrix.
        #[arg(long, default_value = "text")]
        format: String,
    },
    /// Work with the store of drafts and published versions.
    #[command(subcommand)]
    Store(StoreCommand),
    /// Draw a workflow to a picture without a window: the canvas drawing
    /// (cards, wires, notes, lint badges) as SVG with real text, or PNG.
    /// SOURCE and --against take what `idflow diff` takes (files, KEY,
    /// KEY@draft, KEY@vN); --against marks what changed since OTHER.
    Render {
        source: String,
        /// OUT.svg or OUT.png.
        #[arg(short, long, value_name = "OUT")]
        output: PathBuf,
        /// PNG only: pixels per canvas unit, 0.1 to 8.
        #[arg(long, default_value_t = 1.0)]
        scale: f32,
        #[arg(long, value_name = "OTHER")]
        against: Option<String>,
    },
    /// One self-contained HTML file for a review of A → B (no external
    /// requests; prints to PDF from a browser): both pictures, the change
    /// list, the versions' notes, the lint state of both sides and the
    /// behaviour diff. A and B take what `idflow diff` takes.
    Review {
        a: String,
        b: String,
        #[arg(short, long, value_name = "PACK.html")]
        output: PathBuf,
    },
    /// Replay recorded platform results (retrieval documents) through A
    /// and, with --against, B: counts per decision, the A -> B table of
    /// changed decisions, transactions that cannot be compared (a
    /// capability the records never ran, a credential they never
    /// collected), and A's agreement with the recorded decisions (on
    /// decision and label; the same decision with another score is counted
    /// apart). A and B take what `idflow diff` takes. Outputs show
    /// transaction ids, decisions and labels only, unless --show-data.
    /// Exit 0; 1 with --fail-on-change when a decision changed; 2 when a
    /// workflow or path cannot be read.
    Backtest {
        a: String,
        #[arg(long, value_name = "B")]
        against: Option<String>,
        /// Retrieval JSON files, NDJSON files (one document a line) or
        /// folders of them.
        #[arg(long, required = true, num_args = 1.., value_name = "PATH")]
        from: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = commands::backtest::BacktestFormat::Text)]
        format: commands::backtest::BacktestFormat,
        /// Also the holders' names, birth dates and document numbers.
        #[arg(long)]
        show_data: bool,
        /// Exit 1 when any decision changed from A to B (for CI).
        #[arg(long, requires = "against")]
        fail_on_change: bool,
        /// The recorded workflow keys A stands for: A's agreement with the
        /// record is computed over the documents of these keys. Default:
        /// A's own key and, for a custom copy in the store, the standard
        /// (Global) workflow it was duplicated from.
        #[arg(long = "recorded-key", num_args = 1.., value_name = "KEY", value_parser = parse_key_arg)]
        recorded_keys: Vec<u32>,
    },
    /// What changed from A to B: steps (field by field), connections,
    /// notes and settings. A and B are files or store references: KEY (its
    /// draft), KEY@draft or KEY@vN, on the local store or with --server on
    /// the team server. Exit 0 when they mean the same (nothing printed),
    /// 1 when they differ, 2 when an input cannot be read.
    Diff {
        a: String,
        b: String,
        #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
        format: TextOrJson,
        /// Also the built-in scenarios (and every label of the capabilities
        /// either side selects) that the two decide differently.
        #[arg(long)]
        behaviour: bool,
        /// Also moved cards and moved or resized notes (never a change in
        /// meaning).
        #[arg(long)]
        layout: bool,
    },
    /// Run the team server: the store API on HTTP, backed by one SQLite file
    /// or a PostgreSQL database.
    Serve {
        /// Address and port to listen on.
        #[arg(long, default_value = idflow_server::DEFAULT_BIND, value_name = "ADDR:PORT")]
        bind: SocketAddr,
        /// The server's database: a SQLite file path (default: the platform
        /// data folder's server.sqlite) or a postgres://user:password@host/db
        /// URL (several servers may share it); created and seeded on first
        /// start.
        #[arg(long, env = "IDFLOW_SERVER_DB", value_name = "PATH|URL")]
        db: Option<PathBuf>,
        /// The base of every link the server returns, e.g.
        /// https://idflow.example.com (default: http://BIND; required when
        /// binding 0.0.0.0 or ::). The request's Host header is never used.
        #[arg(long, env = "IDFLOW_PUBLIC_URL", value_name = "URL")]
        public_url: Option<String>,
        /// Lets callbacks go to this host although it resolves to an
        /// address that is not public, e.g. loopback (local testing;
        /// repeat for more).
        #[arg(long = "allow-callback-host", value_name = "HOST")]
        allow_callback_hosts: Vec<String>,
        /// Sends no callbacks and resolves no callback host; a callbackUrl
        /// is only checked for its form (offline work, load tests, CI).
        #[arg(long)]
        no_callbacks: bool,
        /// Four eyes: turns on, for the store in the database (kept after
        /// the server stops, audited), that a revision is published only
        /// after a publisher who is none of its authors approved it (`store
        /// approve`). Without it the database's setting stands; `idflow
        /// policy --require-approval off` turns it off.
        #[arg(long)]
        require_approval: bool,
        /// Comments each token may post per minute, sustained (more get
        /// 429 with Retry-After).
        #[arg(long, default_value_t = idflow_server::comment_rate::DEFAULT_PER_MINUTE, value_parser = clap::value_parser!(u32).range(1..), value_name = "N")]
        comments_per_minute: u32,
        /// Comments each token may post at once, after a quiet spell.
        #[arg(long, default_value_t = idflow_server::comment_rate::DEFAULT_BURST, value_parser = clap::value_parser!(u32).range(1..), value_name = "N")]
        comment_burst: u32,
        /// Runs the mock platform's clock this many seconds ahead of the
        /// system's, to see token expiry (TOKEN_EXPIRED, SESSION_EXPIRED)
        /// and its callbacks without waiting out a tokenLifetime (at least
        /// 5 minutes); e.g. 600. Execution tokens it signs are ahead too.
        #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
        clock_ahead: Option<std::time::Duration>,
        #[command(flatten)]
        limits: ConnectionArgs,
    },
    /// Manage the team server's API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// The team store's settings, kept in its database (every server on it
    /// follows them): shows them (`require-approval<TAB>on|off`), or with
    /// --require-approval turns four eyes on publishing on or off
    /// (audited as the command line's).
    Policy {
        /// The server's database: SQLite file or postgres:// URL (default
        /// as for `serve`).
        #[arg(long, env = "IDFLOW_SERVER_DB", value_name = "PATH|URL")]
        db: Option<PathBuf>,
        /// on: a revision is published only after a publisher who is none
        /// of its authors approved it; off: any publisher may publish.
        #[arg(long, value_enum, value_name = "on|off")]
        require_approval: Option<OnOff>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

/// `idflow serve`'s connection limits (issue 30, item 4): idle and slow
/// clients are closed, and at most so many connections are served at
/// once (the rest wait in the listen backlog).
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct ConnectionArgs {
    /// Connections served at once; more wait in the operating system's
    /// listen backlog until one closes (lowered to what the open-file
    /// limit holds).
    #[arg(long, env = "IDFLOW_MAX_CONNECTIONS", value_name = "N",
          default_value = "1024", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,
    /// Seconds a request's line and headers may take, from the connection's
    /// start or the first byte of its next request (e.g. 10 or 0.5).
    #[arg(long, env = "IDFLOW_HEADER_TIMEOUT", value_name = "SECONDS",
          default_value = "10", value_parser = parse_seconds)]
    pub header_timeout: std::time::Duration,
    /// Seconds a request's body may take, from the end of its headers.
    #[arg(long, env = "IDFLOW_BODY_TIMEOUT", value_name = "SECONDS",
          default_value = "60", value_parser = parse_seconds)]
    pub body_timeout: std::time::Duration,
    /// Seconds a kept-alive connection may wait for its next request.
    #[arg(long, env = "IDFLOW_IDLE_TIMEOUT", value_name = "SECONDS",
          default_value = "30", value_parser = parse_seconds)]
    pub idle_timeout: std::time::Duration,
}

impl From<ConnectionArgs> for idflow_server::ConnectionLimits {
    fn from(args: ConnectionArgs) -> idflow_server::ConnectionLimits {
        idflow_server::ConnectionLimits {
            max_connections: usize::try_from(args.max_connections).unwrap_or(usize::MAX),
            header_timeout: args.header_timeout,
            body_timeout: args.body_timeout,
            idle_timeout: args.idle_timeout,
        }
    }
}

/// A positive number of seconds, fractions allowed (`0.5`).
fn parse_seconds(text: &str) -> Result<std::time::Duration, String> {
    let seconds: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a number of seconds (e.g. 10 or 0.5)"))?;
    if seconds.is_nan() || seconds <= 0.0 {
        return Err(format!("{text:?}: give a number of seconds above 0"));
    }
    std::time::Duration::try_from_secs_f64(seconds)
        .map_err(|_| format!("{text:?} is not a usable number of seconds"))
}

/// `--since`/`--until`: an RFC 3339 time.
fn parse_time_arg(text: &str) -> Result<time::OffsetDateTime, String> {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .map_err(|e| format!("{text:?} is not an RFC 3339 time such as 2026-12-01T00:00:00Z: {e}"))
}

/// Keys on the command line are canonical: `010011` and `+10011` are not
/// 10011 (issue 13).
fn parse_key_arg(text: &str) -> Result<u32, String> {
    idflow_core::model::parse_key(text).ok_or_else(|| {
        format!(
            "{text:?} is not a workflow key: decimal digits, no sign or leading zero (e.g. 10011)"
        )
    })
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token and print it (once: only its hash is stored).
    Create {
        /// The server's database: SQLite file or postgres:// URL (default as
        /// for `serve`).
        #[arg(long, env = "IDFLOW_SERVER_DB", value_name = "PATH|URL")]
        db: Option<PathBuf>,
        /// designer: read, create, duplicate, save drafts; publisher: also publish.
        #[arg(long, value_enum)]
        role: TokenRole,
        /// Who or what holds the token (shown in the server log); unique
        /// per server.
        #[arg(long)]
        name: String,
    },
    /// List the tokens: NAME ROLE CREATED_AT REVOKED_AT (tab-separated;
    /// never the tokens themselves).
    List {
        #[arg(long, env = "IDFLOW_SERVER_DB", value_name = "PATH|URL")]
        db: Option<PathBuf>,
    },
    /// Revoke the token named NAME: its next request gets 401, on every
    /// server sharing the database.
    Revoke {
        #[arg(long, env = "IDFLOW_SERVER_DB", value_name = "PATH|URL")]
        db: Option<PathBuf>,
        name: String,
    },
    /// The audit trail: AT ACTOR ACTION KEY REVISION DETAIL (tab-separated,
    /// oldest first): the newest page of entries that match every filter
    /// given (1,000 unless --limit), or with --all every one. When older
    /// entries match, stderr says the --cursor of the page before.
    Audit {
        #[arg(long, env = "IDFLOW_SERVER_DB", value_name = "PATH|URL")]
        db: Option<PathBuf>,
        /// Only the entries of this workflow.
        #[arg(long, value_parser = parse_key_arg)]
        key: Option<u32>,
        /// Only what this actor did (a token's name, or "command line").
        #[arg(long, value_name = "NAME")]
        actor: Option<String>,
        /// Only this action (create, save, publish, approve, comment,
        /// resolve, reopen, token-create, token-revoke, policy, ...).
        #[arg(long)]
        action: Option<String>,
        /// Only entries at or after this time (RFC 3339, e.g.
        /// 2026-12-01T00:00:00Z).
        #[arg(long, value_name = "TIME", value_parser = parse_time_arg)]
        since: Option<time::OffsetDateTime>,
        /// Only entries before this time (RFC 3339).
        #[arg(long, value_name = "TIME", value_parser = parse_time_arg)]
        until: Option<time::OffsetDateTime>,
        /// Every matching entry, however many pages.
        #[arg(long, conflicts_with_all = ["cursor", "limit"])]
        all: bool,
        /// The page before the one that printed this cursor.
        #[arg(long, value_name = "ID", value_parser = clap::value_parser!(u64).range(1..=i64::MAX as u64))]
        cursor: Option<u64>,
        /// Entries per page, 1 to 1000.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000))]
        limit: Option<u32>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TokenRole {
    Designer,
    Publisher,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TextOrJson {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MatrixFormat {
    Text,
    Json,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// The account-creation request body (`POST /api/v1/accounts`).
    KyxRequest,
}

#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// KEY, NAME, ORIGIN, STATUS, LATEST_VERSION, tab-separated; archived
    /// workflows are left out unless --archived.
    List {
        /// List only the archived workflows.
        #[arg(long)]
        archived: bool,
    },
    /// Print the draft (or a published version) as RON.
    Show {
        #[arg(value_parser = parse_key_arg)]
        key: u32,
        #[arg(long)]
        version: Option<u32>,
    },
    /// Published versions: VERSION, PUBLISHED_AT, SHA256, REVISION, AUTHOR
    /// (who published it), NOTE, APPROVED_BY, AUTHORS (on a team server,
    /// who wrote its content) (tab-separated; a note's tabs and line breaks
    /// print as spaces).
    History {
        #[arg(value_parser = parse_key_arg)]
        key: u32,
    },
    /// Add a workflow file as a new custom workflow; prints its key.
    Import { file: PathBuf },
    /// Replace the draft with a file, if the draft is still at BASE_REVISION.
    Save {
        #[arg(value_parser = parse_key_arg)]
        key: u32,
        file: PathBuf,
        #[arg(long, value_name = "N")]
        base_revision: u64,
    },
    /// Lint the draft and freeze it into the next version.
    Publish {
        #[arg(value_parser = parse_key_arg)]
        key: u32,
        /// Refuse unless the draft is still at this revision.
        #[arg(long, value_name = "N")]
        base_revision: Option<u64>,
        /// What changed and why, kept with the version (at most 2,000
        /// characters). The author is the OS user (on a team server, the
        /// token's name).
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
    },
    /// Copy the draft (or a version) into a new custom workflow; prints its key.
    Duplicate {
        #[arg(value_parser = parse_key_arg)]
        key: u32,
        #[arg(long)]
        version: Option<u32>,
    },
    /// Make a published version the draft again.
    Restore {
        #[arg(value_parser = parse_key_arg)]
        key: u32,
        #[arg(long)]
        version: u32,
        #[arg(long, value_name = "N")]
        base_revision: u64,
    },
    /// Hide a custom workflow from lists; its draft and versions are kept.
    Archive {
        #[arg(value_parser = parse_key_arg)]
        key: u32,
    },
    /// List an archived workflow again.
    Unarchive {
        #[arg(value_parser = parse_key_arg)]
        key: u32,
    },
    /// Review comments: ID, STEP (- for the workflow), open|resolved,
    /// draft|vN (the version that carried it), AUTHOR, AT, TEXT.
    Comments {
        #[arg(value_parser = parse_key_arg)]
        key: u32,
    },
    /// Comment on the draft (on a step with --step); prints the comment's id.
    Comment {
        #[arg(value_parser = parse_key_arg)]
        key: u32,
        /// The step's id (default: the whole workflow).
        #[arg(long, value_name = "ID")]
        step: Option<String>,
        text: String,
    },
    /// Resolve a comment (or, with --reopen, open it again).
    Resolve {
        #[arg(value_parser = parse_key_arg)]
        key: u32,
        id: u64,
        #[arg(long)]
        reopen: bool,
    },
    /// Approve the draft at BASE_REVISION (team servers; a publisher other
    /// than the revision's author). Prints who approved it.
    Approve {
        #[arg(value_parser = parse_key_arg)]
        key: u32,
        #[arg(long, value_name = "N")]
        base_revision: u64,
    },
}

/// What the command line asked for.
pub enum Outcome {
    /// A command ran; exit with this code.
    Exit(ExitCode),
    /// Open the designer on this store folder, optionally showing a file;
    /// with `server` (URL, token), on that team server's store.
    Designer {
        store: PathBuf,
        file: Option<PathBuf>,
        server: Option<(String, String)>,
    },
}

/// Runs a parsed command line. Without a subcommand (or with `open FILE`)
/// the caller opens the designer.
pub fn run(cli: Cli) -> Outcome {
    let server = match (&cli.server, &cli.token) {
        (Some(url), Some(token)) => Some((url.clone(), token.clone())),
        (Some(url), None) if cli.command.is_none() => {
            eprintln!("error: --server {url} needs --token TOKEN (or IDFLOW_TOKEN)");
            return Outcome::Exit(ExitCode::from(exit::UNREADABLE));
        }
        _ => None,
    };
    let designer = |file: Option<PathBuf>| match resolve_store_dir(cli.store.as_deref()) {
        Some(store) => Outcome::Designer {
            store,
            file,
            server: server.clone(),
        },
        None => {
            eprintln!(
                "error: no home folder to keep the store in: pass --store DIR or set IDFLOW_STORE"
            );
            Outcome::Exit(ExitCode::from(exit::UNREADABLE))
        }
    };
    let Some(command) = cli.command else {
        return designer(None);
    };
    let code = match command {
        Command::Open { file } => return designer(Some(file)),
        Command::Lint {
            format,
            rules,
            files,
        } => {
            if rules {
                commands::lint::print_rules()
            } else {
                commands::lint::run(&files, format)
            }
        }
        Command::Convert { input, output } => commands::convert::run(&input, &output),
        Command::Export {
            format: ExportFormat::KyxRequest,
            customer_reference,
            file,
        } => commands::export::run(&file, &customer_reference),
        Command::Simulate {
            file,
            scenario,
            matrix,
            capability,
            format,
        } => simulate_command(&file, &scenario, matrix, capability.as_deref(), &format),
        Command::Store(sub) => {
            commands::store::run(store_target(&cli.server, &cli.token, &cli.store), sub)
        }
        Command::Render {
            source,
            output,
            scale,
            against,
        } => {
            let target = store_target(&cli.server, &cli.token, &cli.store);
            match commands::diff::read_sources(target, &source, against.as_deref()) {
                Ok((workflow, against)) => {
                    commands::render::picture(&workflow, against.as_ref(), &output, scale)
                }
                Err(code) => code,
            }
        }
        Command::Review { a, b, output } => {
            let target = store_target(&cli.server, &cli.token, &cli.store);
            match commands::diff::read_review(target, &a, &b) {
                Ok([a, b]) => commands::render::review(&a, &b, &output),
                Err(code) => code,
            }
        }
        Command::Backtest {
            a,
            against,
            from,
            format,
            show_data,
            fail_on_change,
            recorded_keys,
        } => commands::backtest::run(
            store_target(&cli.server, &cli.token, &cli.store),
            &a,
            against.as_deref(),
            &from,
            &commands::backtest::Options {
                format,
                show_data,
                fail_on_change,
                recorded_keys,
            },
        ),
        Command::Diff {
            a,
            b,
            format,
            behaviour,
            layout,
        } => commands::diff::run(
            store_target(&cli.server, &cli.token, &cli.store),
            &a,
            &b,
            &commands::diff::Options {
                format,
                behaviour,
                layout,
            },
        ),
        Command::Serve {
            bind,
            db,
            public_url,
            allow_callback_hosts,
            no_callbacks,
            require_approval,
            comments_per_minute,
            comment_burst,
            clock_ahead,
            limits,
        } => commands::server::serve(commands::server::ServeOptions {
            bind,
            db,
            public_url,
            allow_callback_hosts,
            no_callbacks,
            require_approval,
            comment_rate: commands::server::comment_rate(comments_per_minute, comment_burst),
            clock_ahead: clock_ahead.unwrap_or_default(),
            limits: limits.into(),
        }),
        Command::Token(TokenCommand::Create { db, role, name }) => {
            commands::server::create_token(db, role, &name)
        }
        Command::Token(TokenCommand::List { db }) => commands::server::list_tokens(db),
        Command::Token(TokenCommand::Revoke { db, name }) => {
            commands::server::revoke_token(db, &name)
        }
        Command::Token(TokenCommand::Audit {
            db,
            key,
            actor,
            action,
            since,
            until,
            all,
            cursor,
            limit,
        }) => commands::server::audit(
            db,
            &idflow_server::db::AuditQuery {
                key,
                actor,
                action,
                since,
                until,
                before: cursor,
                limit: limit.unwrap_or(idflow_server::db::AUDIT_PAGE),
            },
            all,
        ),
        Command::Policy {
            db,
            require_approval,
        } => commands::server::policy(db, require_approval.map(|v| v == OnOff::On)),
    };
    Outcome::Exit(ExitCode::from(code))
}

/// The store `--server`/`--token` or `--store` name.
fn store_target<'a>(
    server: &'a Option<String>,
    token: &'a Option<String>,
    store: &'a Option<PathBuf>,
) -> commands::store::Target<'a> {
    match server.as_deref() {
        Some(url) => commands::store::Target::Server {
            url,
            token: token.as_deref(),
        },
        None => commands::store::Target::Local(store.as_deref()),
    }
}

fn simulate_command(
    file: &std::path::Path,
    scenario: &str,
    matrix: bool,
    capability: Option<&str>,
    format: &str,
) -> u8 {
    if matrix {
        match MatrixFormat::from_str(format, true) {
            Ok(f) => commands::simulate::run_matrix(file, capability, f),
            Err(_) => {
                eprintln!("error: --format {format} is not one of text, json, csv");
                exit::UNREADABLE
            }
        }
    } else {
        match TextOrJson::from_str(format, true) {
            Ok(f) => commands::simulate::run(file, scenario, f),
            Err(_) => {
                eprintln!("error: --format {format} is not one of text, json (csv needs --matrix)");
                exit::UNREADABLE
            }
        }
    }
}

/// Logs go to stderr, quiet unless `RUST_LOG` asks for more; the server
/// (`idflow serve`) logs its requests at info level by default.
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new("warn,idflow_server=info,tower_http=info")
    });
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `idflow serve`'s defaults are the server's (issue 30, item 4: the
    /// README states them), and the flags take fractions of seconds.
    #[test]
    fn serve_flags_default_to_the_servers_connection_limits() {
        let serve = |args: &[&str]| match Cli::try_parse_from(args).map(|c| c.command) {
            Ok(Some(Command::Serve { limits, .. })) => {
                Ok(idflow_server::ConnectionLimits::from(limits))
            }
            Ok(other) => panic!("{other:?}"),
            Err(e) => Err(e.to_string()),
        };
        assert_eq!(
            serve(&["idflow", "serve"]),
            Ok(idflow_server::ConnectionLimits::default())
        );
        let set = serve(&[
            "idflow",
            "serve",
            "--max-connections",
            "8",
            "--header-timeout",
            "0.5",
            "--body-timeout",
            "2",
            "--idle-timeout",
            "1.25",
        ])
        .expect("parses");
        assert_eq!(set.max_connections, 8);
        assert_eq!(set.header_timeout, std::time::Duration::from_millis(500));
        assert_eq!(set.body_timeout, std::time::Duration::from_secs(2));
        assert_eq!(set.idle_timeout, std::time::Duration::from_millis(1250));
        for bad in [
            ["--idle-timeout", "0"],
            ["--header-timeout", "soon"],
            ["--max-connections", "0"],
        ] {
            let refused = serve(&["idflow", "serve", bad[0], bad[1]]);
            assert!(
                refused.as_ref().is_err_and(|e| e.contains(bad[0])),
                "{bad:?}: {refused:?}"
            );
        }
    }
}
