//! The citizen app's pages, loaded lazily: their code is split out of the
//! main wasm module (`scripts/split-wasm.sh` does the split after Trunk's
//! build) into a module per group of pages, fetched the first time one of
//! the group's pages is shown. A group is a page, or two pages a visitor
//! goes between: `visitor` (how credits are earned, the privacy notice),
//! `account` (sign-in, registration), `home` (the dashboard), `actions`,
//! `breakdown` (one action), `claim`, `rewards`, `vouchers`, `leaderboard`
//! and `profile`.
//!
//! Code that pages of several groups use goes into modules of its own, one
//! per set of groups sharing it; `scripts/pack-wasm.mjs` then packs each
//! group's modules into one file, so a page's code is one download,
//! compressed as one. Before the packs, a group per page meant up to 66
//! files for a page (52 for the dashboard, whose cold first render was
//! ~130 ms slower), compressed 10–14 KB worse than one file; the signed-in
//! pages in four groups instead kept the files fewer but made each page
//! download the code of its whole group: `/actions` 231.7 KB, `/me`
//! 225.0 KB (docs/PERFORMANCE.md, sessions 16, 20 and 21).
//!
//! `/` is the one route in the main module, with the landing page: a
//! visitor's first load is the main module alone, with no second round trip
//! before the page shows. Once the session is known it shows the landing
//! page, or loads the dashboard from its group
//! ([`crate::pages::home::Home`]).
//!
//! The routes name their page by [`Page`], one type for all of them, rather
//! than by a `leptos_router::Lazy` type each: the router instantiates its
//! route code once per distinct route type, in the main module that every
//! first load downloads (one type: 265 bytes gzipped less). The pages load
//! their own data when they render, so `Lazy`'s data step had nothing to
//! hold.

use crate::pages::{
    action_detail::ActionDetail, actions::Actions, claim::Claim, home::Dashboard,
    how_it_works::HowItWorks, leaderboard::Leaderboard, login::Login, privacy::Privacy,
    profile::Profile, register::Register, rewards::Rewards, vouchers::Vouchers,
};
use leptos::lazy;
use leptos::prelude::*;
use leptos_router::ChooseView;

/// Declares, for each page, `$show`: an async function that loads the
/// page's group (`$group`) and returns the page's view; and for a routed
/// page, its variant of [`Page`]. One macro for all of them on purpose:
/// `#[lazy]` names a group's module after the group and the place it is
/// written, so the functions of a group share a module only when they are
/// written in one place.
macro_rules! lazy_pages {
    ($($group:ident: $show:ident => $page:ident $(as Page::$route:ident)?;)*) => {
        $(
            #[doc = concat!("The view of [`", stringify!($page), "`], from the `", stringify!($group), "` module.")]
            #[lazy($group)]
            pub fn $show() -> AnyView {
                view! { <$page /> }.into_any()
            }
        )*

        /// A lazily loaded page, as a route's view.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Page {
            $($(
                #[doc = concat!("[`", stringify!($page), "`].")]
                $route,
            )?)*
        }

        impl ChooseView for Page {
            async fn choose(self) -> AnyView {
                match self {
                    $($(Self::$route => $show().await,)?)*
                }
            }

            /// Nothing to fetch ahead: the page's module loads when it is
            /// chosen, and the page loads its data when it renders.
            async fn preload(&self) {}
        }
    };
}

lazy_pages! {
    visitor: how_it_works => HowItWorks as Page::HowItWorks;
    visitor: privacy => Privacy as Page::Privacy;
    account: register => Register as Page::Register;
    account: login => Login as Page::Login;
    home: dashboard => Dashboard;
    actions: actions => Actions as Page::Actions;
    claim: claim => Claim as Page::Claim;
    breakdown: action_detail => ActionDetail as Page::ActionDetail;
    rewards: rewards => Rewards as Page::Rewards;
    vouchers: vouchers => Vouchers as Page::Vouchers;
    leaderboard: leaderboard => Leaderboard as Page::Leaderboard;
    profile: profile => Profile as Page::Profile;
}
