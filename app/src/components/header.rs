//! The top bar: brand, main navigation, language switch. The links wrap
//! onto more lines on a narrow phone rather than overflow it.

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
                <span>{i18n.tr(Msg::BrandName)}</span>
            </a>
            <nav aria-label=i18n.tr(Msg::NavLabel)>
                <A href="/" exact=true>{i18n.tr(Msg::NavHome)}</A>
                <A href="/how-it-works">{i18n.tr(Msg::NavHowItWorks)}</A>
                <A href="/rewards">{i18n.tr(Msg::NavRewards)}</A>
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
                <A href="/actions">{i18n.tr(Msg::NavActions)}</A>
                <A href="/vouchers">{i18n.tr(Msg::NavVouchers)}</A>
                <A href="/leaderboard">{i18n.tr(Msg::NavLeaderboard)}</A>
                {staff.then(|| view! { <A href="/review">{i18n.tr(Msg::NavReview)}</A> })}
                {admin.then(|| view! {
                    <A href="/admin" exact=true>{i18n.tr(Msg::NavAdmin)}</A>
                    <A href="/admin/rules">{i18n.tr(Msg::NavRules)}</A>
                    <A href="/admin/rewards">{i18n.tr(Msg::NavAdminRewards)}</A>
                })}
                <A href="/me">{i18n.tr(Msg::NavProfile)}</A>
            }
            .into_any()
        } else {
            view! { <A href="/login">{i18n.tr(Msg::NavLogin)}</A> }.into_any()
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
            title=i18n.tr(Msg::SwitchLanguage)
            lang=move || i18n.lang().other().tag()
            on:click=move |_| i18n.set(i18n.lang().other())
        >
            {move || Msg::LanguageName.text(i18n.lang().other())}
        </button>
    }
}
