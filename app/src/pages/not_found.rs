//! Any client route the router does not know: a page of the other build
//! (the citizen app or the staff console), or a page that does not exist.

use crate::components::load_error::Loading;
use crate::handoff;
use crate::i18n::{Msg, use_i18n};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;
use tanpu_core::web::WebBuild;

/// The router's fallback in the build `app`. A path of the other build
/// is loaded from the server, which answers it with that build's page
/// ([`handoff`]).
#[component]
pub fn NotFound(app: WebBuild) -> impl IntoView {
    let i18n = use_i18n();
    // Where the router was sent: a link was followed, or the app navigated
    // (after signing in, or to the sign-in page).
    let location = use_location();
    let path = location.pathname.get_untracked();
    let mut url = path.clone();
    let search = location.search.get_untracked();
    if !search.is_empty() {
        url = format!("{url}?{search}");
    }
    let hash = location.hash.get_untracked();
    if !hash.is_empty() {
        let mark = if hash.starts_with('#') { "" } else { "#" };
        url = format!("{url}{mark}{hash}");
    }
    if handoff::hand_off(app, &path, url) {
        return view! { <Loading /> }.into_any();
    }
    view! {
        <article class="prose">
            <h1>{i18n.tr(Msg::NotFoundTitle)}</h1>
            <p>{i18n.tr(Msg::NotFoundText)}</p>
            <A href="/">{i18n.tr(Msg::BackHome)}</A>
        </article>
    }
    .into_any()
}
