//! The database going away mid-request: 503 in our shape with Retry-After,
//! never 500; the server recovers when the database returns; nothing is
//! half-written.
//!
//! The shared PostgreSQL cluster cannot be stopped (other tests use it), so
//! the server reaches it through a TCP proxy in this file that the test cuts
//! (every connection dropped, the port closed: connections are refused) and
//! restores. A SQLite file cannot go away under an open connection, so its
//! honest equivalent is another process holding the write lock (`BEGIN
//! EXCLUSIVE`, as a backup or a stray `sqlite3` shell would) beyond what a
//! request may wait: writes get 503, while reads go on (WAL readers never
//! wait for the writer).
//!
//! A PostgreSQL restart or failover also ends every session from the
//! server's side (SQLSTATE 57P01); the last test ends the server's sessions
//! while batches are in flight.

use crate::helpers::{
    TestApp, assert_ledger_matches_actions, bound_citizen, bus_ride_record, create_admin,
    create_partner, end_sessions, minted_token, spawn_app, spawn_app_via,
};
use reqwest::{Method, StatusCode};
use sea_orm::sqlx::{self, Connection};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tanpu_server::entities::actions;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

const CARD: &str = "31000000000001";

/// A TCP proxy in front of PostgreSQL that can be cut and restored.
struct DbProxy {
    addr: SocketAddr,
    cut: Arc<watch::Sender<bool>>,
}

impl DbProxy {
    /// Listens on 127.0.0.1:0 and forwards to `upstream`.
    async fn start(upstream: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let cut = Arc::new(watch::channel(false).0);
        tokio::spawn(Self::run(listener, addr, upstream, Arc::clone(&cut)));
        Self { addr, cut }
    }

    async fn run(
        listener: TcpListener,
        addr: SocketAddr,
        upstream: String,
        cut: Arc<watch::Sender<bool>>,
    ) {
        let mut listener = Some(listener);
        let mut state = cut.subscribe();
        loop {
            let Some(open) = &listener else {
                // Cut: the port is closed, so connecting is refused. Wait
                // for the restore, then listen on the same port again.
                if state.wait_for(|cut| !*cut).await.is_err() {
                    return;
                }
                listener = Some(rebind(addr).await);
                continue;
            };
            tokio::select! {
                accepted = open.accept() => {
                    let Ok((client, _)) = accepted else { continue };
                    tokio::spawn(forward(client, upstream.clone(), cut.subscribe()));
                }
                changed = state.wait_for(|cut| *cut) => {
                    if changed.is_err() {
                        return;
                    }
                    listener = None;
                }
            }
        }
    }

    /// Drops every connection and refuses new ones.
    fn cut(&self) {
        self.cut.send_replace(true);
    }

    /// Accepts connections again.
    fn restore(&self) {
        self.cut.send_replace(false);
    }
}

async fn rebind(addr: SocketAddr) -> TcpListener {
    for _ in 0..100 {
        if let Ok(listener) = TcpListener::bind(addr).await {
            return listener;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the proxy cannot listen on {addr} again");
}

/// Copies both ways until either side closes or the proxy is cut.
async fn forward(mut client: TcpStream, upstream: String, mut cut: watch::Receiver<bool>) {
    let Ok(mut server) = TcpStream::connect(&upstream).await else {
        return;
    };
    tokio::select! {
        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
        _ = cut.wait_for(|cut| *cut) => {}
    }
}

/// What takes the database away and gives it back.
enum Outage {
    Postgres(DbProxy),
    /// The SQLite URL; while cut, a connection holding the write lock.
    Sqlite(String, Option<sqlx::SqliteConnection>),
}

impl Outage {
    async fn cut(&mut self) {
        match self {
            Self::Postgres(proxy) => proxy.cut(),
            Self::Sqlite(url, lock) => {
                let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
                sqlx::query("BEGIN EXCLUSIVE")
                    .execute(&mut conn)
                    .await
                    .unwrap();
                *lock = Some(conn);
            }
        }
    }

    async fn restore(&mut self) {
        match self {
            Self::Postgres(proxy) => proxy.restore(),
            Self::Sqlite(_, lock) => {
                let mut conn = lock.take().expect("the lock is held");
                sqlx::query("ROLLBACK").execute(&mut conn).await.unwrap();
                conn.close().await.unwrap();
            }
        }
    }

    /// Whether reads fail too while cut (not on SQLite: see the module).
    fn stops_reads(&self) -> bool {
        matches!(self, Self::Postgres(_))
    }
}

/// The host:port in a `postgres://user@host:port` URL.
fn host_and_port(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, rest)| rest);
    rest.split('/').next().unwrap().to_owned()
}

/// A server whose database can be taken away. On SQLite a write waits for
/// the lock up to the busy timeout (5 s) on each of its attempts, so the
/// request timeout is what answers there: 3 s, as production's 30 s would.
async fn app_with_outage() -> (TestApp, Outage) {
    match std::env::var("TANPU_TEST_PG_URL") {
        Ok(server) if !server.is_empty() => {
            let upstream = host_and_port(&server);
            let proxy = DbProxy::start(upstream.clone()).await;
            let via = proxy.addr.to_string();
            let app = spawn_app_via(|_| {}, |url| url.replacen(&upstream, &via, 1)).await;
            (app, Outage::Postgres(proxy))
        }
        _ => {
            let app =
                spawn_app_via(|args| args.timeouts.request_timeout_secs = 3, str::to_owned).await;
            let url = app.database_url.clone();
            (app, Outage::Sqlite(url, None))
        }
    }
}

fn rides(prefix: &str, count: usize) -> String {
    let records: Vec<Value> = (0..count)
        .map(|i| bus_ride_record(&format!("{prefix}-{i}"), CARD, "3.0", 30))
        .collect();
    json!({ "records": records }).to_string()
}

async fn stored(app: &TestApp, prefix: &str) -> u64 {
    actions::Entity::find()
        .filter(actions::Column::ExternalId.starts_with(format!("{prefix}-")))
        .count(&app.db)
        .await
        .unwrap()
}

/// Asserts a 503 in our JSON shape with a Retry-After.
async fn assert_unavailable(what: &str, res: reqwest::Response) {
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE, "{what}");
    let retry_after = res
        .headers()
        .get("retry-after")
        .unwrap_or_else(|| panic!("{what}: no Retry-After"));
    assert!(retry_after.to_str().unwrap().parse::<u64>().unwrap() >= 1);
    // However it was cut short (by the database, or by the request timeout
    // while waiting for it), the answer is hardened and traceable.
    for header in [
        "x-request-id",
        "x-content-type-options",
        "content-security-policy",
    ] {
        assert!(res.headers().contains_key(header), "{what}: no {header}");
    }
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unavailable", "{what}: {body}");
    assert!(body["error"]["message"].is_string(), "{what}: {body}");
}

#[tokio::test]
async fn the_database_going_away_gives_503_and_the_server_recovers_with_nothing_half_written() {
    let (app, mut outage) = app_with_outage().await;
    let bus = create_partner(&app.db, "公交", &["bus_ride"]).await;
    let rider = bound_citizen(&app.db, "13800001111", CARD).await;
    let admin = create_admin(&app.db).await;
    let (rider, admin) = (minted_token(rider), minted_token(admin));
    let summary = || {
        app.client
            .get(app.url("/api/v1/me/summary"))
            .bearer_auth(&rider)
            .send()
    };
    let batch = |body: String| {
        app.signed(Method::POST, "/api/v1/partner/actions/batch", &bus, &body)
            .send()
    };
    let single = |prefix: &str| {
        let record = bus_ride_record(&format!("{prefix}-0"), CARD, "2.0", 45).to_string();
        app.signed(Method::POST, "/api/v1/partner/actions", &bus, &record)
            .send()
    };

    assert_eq!(summary().await.unwrap().status(), StatusCode::OK);
    assert_eq!(
        batch(rides("before", 10)).await.unwrap().status(),
        StatusCode::OK
    );

    // Mid-request: a large batch is on its way when the database goes.
    let in_flight = tokio::spawn(batch(rides("inflight", 1_000)));
    tokio::time::sleep(Duration::from_millis(300)).await;
    outage.cut().await;
    let cut_at = Instant::now();
    let in_flight = in_flight.await.unwrap().unwrap();
    let in_flight_status = in_flight.status();
    assert!(
        [StatusCode::OK, StatusCode::SERVICE_UNAVAILABLE].contains(&in_flight_status),
        "a batch cut mid-way answered {in_flight_status}: {}",
        in_flight.text().await.unwrap()
    );

    // While it is gone: writes (and on PostgreSQL reads) get 503 in our
    // shape, and soon — no request hangs on the database.
    let (cut_batch, cut_single, cut_summary) =
        tokio::join!(batch(rides("cut", 5)), single("single"), summary());
    assert_unavailable("a batch", cut_batch.unwrap()).await;
    assert_unavailable("a single record", cut_single.unwrap()).await;
    let cut_summary = cut_summary.unwrap();
    if outage.stops_reads() {
        assert_unavailable("the summary", cut_summary).await;
        assert_unavailable("readiness", app.get("/readyz").await).await;
    } else {
        assert_eq!(cut_summary.status(), StatusCode::OK, "WAL reads go on");
    }
    assert!(
        cut_at.elapsed() < Duration::from_secs(20),
        "answers took {:?}",
        cut_at.elapsed()
    );

    outage.restore().await;
    let recovering = Instant::now();
    while app.get("/readyz").await.status() != StatusCode::OK {
        assert!(
            recovering.elapsed() < Duration::from_secs(15),
            "no recovery"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Nothing half-written: the cut batches are there whole or not at all.
    assert_eq!(stored(&app, "cut").await, 0);
    let in_flight_stored = stored(&app, "inflight").await;
    assert!(
        in_flight_stored == 0 || in_flight_stored == 1_000,
        "a batch cut mid-way left {in_flight_stored} of 1000 records"
    );
    if in_flight_status == StatusCode::OK {
        assert_eq!(in_flight_stored, 1_000, "an answered batch is stored whole");
    }

    // The same requests succeed again (sent anew, as a partner retries).
    let res = batch(rides("cut", 5)).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(stored(&app, "cut").await, 5);
    assert_eq!(single("single").await.unwrap().status(), StatusCode::OK);
    assert_eq!(summary().await.unwrap().status(), StatusCode::OK);
    assert_eq!(
        batch(rides("inflight", 1_000)).await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(stored(&app, "inflight").await, 1_000);

    let res = app
        .client
        .get(app.url("/api/v1/admin/ledger/verify"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["ok"], true, "{report}");
    assert_ledger_matches_actions(&app.db, &Default::default()).await;
}

#[tokio::test]
async fn sessions_ended_by_postgresql_mid_request_give_503_and_never_half_a_batch() {
    if !std::env::var("TANPU_TEST_PG_URL").is_ok_and(|url| !url.is_empty()) {
        eprintln!("PostgreSQL only: SQLite has no sessions to end");
        return;
    }
    let app = spawn_app().await;
    let bus = create_partner(&app.db, "公交", &["bus_ride"]).await;
    bound_citizen(&app.db, "13800001111", CARD).await;
    // The sessions end at different moments of the batch's transaction:
    // before it, during its statements, around its commit, after it.
    let mut unavailable = 0;
    for delay in [0_u64, 2, 5, 10, 20, 40, 80] {
        let prefix = format!("ended{delay}");
        let body = rides(&prefix, 300);
        let in_flight = tokio::spawn(
            app.signed(Method::POST, "/api/v1/partner/actions/batch", &bus, &body)
                .send(),
        );
        tokio::time::sleep(Duration::from_millis(delay)).await;
        end_sessions(&app).await;
        let res = in_flight.await.unwrap().unwrap();
        let status = res.status();
        let stored_now = stored(&app, &prefix).await;
        if status == StatusCode::OK {
            assert_eq!(stored_now, 300, "an answered batch is stored whole");
        } else {
            assert_unavailable(
                &format!("a batch whose session ended after {delay} ms"),
                res,
            )
            .await;
            unavailable += 1;
            assert!(
                stored_now == 0 || stored_now == 300,
                "a batch cut mid-way left {stored_now} of 300 records"
            );
        }
    }
    eprintln!("{unavailable} of 7 batches lost their session mid-way");

    // The server needs nothing to recover: the next requests are served.
    for delay in [0_u64, 2, 5, 10, 20, 40, 80] {
        let body = rides(&format!("ended{delay}"), 300);
        let res = app
            .signed(Method::POST, "/api/v1/partner/actions/batch", &bus, &body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(stored(&app, &format!("ended{delay}")).await, 300);
    }
    assert_ledger_matches_actions(&app.db, &Default::default()).await;
}
