//! The public landing page: what Tanpu is, and what the city has achieved.

use crate::components::fetched::{fetch, loaded};
use crate::i18n::{Msg, use_i18n};
use crate::session::use_auth;
use leptos::prelude::*;
use leptos_router::components::A;
use tanpu_core::api::PublicStats;
use tanpu_core::format::group_thousands;

/// `/`
#[component]
pub fn Landing() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let stats = fetch(|| "/api/v1/public/stats".to_owned());
    view! {
        <section class="hero">
            <h1>{i18n.tr(Msg::HeroTitle)}</h1>
            <p class="lead">{i18n.tr(Msg::HeroLead)}</p>
            {move || auth.user().is_none().then(|| view! {
                <A href="/register" attr:class="button primary">{i18n.tr(Msg::NavRegister)}</A>
            })}
        </section>
        <section class="totals" aria-labelledby="totals-title">
            <h2 id="totals-title">{i18n.tr(Msg::CityTotals)}</h2>
            {loaded(stats, |totals: PublicStats| view! { <CityTotals totals /> }.into_any())}
        </section>
        <p class="more">
            <A href="/how-it-works">{i18n.tr(Msg::LearnHow)}</A>
        </p>
    }
}

/// The three city-wide figures.
#[component]
fn CityTotals(totals: PublicStats) -> impl IntoView {
    let citizens = group_thousands(totals.citizens);
    let co2e = totals.co2e_g.to_display_string();
    let credits = group_thousands(u64::try_from(totals.points_issued.0).unwrap_or(0));
    view! {
        <ul class="stat-list" aria-labelledby="totals-title">
            <Stat label=Msg::StatCitizens value=citizens unit=Some(Msg::StatCitizensUnit) />
            <Stat label=Msg::StatCo2e value=co2e unit=None />
            <Stat label=Msg::StatCredits value=credits unit=Some(Msg::StatCreditsUnit) />
        </ul>
    }
}

/// One figure with its label.
#[component]
fn Stat(label: Msg, value: String, unit: Option<Msg>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <li class="stat">
            <span class="stat-label">{i18n.tr(label)}</span>
            <span class="stat-value">
                {value}
                {move || unit.map(|u| view! { <small>" " {i18n.t(u)}</small> })}
            </span>
        </li>
    }
}
