//! The web app: files from the Trunk build, with a fallback to `index.html`
//! for client-side routes, so a deep link such as `/how-it-works` loads the
//! app (status 200) and the app's router takes over.

use super::AppState;
use crate::error::AppError;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use tanpu_core::web::WebBuild;
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

/// The built web app on disk: the citizen app at the root, the staff
/// console in its own folder ([`WebBuild`]).
#[derive(Clone)]
pub struct StaticFiles {
    dir: ServeDir,
    root: PathBuf,
}

impl StaticFiles {
    /// Serves the files under `dist`.
    #[must_use]
    pub fn new(dist: &Path) -> Self {
        Self {
            dir: ServeDir::new(dist).precompressed_br().precompressed_gzip(),
            root: dist.to_owned(),
        }
    }

    /// The page (`index.html`) of a build.
    fn page(&self, build: WebBuild) -> PathBuf {
        self.root.join(build.folder()).join("index.html")
    }
}

/// The fallback of the whole router: unknown API paths are JSON 404s; other
/// paths are files, or the `index.html` of the build whose route they look
/// like (the staff console's for its paths, the citizen app's for the rest).
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

    let Ok(file) = state.static_files.dir.clone().oneshot(req).await;
    let mut res = file.map(Body::new);
    // The page whose policy the answer needs, if it is a page: an `.html`
    // file, or the `index.html` ServeDir answers for a folder (`/`).
    let served = state.static_files.root.join(path.trim_start_matches('/'));
    let mut page = if looks_like_file {
        last_segment.ends_with(".html").then_some(served)
    } else {
        Some(served.join("index.html"))
    };
    if res.status() == StatusCode::NOT_FOUND && !looks_like_file {
        let index = state.static_files.page(WebBuild::for_path(&path));
        let index_req = Request::builder()
            .uri("/index.html")
            .body(Body::empty())
            .unwrap_or_default();
        let Ok(answer) = ServeFile::new(&index).oneshot(index_req).await;
        res = answer.map(Body::new);
        if res.status() == StatusCode::NOT_FOUND {
            return (
                StatusCode::NOT_FOUND,
                "The web app is not built: run `scripts/build-web.sh` or set TANPU_DIST.",
            )
                .into_response();
        }
        page = Some(index);
    }
    let cache = if res.status().is_success() && is_hashed_asset(&path) {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    res.headers_mut().insert(header::CACHE_CONTROL, cache);
    // The page itself, answered in full or as "not modified" (a 304 has no
    // content type, and the browser applies its headers to the cached page,
    // so it needs the page's policy too).
    let page = page.filter(|_| matches!(res.status(), StatusCode::OK | StatusCode::NOT_MODIFIED));
    if let Some(page) = page {
        // Read on every load: index.html is small, and a rebuilt app must
        // not be refused by the hashes of the previous build.
        let page = tokio::fs::read_to_string(&page).await.unwrap_or_default();
        if let Ok(policy) = HeaderValue::from_str(&app_policy(&page)) {
            res.headers_mut()
                .insert(header::CONTENT_SECURITY_POLICY, policy);
        }
    }
    res
}

/// The Content-Security-Policy of the app's page: only its own files, the
/// wasm module (`'wasm-unsafe-eval'` is what lets a page compile
/// WebAssembly), and the inline loader script Trunk writes into
/// `index.html`, allowed by its hash rather than by `'unsafe-inline'`.
/// Inline `style` attributes are allowed (`style-src-attr`), `<style>`
/// elements and inline scripts are not; nothing may frame the page.
#[must_use]
pub fn app_policy(index_html: &str) -> String {
    let hashes: String = inline_scripts(index_html)
        .map(|script| {
            let digest = Sha256::digest(script.as_bytes());
            format!(
                " 'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; \
         style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; \
         connect-src 'self'; font-src 'self'; manifest-src 'self'; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The contents of the `<script>` elements of a page that have no `src`.
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    html.match_indices("<script").filter_map(move |(start, _)| {
        let rest = &html[start..];
        let open_end = rest.find('>')?;
        let tag = &rest[..open_end];
        if tag.contains("src=") {
            return None;
        }
        let body = &rest[open_end + 1..];
        body.find("</script>").map(|end| &body[..end])
    })
}

/// Whether a path names a file whose contents its name pins: the file's
/// name or its folder's carries a content hash. Trunk hashes file names;
/// the split wasm of the citizen app (`scripts/split-wasm.sh`) is a folder
/// of files that name each other, so the folder carries the hash.
fn is_hashed_asset(path: &str) -> bool {
    let mut segments = path.rsplit('/');
    let file = segments.next().unwrap_or_default();
    carries_hash(file) || segments.next().is_some_and(carries_hash)
}

/// Whether a file or folder name carries a content hash, e.g.
/// `tanpu-frontend-1a2b3c4d5e6f7a8b_bg.wasm`, `style-1a2b3c4d5e6f7a8.css`
/// (Trunk's: a 64-bit hash in hex without leading zeros, usually 16 digits,
/// sometimes fewer) or `tanpu-frontend-1a2b3c4d5e6f7a8b`.
fn carries_hash(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        hash.len() >= HASH_MIN_DIGITS && hash.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

#[cfg(test)]
mod tests {
    use super::{app_policy, is_hashed_asset};

    #[test]
    fn the_policy_allows_exactly_the_inline_loader_by_its_hash() {
        let page = "<head><script type=\"module\">init();</script>\
                    <script src=\"/x.js\"></script></head>";
        let policy = app_policy(page);
        // sha256("init();"), base64.
        assert!(
            policy.contains("'sha256-GEnM5q1nYY/iACnyMTdov+tNp9OFcBnnDgNXUXaVNXc='"),
            "{policy}"
        );
        assert_eq!(policy.matches("'sha256-").count(), 1);
        let scripts = policy
            .split(';')
            .find(|d| d.trim_start().starts_with("script-src"))
            .unwrap();
        assert!(!scripts.contains("'unsafe-inline'"), "{scripts}");
        assert!(!scripts.contains("'unsafe-eval'"), "{scripts}");
        assert!(policy.contains("frame-ancestors 'none'"));
    }

    #[test]
    fn trunk_hashes_are_recognised() {
        assert!(is_hashed_asset("/tanpu-frontend-1a2b3c4d5e6f7a8b_bg.wasm"));
        assert!(is_hashed_asset("/tanpu-frontend-1a2b3c4d5e6f7a8b.js"));
        assert!(is_hashed_asset("/style-0123456789abcdef.css"));
        assert!(is_hashed_asset("/staff/favicon-dcce61f90594f7d.svg"));
        assert!(!is_hashed_asset("/tanpu-beef.js"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/favicon.svg"));
        assert!(!is_hashed_asset("/how-it-works"));
    }

    #[test]
    fn files_in_a_hashed_folder_are_hashed_assets() {
        assert!(is_hashed_asset(
            "/tanpu-frontend-1a2b3c4d5e6f7a8b/tanpu-frontend.js"
        ));
        assert!(is_hashed_asset(
            "/tanpu-frontend-1a2b3c4d5e6f7a8b/__wasm_split.js"
        ));
        assert!(is_hashed_asset(
            "/tanpu-frontend-1a2b3c4d5e6f7a8b/split_home.wasm"
        ));
        assert!(!is_hashed_asset("/icons/apple-touch-icon.png"));
        assert!(!is_hashed_asset("/staff/index.html"));
        assert!(!is_hashed_asset("/actions/42"));
    }
}
