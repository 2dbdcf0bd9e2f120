//! tanpu-server: the HTTP API, the data layer and the `tanpu` command line.
//!
//! Layers point one way: [`routes`] (axum handlers, no SQL) call
//! [`services`] (behaviour and transactions), which use [`entities`]
//! (sea-orm). [`error::AppError`] is the HTTP layer's one error type.

pub mod bench;
pub mod checkpointer;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod entities;
pub mod error;
pub mod http;
pub mod postgres_nodelay;
pub mod progress;
pub mod routes;
pub mod services;
pub mod simulate;
pub mod telemetry;
