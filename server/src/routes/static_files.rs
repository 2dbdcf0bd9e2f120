//! The web app: files from the Trunk build, with a fallback to `index.html`
//! for client-side routes, so a deep link such as `/how-it-works` loads the
//! app (status 200) and the app's router takes over.

use super::AppState;
use crate::error::AppError;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::path::Path;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

/// Trunk names every built asset `<name>-<hash>.<ext>`: such a file never
/// changes, so browsers may keep it for a year.
const IMMUTABLE: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");
/// Fewer hex digits than this is a word, not a hash (`how-it-works`).
const HASH_MIN_DIGITS: usize = 10;

/// Everything else (chiefly `index.html`, which names the current hashes)
/// must be revalidated on every load.
const REVALIDATE: HeaderValue = HeaderValue::from_static("no-cache");

/// The built web app on disk.
#[derive(Clone)]
pub struct StaticFiles {
    dir: ServeDir,
    index: ServeFile,
}

impl StaticFiles {
    /// Serves the files under `dist`.
    #[must_use]
    pub fn new(dist: &Path) -> Self {
        Self {
            dir: ServeDir::new(dist).precompressed_br().precompressed_gzip(),
            index: ServeFile::new(dist.join("index.html")),
        }
    }
}

/// The fallback of the whole router: unknown API paths are JSON 404s; other
/// paths are files, or the app's `index.html` when they look like a route.
pub async fn serve(State(state): State<AppState>, req: Request) -> Response {
    let path = req.uri().path().to_owned();
    if path == "/api" || path.starts_with("/api/") {
        return AppError::NotFound.into_response();
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return AppError::MethodNotAllowed.into_response();
    }
    let last_segment = path.rsplit('/').next().unwrap_or_default();
    let looks_like_file = last_segment.contains('.');

    let Ok(file) = state.static_files.dir.oneshot(req).await;
    let mut res = file.map(Body::new);
    if res.status() == StatusCode::NOT_FOUND && !looks_like_file {
        let index_req = Request::builder()
            .uri("/index.html")
            .body(Body::empty())
            .unwrap_or_default();
        let Ok(index) = state.static_files.index.oneshot(index_req).await;
        res = index.map(Body::new);
        if res.status() == StatusCode::NOT_FOUND {
            return (
                StatusCode::NOT_FOUND,
                "The web app is not built: run `trunk build --release` or set TANPU_DIST.",
            )
                .into_response();
        }
    }
    let cache = if res.status().is_success() && is_hashed_asset(last_segment) {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    res.headers_mut().insert(header::CACHE_CONTROL, cache);
    res
}

/// Whether a file name carries Trunk's content hash, e.g.
/// `tanpu-frontend-1a2b3c4d5e6f7a8b_bg.wasm` or `style-1a2b3c4d5e6f7a8.css`
/// (a 64-bit hash in hex without leading zeros: usually 16 digits, sometimes
/// fewer).
fn is_hashed_asset(file_name: &str) -> bool {
    let stem = file_name.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        hash.len() >= HASH_MIN_DIGITS && hash.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

#[cfg(test)]
mod tests {
    use super::is_hashed_asset;

    #[test]
    fn trunk_hashes_are_recognised() {
        assert!(is_hashed_asset("tanpu-frontend-1a2b3c4d5e6f7a8b_bg.wasm"));
        assert!(is_hashed_asset("tanpu-frontend-1a2b3c4d5e6f7a8b.js"));
        assert!(is_hashed_asset("style-0123456789abcdef.css"));
        assert!(is_hashed_asset("favicon-dcce61f90594f7d.svg"));
        assert!(!is_hashed_asset("tanpu-beef.js"));
        assert!(!is_hashed_asset("index.html"));
        assert!(!is_hashed_asset("favicon.svg"));
        assert!(!is_hashed_asset("how-it-works"));
    }
}
