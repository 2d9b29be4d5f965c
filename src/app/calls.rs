//! What panels ask the shell for (`Action`s, applied after the frame that
//! asked), and what follows a save. The shell turns them into store calls
//! for the session's worker (sent, never waited for), or does them at once
//! when nothing remote is involved.

use std::path::PathBuf;

use idflow_store::recovery::Recovery;

use super::Intent;
use super::compare::Side;
use super::dialogs::Window;

/// What follows a save once it is done.
#[derive(Debug, Clone, PartialEq)]
pub enum Then {
    Nothing,
    /// Publish, with this note.
    Publish(String),
    Perform(Intent),
}

/// What a panel asks for; applied after the frame that asked.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Replace the open document (asking to save first when it has
    /// unsaved changes).
    Request(Intent),
    Save,
    /// Publish the draft (saved first if need be) with this note.
    Publish(String),
    /// Save, then do `intent` (the Unsaved dialog's "Save").
    SaveThen(Intent),
    /// Drop the unsaved changes (and their autosave), then do `intent`.
    DiscardThen(Intent),
    /// Make published version `number` of `key` its draft again.
    Restore {
        key: u32,
        number: u32,
    },
    /// Copy published version `number` of `key` into a new custom workflow.
    DuplicateVersion {
        key: u32,
        number: u32,
    },
    SetArchived {
        key: u32,
        archived: bool,
    },
    /// Approve the open draft's revision (team servers, four eyes).
    Approve,
    /// Keep the open edits as a new custom workflow (after a conflict).
    SaveAsCopy,
    CopyToServer,
    RetryServer,
    /// Do `intent` without asking (nothing unsaved is at stake).
    Perform(Intent),
    /// Show autosaved work found at start (the recovery dialog's Restore).
    RestoreRecovery(Box<Recovery>),
    Show(Window),
    /// Open or close the Versions window.
    ToggleVersions,
    /// Compare two sides of the open workflow.
    Compare(Side, Side),
    /// Write the canvas drawing (with the compare marks while comparing)
    /// to this .svg or .png.
    ExportPicture(PathBuf),
    /// A review comment on step `step` (none: the workflow) of `key`'s
    /// draft, by the display name (a team server names the token).
    AddComment {
        key: u32,
        step: Option<String>,
        text: String,
    },
    /// Resolve (or reopen) comment `id` of `key`.
    SetResolved {
        key: u32,
        id: u64,
        resolved: bool,
    },
}
