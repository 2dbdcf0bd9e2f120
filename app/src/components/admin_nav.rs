//! The administrators' console: its navigation, shown above every admin
//! page (the rules editor, rewards and review pages included, so it is
//! placed once by the app rather than by each page), and the guard that
//! keeps the console's pages to administrators.

use crate::components::require_sign_in::RequireSignIn;
use crate::i18n::{Msg, use_i18n};
use crate::session::use_auth;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;
use tanpu_core::account::Role;
use tanpu_core::web::WebBuild;

/// The console's sections, in the order they are listed.
const SECTIONS: [(&str, Msg); 8] = [
    ("/admin", Msg::AdminNavDashboard),
    ("/admin/citizens", Msg::AdminNavCitizens),
    ("/admin/partners", Msg::AdminNavPartners),
    ("/review", Msg::NavReview),
    ("/admin/rules", Msg::NavRules),
    ("/admin/rewards", Msg::NavAdminRewards),
    ("/admin/reports", Msg::AdminNavReports),
    ("/admin/audit", Msg::AdminNavAudit),
];

/// The console's links, on console pages only: every section for an
/// administrator, the review queue alone for a reviewer.
#[component]
pub fn AdminNav() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let location = use_location();
    let role = Memo::new(move |_| auth.user().map(|u| u.role));
    let shown = Memo::new(move |_| WebBuild::for_path(&location.pathname.get()) == WebBuild::Staff);
    move || {
        let sections: &[(&str, Msg)] = match (shown.get(), role.get()) {
            (true, Some(Role::Admin)) => &SECTIONS,
            (true, Some(Role::Reviewer)) => &SECTIONS[3..4],
            _ => return None,
        };
        Some(view! {
            <nav class="admin-nav" aria-label=i18n.tr(Msg::AdminNavLabel)>
                <ul>
                    {sections.iter().map(|&(href, msg)| view! {
                        <li><A href=href exact=href == "/admin">{i18n.tr(msg)}</A></li>
                    }).collect_view()}
                </ul>
            </nav>
        })
    }
}

/// Renders its children for a signed-in administrator; anyone else signed
/// in is told, under the page's `title`, that the page is not for them.
#[component]
pub fn RequireAdmin(title: Msg, children: ChildrenFn) -> impl IntoView {
    let children = StoredValue::new(children);
    view! {
        <RequireSignIn>
            <AdminOnly title children=children.get_value() />
        </RequireSignIn>
    }
}

#[component]
fn AdminOnly(title: Msg, children: ChildrenFn) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let admin = Memo::new(move |_| auth.user().is_some_and(|u| u.role == Role::Admin));
    move || {
        if admin.get() {
            children().into_any()
        } else {
            view! {
                <h1>{i18n.tr(title)}</h1>
                <p class="notice notice-error" role="alert">{i18n.tr(Msg::ErrForbidden)}</p>
            }
            .into_any()
        }
    }
}
