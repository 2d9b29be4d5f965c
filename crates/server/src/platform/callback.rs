//! The callback: once an execution is processed, a POST of
//! [`CallbackBody`] to its `callbackUrl`. Sent from a spawned task (never
//! on a request's path), each attempt with a 5 s timeout, retried with
//! exponential backoff on connection errors, timeouts, 429 and 5xx.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::clock::Clock;
use super::clock::rfc3339_millis;
use super::storage::model::ExecutionStatus;

/// Timeout of one callback attempt.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(5);

/// The body POSTed to `callbackUrl`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallbackBody {
    /// When this attempt was sent (RFC 3339, milliseconds, UTC).
    pub callback_sent_at: String,
    pub workflow_execution: CallbackExecution,
    pub account: CallbackAccount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallbackExecution {
    pub id: String,
    /// The execution's details URL.
    pub href: String,
    /// The workflow key, as a string (`"10011"`).
    pub definition_key: String,
    pub status: ExecutionStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallbackAccount {
    pub id: String,
    pub href: String,
}

/// How often and how patiently to try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all (the first included).
    pub attempts: u32,
    /// Wait before the second attempt; doubled before each later one.
    pub first_delay: Duration,
}

impl Default for RetryPolicy {
    /// 5 attempts, waiting 0.5 s, 1 s, 2 s and 4 s between them.
    fn default() -> RetryPolicy {
        RetryPolicy {
            attempts: 5,
            first_delay: Duration::from_millis(500),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CallbackError {
    #[error("the callback URL answered {status}: not retried")]
    Refused { status: reqwest::StatusCode },
    #[error("gave up after {attempts} attempt(s): {last}")]
    GaveUp { attempts: u32, last: String },
}

/// POSTs `body` (its `callbackSentAt` renewed per attempt from `clock`) to
/// `url`. Returns the number of attempts it took.
pub async fn deliver(
    client: &reqwest::Client,
    clock: &Clock,
    url: &str,
    mut body: CallbackBody,
    policy: RetryPolicy,
) -> Result<u32, CallbackError> {
    let mut delay = policy.first_delay;
    let mut last = String::from("no attempt made");
    for attempt in 1..=policy.attempts.max(1) {
        if attempt > 1 {
            tokio::time::sleep(delay).await;
            delay = delay.saturating_mul(2);
        }
        body.callback_sent_at = rfc3339_millis(clock.now());
        let sent = client
            .post(url)
            .timeout(ATTEMPT_TIMEOUT)
            .json(&body)
            .send()
            .await;
        match sent {
            Ok(response) if response.status().is_success() => {
                tracing::info!(url, attempt, execution = %body.workflow_execution.id, "callback delivered");
                return Ok(attempt);
            }
            Ok(response)
                if response.status().is_server_error()
                    || response.status() == reqwest::StatusCode::TOO_MANY_REQUESTS =>
            {
                last = format!("the callback URL answered {}", response.status());
            }
            Ok(response) => {
                let status = response.status();
                tracing::warn!(url, attempt, %status, execution = %body.workflow_execution.id, "callback refused; not retried");
                return Err(CallbackError::Refused { status });
            }
            Err(e) => last = e.to_string(),
        }
        tracing::warn!(url, attempt, of = policy.attempts, error = %last, execution = %body.workflow_execution.id, "callback attempt failed");
    }
    tracing::error!(url, execution = %body.workflow_execution.id, error = %last, "callback given up");
    Err(CallbackError::GaveUp {
        attempts: policy.attempts.max(1),
        last,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_backoff_is_half_a_second_doubling_five_times() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.attempts, 5);
        let waits: Vec<Duration> = (0..policy.attempts - 1)
            .map(|i| policy.first_delay * 2u32.pow(i))
            .collect();
        assert_eq!(
            waits,
            [500, 1000, 2000, 4000].map(Duration::from_millis).to_vec()
        );
    }

    #[test]
    fn the_body_is_camel_case() {
        let body = CallbackBody {
            callback_sent_at: "2026-01-01T00:00:00.000Z".into(),
            workflow_execution: CallbackExecution {
                id: "w".into(),
                href: "http://h/api/v1/accounts/a/workflow-executions/w".into(),
                definition_key: "10011".into(),
                status: ExecutionStatus::Processed,
            },
            account: CallbackAccount {
                id: "a".into(),
                href: "http://h/api/v1/accounts/a".into(),
            },
        };
        let json = serde_json::to_value(&body).expect("serialises");
        assert_eq!(json["workflowExecution"]["definitionKey"], "10011");
        assert_eq!(json["workflowExecution"]["status"], "PROCESSED");
        assert_eq!(json["callbackSentAt"], "2026-01-01T00:00:00.000Z");
    }
}
