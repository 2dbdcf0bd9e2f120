//! Handing a path to the other build of the web app ([`WebBuild`]): the
//! router of one build does not know the other's pages, so the browser
//! loads the path afresh and the server answers with the right build.
//!
//! A server that answers every path with the same page (Trunk's
//! development server builds only the citizen app) would send the path
//! straight back, forever; the path being handed off is kept in session
//! storage, and a second hand-off of the same path in a row is refused.

use std::time::Duration;
use tanpu_core::web::WebBuild;

/// Session-storage key of the path last handed off.
const KEY: &str = "tanpu.handoff";

/// Called by `build`'s router for a location it has no route for
/// (`path`, and `url`: the path with its query and fragment): `true` if
/// the browser is being sent to the build that has it, `false` if the path
/// is this build's own (a page that does not exist) or was just handed off
/// and came back.
#[must_use]
pub fn hand_off(build: WebBuild, path: &str, url: String) -> bool {
    if WebBuild::for_path(path) == build {
        return false;
    }
    let Some(window) = web_sys::window() else {
        return false;
    };
    // Storage may be refused (private browsing): the hand-off still works,
    // only the guard against a loop is lost.
    if let Ok(Some(storage)) = window.session_storage() {
        if storage.get_item(KEY).ok().flatten().as_deref() == Some(path) {
            let _ = storage.remove_item(KEY);
            return false;
        }
        let _ = storage.set_item(KEY, path);
    }
    // The router renders the new route before it writes the URL into the
    // history (it waits for the route to be ready), so this runs on the
    // next task, after that write, and replaces the entry it made.
    leptos::prelude::set_timeout(
        move || {
            if let Some(window) = web_sys::window() {
                let _ = window.location().replace(&url);
            }
        },
        Duration::ZERO,
    );
    true
}

/// Called when `build` starts: a hand-off to it has arrived, so the same
/// path may be handed off again later.
pub fn arrived(build: WebBuild) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let here = window.location().pathname().unwrap_or_default();
    if WebBuild::for_path(&here) == build
        && let Ok(Some(storage)) = window.session_storage()
    {
        let _ = storage.remove_item(KEY);
    }
}
