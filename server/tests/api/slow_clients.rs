//! Slow clients: a connection that never finishes its headers is closed, a
//! body that stalls gets 408, and a file import that keeps moving is not
//! cut by the request timeout. Raw TCP, to send exactly as slowly as wanted.

use crate::helpers::{TestApp, create_admin, create_partner, minted_token, spawn_app_with};
use serde_json::Value;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A server that waits one second for headers and for each piece of a
/// body, and `request_secs` for a whole request.
async fn impatient_app(request_secs: u64) -> TestApp {
    spawn_app_with(|args| {
        args.timeouts.header_read_timeout_secs = 1;
        args.timeouts.body_read_timeout_secs = 1;
        args.timeouts.request_timeout_secs = request_secs;
    })
    .await
}

/// An administrator's access token.
async fn admin_token(app: &TestApp) -> String {
    minted_token(create_admin(&app.db).await)
}

/// Reads until the server closes the connection (at most `within`);
/// returns what it sent and when it closed.
async fn read_until_closed(stream: &mut TcpStream, within: Duration) -> (String, Duration) {
    let started = Instant::now();
    let mut received = Vec::new();
    let mut buf = [0_u8; 4096];
    loop {
        let read = tokio::time::timeout_at((started + within).into(), stream.read(&mut buf))
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "the connection was still open after {within:?}; received {:?}",
                    String::from_utf8_lossy(&received)
                )
            });
        match read {
            Ok(0) | Err(_) => break,
            Ok(n) => received.extend_from_slice(&buf[..n]),
        }
    }
    (
        String::from_utf8_lossy(&received).into_owned(),
        started.elapsed(),
    )
}

/// Sends `head` and the first part of a body that the head says is longer,
/// then nothing; returns the status line and the JSON body of the answer.
async fn stall_body(app: &TestApp, head: &str, first_part: &str) -> (String, String, Value) {
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(first_part.as_bytes()).await.unwrap();
    let (answer, _) = read_until_closed(&mut stream, Duration::from_secs(10)).await;
    let (head, body) = answer.split_once("\r\n\r\n").expect("an HTTP answer");
    let status = head.lines().next().unwrap().to_owned();
    let body = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body:?}"));
    (status, head.to_ascii_lowercase(), body)
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_disconnected() {
    let app = impatient_app(30).await;
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    // Half a request, as a slowloris client sends it, then silence.
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: tanpu\r\nX-Slow: ")
        .await
        .unwrap();
    let (_, closed_after) = read_until_closed(&mut stream, Duration::from_secs(5)).await;
    assert!(
        closed_after >= Duration::from_millis(900),
        "closed after {closed_after:?}: before the timeout"
    );

    // A client that keeps the connection open without sending anything is
    // let go the same way.
    let mut idle = TcpStream::connect(app.addr).await.unwrap();
    read_until_closed(&mut idle, Duration::from_secs(5)).await;

    // Clients that do send their request are served as before.
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), reqwest::StatusCode::OK);
}

#[tokio::test]
async fn a_body_that_stalls_is_answered_408_in_our_shape() {
    // The request timeout is well beyond the body's, so the stall is what
    // answers.
    let app = impatient_app(30).await;
    // A JSON route…
    let (status, head, body) = stall_body(
        &app,
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: tanpu\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n",
        r#"{"login": "1380"#,
    )
    .await;
    assert_eq!(status, "HTTP/1.1 408 Request Timeout");
    assert_eq!(body["error"]["code"], "request_timeout");
    assert!(head.contains("connection: close"), "{head}");

    // …a partner's batch (read whole before its signature is checked)…
    let (status, _, body) = stall_body(
        &app,
        "POST /api/v1/partner/actions/batch HTTP/1.1\r\nHost: tanpu\r\n\
         Content-Type: application/json\r\nContent-Length: 5000\r\n\r\n",
        r#"{"records": ["#,
    )
    .await;
    assert_eq!(status, "HTTP/1.1 408 Request Timeout");
    assert_eq!(body["error"]["code"], "request_timeout");

    // …and a file import, streamed to disk.
    let admin = admin_token(&app).await;
    let partner = create_partner(&app.db, "公交", &["bus_ride"]).await;
    let (status, _, body) = stall_body(
        &app,
        &format!(
            "POST /api/v1/admin/partners/{}/imports?format=csv&name=rides.csv HTTP/1.1\r\n\
             Host: tanpu\r\nAuthorization: Bearer {}\r\nContent-Length: 100000\r\n\r\n",
            partner.id, admin
        ),
        "r-1,bus_ride,transit_card,3100",
    )
    .await;
    assert_eq!(status, "HTTP/1.1 408 Request Timeout");
    assert_eq!(body["error"]["code"], "request_timeout");
}

#[tokio::test]
async fn a_file_import_that_keeps_moving_outlives_the_request_timeout() {
    let app = impatient_app(1).await;
    let admin = admin_token(&app).await;
    let partner = create_partner(&app.db, "公交", &["bus_ride"]).await;
    let pieces: Vec<String> = (0..8)
        .map(|i| format!("r-{i},bus_ride,transit_card,31000000000001,,,1,km,K5,\n"))
        .collect();
    let length: usize = pieces.iter().map(String::len).sum();
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    stream
        .write_all(
            format!(
                "POST /api/v1/admin/partners/{}/imports?format=csv&name=rides.csv HTTP/1.1\r\n\
                 Host: tanpu\r\nAuthorization: Bearer {}\r\nContent-Length: {length}\r\n\
                 Connection: close\r\n\r\n",
                partner.id, admin
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    // Two seconds in all, never a pause of a whole second.
    for piece in &pieces {
        tokio::time::sleep(Duration::from_millis(250)).await;
        stream.write_all(piece.as_bytes()).await.unwrap();
    }
    let (answer, _) = read_until_closed(&mut stream, Duration::from_secs(10)).await;
    assert!(
        answer.starts_with("HTTP/1.1 202 Accepted"),
        "the upload was cut: {answer}"
    );
}
