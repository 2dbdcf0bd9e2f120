//! Each server remembers people's standing (role, frozen) between requests
//! (`services::citizen_cache`). A change must reach every server: the one
//! that made it forgets at once, and on PostgreSQL the others hear of it
//! through the `users` trigger's notification. Here a second server on the
//! same database (a pool and a listener of its own, as another process
//! would have) has the citizen in memory when an administrator freezes
//! them, and later grants them a role, through the first.

use crate::helpers::{OtherServer, SEVERAL_SERVERS, Session, TestApp, spawn_app};
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::time::{Duration, Instant};
use tanpu_core::UserId;
use tanpu_core::account::Role;
use tanpu_server::services::citizen_cache::Standing;

/// How long a change may take to reach the other server: a notification
/// arrives in milliseconds; this only bounds a loaded machine.
const REACH: Duration = Duration::from_secs(5);

/// `path` on `server` as `who`.
async fn status_on(app: &TestApp, server: &OtherServer, who: &Session, path: &str) -> StatusCode {
    app.client
        .request(Method::GET, format!("http://{}{path}", server.addr))
        .bearer_auth(&who.access_token)
        .send()
        .await
        .unwrap()
        .status()
}

/// Reads `path` on `server` until it answers `want`; how long that took.
async fn until(
    app: &TestApp,
    server: &OtherServer,
    who: &Session,
    path: &str,
    want: StatusCode,
) -> Duration {
    let started = Instant::now();
    loop {
        let status = status_on(app, server, who, path).await;
        if status == want {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < REACH,
            "{path} on the other server still answers {status}, not {want}, after {REACH:?}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Reads `/api/v1/me` on `server` until it answers from memory (on
/// PostgreSQL the cache serves once its listener is connected).
async fn remembered(app: &TestApp, server: &OtherServer, who: &Session) -> Standing {
    let started = Instant::now();
    loop {
        assert_eq!(
            status_on(app, server, who, "/api/v1/me").await,
            StatusCode::OK
        );
        if let Some(standing) = server.citizens.standing(UserId(who.user_id)) {
            return standing;
        }
        assert!(
            started.elapsed() < REACH,
            "the other server never remembered the citizen"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// An administrator freezes `citizen` through `app`.
async fn freeze(app: &TestApp, admin: &Session, citizen: &Session) {
    let frozen = app
        .authed(
            Method::POST,
            &format!("/api/v1/admin/citizens/{}/freeze", citizen.user_id),
            admin,
        )
        .json(&json!({"reason": "card reported stolen"}))
        .send()
        .await
        .unwrap();
    assert_eq!(frozen.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_of_standing_through_one_server_reaches_another_at_once() {
    let app = spawn_app().await;
    if app.skips_on_sqlite(
        "a_change_of_standing_through_one_server_reaches_another_at_once",
        SEVERAL_SERVERS,
    ) {
        return;
    }
    let admin = app.admin().await;
    let citizen = app.citizen("13800007001").await;
    let other = app.other_server().await;
    assert_eq!(
        remembered(&app, &other, &citizen).await,
        Standing {
            role: Role::Citizen,
            frozen: false
        }
    );

    freeze(&app, &admin, &citizen).await;
    // The server that froze them forgot them with its commit.
    assert_eq!(
        app.authed(Method::GET, "/api/v1/me", &citizen)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    let took = until(&app, &other, &citizen, "/api/v1/me", StatusCode::FORBIDDEN).await;
    eprintln!("the freeze reached the other server in {took:?}");
    assert_eq!(
        other.citizens.standing(UserId(citizen.user_id)),
        Some(Standing {
            role: Role::Citizen,
            frozen: true
        }),
        "the other server remembers the frozen standing it read"
    );

    // A role granted through the first server opens the review queue on
    // the second, which remembered the reviewer as a citizen.
    let reviewer = app.citizen("13800007002").await;
    remembered(&app, &other, &reviewer).await;
    assert_eq!(
        status_on(&app, &other, &reviewer, "/api/v1/review/queue").await,
        StatusCode::FORBIDDEN
    );
    let granted = app
        .authed(
            Method::PUT,
            &format!("/api/v1/admin/users/{}/role", reviewer.user_id),
            &admin,
        )
        .json(&json!({"role": "reviewer"}))
        .send()
        .await
        .unwrap();
    assert_eq!(granted.status(), StatusCode::OK);
    until(
        &app,
        &other,
        &reviewer,
        "/api/v1/review/queue",
        StatusCode::OK,
    )
    .await;
    // The other server still serves from memory afterwards: it was told,
    // not silenced.
    assert_eq!(
        remembered(&app, &other, &reviewer).await,
        Standing {
            role: Role::Reviewer,
            frozen: false
        }
    );
}

#[tokio::test]
async fn a_freeze_locks_out_tokens_the_server_had_remembered() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let citizen = app.citizen("13800007003").await;
    // Until the server remembers them (on PostgreSQL its listener must
    // be connected first).
    let started = Instant::now();
    while app.citizens.standing(UserId(citizen.user_id)).is_none() {
        let me = app.authed(Method::GET, "/api/v1/me", &citizen).send().await;
        assert_eq!(me.unwrap().status(), StatusCode::OK);
        assert!(
            started.elapsed() < REACH,
            "the citizen was never remembered"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    freeze(&app, &admin, &citizen).await;
    let me = app
        .authed(Method::GET, "/api/v1/me", &citizen)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::FORBIDDEN);
}
