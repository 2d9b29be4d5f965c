//! An execution's end states and what follows them: expiry (TOKEN_EXPIRED
//! before anything arrived, SESSION_EXPIRED once the journey started), and
//! the callbacks for PROCESSED, SESSION_EXPIRED and TOKEN_EXPIRED, queued
//! in the database (`platform_callbacks`) so that one pending at a restart
//! is delivered after it.

use std::time::Duration;

use super::callback::{self, CallbackAccount, CallbackBody, CallbackExecution};
use super::clock::rfc3339_millis;
use super::error::PlatformError;
use super::links::Links;
use super::outbound;
use super::storage::model::{Execution, PendingCallback};
use super::storage::reads;
use super::storage::writes::Write;
use crate::AppState;

/// How often the expiry sweep looks for executions past their lifetime.
pub const SWEEP_EVERY: Duration = Duration::from_secs(2);

/// Moves `execution_id` to SESSION_EXPIRED or TOKEN_EXPIRED if its token
/// expired, its callback queued in the same write (`Write::Expire`), then
/// sends the callback. `true` when this call expired it.
pub async fn expire(state: &AppState, execution_id: &str) -> Result<bool, PlatformError> {
    let now = state.clock().now();
    let expired = state
        .platform
        .writer
        .write(Write::Expire {
            id: execution_id.to_owned(),
            now: now.unix_timestamp(),
            queued_at: rfc3339_millis(now),
        })
        .await?;
    if !expired {
        return Ok(false);
    }
    let Some(execution) = reads::execution_by_id(state.db.pool(), execution_id).await? else {
        return Ok(true);
    };
    tracing::info!(execution = %execution.id, status = %execution.status, "expired");
    if let Some(url) = &execution.callback_url {
        dispatch(
            state.clone(),
            PendingCallback {
                execution_id: execution.id.clone(),
                url: url.clone(),
                status: execution.status,
            },
        );
    }
    Ok(true)
}

/// Delivers a queued callback in the background (with the retry policy),
/// then removes it from the queue, delivered or given up.
pub fn dispatch(state: AppState, pending: PendingCallback) {
    tokio::spawn(async move {
        if let Err(error) = deliver(&state, &pending).await {
            tracing::error!(execution = %pending.execution_id, %error, "callback stays queued");
        }
    });
}

async fn deliver(state: &AppState, pending: &PendingCallback) -> Result<(), PlatformError> {
    let Some(execution) = reads::execution_by_id(state.db.pool(), &pending.execution_id).await?
    else {
        return settled(state, pending).await;
    };
    if !state.platform.outbound.sends() {
        tracing::debug!(execution = %pending.execution_id, "callbacks are off (--no-callbacks): not sent");
        return settled(state, pending).await;
    }
    let body = body(state, &execution, pending);
    // Checked again at send time (DNS may have changed since the account
    // named it), then sent through a resolver that checks the addresses
    // it connects to, following no redirect.
    match outbound::check(&state.platform.outbound, &pending.url).await {
        Ok(url) => match outbound::client(&state.platform.outbound) {
            Ok(client) => {
                // Failures are logged by `deliver`; either way it is settled.
                let _ = callback::deliver(
                    &client,
                    state.clock(),
                    url.as_str(),
                    body,
                    state.platform.retry,
                )
                .await;
            }
            Err(error) => tracing::error!(%error, "cannot build the callback client"),
        },
        Err(why) => {
            tracing::warn!(execution = %pending.execution_id, %why, "callback not sent");
        }
    }
    settled(state, pending).await
}

/// The callback was delivered or given up: off the queue.
async fn settled(state: &AppState, pending: &PendingCallback) -> Result<(), PlatformError> {
    state
        .platform
        .writer
        .write(Write::CallbackSettled {
            execution_id: pending.execution_id.clone(),
        })
        .await
        .map(|_| ())
}

fn body(state: &AppState, execution: &Execution, pending: &PendingCallback) -> CallbackBody {
    let links = Links {
        base: &execution.base_url,
    };
    CallbackBody {
        callback_sent_at: rfc3339_millis(state.clock().now()),
        workflow_execution: CallbackExecution {
            id: execution.id.clone(),
            href: links.execution(&execution.account_id, &execution.id),
            definition_key: execution.definition_key.to_string(),
            status: pending.status,
        },
        account: CallbackAccount {
            id: execution.account_id.clone(),
            href: links.account(&execution.account_id),
        },
    }
}

/// Sends the callbacks a previous run left queued.
pub async fn resume_callbacks(state: &AppState) -> Result<usize, PlatformError> {
    let pending = reads::pending_callbacks(state.db.pool()).await?;
    let count = pending.len();
    for callback in pending {
        dispatch(state.clone(), callback);
    }
    Ok(count)
}

/// Expires executions past their lifetime every [`SWEEP_EVERY`], so their
/// callbacks go out even when nobody asks for their status.
pub fn spawn_expiry_sweep(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(SWEEP_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let now = state.clock().unix_seconds();
            match reads::due_to_expire(state.db.pool(), now, 100).await {
                Ok(due) => {
                    for execution in due {
                        if let Err(error) = expire(&state, &execution.id).await {
                            tracing::warn!(execution = %execution.id, %error, "cannot expire");
                        }
                    }
                }
                Err(error) => tracing::warn!(%error, "expiry sweep failed"),
            }
        }
    })
}
