//! `/vouchers`: the citizen's vouchers, newest first, each ready to show at
//! the counter.

use crate::components::fetched::{fetch, loaded};
use crate::components::require_sign_in::RequireSignIn;
use crate::components::voucher_card::VoucherCard;
use crate::i18n::{Msg, use_i18n};
use leptos::prelude::*;
use leptos_router::components::A;
use tanpu_core::api::VoucherList;

/// `/vouchers`
#[component]
pub fn Vouchers() -> impl IntoView {
    view! { <RequireSignIn><VoucherPage /></RequireSignIn> }
}

#[component]
fn VoucherPage() -> impl IntoView {
    let i18n = use_i18n();
    let list = fetch(|| "/api/v1/me/vouchers".to_owned());
    view! {
        <h1 id="vouchers-title">{i18n.tr(Msg::VouchersTitle)}</h1>
        {loaded(list, move |VoucherList { vouchers }| if vouchers.is_empty() {
            view! {
                <p>{i18n.tr(Msg::VouchersEmpty)}</p>
                <A href="/rewards" attr:class="button primary">{i18n.tr(Msg::BrowseRewards)}</A>
            }
            .into_any()
        } else {
            view! {
                <ul class="voucher-list" aria-labelledby="vouchers-title">
                    {vouchers.into_iter().map(|voucher| view! { <li><VoucherCard voucher /></li> }).collect_view()}
                </ul>
            }
            .into_any()
        })}
    }
}
