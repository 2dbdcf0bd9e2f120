//! The citizen app: the shell around the citizen's routes, each page loaded
//! lazily ([`crate::lazy_pages`]) but `/`, which picks the landing page or
//! the dashboard.

use crate::Shell;
use crate::lazy_pages::{
    ActionDetailRoute, ActionsRoute, ClaimRoute, HowItWorksRoute, LeaderboardRoute, LoginRoute,
    PrivacyRoute, ProfileRoute, RegisterRoute, RewardsRoute, VouchersRoute,
};
use crate::pages::{home::Home, not_found::NotFound};
use leptos::prelude::*;
use leptos_router::components::{Route, Routes};
use leptos_router::{Lazy, path};
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
                <Route path=path!("/actions") view={Lazy::<ActionsRoute>::new()} />
                <Route path=path!("/actions/claim") view={Lazy::<ClaimRoute>::new()} />
                <Route path=path!("/actions/:id") view={Lazy::<ActionDetailRoute>::new()} />
                <Route path=path!("/rewards") view={Lazy::<RewardsRoute>::new()} />
                <Route path=path!("/vouchers") view={Lazy::<VouchersRoute>::new()} />
                <Route path=path!("/leaderboard") view={Lazy::<LeaderboardRoute>::new()} />
                <Route path=path!("/how-it-works") view={Lazy::<HowItWorksRoute>::new()} />
                <Route path=path!("/privacy") view={Lazy::<PrivacyRoute>::new()} />
                <Route path=path!("/register") view={Lazy::<RegisterRoute>::new()} />
                <Route path=path!("/login") view={Lazy::<LoginRoute>::new()} />
                <Route path=path!("/me") view={Lazy::<ProfileRoute>::new()} />
            </Routes>
        </Shell>
    }
}
