//! The top bar: brand, main navigation, language switch.

use crate::i18n::{Msg, use_i18n};
use crate::session::use_auth;
use leptos::prelude::*;
use leptos_router::components::A;
use tanpu_core::account::Role;

/// The header on every page.
#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <header class="top-bar">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"🌱"</span>
                <span>{move || i18n.t(Msg::BrandName)}</span>
            </a>
            <nav aria-label=move || i18n.t(Msg::NavLabel)>
                <A href="/" exact=true>{move || i18n.t(Msg::NavHome)}</A>
                <A href="/how-it-works">{move || i18n.t(Msg::NavHowItWorks)}</A>
                <AccountLink />
            </nav>
            <LanguageSwitch />
        </header>
    }
}

/// "My account" when signed in, "Sign in" otherwise.
#[component]
fn AccountLink() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let signed_in = Memo::new(move |_| auth.user().is_some());
    move || {
        if signed_in.get() {
            let role = auth.user().map(|u| u.role);
            let staff = matches!(role, Some(Role::Reviewer | Role::Admin));
            let admin = role == Some(Role::Admin);
            view! {
                <A href="/actions">{move || i18n.t(Msg::NavActions)}</A>
                {staff.then(|| view! { <A href="/review">{move || i18n.t(Msg::NavReview)}</A> })}
                {admin.then(|| view! { <A href="/admin/rules">{move || i18n.t(Msg::NavRules)}</A> })}
                <A href="/me">{move || i18n.t(Msg::NavProfile)}</A>
            }
            .into_any()
        } else {
            view! { <A href="/login">{move || i18n.t(Msg::NavLogin)}</A> }.into_any()
        }
    }
}

/// A button naming the other language in that language ("English" / "中文").
#[component]
fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button
            type="button"
            class="lang-switch"
            title=move || i18n.t(Msg::SwitchLanguage)
            lang=move || i18n.lang().other().tag()
            on:click=move |_| i18n.set(i18n.lang().other())
        >
            {move || Msg::LanguageName.text(i18n.lang().other())}
        </button>
    }
}
