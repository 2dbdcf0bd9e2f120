//! Connections to PostgreSQL over TCP send each request at once: every
//! connection the pool opens has `TCP_NODELAY`, and the write paths know
//! they may send large statements (`bulk::StatementSize`).
//!
//! PostgreSQL over TCP only. Without `TANPU_TEST_PG_URL` the test says so
//! and passes; the suite runs again on PostgreSQL.

use crate::helpers::test_db;
use sea_orm::sqlx::postgres::PgConnectOptions;
use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};
use std::collections::HashSet;
use std::net::SocketAddr;
use std::str::FromStr;
use tanpu_server::postgres_nodelay::nodelay_of_connections_to;
use tanpu_server::services::bulk::postgres_sends_at_once;

/// Connections held at once, so the pool must open several.
const CONNECTIONS: usize = 4;

#[tokio::test]
async fn every_tcp_connection_to_postgresql_has_nodelay() {
    let test = test_db().await;
    if test.db.get_database_backend() != DbBackend::Postgres {
        eprintln!("PostgreSQL only: set TANPU_TEST_PG_URL to run this test");
        return;
    }
    let options = PgConnectOptions::from_str(&test.url).unwrap();
    if options.get_socket().is_some() {
        assert!(postgres_sends_at_once(), "a Unix socket sends at once");
        return;
    }
    let servers: HashSet<SocketAddr> =
        tokio::net::lookup_host((options.get_host(), options.get_port()))
            .await
            .unwrap()
            .collect();

    let mut held = Vec::new();
    let mut client_ports = Vec::new();
    for _ in 0..CONNECTIONS {
        let txn = test.db.begin().await.unwrap();
        let row = txn
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT inet_client_port() AS port",
            ))
            .await
            .unwrap()
            .unwrap();
        let port: i32 = row.try_get("", "port").unwrap();
        client_ports.push(u16::try_from(port).unwrap());
        held.push(txn);
    }

    let nodelay: Vec<(SocketAddr, bool)> = nodelay_of_connections_to(&servers)
        .unwrap()
        .into_iter()
        .filter(|(local, _)| client_ports.contains(&local.port()))
        .collect();
    assert_eq!(
        nodelay.len(),
        CONNECTIONS,
        "{nodelay:?} for {client_ports:?}"
    );
    assert!(nodelay.iter().all(|(_, set)| *set), "{nodelay:?}");
    assert!(postgres_sends_at_once(), "statements may be large");
}
