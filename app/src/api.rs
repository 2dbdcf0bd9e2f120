//! The API client: typed calls to `/api/v1` and a typed error the UI can
//! match on. Calls that need a signed-in person go through
//! [`crate::session::Auth::call`], which adds the bearer token and refreshes
//! it once when it has expired.

use gloo_net::http::{Method, RequestBuilder};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tanpu_core::api::{ErrorBody, ErrorCode};
use wasm_bindgen::JsValue;

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
        let field = self.detail("field")?;
        let reason = self.detail("reason")?;
        Some((field.to_owned(), reason.to_owned()))
    }

    /// The stable reason code in `details.reason`, if any (e.g.
    /// `out_of_stock` for a refused redemption).
    pub fn reason(&self) -> Option<&str> {
        self.detail("reason")
    }

    fn detail(&self, key: &str) -> Option<&str> {
        let Self::Server { body, .. } = self else {
            return None;
        };
        body.error.details.get(key)?.as_str()
    }

    /// Whether the answer was 401 (no valid credentials).
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, Self::Server { status: 401, .. })
    }
}

/// A body to send, or none.
pub type NoBody = ();

/// A request body as JSON text.
///
/// # Errors
/// [`ApiError::Unexpected`] if it cannot be written (a bug).
pub fn encode<B: Serialize>(body: Option<&B>) -> Result<Option<String>, ApiError> {
    body.map(serde_json::to_string)
        .transpose()
        .map_err(|_| ApiError::Unexpected(0))
}

/// A successful answer's JSON text as `T`; an empty answer (204) reads as
/// `null`, which `T = ()` accepts.
///
/// # Errors
/// [`ApiError::Unexpected`] if the text is not a `T`.
pub fn decode<T: DeserializeOwned>(status: u16, text: &str) -> Result<T, ApiError> {
    let text = if text.is_empty() { "null" } else { text };
    serde_json::from_str(text).map_err(|_| ApiError::Unexpected(status))
}

/// Sends a request with a JSON body (or none) and returns the status and
/// text of a successful answer. It is not generic, so the wasm bundle holds
/// one copy of the HTTP code however many types the app sends and reads;
/// [`send`] and [`crate::session::Auth::call`] wrap it in [`encode`] and
/// [`decode`]. `idempotency_key` goes in the `Idempotency-Key` header, so a
/// retry of the same request is recognised by the server.
///
/// # Errors
/// [`ApiError::Network`] when the server cannot be reached,
/// [`ApiError::Server`] with its error body for an error answer.
pub async fn exchange(
    method: Method,
    path: &str,
    body: Option<&str>,
    token: Option<&str>,
    idempotency_key: Option<&str>,
) -> Result<(u16, String), ApiError> {
    let body = body.map(|json| Payload {
        content: JsValue::from_str(json),
        content_type: "application/json",
    });
    exchange_payload(method, path, body, token, idempotency_key).await
}

/// A request body: JSON text, or a file the person picked (a `File` is a
/// `Blob`, which the browser streams without copying it into wasm memory).
#[derive(Clone, Debug)]
pub struct Payload {
    /// A JS string or `Blob`.
    pub content: JsValue,
    /// Its media type.
    pub content_type: &'static str,
}

/// [`exchange`] with any [`Payload`]: the one copy of the HTTP code.
///
/// # Errors
/// As [`exchange`].
pub async fn exchange_payload(
    method: Method,
    path: &str,
    body: Option<Payload>,
    token: Option<&str>,
    idempotency_key: Option<&str>,
) -> Result<(u16, String), ApiError> {
    let mut builder = RequestBuilder::new(path)
        .method(method)
        .header("accept", "application/json");
    if let Some(token) = token {
        builder = builder.header("authorization", &format!("Bearer {token}"));
    }
    if let Some(key) = idempotency_key {
        builder = builder.header("idempotency-key", key);
    }
    let request = match body {
        Some(payload) => builder
            .header("content-type", payload.content_type)
            .body(payload.content),
        None => builder.build(),
    }
    .map_err(|_| ApiError::Unexpected(0))?;
    let res = request.send().await.map_err(|_| ApiError::Network)?;
    let status = res.status();
    if res.ok() {
        let text = res.text().await.map_err(|_| ApiError::Unexpected(status))?;
        Ok((status, text))
    } else {
        Err(match res.json::<ErrorBody>().await {
            Ok(body) => ApiError::Server { status, body },
            Err(_) => ApiError::Unexpected(status),
        })
    }
}

/// Sends a request without credentials and decodes the JSON answer.
///
/// # Errors
/// As [`exchange`], and [`ApiError::Unexpected`] for an unreadable answer.
pub async fn send<B: Serialize, T: DeserializeOwned>(
    method: Method,
    path: &str,
    body: Option<&B>,
    token: Option<&str>,
) -> Result<T, ApiError> {
    let body = encode(body)?;
    let (status, text) = exchange(method, path, body.as_deref(), token, None).await?;
    decode(status, &text)
}

/// A fresh `Idempotency-Key`: 128 random bits from the browser's
/// cryptographic generator, as a UUID string.
pub fn idempotency_key() -> String {
    let crypto = web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &wasm_bindgen::JsValue::from_str("crypto")).ok());
    crypto
        .and_then(|c| {
            let f =
                js_sys::Reflect::get(&c, &wasm_bindgen::JsValue::from_str("randomUUID")).ok()?;
            let f: &js_sys::Function = wasm_bindgen::JsCast::dyn_ref(&f)?;
            f.call0(&c).ok()?.as_string()
        })
        // Old browsers without randomUUID: time and Math.random still make a
        // key that this citizen will not repeat.
        .unwrap_or_else(|| {
            format!(
                "{:x}-{:x}",
                js_sys::Date::now() as u64,
                (js_sys::Math::random() * 9_007_199_254_740_991.0) as u64
            )
        })
}
