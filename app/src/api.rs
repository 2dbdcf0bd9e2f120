//! The API client: typed calls to `/api/v1` and a typed error the UI can
//! match on. Calls that need a signed-in person go through
//! [`crate::session::Auth::call`], which adds the bearer token and refreshes
//! it once when it has expired.

use gloo_net::http::{Method, RequestBuilder};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tanpu_core::api::{ErrorBody, ErrorCode, PublicStats};

/// Why a call failed.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// The server could not be reached.
    Network,
    /// The server answered with an error body.
    Server {
        /// HTTP status.
        status: u16,
        /// The body.
        body: ErrorBody,
    },
    /// The server answered with something we cannot read.
    Unexpected(u16),
}

impl ApiError {
    /// The error's machine code, if the server sent one.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Self::Server { body, .. } => Some(body.error.code),
            _ => None,
        }
    }

    /// `(field, reason)` when the server blamed one field of the request.
    pub fn field_reason(&self) -> Option<(String, String)> {
        let Self::Server { body, .. } = self else {
            return None;
        };
        let details = &body.error.details;
        let field = details.get("field")?.as_str()?;
        let reason = details.get("reason")?.as_str()?;
        Some((field.to_owned(), reason.to_owned()))
    }

    /// Whether the answer was 401 (no valid credentials).
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, Self::Server { status: 401, .. })
    }
}

/// A body to send, or none.
pub type NoBody = ();

/// Sends a request and decodes the JSON answer. `T = ()` accepts an empty
/// answer (204).
pub async fn send<B: Serialize, T: DeserializeOwned>(
    method: Method,
    path: &str,
    body: Option<&B>,
    token: Option<&str>,
) -> Result<T, ApiError> {
    let mut builder = RequestBuilder::new(path)
        .method(method)
        .header("accept", "application/json");
    if let Some(token) = token {
        builder = builder.header("authorization", &format!("Bearer {token}"));
    }
    let request = match body {
        Some(body) => builder.json(body).map_err(|_| ApiError::Unexpected(0))?,
        None => builder.build().map_err(|_| ApiError::Unexpected(0))?,
    };
    let res = request.send().await.map_err(|_| ApiError::Network)?;
    let status = res.status();
    if res.ok() {
        let text = res.text().await.map_err(|_| ApiError::Unexpected(status))?;
        let text = if text.is_empty() { "null" } else { &text };
        serde_json::from_str(text).map_err(|_| ApiError::Unexpected(status))
    } else {
        Err(match res.json::<ErrorBody>().await {
            Ok(body) => ApiError::Server { status, body },
            Err(_) => ApiError::Unexpected(status),
        })
    }
}

/// `GET /api/v1/public/stats`.
pub async fn public_stats() -> Result<PublicStats, ApiError> {
    send::<NoBody, _>(Method::GET, "/api/v1/public/stats", None, None).await
}
