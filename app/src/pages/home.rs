//! `/`: the landing page for visitors, the citizen's dashboard once signed
//! in.

use crate::components::action_row::ActionRow;
use crate::components::fetched::{fetch, loaded};
use crate::components::load_error::Loading;
use crate::components::week_chart::WeekChart;
use crate::display::trees;
use crate::i18n::{Msg, use_i18n};
use crate::lazy_pages;
use crate::pages::landing::Landing;
use crate::session::{SessionState, use_auth};
use leptos::prelude::*;
use leptos_router::components::A;
use tanpu_core::api::MeSummary;
use tanpu_core::format::group_thousands;

/// `/`
#[component]
pub fn Home() -> impl IntoView {
    let auth = use_auth();
    let status = Memo::new(move |_| match auth.state() {
        SessionState::Restoring => 0,
        SessionState::SignedOut => 1,
        SessionState::SignedIn(_) => 2,
    });
    // The landing page is in the main module, the dashboard in the `home`
    // group (`lazy_pages`): fetched, the first time, before it shows.
    move || match status.get() {
        0 => view! { <Loading /> }.into_any(),
        1 => view! { <Landing /> }.into_any(),
        _ => Suspend::new(lazy_pages::dashboard()).into_any(),
    }
}

/// The signed-in citizen's dashboard.
#[component]
pub fn Dashboard() -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let summary = fetch(|| "/api/v1/me/summary".to_owned());
    let nickname = move || auth.user().map(|u| u.nickname).unwrap_or_default();
    view! {
        <h1>{i18n.tr(Msg::Hello)} {nickname}</h1>
        {loaded(summary, |summary: MeSummary| view! { <SummaryView summary /> }.into_any())}
    }
}

#[component]
fn SummaryView(summary: MeSummary) -> impl IntoView {
    let i18n = use_i18n();
    let balance = group_thousands(u64::try_from(summary.balance.0).unwrap_or(0));
    let month = summary.co2e_g_month.to_display_string();
    let total = summary.co2e_g_total.to_display_string();
    let total_g = summary.co2e_g_total.0;
    let streak = summary.streak_days;
    let recent = summary.recent;
    view! {
        <ul class="stat-list" aria-label=i18n.tr(Msg::NavHome)>
            <li class="stat">
                <span class="stat-label">{i18n.tr(Msg::HomeBalance)}</span>
                <span class="stat-value">{balance}</span>
            </li>
            <li class="stat">
                <span class="stat-label">{i18n.tr(Msg::HomeCo2eMonth)}</span>
                <span class="stat-value">{month}</span>
            </li>
            <li class="stat">
                <span class="stat-label">{i18n.tr(Msg::HomeCo2eTotal)}</span>
                <span class="stat-value">{total}</span>
                <span class="stat-note">{move || trees(i18n.lang(), total_g)}</span>
            </li>
            <li class="stat">
                <span class="stat-label">{i18n.tr(Msg::HomeStreak)}</span>
                <span class="stat-value">{streak}<small>" " {i18n.tr(Msg::DaysUnit)}</small></span>
            </li>
        </ul>
        <p class="muted small">{i18n.tr(Msg::TreeSource)}</p>
        <WeekChart weeks=summary.weeks />
        <section aria-labelledby="recent-title">
            <h2 id="recent-title">{i18n.tr(Msg::RecentTitle)}</h2>
            {if recent.is_empty() {
                view! {
                    <p>{i18n.tr(Msg::NoActionsYet)}</p>
                    <A href="/me" attr:class="button primary">{i18n.tr(Msg::BindNow)}</A>
                }
                .into_any()
            } else {
                view! {
                    <ul class="action-list" aria-labelledby="recent-title">
                        {recent.into_iter().map(|item| view! { <ActionRow item=item.into() /> }).collect_view()}
                    </ul>
                    <A href="/actions">{i18n.tr(Msg::SeeAll)}</A>
                }
                .into_any()
            }}
        </section>
    }
}
