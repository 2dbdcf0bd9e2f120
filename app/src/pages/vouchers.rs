//! `/vouchers`: the citizen's vouchers, newest first, each ready to show at
//! the counter.

use crate::api::NoBody;
use crate::components::load_error::{LoadError, Loading};
use crate::components::require_sign_in::RequireSignIn;
use crate::components::voucher_card::VoucherCard;
use crate::i18n::{Msg, use_i18n};
use crate::session::use_auth;
use gloo_net::http::Method;
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
    let auth = use_auth();
    let i18n = use_i18n();
    let list = LocalResource::new(move || async move {
        auth.call::<NoBody, VoucherList>(Method::GET, "/api/v1/me/vouchers", None)
            .await
    });
    view! {
        <h1 id="vouchers-title">{i18n.tr(Msg::VouchersTitle)}</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(VoucherList { vouchers }) if vouchers.is_empty() => view! {
                        <p>{i18n.tr(Msg::VouchersEmpty)}</p>
                        <A href="/rewards" attr:class="button primary">{i18n.tr(Msg::BrowseRewards)}</A>
                    }
                    .into_any(),
                    Ok(VoucherList { vouchers }) => view! {
                        <ul class="voucher-list" aria-labelledby="vouchers-title">
                            {vouchers.into_iter().map(|voucher| view! { <li><VoucherCard voucher /></li> }).collect_view()}
                        </ul>
                    }
                    .into_any(),
                    Err(error) => view! { <LoadError error on_retry=move || list.refetch() /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
