//! The idflow desktop designer: the editing model and the eframe app.

pub mod app;
pub mod document;
