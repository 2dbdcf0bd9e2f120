//! The citizen app's pages, loaded lazily: their code is split out of the
//! main wasm module (`scripts/split-wasm.sh` does the split after Trunk's
//! build) into a module per group of pages, fetched the first time one of
//! the group's pages is shown:
//!
//! - `visitor`: how credits are earned, the privacy notice;
//! - `account`: sign-in and registration;
//! - `home`: the signed-in citizen's dashboard;
//! - `activity`: their actions, an action's breakdown, claims;
//! - `rewards`: the catalogue and redemption;
//! - `spending`: vouchers, the leaderboard, the profile.
//!
//! Code that pages of several groups use goes into modules of its own,
//! fetched with any group that needs them. Groups rather than a module per
//! page: per page, the code shared by each combination of pages became a
//! module of its own (164 files, 78 of them for the home page), each
//! compressed apart and instantiated one after another, which made the first
//! render of `/` twice as slow; one group for all signed-in pages made a
//! citizen's first load download all of them. The two pages a citizen opens
//! first, the dashboard and the rewards, are groups of their own: with the
//! dashboard beside the action pages and the rewards beside the vouchers, a
//! signed-in `/` downloaded 268 KB and `/rewards` 285 KB, against 203 and
//! 227 KB apart (docs/PERFORMANCE.md, session 16).
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
    activity: actions => Actions as Page::Actions;
    activity: claim => Claim as Page::Claim;
    activity: action_detail => ActionDetail as Page::ActionDetail;
    rewards: rewards => Rewards as Page::Rewards;
    spending: vouchers => Vouchers as Page::Vouchers;
    spending: leaderboard => Leaderboard as Page::Leaderboard;
    spending: profile => Profile as Page::Profile;
}
