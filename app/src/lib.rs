//! tanpu-app: the browser UI of Tanpu as a Leptos (client-side rendered)
//! library. The `frontend` crate's two binaries mount [`App`] (citizens)
//! and [`StaffApp`] (the console); everything the user sees is built here:
//! pages, components, the router, the API client and the i18n catalogue.
//! Each binary links only what its app reaches, so the console's pages are
//! not in the citizen's bundle.

// A build of one app leaves the other's pages unused.
#![cfg_attr(not(feature = "citizen-app"), allow(dead_code, unused_imports))]

mod api;
#[cfg(feature = "citizen-app")]
mod citizen;
mod components;
mod crash;
mod display;
mod files;
mod focus;
mod handoff;
mod i18n;
mod json_text;
#[cfg(feature = "citizen-app")]
mod lazy_pages;
mod pages;
mod session;

#[cfg(feature = "citizen-app")]
pub use citizen::App;
pub use crash::log_panics;

use components::admin_nav::AdminNav;
use components::footer::Footer;
use components::header::Header;
use i18n::provide_i18n;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use pages::admin_audit::AdminAudit;
use pages::admin_citizens::{AdminCitizen, AdminCitizens};
use pages::admin_dashboard::AdminDashboard;
use pages::admin_partners::AdminPartners;
use pages::admin_reports::AdminReports;
use pages::{
    admin_rewards::AdminRewards,
    admin_rules::{AdminRuleEditor, AdminRules},
    not_found::NotFound,
    review::Review,
};
use session::provide_auth;
use tanpu_core::web::WebBuild;

/// What both builds (`app`) share: the session and language, the router, the
/// header and footer around the routed page (`children`, which holds the
/// build's `<Routes>`).
#[component]
fn Shell(app: WebBuild, children: Children) -> impl IntoView {
    handoff::arrived(app);
    provide_i18n();
    provide_auth();
    view! {
        <Router>
            <Header />
            <main id="main">{children()}</main>
            <Footer />
        </Router>
    }
}

/// The staff console: the administrators' pages and the review queue, a
/// build of its own so that none of it weighs on a citizen's first load.
/// Every other path loads the citizen app.
#[component]
pub fn StaffApp() -> impl IntoView {
    view! {
        <Shell app=WebBuild::Staff>
            <AdminNav />
            <Routes fallback=|| view! { <NotFound app=WebBuild::Staff /> }>
                <Route path=path!("/review") view=Review />
                <Route path=path!("/admin") view=AdminDashboard />
                <Route path=path!("/admin/rules") view=AdminRules />
                <Route path=path!("/admin/rules/:id") view=AdminRuleEditor />
                <Route path=path!("/admin/rewards") view=AdminRewards />
                <Route path=path!("/admin/citizens") view=AdminCitizens />
                <Route path=path!("/admin/citizens/:id") view=AdminCitizen />
                <Route path=path!("/admin/partners") view=AdminPartners />
                <Route path=path!("/admin/reports") view=AdminReports />
                <Route path=path!("/admin/audit") view=AdminAudit />
            </Routes>
        </Shell>
    }
}
