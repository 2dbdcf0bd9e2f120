//! Extractors whose rejections are [`AppError`]s, so malformed input gets the
//! same JSON error shape as everything else.

use crate::error::AppError;
use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// The largest JSON body the API accepts unless a route says otherwise.
pub const API_BODY_LIMIT_BYTES: usize = 64 * 1024;

/// A JSON body: `application/json`, within the size limit, and of the
/// expected shape (request types refuse unknown fields).
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"));
        if !is_json {
            return Err(AppError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                AppError::PayloadTooLarge {
                    limit_bytes: API_BODY_LIMIT_BYTES,
                }
            } else if crate::http::is_body_timeout(&rejection) {
                AppError::RequestTimeout
            } else {
                AppError::Validation {
                    message: format!("the body could not be read: {rejection}"),
                    details: Value::Null,
                }
            }
        })?;
        parse(&bytes).map(ApiJson)
    }
}

/// Parses JSON, telling a syntax error (400, with its position) from a
/// well-formed body of the wrong shape (422, with the reason).
pub(super) fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    serde_json::from_slice(bytes).map_err(|e| {
        use serde_json::error::Category;
        match e.classify() {
            Category::Syntax | Category::Eof | Category::Io => AppError::InvalidJson {
                message: e.to_string(),
                line: e.line(),
                column: e.column(),
            },
            Category::Data => AppError::Validation {
                message: e.to_string(),
                details: json!({ "line": e.line(), "column": e.column() }),
            },
        }
    })
}

/// Query parameters whose rejection is our JSON error (422 naming the
/// problem) rather than axum's plain-text 400.
pub struct ApiQuery<T>(pub T);

impl<T, S> axum::extract::FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| Self(value))
            .map_err(|rejection| AppError::Validation {
                message: rejection.body_text(),
                details: Value::Null,
            })
    }
}

/// Path parameters. A segment that does not parse (an id beyond `i64`, a
/// word where a number belongs) names no resource: 404 in our shape, not
/// axum's plain-text 400.
pub struct ApiPath<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(Self(value)),
            Err(rejection) => match rejection {
                // A route without the parameters it names is our bug.
                PathRejection::MissingPathParams(e) => Err(AppError::Internal(e.to_string())),
                _ => Err(AppError::NotFound),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tanpu_core::api::RegisterRequest;

    #[test]
    fn syntax_errors_carry_their_position() {
        let err = parse::<RegisterRequest>(b"{\n  \"login\": ,").unwrap_err();
        assert!(
            matches!(
                err,
                AppError::InvalidJson {
                    line: 2,
                    column: 12,
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn unknown_fields_are_a_validation_error() {
        let err = parse::<RegisterRequest>(
            br#"{"login":"a@b.cn","password":"p","nickname":"n","consent":true,"admin":true}"#,
        )
        .unwrap_err();
        assert!(matches!(err, AppError::Validation { .. }), "{err:?}");
    }
}
