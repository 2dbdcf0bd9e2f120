//! Running the HTTP server: accept connections, serve them, stop gracefully
//! on Ctrl-C or SIGTERM (in-flight requests finish; new connections are
//! refused) — and bound how long a slow client may hold the server.
//!
//! Why not `axum::serve`: it gives no hold on hyper's connection settings,
//! and without a timer hyper waits for a request's headers forever. A client
//! could then open thousands of connections and trickle a header into each
//! now and then until the server runs out of sockets ("slowloris"). Here
//! each connection is served by hyper's HTTP/1 builder with a timer, as
//! `axum::serve` would serve it otherwise (same router, connect info for
//! client addresses, upgrades, graceful shutdown).
//!
//! Three timeouts ([`Timeouts`], configurable; 0 turns one off):
//!
//! - **headers** (hyper): a connection that has not sent a whole request
//!   head in time is closed without an answer (there is no request to
//!   answer). The same clock bounds how long a kept-alive connection may sit
//!   idle between requests.
//! - **body** (`tower_http`'s `RequestBodyTimeoutLayer`): a body that pauses
//!   longer than this fails to read, and the request is answered 408
//!   `request_timeout` with `Connection: close`. It bounds a pause, not the
//!   whole body, so a 100 MB file import that keeps moving is never cut.
//! - **request** (ours): a request whose answer has not started in time
//!   gets 503 `unavailable` with `Retry-After`. 503, not 408: 408 says the
//!   client did not send its request in time — the body timeout's case —
//!   while a handler that ran out of time means the server was slow (a
//!   locked or unreachable database, an expensive query), which 503 with
//!   `Retry-After` tells truthfully. File import uploads are exempt: they
//!   stream up to 100 MB to disk inside the request (from an administrator
//!   already signed in), and the body timeout still cuts one that stalls.
//!
//! [`routes::router`] applies these layers inside its hardening layers, so
//! an answer cut short still carries the security headers and request id.

use crate::checkpointer::Checkpointer;
use crate::config::Timeouts;
use crate::error::AppError;
use crate::routes::{self, AppState};
use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::pin;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower::{Service, ServiceExt};
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutError};

/// The route exempt from the request timeout: file import uploads.
const IMPORT_UPLOAD: &str = "/api/v1/admin/partners/{id}/imports";

/// Serves the application on `listener` until `shutdown` completes, then
/// lets the requests in flight finish.
///
/// # Errors
/// None at present: a failing `accept` is logged and retried, as
/// `axum::serve` does (the signature keeps room for failures of start-up).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let timeouts = state.config.timeouts;
    // No commit of this server's waits for a checkpoint; stopped with it.
    let _checkpointer = Checkpointer::start(&state.db);
    let app = routes::router(state);
    serve_app(listener, app, timeouts.header_read, shutdown).await;
    Ok(())
}

/// Serves `app` until `shutdown` completes, then waits for the requests in
/// flight; `header_read` bounds the wait for a request's head.
async fn serve_app(
    listener: TcpListener,
    app: Router,
    header_read: Option<Duration>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    // Connect info gives handlers the peer address (for per-client limits).
    let mut make_service = app.into_make_service_with_connect_info::<SocketAddr>();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(header_read);

    // Connection tasks learn of the shutdown when `stop` is dropped, and
    // each holds a `done` receiver until it ends: `finished` resolves when
    // the last one has.
    let (stop, stopping) = watch::channel(());
    let (finished, done) = watch::channel(());
    let mut shutdown = pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Answers are small and written whole: send them at once rather
        // than waiting on Nagle's algorithm for the client's delayed ACK.
        if let Err(e) = stream.set_nodelay(true) {
            tracing::debug!(%peer, error = %e, "cannot set TCP_NODELAY");
        }
        let Ok(ready) = ServiceExt::<SocketAddr>::ready(&mut make_service).await;
        let Ok(service) = ready.call(peer).await;
        let connection = http
            .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service))
            .with_upgrades();
        let mut stopping = stopping.clone();
        let done = done.clone();
        tokio::spawn(async move {
            let mut connection = pin!(connection);
            let result = tokio::select! {
                result = connection.as_mut() => result,
                _ = stopping.changed() => {
                    // Finish the request in flight, then close.
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(e) = result {
                tracing::debug!(%peer, error = %e, "connection ended with an error");
            }
            drop(done);
        });
    }
    drop(listener);
    drop(stop);
    drop((stopping, done));
    finished.closed().await;
}

/// A failed `accept`: a client that gave up is nothing; anything else (out
/// of file descriptors) is logged and waited out rather than spun on.
async fn accept_failed(e: io::Error) {
    if matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "cannot accept a connection");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// `router` with the body and request timeouts of `timeouts` (the header
/// timeout belongs to the connection: see [`serve`]).
pub fn with_timeouts<S: Clone + Send + Sync + 'static>(
    router: Router<S>,
    timeouts: Timeouts,
) -> Router<S> {
    let router = match timeouts.request {
        Some(limit) => router.layer(middleware::from_fn_with_state(limit, request_deadline)),
        None => router,
    };
    match timeouts.body_read {
        Some(limit) => router.layer(RequestBodyTimeoutLayer::new(limit)),
        None => router,
    }
}

/// Answers 503 when the request has no answer within `limit`.
async fn request_deadline(State(limit): State<Duration>, req: Request, next: Next) -> Response {
    let route = req.extensions().get::<MatchedPath>().cloned();
    if req.method() == Method::POST && route.as_ref().is_some_and(|r| r.as_str() == IMPORT_UPLOAD) {
        return next.run(req).await;
    }
    let method = req.method().clone();
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(response) => response,
        Err(_) => {
            let route = route.as_ref().map_or("(no route)", MatchedPath::as_str);
            tracing::warn!(%method, route, ?limit, "request timed out");
            AppError::Unavailable(format!("{method} {route} took longer than {limit:?}"))
                .into_response()
        }
    }
}

/// Whether reading a request body failed because it paused for longer than
/// the body timeout (anywhere in `error`'s chain of causes).
#[must_use]
pub fn is_body_timeout(error: &(dyn std::error::Error + 'static)) -> bool {
    std::iter::successors(Some(error), |e| e.source()).any(|e| e.is::<TimeoutError>())
}

/// Completes on Ctrl-C or, on Unix, SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::StatusCode;
    use axum::routing::{get, post};

    /// Handlers that take 300 ms.
    fn slow_app(timeouts: Timeouts) -> Router {
        let slow = || async {
            tokio::time::sleep(Duration::from_millis(300)).await;
            "done"
        };
        with_timeouts(
            Router::new()
                .route("/slow", get(slow))
                .route(IMPORT_UPLOAD, post(slow)),
            timeouts,
        )
    }

    #[tokio::test]
    async fn shutting_down_finishes_the_request_in_flight_and_refuses_new_ones() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(serve_app(
            listener,
            slow_app(request_timeout_only(Duration::from_secs(5))),
            Some(Duration::from_secs(5)),
            async {
                let _ = stopped.await;
            },
        ));
        let in_flight = tokio::spawn(reqwest::get(format!("http://{addr}/slow")));
        tokio::time::sleep(Duration::from_millis(100)).await;
        stop.send(()).unwrap();

        let res = in_flight.await.unwrap().unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.text().await.unwrap(), "done");
        tokio::time::timeout(Duration::from_secs(5), server)
            .await
            .expect("the server stops once the request is answered")
            .unwrap();
        assert!(tokio::net::TcpStream::connect(addr).await.is_err());
    }

    fn request_timeout_only(limit: Duration) -> Timeouts {
        Timeouts {
            header_read: None,
            body_read: None,
            request: Some(limit),
        }
    }

    #[tokio::test]
    async fn a_handler_out_of_time_answers_503_in_our_shape() {
        let app = slow_app(request_timeout_only(Duration::from_millis(50)));
        let res = app
            .oneshot(Request::get("/slow").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(res.headers()["retry-after"], "1");
        let body = axum::body::to_bytes(res.into_body(), 4096).await.unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["error"]["code"], "unavailable");
    }

    #[tokio::test]
    async fn file_import_uploads_are_not_cut_by_the_request_timeout() {
        let app = slow_app(request_timeout_only(Duration::from_millis(50)));
        let res = app
            .oneshot(
                Request::post("/api/v1/admin/partners/7/imports")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
    }
}
