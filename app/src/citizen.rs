//! The citizen app: the shell around the citizen's routes, each page loaded
//! lazily ([`crate::lazy_pages`]) but `/`, which picks the landing page or
//! the dashboard.

use crate::Shell;
use crate::lazy_pages::Page;
use crate::pages::{home::Home, not_found::NotFound};
use leptos::prelude::*;
use leptos_router::components::{Route, Routes};
use leptos_router::path;
use tanpu_core::web::WebBuild;

/// The citizen app (feature `citizen-app`). Paths of the staff console are
/// not routed here (see [`tanpu_core::web`]): following a link to one loads
/// the console's build.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <Shell app=WebBuild::Citizen>
            <Routes fallback=|| view! { <NotFound app=WebBuild::Citizen /> }>
                <Route path=path!("/") view=Home />
                <Route path=path!("/actions") view=Page::Actions />
                <Route path=path!("/actions/claim") view=Page::Claim />
                <Route path=path!("/actions/:id") view=Page::ActionDetail />
                <Route path=path!("/rewards") view=Page::Rewards />
                <Route path=path!("/vouchers") view=Page::Vouchers />
                <Route path=path!("/leaderboard") view=Page::Leaderboard />
                <Route path=path!("/how-it-works") view=Page::HowItWorks />
                <Route path=path!("/privacy") view=Page::Privacy />
                <Route path=path!("/register") view=Page::Register />
                <Route path=path!("/login") view=Page::Login />
                <Route path=path!("/me") view=Page::Profile />
            </Routes>
        </Shell>
    }
}
