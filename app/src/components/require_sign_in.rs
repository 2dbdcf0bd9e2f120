//! Pages for signed-in people: wait for the session to be restored, send a
//! signed-out visitor to the sign-in page.

use crate::components::load_error::Loading;
use crate::session::{SessionState, use_auth};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;

/// Renders its children only for a signed-in person. Only the signed-in /
/// signed-out transition re-renders them, not every silent token refresh
/// (which would wipe half-filled forms).
#[component]
pub fn RequireSignIn(children: ChildrenFn) -> impl IntoView {
    let auth = use_auth();
    let navigate = use_navigate();
    let status = Memo::new(move |_| match auth.state() {
        SessionState::Restoring => 0,
        SessionState::SignedOut => 1,
        SessionState::SignedIn(_) => 2,
    });
    // Navigate from an effect, after the router has settled on this URL, so
    // the sign-in page and the address bar always agree.
    Effect::new(move |_| {
        if status.get() == 1 {
            navigate(
                "/login",
                NavigateOptions {
                    replace: true,
                    ..NavigateOptions::default()
                },
            );
        }
    });
    move || match status.get() {
        2 => children().into_any(),
        _ => view! { <Loading /> }.into_any(),
    }
}
