//! The execution service: the platform API's lifecycle and its rules
//! behind a typed API (access, start, upload, finalize, status, details)
//! that answers with typed refusals. The HTTP handlers
//! (`routes::platform`) only extract, call and map; the web client
//! (`routes::web`) shares the same writes. All SQL is in `storage`, every
//! write goes through the group-commit `writer`.
//!
//! Reads that never change are kept in memory (`super::remembered`): a
//! published version with its credential plan, and the encoded details of
//! a PROCESSED execution.

use std::sync::Arc;

use axum::body::Bytes;
use idflow_core::catalog::is_stored_facemap;
use idflow_core::model::{Channel, CredentialCategory, NodeKind, Part};
use idflow_core::simulate::by_name;

use super::clock::rfc3339_millis;
use super::error::PlatformError;
use super::placeholder::{self, PartFile};
use super::remembered::{Published, Remembered};
use super::request::{self, AccountInput, FieldProblem, RequestError};
use super::steps::{self, StepsDocument, StepsExecution};
use super::storage::model::{
    AccountWrite, Execution, ExecutionStatus, NewExecution, PartRecord, StoredCredential,
};
use super::storage::reads;
use super::storage::writes::Write;
use super::token::TokenError;
use super::{history, lifecycle, outbound, prepared, process};
use crate::AppState;
use crate::auth::{Role, TOKEN_PREFIX, token_hash};
use crate::db::{DbError, hex};

/// Why the service did not do what it was asked.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error("no account {account_id}")]
    NoAccount { account_id: String },
    #[error("account {account_id} has no workflow execution {execution_id}")]
    NoExecution {
        account_id: String,
        execution_id: String,
    },
    #[error("workflow execution {execution_id} has no credential {credential_id}")]
    NoCredential {
        execution_id: String,
        credential_id: String,
    },
    #[error(
        "account {account_id} has no part {classifier} of a credential {credential_id} in the details of its processed executions"
    )]
    NoPart {
        account_id: String,
        credential_id: String,
        classifier: String,
    },
    #[error("workflow {key} has no published version: publish it before creating accounts with it")]
    NotPublished { key: u32 },
    /// The account request (syntax, shape, fields, a refused callback).
    #[error(transparent)]
    Request(RequestError),
    #[error("unknown token: {0}")]
    UnknownToken(&'static str),
    #[error("{0}")]
    Forbidden(String),
    /// The execution's own token expired (the execution is now expired).
    #[error(
        "the token of workflow execution {execution_id} expired at {expired_at}; start a new execution with PUT /api/v1/accounts/{account_id}"
    )]
    TokenExpired {
        account_id: String,
        execution_id: String,
        expired_at: String,
    },
    /// The execution no longer takes parts or a finalize.
    #[error("{}", not_open_message(.execution, .doing))]
    NotOpen {
        execution: Box<Execution>,
        doing: Doing,
    },
    #[error(
        "{classifier:?} is not a part the API takes: the classifier is FRONT, BACK, FACE, FACEMAP (a stored facemap) or PREPARED_DATA"
    )]
    NotAPart { classifier: String },
    #[error("{why}")]
    PartNotAllowed {
        credential: Box<StoredCredential>,
        part: Part,
        why: String,
    },
    #[error(transparent)]
    InvalidPreparedData(prepared::PreparedDataError),
    /// The scenario picked at finalize (the web client's) is not a
    /// built-in one.
    #[error(transparent)]
    UnknownScenario(idflow_core::simulate::ScenarioError),
    #[error(transparent)]
    Store(#[from] DbError),
    #[error(transparent)]
    Failed(#[from] PlatformError),
}

impl From<sqlx::Error> for Refusal {
    fn from(error: sqlx::Error) -> Refusal {
        Refusal::Failed(PlatformError::Sqlx(error))
    }
}

/// What a refused call was doing (for [`Refusal::NotOpen`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Doing {
    Upload,
    Finalize,
}

fn not_open_message(execution: &Execution, doing: &Doing) -> String {
    let doing = match doing {
        Doing::Upload => "upload parts",
        Doing::Finalize => "finalize",
    };
    match execution.status {
        ExecutionStatus::TokenExpired => format!(
            "cannot {doing}: the token lifetime of workflow execution {} has passed; start a new execution with PUT /api/v1/accounts/{}",
            execution.id, execution.account_id
        ),
        ExecutionStatus::SessionExpired => format!(
            "cannot {doing}: workflow execution {} has expired",
            execution.id
        ),
        status => format!(
            "cannot {doing}: workflow execution {} was already finalized (it is {status})",
            execution.id
        ),
    }
}

/// Who is calling an execution's endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// A store-API token holder (by token name).
    Store(String),
    /// The execution's own token.
    Execution,
}

/// Whether an endpoint takes the execution's own token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Takes {
    /// Store-API tokens and the execution's token.
    EitherToken,
    /// Store-API tokens only (reading the details).
    StoreTokenOnly,
}

/// Which account a new execution goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountTarget {
    New,
    Existing(String),
}

/// A new execution, as the account response shows it.
#[derive(Debug, Clone)]
pub struct Started {
    pub execution: Execution,
    pub credentials: Vec<StoredCredential>,
    /// The execution's JWT (`sdk.token`, `api.token`).
    pub token: String,
}

/// Where an upload goes, checked before its body is read.
#[derive(Debug, Clone)]
pub struct UploadTarget {
    pub execution: Execution,
    pub credential: StoredCredential,
    pub part: Part,
    /// The credential is the stored facemap of an on-premises
    /// authentication (`catalog::is_stored_facemap`): its file is taken as
    /// it is (seed 003: "a single binary file").
    pub stored_facemap: bool,
}

/// What arrived for a part (read by the caller off its transport).
#[derive(Debug, Clone)]
pub enum Received {
    /// A file (an image, or the stored facemap's bytes), already checked
    /// (type, size) and hashed.
    File {
        content_type: &'static str,
        size: usize,
        sha256: String,
    },
    /// A PREPARED_DATA JSON body, checked here.
    PreparedData(Bytes),
}

/// The details of an execution.
#[derive(Debug, Clone)]
pub enum Details {
    /// PROCESSED: the retrieval document, encoded.
    Processed(Bytes),
    /// Not yet processed (or expired): the execution as it stands.
    Pending(Box<Execution>),
}

/// The service over `state` (its database, keys, writer and memory).
#[derive(Clone, Copy)]
pub struct Executions<'a> {
    state: &'a AppState,
}

impl<'a> Executions<'a> {
    pub fn new(state: &'a AppState) -> Executions<'a> {
        Executions { state }
    }

    fn remembered(&self) -> &Remembered {
        &self.state.platform.remembered
    }

    /// The published version `number` of `key`, parsed and planned once.
    pub async fn published(&self, key: u32, number: u32) -> Result<Arc<Published>, Refusal> {
        Ok(self
            .remembered()
            .published(&self.state.db, key, number)
            .await?)
    }

    /// Checks `token` for an endpoint of execution `execution_id` of
    /// `account_id`: a store-API token, or (where `takes` allows) the
    /// execution's JWT. An expired JWT moves its execution to
    /// TOKEN_EXPIRED / SESSION_EXPIRED.
    pub async fn access(
        &self,
        token: &str,
        account_id: &str,
        execution_id: &str,
        takes: Takes,
    ) -> Result<Access, Refusal> {
        if token.starts_with(TOKEN_PREFIX) {
            let (name, _) = self.store_caller(token).await?;
            return Ok(Access::Store(name));
        }
        let now = self.state.clock().unix_seconds();
        match self.state.platform.keys.verify(token, now) {
            Ok(claims) if claims.sub == execution_id && claims.account_id == account_id => {
                match takes {
                    Takes::EitherToken => Ok(Access::Execution),
                    Takes::StoreTokenOnly => Err(Refusal::Forbidden(
                        "an execution token may upload parts, finalize and read the status; reading the details needs a store-API token".to_owned(),
                    )),
                }
            }
            Ok(_) => Err(Refusal::Forbidden(format!(
                "this token belongs to another workflow execution, not {execution_id} of account {account_id}"
            ))),
            Err(TokenError::Expired(claims)) => Err(self.expired(claims).await),
            Err(TokenError::Invalid(_)) => Err(Refusal::UnknownToken(
                "send a store-API token or this workflow execution's api.token",
            )),
            Err(other @ TokenError::Sign(_)) => Err(PlatformError::Token(other).into()),
        }
    }

    /// An execution token past its lifetime: its execution expires, and the
    /// caller gets 401 TOKEN_EXPIRED (or the failure to expire it).
    async fn expired(&self, claims: Box<super::token::ExecutionClaims>) -> Refusal {
        if let Err(error) = lifecycle::expire(self.state, &claims.sub).await {
            return error.into();
        }
        Refusal::TokenExpired {
            expired_at: time::OffsetDateTime::from_unix_timestamp(claims.exp)
                .map(rfc3339_millis)
                .unwrap_or_else(|_| claims.exp.to_string()),
            account_id: claims.account_id,
            execution_id: claims.sub,
        }
    }

    /// Checks `token` for reading what belongs to account `account_id` as a
    /// whole (the part links of its details): as for the details, a
    /// store-API token; an execution's JWT is a 403 (a 401 TOKEN_EXPIRED
    /// once expired, which expires its execution).
    pub async fn account_read_access(
        &self,
        token: &str,
        account_id: &str,
    ) -> Result<Access, Refusal> {
        if token.starts_with(TOKEN_PREFIX) {
            let (name, _) = self.store_caller(token).await?;
            return Ok(Access::Store(name));
        }
        let now = self.state.clock().unix_seconds();
        match self.state.platform.keys.verify(token, now) {
            Ok(claims) if claims.account_id == account_id => Err(Refusal::Forbidden(
                "an execution token may upload parts, finalize and read the status; reading the details and their parts needs a store-API token".to_owned(),
            )),
            Ok(_) => Err(Refusal::Forbidden(format!(
                "this token belongs to a workflow execution of another account, not {account_id}"
            ))),
            Err(TokenError::Expired(claims)) => Err(self.expired(claims).await),
            Err(TokenError::Invalid(_)) => Err(Refusal::UnknownToken(
                "send a store-API token: reading the details and their parts needs one",
            )),
            Err(other @ TokenError::Sign(_)) => Err(PlatformError::Token(other).into()),
        }
    }

    /// The holder of a store-API token (name, role).
    pub async fn store_caller(&self, token: &str) -> Result<(String, Role), Refusal> {
        match self.state.db.token_owner(&token_hash(token)).await? {
            Some(owner) => Ok((owner.name, owner.role)),
            None => Err(Refusal::UnknownToken(
                "create one with `idflow token create`",
            )),
        }
    }

    /// A new execution of the latest published version of the workflow the
    /// account request `body` names, on a new account or an existing one,
    /// created by the store-API token holder `caller`. Answered once it is
    /// durable.
    pub async fn start(
        &self,
        caller: &str,
        body: &[u8],
        account: AccountTarget,
    ) -> Result<Started, Refusal> {
        let (account_id, write) = match account {
            AccountTarget::New => (new_id(), AccountWrite::Create),
            AccountTarget::Existing(id) => {
                if !reads::account_exists(self.state.db.pool(), &id).await? {
                    return Err(Refusal::NoAccount { account_id: id });
                }
                (id, AccountWrite::Update)
            }
        };
        let now = self.state.clock().now();
        let input = request::parse(body, now).map_err(Refusal::Request)?;
        self.check_callback(&input).await?;
        let key = input.definition_key;
        let version = self
            .state
            .db
            .latest_version(key)
            .await?
            .ok_or(Refusal::NotPublished { key })?;
        let published = self.published(key, version).await?;

        let created_at = rfc3339_millis(now);
        let issued_at = now.unix_timestamp();
        let expires_at = issued_at.saturating_add(input.token_lifetime_secs);
        let execution_id = new_id();
        let token = self
            .state
            .platform
            .keys
            .issue(&account_id, &execution_id, issued_at, expires_at)
            .map_err(PlatformError::Token)?;
        // Reusable Identity reads the account's history (a new account has
        // none: a fresh scan).
        let history = match write {
            AccountWrite::Create => Vec::new(),
            AccountWrite::Update => {
                let wants: Vec<history::Want> = published
                    .plan
                    .iter()
                    .filter(|c| c.reusable_identity.is_some())
                    .map(|c| (c.category, true))
                    .collect();
                history::read(self.state.db.pool(), &account_id, "", &wants).await?
            }
        };
        let credentials: Vec<StoredCredential> = published
            .plan
            .iter()
            .map(|planned| {
                let c = planned.on_account(&history);
                StoredCredential {
                    id: new_id(),
                    node: c.node,
                    category: c.category,
                    label: c.label,
                    channels: c.channels,
                    api_parts: c.api_parts,
                    existing: c.existing,
                }
            })
            .collect();
        // A workflow needing no new credential finalizes by itself
        // (domain.md, "Reusable credentials"): with nothing to upload, the
        // execution is created ACQUIRED and processed at once.
        let takes_nothing = credentials
            .iter()
            .all(|c| c.existing && c.api_parts.is_empty());
        let (status, started_at) = if takes_nothing {
            (ExecutionStatus::Acquired, Some(created_at.clone()))
        } else {
            (ExecutionStatus::Initiated, None)
        };
        let execution = Execution {
            id: execution_id,
            account_id,
            definition_key: key,
            definition_version: version,
            scenario: input.scenario,
            user_reference: input.user_reference,
            customer_internal_reference: input.customer_internal_reference,
            callback_url: input.callback_url,
            locale: input.locale,
            base_url: self.state.public_url.to_string(),
            token_expires_at: expires_at,
            status,
            created_at,
            started_at,
            completed_at: None,
            details: None,
        };
        let new = std::sync::Arc::new(NewExecution::new(
            execution,
            String::from_utf8_lossy(body).into_owned(),
            caller.to_owned(),
            credentials,
        )?);
        let written = self
            .state
            .platform
            .writer
            .write(Write::Execution {
                account: write,
                new: new.clone(),
            })
            .await?;
        if !written {
            // The account went away between the check and the write.
            return Err(Refusal::NoAccount {
                account_id: new.execution.account_id.clone(),
            });
        }
        tracing::info!(
            account = %new.execution.account_id,
            execution = %new.execution.id,
            key,
            version,
            scenario = %new.execution.scenario,
            caller,
            "workflow execution created"
        );
        // The writer may still hold its share for a moment after answering.
        let new = std::sync::Arc::try_unwrap(new).unwrap_or_else(|shared| (*shared).clone());
        if new.execution.status == ExecutionStatus::Acquired {
            tracing::info!(execution = %new.execution.id, "nothing to upload: finalized by itself; processing");
            process::spawn(self.state.clone(), new.execution.clone());
        }
        Ok(Started {
            execution: new.execution,
            credentials: new.credentials,
            token,
        })
    }

    /// A callback URL must be one the server may send to (unless callbacks
    /// are off).
    async fn check_callback(&self, input: &AccountInput) -> Result<(), Refusal> {
        let policy = &self.state.platform.outbound;
        if let Some(url) = &input.callback_url
            && policy.sends()
            && let Err(problem) = outbound::check(policy, url).await
        {
            return Err(Refusal::Request(RequestError::Invalid(vec![
                FieldProblem {
                    field: "callbackUrl".to_owned(),
                    problem,
                },
            ])));
        }
        Ok(())
    }

    /// The execution (refused when the account or the execution is
    /// unknown), with its status brought up to date (INITIATED →
    /// TOKEN_EXPIRED / SESSION_EXPIRED once due).
    pub async fn status(&self, account_id: &str, execution_id: &str) -> Result<Execution, Refusal> {
        let found = reads::execution(self.state.db.pool(), account_id, execution_id).await?;
        self.up_to_date(account_id, execution_id, found).await
    }

    /// `found` (refused when it is `None`: the account or the execution is
    /// unknown) with its status brought up to date.
    async fn up_to_date(
        &self,
        account_id: &str,
        execution_id: &str,
        found: Option<Execution>,
    ) -> Result<Execution, Refusal> {
        let pool = self.state.db.pool();
        let Some(mut execution) = found else {
            return Err(if reads::account_exists(pool, account_id).await? {
                Refusal::NoExecution {
                    account_id: account_id.to_owned(),
                    execution_id: execution_id.to_owned(),
                }
            } else {
                Refusal::NoAccount {
                    account_id: account_id.to_owned(),
                }
            });
        };
        let now = self.state.clock().unix_seconds();
        if execution.status == ExecutionStatus::Initiated && now >= execution.token_expires_at {
            // Expired by this call or, racing it, by the expiry sweep:
            // either way what was read is stale.
            lifecycle::expire(self.state, execution_id).await?;
            if let Some(expired) = reads::execution(pool, account_id, execution_id).await? {
                execution = expired;
            }
        }
        Ok(execution)
    }

    /// Checks an upload before its body is read: the execution takes parts,
    /// `classifier` is a part the API takes, and the credential takes it
    /// over the API.
    pub async fn upload_target(
        &self,
        account_id: &str,
        execution_id: &str,
        credential_id: &str,
        classifier: &str,
    ) -> Result<UploadTarget, Refusal> {
        // One read: the credentials live in the execution's row.
        let (found, credentials) =
            match reads::execution_with_credentials(self.state.db.pool(), account_id, execution_id)
                .await?
            {
                Some((execution, credentials)) => (Some(execution), credentials),
                None => (None, Vec::new()),
            };
        let execution = self.up_to_date(account_id, execution_id, found).await?;
        if execution.status != ExecutionStatus::Initiated {
            return Err(Refusal::NotOpen {
                execution: Box::new(execution),
                doing: Doing::Upload,
            });
        }
        let part = Part::parse(classifier)
            .filter(|p| *p != Part::DeviceRisk)
            .ok_or_else(|| Refusal::NotAPart {
                classifier: classifier.to_owned(),
            })?;
        let credential = credentials
            .into_iter()
            .find(|c| c.id == credential_id)
            .ok_or_else(|| Refusal::NoCredential {
                execution_id: execution_id.to_owned(),
                credential_id: credential_id.to_owned(),
            })?;
        part_allowed(&credential, part)?;
        let stored_facemap = part == Part::Facemap
            && self
                .published(execution.definition_key, execution.definition_version)
                .await?
                .workflow
                .nodes
                .iter()
                .any(|node| match &node.kind {
                    NodeKind::Acquisition(step) => {
                        node.id.0 == credential.node && is_stored_facemap(step, credential.category)
                    }
                    _ => false,
                });
        Ok(UploadTarget {
            execution,
            credential,
            part,
            stored_facemap,
        })
    }

    /// Records what arrived for `target`, answered once durable. Refused
    /// when the execution was finalized or expired while it streamed in.
    pub async fn upload(
        &self,
        target: &UploadTarget,
        received: Received,
    ) -> Result<PartRecord, Refusal> {
        let (content_type, size, sha256) = match received {
            Received::File {
                content_type,
                size,
                sha256,
            } => (content_type, size, sha256),
            Received::PreparedData(body) => {
                let today = self.state.clock().now().date();
                prepared::parse(&body, today).map_err(Refusal::InvalidPreparedData)?;
                (
                    "application/json",
                    body.len(),
                    hex(&<sha2::Sha256 as sha2::Digest>::digest(&body)),
                )
            }
        };
        let now = self.state.clock().now();
        let record = PartRecord {
            credential_id: target.credential.id.clone(),
            classifier: target.part,
            content_type: content_type.to_owned(),
            size: u64::try_from(size).unwrap_or(u64::MAX),
            sha256,
            uploaded_at: rfc3339_millis(now),
        };
        let execution = &target.execution;
        if !self
            .record_parts(execution, std::slice::from_ref(&record))
            .await?
        {
            let execution = self.status(&execution.account_id, &execution.id).await?;
            return Err(Refusal::NotOpen {
                execution: Box::new(execution),
                doing: Doing::Upload,
            });
        }
        tracing::info!(
            execution = %execution.id,
            credential = %record.credential_id,
            part = %record.classifier,
            size = record.size,
            content_type = %record.content_type,
            "part uploaded"
        );
        Ok(record)
    }

    /// Records part metadata for `execution` in one write, all of them or
    /// none (the web client records a facemap with its face). `false` when
    /// the execution stopped taking parts.
    pub async fn record_parts(
        &self,
        execution: &Execution,
        records: &[PartRecord],
    ) -> Result<bool, Refusal> {
        if records.is_empty() {
            return Ok(true);
        }
        Ok(self
            .state
            .platform
            .writer
            .write(Write::Parts {
                execution_id: execution.id.clone(),
                records: records.to_vec(),
                now: self.state.clock().unix_seconds(),
            })
            .await?)
    }

    /// Finalizes the execution: INITIATED → ACQUIRED, under `scenario`
    /// when one is picked (the web client's tester; a built-in scenario's
    /// name, any case) in the same write, then processing in the
    /// background (PROCESSED, the callback).
    pub async fn finalize(
        &self,
        account_id: &str,
        execution_id: &str,
        scenario: Option<&str>,
    ) -> Result<Execution, Refusal> {
        let mut execution = self.status(account_id, execution_id).await?;
        if execution.status != ExecutionStatus::Initiated {
            return Err(Refusal::NotOpen {
                execution: Box::new(execution),
                doing: Doing::Finalize,
            });
        }
        let scenario = scenario
            .map(|name| by_name(name).map(|s| s.name))
            .transpose()
            .map_err(Refusal::UnknownScenario)?;
        let now = self.state.clock().now();
        let started_at = rfc3339_millis(now);
        let started = self
            .state
            .platform
            .writer
            .write(Write::Start {
                id: execution.id.clone(),
                started_at: started_at.clone(),
                now: now.unix_timestamp(),
                scenario: scenario.clone(),
            })
            .await?;
        if !started {
            // Finalized or expired meanwhile.
            let execution = self.status(account_id, execution_id).await?;
            return Err(Refusal::NotOpen {
                execution: Box::new(execution),
                doing: Doing::Finalize,
            });
        }
        execution.status = ExecutionStatus::Acquired;
        execution.started_at = Some(started_at);
        if let Some(scenario) = scenario {
            execution.scenario = scenario;
        }
        tracing::info!(execution = %execution.id, scenario = %execution.scenario, "finalized; processing");
        process::spawn(self.state.clone(), execution.clone());
        Ok(execution)
    }

    /// The details: the retrieval document once PROCESSED (kept encoded:
    /// it never changes), else the execution as it stands.
    pub async fn details(&self, account_id: &str, execution_id: &str) -> Result<Details, Refusal> {
        if let Some(known) = self.remembered().details(account_id, execution_id) {
            return Ok(Details::Processed(known));
        }
        let execution = self.status(account_id, execution_id).await?;
        match (execution.status, execution.details) {
            (ExecutionStatus::Processed, Some(text)) => {
                // Checked once: what is kept and sent is JSON.
                serde_json::from_str::<serde::de::IgnoredAny>(&text).map_err(|e| {
                    PlatformError::Corrupt(format!(
                        "the details of workflow execution {execution_id}: {e}"
                    ))
                })?;
                let bytes = Bytes::from(text);
                self.remembered()
                    .keep_details(account_id, execution_id, bytes.clone());
                Ok(Details::Processed(bytes))
            }
            (_, details) => Ok(Details::Pending(Box::new(Execution {
                details,
                ..execution
            }))),
        }
    }
}

impl Executions<'_> {
    /// The visited steps of an execution (`steps.href`): recorded when it
    /// was processed; an empty list with a note before that, and for an
    /// execution processed before idflow kept them.
    pub async fn steps(
        &self,
        account_id: &str,
        execution_id: &str,
    ) -> Result<StepsDocument, Refusal> {
        let execution = self.status(account_id, execution_id).await?;
        let recorded = if execution.status == ExecutionStatus::Processed {
            reads::steps_of(self.state.db.pool(), account_id, execution_id)
                .await?
                .flatten()
        } else {
            None
        };
        let (steps, note) = match recorded {
            Some(text) => {
                let steps = serde_json::from_str(&text).map_err(|e| {
                    PlatformError::Corrupt(format!(
                        "the steps of workflow execution {execution_id}: {e}"
                    ))
                })?;
                (steps, None)
            }
            None if execution.status == ExecutionStatus::Processed => {
                (Vec::new(), Some(steps::NOT_RECORDED.to_owned()))
            }
            None => (Vec::new(), Some(steps::not_processed(execution.status))),
        };
        Ok(StepsDocument {
            workflow_execution: StepsExecution {
                id: execution.id,
                status: execution.status,
            },
            steps,
            note,
        })
    }

    /// What a part link of the account's details answers
    /// (`{base}/api/v1/accounts/{a}/credentials/{c}/parts/{classifier}`):
    /// a generated placeholder of the recorded type (`placeholder`), for a
    /// part that the details of one of the account's PROCESSED executions
    /// link to; refused (404) otherwise.
    pub async fn part(
        &self,
        account_id: &str,
        credential_id: &str,
        classifier: &str,
    ) -> Result<PartFile, Refusal> {
        let pool = self.state.db.pool();
        let classifier = classifier.to_ascii_uppercase();
        // Ids are UUIDs: anything else names no credential (and a UUID
        // carries no LIKE wildcard into the lookup).
        if uuid::Uuid::parse_str(credential_id).is_ok() {
            let link =
                format!("/accounts/{account_id}/credentials/{credential_id}/parts/{classifier}");
            for holder in reads::holders_of_credential(pool, account_id, credential_id).await? {
                let document: serde_json::Value =
                    serde_json::from_str(&holder.details).map_err(|e| {
                        PlatformError::Corrupt(format!(
                            "the details of workflow execution {}: {e}",
                            holder.execution_id
                        ))
                    })?;
                if !links_to(&document, &link) {
                    continue;
                }
                let recorded = reads::recorded_content_type(
                    pool,
                    &holder.execution_id,
                    credential_id,
                    &classifier,
                )
                .await?;
                return Ok(placeholder::part_file(
                    credential_id,
                    &classifier,
                    recorded.as_deref(),
                ));
            }
        }
        if !reads::account_exists(pool, account_id).await? {
            return Err(Refusal::NoAccount {
                account_id: account_id.to_owned(),
            });
        }
        Err(Refusal::NoPart {
            account_id: account_id.to_owned(),
            credential_id: credential_id.to_owned(),
            classifier,
        })
    }
}

/// Whether some text of `document` (a part `href`, a
/// `validFaceMapForAuthentication`) is a URL ending in `link`.
fn links_to(document: &serde_json::Value, link: &str) -> bool {
    match document {
        serde_json::Value::String(text) => text.ends_with(link),
        serde_json::Value::Array(items) => items.iter().any(|v| links_to(v, link)),
        serde_json::Value::Object(map) => map.values().any(|v| links_to(v, link)),
        _ => false,
    }
}

/// A fresh id: a time-ordered UUID (v7), so that new rows land at the end
/// of every index instead of on a random page each. Random (v4) ids made
/// each group commit dirty (and fsync) a page per row per index: 36
/// commits/s at 2,900 accounts/s, the writer busy writing the WAL.
fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Refused unless the API may deliver `part` for `credential`
/// (`catalog::delivery`: a new facemap never; 10071's stored one yes).
pub fn part_allowed(credential: &StoredCredential, part: Part) -> Result<(), Refusal> {
    if credential.api_parts.contains(&part) {
        return Ok(());
    }
    let why = if credential.category == CredentialCategory::Facemap || part == Part::Facemap {
        format!(
            "a FACEMAP cannot be uploaded through the API (credential {} is {}): only the Web Client and the SDKs capture it, except a stored facemap for on-premises authentication (10071)",
            credential.id, credential.category
        )
    } else if !credential.channels.contains(&Channel::Api) {
        format!(
            "credential {} ({}) does not allow the API channel (allowed: {})",
            credential.id,
            credential.category,
            if credential.channels.is_empty() {
                "none: it is read off the account".to_owned()
            } else {
                names(&credential.channels, Channel::as_str)
            }
        )
    } else if credential.existing {
        format!(
            "credential {} ({}) uses a credential stored by an earlier execution (USE_EXISTING, or REUSABLE_IDENTITY with a qualifying ID on the account): nothing is uploaded for it",
            credential.id, credential.category
        )
    } else {
        format!(
            "{part} is not a part of credential {} ({}): it accepts {}",
            credential.id,
            credential.category,
            if credential.api_parts.is_empty() {
                "nothing over the API".to_owned()
            } else {
                names(&credential.api_parts, Part::as_str)
            }
        )
    };
    Err(Refusal::PartNotAllowed {
        credential: Box::new(credential.clone()),
        part,
        why,
    })
}

fn names<T: Copy>(items: &[T], name: fn(T) -> &'static str) -> String {
    items
        .iter()
        .map(|i| name(*i))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The expiry sweep can expire an execution between a status read and
    /// that read's own expiry call (which then changes nothing): the
    /// answer must still be the expired status, not the INITIATED row read
    /// before (seen as INITIATED by a client a day after its token ran out;
    /// domain.md, platform API: statuses INITIATED ... TOKEN_EXPIRED).
    #[tokio::test]
    async fn a_status_read_overtaken_by_the_expiry_sweep_answers_the_expired_status() {
        let dir = tempfile::tempdir().expect("tmp");
        let state = AppState::open(&dir.path().join("server.sqlite"))
            .await
            .expect("open");
        let service = Executions::new(&state);
        let body = br#"{"customerInternalReference":"svc","userReference":"scenario:ALL_PASS","workflowDefinition":{"key":10011}}"#;
        let started = service
            .start("svc", body, AccountTarget::New)
            .await
            .expect("start");
        let (account, id) = (&started.execution.account_id, &started.execution.id);
        let read_before = reads::execution(state.db.pool(), account, id)
            .await
            .expect("read")
            .expect("there");
        assert_eq!(read_before.status, ExecutionStatus::Initiated);
        state
            .clock()
            .advance(std::time::Duration::from_secs(24 * 60 * 60));
        // The sweep gets there first.
        assert!(lifecycle::expire(&state, id).await.expect("expire"));
        let answered = service
            .up_to_date(account, id, Some(read_before))
            .await
            .expect("status");
        assert_eq!(answered.status, ExecutionStatus::TokenExpired);
        state.db.close().await;
    }
}
