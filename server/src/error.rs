//! The one error type of the HTTP layer and its mapping to a status and the
//! JSON body `{"error": {"code", "message", "details"}}`.
//!
//! Server-side failures (5xx) are logged with their cause and answered with a
//! generic message: a partner or citizen never sees SQL or a stack trace.

use crate::services::ServiceError;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tanpu_core::api::{ErrorBody, ErrorCode, ErrorDetail};

/// Everything a handler can answer instead of success.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No such route or resource.
    #[error("not found")]
    NotFound,
    /// The route exists but not with this method.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// The body is not JSON: a syntax error at a position.
    #[error("the body is not valid JSON: {message}")]
    InvalidJson {
        /// serde_json's description.
        message: String,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
    },
    /// JSON of the wrong shape, or values we do not accept.
    #[error("{message}")]
    Validation {
        /// For a person.
        message: String,
        /// For a machine: which field and why.
        details: Value,
    },
    /// The body is larger than this route accepts.
    #[error("the body is larger than {limit_bytes} bytes")]
    PayloadTooLarge {
        /// The route's limit.
        limit_bytes: usize,
    },
    /// The body is not `application/json`.
    #[error("send the body as application/json")]
    UnsupportedMediaType,
    /// The body stopped arriving for longer than the server waits (a slow
    /// or stalled client).
    #[error("the request body stopped arriving; send it again")]
    RequestTimeout,
    /// No valid credentials.
    #[error("{0}")]
    Unauthorized(&'static str),
    /// The credentials do not allow this.
    #[error("you are not allowed to do this")]
    Forbidden,
    /// The account is frozen.
    #[error("this account is frozen; contact the city's carbon-inclusion service")]
    AccountFrozen,
    /// Too many requests.
    #[error("too many requests; try again in {retry_after_secs} seconds")]
    RateLimited {
        /// Seconds until the caller may retry.
        retry_after_secs: u64,
    },
    /// The state forbids it (e.g. a taken login).
    #[error("{message}")]
    Conflict {
        /// For a person.
        message: String,
        /// For a machine.
        details: Value,
    },
    /// The database (or another dependency) cannot be reached now.
    #[error("the service is unavailable; try again shortly")]
    Unavailable(String),
    /// A bug or an unexpected failure; the cause goes to the log only.
    #[error("internal error")]
    Internal(String),
}

impl AppError {
    fn status_and_code(&self) -> (StatusCode, ErrorCode) {
        match self {
            Self::NotFound => (StatusCode::NOT_FOUND, ErrorCode::NotFound),
            Self::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, ErrorCode::MethodNotAllowed),
            Self::InvalidJson { .. } => (StatusCode::BAD_REQUEST, ErrorCode::InvalidJson),
            Self::Validation { .. } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::ValidationFailed,
            ),
            Self::PayloadTooLarge { .. } => {
                (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::PayloadTooLarge)
            }
            Self::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::UnsupportedMediaType,
            ),
            Self::RequestTimeout => (StatusCode::REQUEST_TIMEOUT, ErrorCode::RequestTimeout),
            Self::Conflict { .. } => (StatusCode::CONFLICT, ErrorCode::Conflict),
            Self::Unauthorized(_) => (StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized),
            Self::Forbidden => (StatusCode::FORBIDDEN, ErrorCode::Forbidden),
            Self::AccountFrozen => (StatusCode::FORBIDDEN, ErrorCode::AccountFrozen),
            Self::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited),
            Self::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, ErrorCode::Unavailable),
            Self::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal),
        }
    }

    fn details(&self) -> Value {
        match self {
            Self::InvalidJson { line, column, .. } => json!({ "line": line, "column": column }),
            Self::Validation { details, .. } | Self::Conflict { details, .. } => details.clone(),
            Self::PayloadTooLarge { limit_bytes } => json!({ "limit_bytes": limit_bytes }),
            Self::RateLimited { retry_after_secs } => {
                json!({ "retry_after_secs": retry_after_secs })
            }
            _ => Value::Null,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        match &self {
            Self::Internal(cause) => tracing::error!(%cause, "internal error"),
            Self::Unavailable(cause) => tracing::warn!(%cause, "dependency unavailable"),
            _ => {}
        }
        let body = ErrorBody {
            error: ErrorDetail {
                code,
                message: self.to_string(),
                details: self.details(),
            },
        };
        let mut res = (status, Json(body)).into_response();
        if let Self::RateLimited { retry_after_secs } = self {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        if status == StatusCode::SERVICE_UNAVAILABLE {
            // Busy or briefly unreachable: a second is a fair first wait.
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        if status == StatusCode::REQUEST_TIMEOUT {
            // The rest of a stalled body may still come: never read it as
            // the next request.
            res.headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        if status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"tanpu\""),
            );
        }
        res
    }
}

impl From<ServiceError> for AppError {
    fn from(err: ServiceError) -> Self {
        match err {
            ServiceError::Invalid { field, reason } => Self::Validation {
                message: format!("{field}: {reason}"),
                details: json!({ "field": field, "reason": reason }),
            },
            ServiceError::Conflict {
                field,
                reason,
                message,
            } => Self::Conflict {
                message,
                details: json!({ "field": field, "reason": reason }),
            },
            ServiceError::Unauthenticated(message) => Self::Unauthorized(message),
            ServiceError::Forbidden => Self::Forbidden,
            ServiceError::NotFound => Self::NotFound,
            ServiceError::AccountFrozen => Self::AccountFrozen,
            ServiceError::RateLimited { retry_after_secs } => {
                Self::RateLimited { retry_after_secs }
            }
            ServiceError::Unavailable(cause) => Self::Unavailable(cause),
            ServiceError::Internal(cause) => Self::Internal(cause),
        }
    }
}
