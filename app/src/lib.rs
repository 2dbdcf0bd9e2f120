//! tanpu-app: the browser UI of Tanpu as a Leptos (client-side rendered)
//! library. The `frontend` crate mounts [`App`]; everything the user sees is
//! built here: pages, components, the router, the API client and the i18n
//! catalogue.

mod api;
mod components;
mod i18n;
mod pages;

use components::header::Header;
use i18n::provide_i18n;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use pages::{how_it_works::HowItWorks, landing::Landing, not_found::NotFound};

/// The whole app: header, routed page, footer.
#[component]
pub fn App() -> impl IntoView {
    provide_i18n();
    view! {
        <Router>
            <Header />
            <main id="main">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=Landing />
                    <Route path=path!("/how-it-works") view=HowItWorks />
                </Routes>
            </main>
        </Router>
    }
}
