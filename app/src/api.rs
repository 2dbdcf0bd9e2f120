//! The API client: typed calls to `/api/v1` and a typed error the UI can
//! match on.

use gloo_net::http::Request;
use serde::de::DeserializeOwned;
use tanpu_core::api::{ErrorBody, PublicStats};

/// Why a call failed.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// The server could not be reached.
    Network,
    /// The server answered with an error body.
    Server(ErrorBody),
    /// The server answered with something we cannot read.
    Unexpected(u16),
}

async fn get_json<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    let res = Request::get(path)
        .header("accept", "application/json")
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    if res.ok() {
        res.json::<T>()
            .await
            .map_err(|_| ApiError::Unexpected(res.status()))
    } else {
        Err(match res.json::<ErrorBody>().await {
            Ok(body) => ApiError::Server(body),
            Err(_) => ApiError::Unexpected(res.status()),
        })
    }
}

/// `GET /api/v1/public/stats`.
pub async fn public_stats() -> Result<PublicStats, ApiError> {
    get_json("/api/v1/public/stats").await
}
