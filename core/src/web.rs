//! The web app is two builds: the citizen app, which a phone loads on the
//! bus and must stay small, and the staff console (administration and the
//! review queue), which only staff ever load. The server picks the build
//! whose page a path belongs to, and each build hands a path that belongs to
//! the other one back to the server with a full load; both ask this module,
//! so they can never disagree and bounce a path between them.

/// The cookie that tells the page, before it asks the server, that this
/// browser holds a session: set beside the httpOnly refresh cookie, for as
/// long, and cleared with it. It carries nothing secret (its value is `1`);
/// a visitor's page without it shows the signed-out page at once instead of
/// waiting for `/api/v1/auth/refresh` to refuse (docs/PERFORMANCE.md,
/// session 22).
pub const SESSION_HINT_COOKIE: &str = "tanpu_session";

/// Whether a page's cookies (`document.cookie`: `name=value` pairs joined
/// by `; `) hold the session hint.
#[must_use]
pub fn has_session_hint(cookies: &str) -> bool {
    cookies
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .any(|(name, _)| name == SESSION_HINT_COOKIE)
}

/// One build of the web app.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WebBuild {
    /// Everything a citizen (or a visitor) sees.
    Citizen,
    /// The administrators' console and the reviewers' queue.
    Staff,
}

impl WebBuild {
    /// The build whose page serves `path` (a URL path, without its query).
    #[must_use]
    pub fn for_path(path: &str) -> Self {
        let staff =
            matches!(path, "/admin" | "/review" | "/review/") || path.starts_with("/admin/");
        if staff { Self::Staff } else { Self::Citizen }
    }

    /// The build's folder inside the web root: its `index.html` and the
    /// files it names (which it requests under `/<folder>/`).
    #[must_use]
    pub fn folder(self) -> &'static str {
        match self {
            Self::Citizen => "",
            Self::Staff => "staff",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{WebBuild, has_session_hint};

    #[test]
    fn the_session_hint_is_found_by_its_exact_name() {
        assert!(has_session_hint("tanpu_session=1"));
        assert!(has_session_hint("lang=en; tanpu_session=1; theme=dark"));
        assert!(!has_session_hint(""));
        assert!(!has_session_hint("lang=en"));
        assert!(!has_session_hint("my_tanpu_session=1; tanpu_session_x=1"));
        assert!(!has_session_hint("lang=tanpu_session=1"));
    }

    #[test]
    fn console_and_review_paths_belong_to_the_staff_build() {
        for path in ["/admin", "/admin/", "/admin/rules/3", "/review", "/review/"] {
            assert_eq!(WebBuild::for_path(path), WebBuild::Staff, "{path}");
        }
    }

    #[test]
    fn every_other_path_belongs_to_the_citizen_build() {
        for path in [
            "/",
            "/actions/12",
            "/administrator",
            "/reviews",
            "/me",
            "/staff",
            "/login",
        ] {
            assert_eq!(WebBuild::for_path(path), WebBuild::Citizen, "{path}");
        }
    }
}
