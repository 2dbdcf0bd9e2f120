//! A closed-loop HTTP load generator for the read benchmarks, and the bare
//! axum server they compare against.
//!
//! Each of `connections` tokio tasks owns one keep-alive connection (its own
//! client with a pool of one) and sends the next request as soon as the
//! last answer's body has been read. Requests are counted and timed only
//! inside the measured window that follows the warm-up, so connection
//! set-up and cold caches stay out of the figures. The generator runs in
//! the same process as the server it measures: on a small machine it takes
//! CPU from the server, which is why every figure is set beside the bare
//! handler's, measured the same way in the same run.

use axum::Router;
use axum::body::Bytes;
use axum::http::header::CONTENT_TYPE;
use axum::routing::get;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One request the load repeats: a URL and an optional bearer token.
#[derive(Clone, Debug)]
pub struct Target {
    /// The full URL.
    pub url: String,
    /// Sent as `Authorization: Bearer …`.
    pub token: Option<String>,
}

/// How long to load and how hard.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    /// Concurrent connections, each with one request in flight.
    pub connections: usize,
    /// Untimed load first.
    pub warm_up: Duration,
    /// The measured window.
    pub measure: Duration,
}

/// What a load measured.
#[derive(Clone, Debug)]
pub struct Measured {
    /// Requests completed inside the window.
    pub requests: u64,
    /// The window.
    pub window: Duration,
    /// Their latencies, sorted.
    pub latencies: Vec<Duration>,
    /// Bytes of the last answer's body.
    pub body_bytes: usize,
}

impl Measured {
    /// Requests per second.
    #[must_use]
    pub fn rate(&self) -> f64 {
        // A rate for display and comparison; precision is moot.
        #[allow(clippy::cast_precision_loss)]
        let count = self.requests as f64;
        count / self.window.as_secs_f64().max(1e-9)
    }

    /// The `q` quantile of the latencies.
    #[must_use]
    pub fn quantile(&self, q: f64) -> Duration {
        quantile(&self.latencies, q)
    }
}

/// The `q` quantile (0–1) of sorted `samples`, by nearest rank; zero for
/// none.
#[must_use]
pub fn quantile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    // An index into a non-empty slice.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let index = ((sorted.len() as f64 - 1.0) * q.clamp(0.0, 1.0)).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

/// Milliseconds with one decimal (two below one millisecond).
#[must_use]
pub fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1_000.0;
    if ms < 1.0 {
        format!("{ms:.2} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

/// Loads `targets` (connection `i` repeats `targets[i % len]`) as `plan`
/// says.
///
/// # Errors
/// A request failed or was answered with anything but 200.
pub async fn drive(targets: &[Target], plan: Plan) -> Result<Measured, String> {
    if targets.is_empty() {
        return Err("nothing to load".to_owned());
    }
    let start = Instant::now() + Duration::from_millis(50);
    let from = start + plan.warm_up;
    let until = from + plan.measure;
    let mut tasks = Vec::with_capacity(plan.connections);
    for i in 0..plan.connections.max(1) {
        let target = targets[i % targets.len()].clone();
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(1)
            .http1_only()
            .build()
            .map_err(|e| e.to_string())?;
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep_until(tokio::time::Instant::from_std(start)).await;
            let mut latencies = Vec::new();
            let mut body_bytes = 0;
            loop {
                let sent = Instant::now();
                if sent >= until {
                    break;
                }
                let body = get_once(&client, &target).await?;
                let done = Instant::now();
                body_bytes = body.len();
                if sent >= from && done <= until {
                    latencies.push(done - sent);
                }
            }
            Ok::<_, String>((latencies, body_bytes))
        }));
    }
    let mut latencies = Vec::new();
    let mut body_bytes = 0;
    for task in tasks {
        let (more, bytes) = task.await.map_err(|e| e.to_string())??;
        latencies.extend(more);
        body_bytes = bytes;
    }
    latencies.sort_unstable();
    Ok(Measured {
        requests: latencies.len() as u64,
        window: plan.measure,
        latencies,
        body_bytes,
    })
}

/// `count` requests to `target` one after another; their latencies, sorted.
///
/// # Errors
/// As [`drive`].
pub async fn sequential(
    client: &reqwest::Client,
    target: &Target,
    count: u32,
) -> Result<Vec<Duration>, String> {
    let mut latencies = Vec::with_capacity(count as usize);
    for _ in 0..count {
        let sent = Instant::now();
        get_once(client, target).await?;
        latencies.push(sent.elapsed());
    }
    latencies.sort_unstable();
    Ok(latencies)
}

/// One `GET`, body read; an error unless the answer is 200.
///
/// # Errors
/// The request failed or the status was not 200.
pub async fn get_once(client: &reqwest::Client, target: &Target) -> Result<Bytes, String> {
    let mut request = client.get(&target.url);
    if let Some(token) = &target.token {
        request = request.bearer_auth(token);
    }
    let res = request
        .send()
        .await
        .map_err(|e| format!("{}: {e}", target.url))?;
    let status = res.status();
    let body = res
        .bytes()
        .await
        .map_err(|e| format!("{}: {e}", target.url))?;
    if status != reqwest::StatusCode::OK {
        return Err(format!(
            "{}: {status}: {}",
            target.url,
            String::from_utf8_lossy(&body)
        ));
    }
    Ok(body)
}

/// A JSON object of exactly `bytes` bytes (at least 12): `{"pad":"xx…"}`.
#[must_use]
pub fn json_of_size(bytes: usize) -> Bytes {
    let pad = bytes.saturating_sub(r#"{"pad":""}"#.len());
    Bytes::from(format!(r#"{{"pad":"{}"}}"#, "x".repeat(pad)))
}

/// Starts the ceiling: a bare axum router on 127.0.0.1:0 answering
/// `GET /ceiling` with `body` as JSON, no middleware, no state. Returns
/// its URL.
///
/// # Errors
/// The port could not be bound.
pub async fn serve_ceiling(body: Bytes) -> Result<String, String> {
    let body = Arc::new(body);
    let app = Router::new().route(
        "/ceiling",
        get(move || {
            let body = Arc::clone(&body);
            async move { ([(CONTENT_TYPE, "application/json")], (*body).clone()) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "bench ceiling server failed");
        }
    });
    Ok(format!("http://{addr}/ceiling"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms_list(values: &[u64]) -> Vec<Duration> {
        values.iter().map(|&v| Duration::from_millis(v)).collect()
    }

    #[test]
    fn quantiles_take_the_nearest_rank() {
        let samples = ms_list(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        assert_eq!(quantile(&samples, 0.0), Duration::from_millis(1));
        assert_eq!(quantile(&samples, 0.5), Duration::from_millis(6));
        assert_eq!(quantile(&samples, 0.99), Duration::from_millis(10));
        assert_eq!(quantile(&samples, 1.0), Duration::from_millis(10));
        assert_eq!(quantile(&[], 0.5), Duration::ZERO);
        assert_eq!(quantile(&ms_list(&[7]), 0.99), Duration::from_millis(7));
    }

    #[test]
    fn the_rate_is_requests_over_the_window() {
        let measured = Measured {
            requests: 5_000,
            window: Duration::from_secs(2),
            latencies: Vec::new(),
            body_bytes: 0,
        };
        assert!((measured.rate() - 2_500.0).abs() < 1e-9);
    }

    #[test]
    fn the_ceiling_body_has_the_size_asked_for() {
        let body = json_of_size(1_234);
        assert_eq!(body.len(), 1_234);
        assert!(serde_json::from_slice::<serde_json::Value>(&body).is_ok());
    }

    #[test]
    fn latencies_print_in_milliseconds() {
        assert_eq!(ms(Duration::from_micros(450)), "0.45 ms");
        assert_eq!(ms(Duration::from_micros(12_340)), "12.3 ms");
    }
}
