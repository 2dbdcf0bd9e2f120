//! `/leaderboard`: who saved the most CO2e in the last 7 days or this month,
//! among the citizens who chose to take part. It shows nicknames only; the
//! switch to take part says so next to it.

use crate::components::fetched::{fetch, loaded};
use crate::components::form::{FormError, show_api_error};
use crate::components::require_sign_in::RequireSignIn;
use crate::components::submission::Submission;
use crate::display::your_rank;
use crate::i18n::{Msg, use_i18n};
use gloo_net::http::Method;
use leptos::prelude::*;
use tanpu_core::api::{Leaderboard as Board, LeaderboardChoice, LeaderboardPeriod};

/// `/leaderboard`
#[component]
pub fn Leaderboard() -> impl IntoView {
    view! { <RequireSignIn><BoardPage /></RequireSignIn> }
}

#[component]
fn BoardPage() -> impl IntoView {
    let i18n = use_i18n();
    let period = RwSignal::new(LeaderboardPeriod::Week);
    let board = fetch(move || {
        format!(
            "/api/v1/leaderboard?period={}",
            match period.get() {
                LeaderboardPeriod::Week => "week",
                LeaderboardPeriod::Month => "month",
            }
        )
    });
    // The switch follows the server: what the last answer said.
    let opted_in = RwSignal::new(false);
    let form_error = RwSignal::new(None);
    let choosing = Submission::new();
    let choose = move |opt_in: bool| {
        let choice = LeaderboardChoice { opt_in };
        choosing.call::<_, Board>(
            Method::PUT,
            "/api/v1/me/leaderboard",
            Some(choice),
            move |answer| match answer {
                Ok(answer) => {
                    opted_in.set(answer.opted_in);
                    board.refetch();
                }
                Err(e) => show_api_error(&e, &[], form_error),
            },
        );
    };
    let tab = move |p: LeaderboardPeriod, label: Msg| {
        view! {
            <button type="button" class="toggle"
                aria-pressed=move || if period.get() == p { "true" } else { "false" }
                on:click=move |_| period.set(p)>
                {i18n.tr(label)}
            </button>
        }
    };

    view! {
        <h1>{i18n.tr(Msg::LeaderboardTitle)}</h1>
        <section class="card" aria-labelledby="join-label">
            <p id="join-explain" class="muted">{i18n.tr(Msg::LeaderboardExplain)}</p>
            <FormError error=form_error />
            <div class="switch">
                <input id="join" type="checkbox" role="switch" aria-describedby="join-explain"
                    prop:checked=move || opted_in.get()
                    disabled=move || choosing.pending()
                    on:change=move |ev| {
                        form_error.set(None);
                        choose(event_target_checked(&ev));
                    } />
                <label id="join-label" for="join">{i18n.tr(Msg::JoinLeaderboard)}</label>
            </div>
        </section>
        <div class="toggle-group" role="group" aria-label=i18n.tr(Msg::PeriodLabel)>
            {tab(LeaderboardPeriod::Week, Msg::PeriodWeek)}
            {tab(LeaderboardPeriod::Month, Msg::PeriodMonth)}
        </div>
        {loaded(board, move |b: Board| {
            opted_in.set(b.opted_in);
            view! { <BoardTable board=b /> }.into_any()
        })}
    }
}

#[component]
fn BoardTable(board: Board) -> impl IntoView {
    let i18n = use_i18n();
    let ranked = board.ranked;
    let empty = board.entries.is_empty();
    let mine = match (board.opted_in, board.me) {
        (true, Some(me)) => Some(
            view! { <p class="your-rank">{move || your_rank(i18n.lang(), me.rank, ranked)}</p> }
                .into_any(),
        ),
        (true, None) => {
            Some(view! { <p class="your-rank">{i18n.tr(Msg::NotRankedYet)}</p> }.into_any())
        }
        (false, _) => None,
    };
    let rows = board
        .entries
        .into_iter()
        .map(|e| {
            let me = e.is_me;
            view! {
                <tr class:me=me aria-current=me.then_some("true")>
                    <td>{e.rank}</td>
                    <td>{e.nickname}{me.then(|| view! { <strong>{i18n.tr(Msg::You)}</strong> })}</td>
                    <td class="num">{e.co2e_g.to_display_string()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        {mine}
        {if empty {
            view! { <p>{i18n.tr(Msg::LeaderboardEmpty)}</p> }.into_any()
        } else {
            view! {
                <table class="data leaderboard">
                    <caption class="visually-hidden">{i18n.tr(Msg::LeaderboardTitle)}</caption>
                    <thead><tr>
                        <th scope="col">{i18n.tr(Msg::ColRank)}</th>
                        <th scope="col">{i18n.tr(Msg::FieldNickname)}</th>
                        <th scope="col" class="num">{i18n.tr(Msg::ColCo2e)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            }.into_any()
        }}
    }
}
