//! Processing a finalized execution, in a spawned task: simulate the
//! recorded workflow version under the execution's scenario and the
//! account's history, render the retrieval document with the execution's
//! real ids, times and base URL, store it (PROCESSED) with the visited
//! steps and the execution's reuse record, in one write, then deliver the
//! callback if one was asked for.

use std::collections::HashMap;

use idflow_core::model::DecisionType;
use idflow_core::simulate::{
    DetailsContext, EarlierTransaction, Outcome, Run, Scenario, by_name, details, simulate,
};
use serde_json::Value;

use super::clock::rfc3339_millis;
use super::delivery;
use super::error::PlatformError;
use super::history;
use super::lifecycle;
use super::steps::{self, VisitedStep};
use super::storage::model::{Execution, ExecutionStatus, PendingCallback};
use super::storage::reads;
use super::storage::writes::Write;
use crate::AppState;

/// Starts processing `execution` (already ACQUIRED) in the background.
pub fn spawn(state: AppState, execution: Execution) {
    tokio::spawn(async move {
        let id = execution.id.clone();
        if let Err(error) = process(&state, execution).await {
            tracing::error!(execution = %id, %error, "processing failed; the execution stays ACQUIRED");
        }
    });
}

/// Resumes executions a previous run of the server left ACQUIRED.
pub async fn resume(state: &AppState) -> Result<usize, PlatformError> {
    let pending = reads::acquired(state.db.pool()).await?;
    let count = pending.len();
    for execution in pending {
        tracing::info!(execution = %execution.id, "resuming processing");
        spawn(state.clone(), execution);
    }
    Ok(count)
}

/// What processing produced, from one run: the retrieval document, the
/// steps it visited (`steps.href`) and the record reuse will read
/// (`EarlierTransaction::of_run`).
pub struct Rendered {
    pub document: Value,
    pub steps: Vec<VisitedStep>,
    pub record: EarlierTransaction,
}

/// The retrieval document of `execution`, its visited steps and its reuse
/// record, as the platform would render them after processing, completed
/// at `completed_at`.
pub async fn render(
    state: &AppState,
    execution: &Execution,
    completed_at: &str,
) -> Result<Rendered, PlatformError> {
    let published = state
        .platform
        .remembered
        .published(
            &state.db,
            execution.definition_key,
            execution.definition_version,
        )
        .await?;
    let workflow = &published.workflow;
    let mut scenario = by_name(&execution.scenario)?;
    // Results come from what arrived (the uploaded parts) and, for what the
    // workflow reuses, from the account's records: core's rule decides
    // (issue 29, "Reuse only what was verified").
    let (credentials, parts) = reads::credentials_and_parts(state.db.pool(), &execution.id).await?;
    scenario.history = Some(
        history::read(
            state.db.pool(),
            &execution.account_id,
            &execution.id,
            &history::wants(workflow),
        )
        .await?,
    );
    scenario.delivered = Some(delivery::delivered(workflow, &credentials, &parts));
    let mut run = simulate(workflow, &scenario);
    // The run names new credentials by workflow position; give them the
    // ids this execution handed out. A reused one keeps its earlier id
    // (from the account's record).
    let ids: HashMap<(String, &'static str), String> = credentials
        .into_iter()
        .map(|c| ((c.node, c.category.as_str()), c.id))
        .collect();
    for credential in run.credentials.iter_mut().filter(|c| !c.existing) {
        if let Some(id) = ids.get(&(credential.node.0.clone(), credential.category.as_str())) {
            credential.id.clone_from(id);
        }
    }
    Ok(rendered(workflow, &run, execution, completed_at))
}

/// The document, the visited steps and the record of `run`.
fn rendered(
    workflow: &idflow_core::Workflow,
    run: &Run,
    execution: &Execution,
    completed_at: &str,
) -> Rendered {
    let context = context_of(execution, completed_at);
    let document = without_absent_reference(details(workflow, run, &context), execution);
    Rendered {
        document,
        steps: steps::visited(workflow, run),
        record: EarlierTransaction::of_run(&execution.id, run),
    }
}

async fn process(state: &AppState, execution: Execution) -> Result<(), PlatformError> {
    let completed_at = rfc3339_millis(state.clock().now());
    let Rendered {
        document,
        steps,
        record,
    } = match render(state, &execution, &completed_at).await {
        Ok(rendered) => rendered,
        // Never stuck in ACQUIRED: the run ends with the failure reported
        // the platform's way, a capability NOT_EXECUTED TECHNICAL_ERROR.
        Err(error) => {
            tracing::error!(execution = %execution.id, %error, "processing failed; reporting TECHNICAL_ERROR");
            technical_error(state, &execution, &completed_at).await
        }
    };
    // Plain data always encodes; were it ever not to, the execution still
    // completes (never stuck in ACQUIRED), its steps not recorded.
    let steps = serde_json::to_string(&steps)
        .inspect_err(|error| {
            tracing::error!(execution = %execution.id, %error, "cannot encode the visited steps; they are not recorded");
        })
        .ok();
    let stored = state
        .platform
        .writer
        .write(Write::Complete {
            id: execution.id.clone(),
            account_id: execution.account_id.clone(),
            details: document.to_string(),
            steps,
            record: history::stored(&record)?,
            completed_at: completed_at.clone(),
            callback_url: execution.callback_url.clone(),
        })
        .await?;
    if !stored {
        tracing::warn!(execution = %execution.id, "already processed elsewhere");
        return Ok(());
    }
    tracing::info!(
        execution = %execution.id,
        key = execution.definition_key,
        version = execution.definition_version,
        scenario = %execution.scenario,
        decision = %document["decision"]["type"],
        "processed"
    );
    if let Some(url) = &execution.callback_url {
        lifecycle::dispatch(
            state.clone(),
            PendingCallback {
                execution_id: execution.id.clone(),
                url: url.clone(),
                status: ExecutionStatus::Processed,
            },
        );
    }
    Ok(())
}

/// The document of a run whose processing failed: its first capability
/// NOT_EXECUTED TECHNICAL_ERROR (and what depends on it not run), or, when
/// even the workflow cannot be read, no results and decision NOT_EXECUTED.
async fn technical_error(state: &AppState, execution: &Execution, completed_at: &str) -> Rendered {
    let workflow = state
        .db
        .version(execution.definition_key, execution.definition_version)
        .await
        .map(|v| v.workflow)
        .unwrap_or_else(|_| {
            idflow_core::Workflow::new(execution.definition_key, "unreadable workflow")
        });
    let mut failing = workflow.capabilities();
    failing.sort_by_key(|&c| {
        idflow_core::catalog::ID_CHAIN
            .iter()
            .position(|&x| x == c)
            .unwrap_or(usize::MAX)
    });
    let outcomes = failing
        .first()
        .map(|&capability| Outcome {
            capability,
            credential: None,
            decision: DecisionType::NotExecuted,
            label: "TECHNICAL_ERROR".to_owned(),
        })
        .into_iter()
        .collect();
    let scenario = Scenario::new("TECHNICAL_ERROR", "processing failed", outcomes);
    let run = simulate(&workflow, &scenario);
    rendered(&workflow, &run, execution, completed_at)
}

/// The execution's ids and times, for its retrieval document.
fn context_of(execution: &Execution, completed_at: &str) -> DetailsContext {
    DetailsContext {
        account_id: execution.account_id.clone(),
        workflow_execution_id: execution.id.clone(),
        user_reference: execution.user_reference.clone().unwrap_or_default(),
        customer_internal_reference: execution.customer_internal_reference.clone(),
        created_at: execution.created_at.clone(),
        started_at: execution
            .started_at
            .clone()
            .unwrap_or_else(|| completed_at.to_owned()),
        completed_at: completed_at.to_owned(),
        base_url: execution.base_url.clone(),
    }
}

/// The platform leaves out `userReference` when the account request had none.
fn without_absent_reference(mut document: Value, execution: &Execution) -> Value {
    if execution.user_reference.is_none()
        && let Some(workflow) = document.get_mut("workflow").and_then(Value::as_object_mut)
    {
        workflow.remove("userReference");
    }
    document
}
