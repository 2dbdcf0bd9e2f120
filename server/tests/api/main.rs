//! Integration tests: the real router on port 0 against a fresh, migrated
//! database per test — SQLite by default, PostgreSQL when
//! `TANPU_TEST_PG_URL` is set (e.g. `postgres://postgres@127.0.0.1:5432`).
//! One test binary, so the server code is linked once.

mod admin_citizens;
mod auth;
mod bindings;
mod citizen;
mod cli;
mod dashboard;
mod errors;
mod health;
mod helpers;
mod imports;
mod ingest;
mod leaderboard;
mod ledger;
mod ledger_crash;
mod ledger_model;
mod ledger_processes;
mod limits;
mod openapi;
mod outage;
mod partners;
mod postgres_connections;
mod privacy;
mod registration;
mod review;
mod rewards;
mod rules;
mod slow_clients;
mod standing;
mod stats;
mod summary_fresh;
mod web_app;
