//! `/rewards`: the catalogue by category, for everyone; a signed-in citizen
//! sees their balance and redeems through a confirmation step.
//!
//! The confirmation step owns one `Idempotency-Key` from the moment it opens
//! until it closes, so a double tap, a retry after a network failure or a
//! silent token refresh all name the same redemption and the server charges
//! once.

use crate::api::{self, ApiError, NoBody};
use crate::components::fetched::{Fetched, fetch, fetch_when, loaded};
use crate::components::submission::Submission;
use crate::display::{balance_change, now, points, spend_question, when};
use crate::focus::{focus, focus_when_shown};
use crate::i18n::{Msg, category_msg, use_i18n};
use crate::session::use_auth;
use chrono::{DateTime, Utc};
use gloo_net::http::Method;
use leptos::ev::MouseEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use tanpu_core::api::{ErrorCode, RewardCategory, RewardList, RewardView};
use tanpu_core::{Points, RewardId};

/// What the redemption step is about: the reward and the key of this one
/// attempt.
#[derive(Clone)]
struct Confirming {
    reward: RewardId,
    key: String,
}

/// The one field of `/api/v1/me/summary` this page shows. Reading the
/// whole `MeSummary` would bring its reader (the weeks, the recent actions)
/// into this page's code: 7 KB gzipped of a first load of `/rewards`.
#[derive(serde::Deserialize)]
struct Balance {
    balance: Points,
}

/// What the page shows of a redemption's answer (`Redemption`): the
/// voucher's code and QR code, to use at once. The whole `VoucherView`, with
/// its status, times and copy button, is the vouchers page's, one tap away;
/// reading and showing it here brought that page's code into this one's
/// first load (4.6 KB gzipped, docs/PERFORMANCE.md).
#[derive(Clone, serde::Deserialize)]
struct Redeemed {
    voucher: NewVoucher,
}

/// The voucher just issued, as [`Redeemed`] reads it.
#[derive(Clone, serde::Deserialize)]
struct NewVoucher {
    reward_name: String,
    code: String,
    qr_svg: String,
    #[serde(with = "tanpu_core::wire_time")]
    valid_until: DateTime<Utc>,
}

/// How long after a redemption is answered the page ignores taps. The step
/// closes and the voucher appears above the catalogue the moment the answer
/// arrives; the second tap of a double tap, landing a moment later, would
/// otherwise hit whatever now lies under the finger: open another reward's
/// step, or take the focus from the voucher. Nobody reads the new page and
/// taps deliberately this fast.
const GHOST_TAP_MS: f64 = 500.0;

/// The page's state, which the reward cards share.
#[derive(Clone, Copy)]
struct Shop {
    signed_in: Memo<bool>,
    balance: Memo<Option<i64>>,
    catalogue: Fetched,
    summary: Fetched,
    confirming: RwSignal<Option<Confirming>>,
    /// The redemption on its way, if any.
    redemption: Submission,
    error: RwSignal<Option<Msg>>,
    issued: RwSignal<Option<NewVoucher>>,
    /// When the last redemption was answered (ms since the epoch).
    answered_at: StoredValue<f64>,
}

impl Shop {
    /// Redeems `reward` under the confirmation step's key; one at a time.
    fn redeem(self, reward: RewardId, key: String) {
        if self.redemption.pending_untracked() {
            return;
        }
        self.error.set(None);
        self.redemption.call_with_key::<NoBody, Redeemed>(
            Method::POST,
            format!("/api/v1/rewards/{reward}/redeem"),
            None,
            key,
            move |answer| match answer {
                Ok(done) => {
                    self.answered_at.set_value(js_sys::Date::now());
                    self.confirming.set(None);
                    self.issued.set(Some(done.voucher));
                    self.catalogue.refetch();
                    self.summary.refetch();
                }
                Err(e) => self.error.set(Some(redeem_error_msg(&e))),
            },
        );
    }
}

/// The plain-language reason a redemption was refused.
fn redeem_error_msg(error: &ApiError) -> Msg {
    match (error.code(), error.reason()) {
        (_, Some("insufficient_balance")) => Msg::ErrInsufficientBalance,
        (_, Some("out_of_stock")) => Msg::ErrOutOfStock,
        (_, Some("limit_reached")) => Msg::ErrRedeemLimit,
        (_, Some("not_available")) | (Some(ErrorCode::NotFound), _) => Msg::ErrNotAvailable,
        (_, Some("idempotency_key_reused")) => Msg::ErrKeyReused,
        (Some(ErrorCode::AccountFrozen), _) => Msg::ErrAccountFrozen,
        (Some(ErrorCode::RateLimited), _) => Msg::ErrRateLimited,
        _ if *error == ApiError::Network => Msg::ErrorNetwork,
        _ => Msg::ErrorServer,
    }
}

/// `/rewards`
#[component]
pub fn Rewards() -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let signed_in = Memo::new(move |_| auth.user().is_some());
    let catalogue = fetch(|| "/api/v1/rewards".to_owned());
    let summary = fetch_when(move || signed_in.get().then(|| "/api/v1/me/summary".to_owned()));
    // The last balance known stays on screen while a new one is on its way
    // (after a redemption), rather than blinking to "…".
    let balance = Memo::new(move |last: Option<&Option<i64>>| {
        let known = last.copied().flatten().filter(|_| signed_in.get());
        summary.value::<Balance>().map(|s| s.balance.0).or(known)
    });
    let confirming = RwSignal::new(None::<Confirming>);
    let error = RwSignal::new(None::<Msg>);
    let issued = RwSignal::new(None::<NewVoucher>);
    let answered_at = StoredValue::new(f64::NEG_INFINITY);
    let swallow_ghost_tap = move |ev: MouseEvent| {
        if js_sys::Date::now() - answered_at.get_value() < GHOST_TAP_MS {
            // Neither the focus moves (mousedown) nor anything activates
            // (click): both are stopped on their way down to the target.
            ev.prevent_default();
            ev.stop_propagation();
        }
    };
    let shop = Shop {
        signed_in,
        balance,
        catalogue,
        summary,
        confirming,
        redemption: Submission::new(),
        error,
        issued,
        answered_at,
    };

    view! {
        <div on:mousedown:capture=swallow_ghost_tap on:click:capture=swallow_ghost_tap>
            <h1>{i18n.tr(Msg::RewardsTitle)}</h1>
            <p class="lead">{i18n.tr(Msg::RewardsLead)}</p>
            {move || if signed_in.get() {
                view! {
                    <p class="stat balance">
                        <span class="stat-label">{i18n.tr(Msg::HomeBalance)}</span>
                        <span class="stat-value">{move || balance.get().map_or_else(|| "…".to_owned(), points)}</span>
                    </p>
                }.into_any()
            } else {
                view! {
                    <p class="notice notice-ok">
                        {i18n.tr(Msg::SignInToRedeem)} " "
                        <A href="/login">{i18n.tr(Msg::NavLogin)}</A>
                    </p>
                }.into_any()
            }}
            {move || issued.get().map(|voucher| view! { <Issued voucher /> })}
            {loaded(catalogue, move |RewardList { rewards }| {
                if rewards.is_empty() {
                    return view! { <p>{i18n.tr(Msg::RewardsEmpty)}</p> }.into_any();
                }
                by_category(rewards)
                    .into_iter()
                    .filter(|(_, rewards)| !rewards.is_empty())
                    .map(|(category, rewards)| view! { <CategorySection category rewards shop /> })
                    .collect_view()
                    .into_any()
            })}
        </div>
    }
}

/// The catalogue's rewards by category, in the categories' order, each in
/// the catalogue's order.
fn by_category(rewards: Vec<RewardView>) -> [(RewardCategory, Vec<RewardView>); 4] {
    let mut sections = RewardCategory::ALL.map(|category| (category, Vec::new()));
    for reward in rewards {
        if let Some((_, section)) = sections.iter_mut().find(|(c, _)| *c == reward.category) {
            section.push(reward);
        }
    }
    sections
}

/// The voucher just issued, with the focus moved to it: what the counter
/// needs, and the way to the citizen's vouchers, where it stays.
#[component]
fn Issued(voucher: NewVoucher) -> impl IntoView {
    let i18n = use_i18n();
    focus_when_shown("issued-title".to_owned());
    let qr_label = {
        let code = voucher.code.clone();
        move || format!("{} {code}", i18n.t(Msg::QrCode))
    };
    view! {
        <section class="card issued" aria-labelledby="issued-title">
            <h2 id="issued-title" tabindex="-1">{i18n.tr(Msg::RedeemedTitle)}</h2>
            <p>{i18n.tr(Msg::RedeemedText)}</p>
            <article class="voucher" aria-labelledby="issued-voucher">
                <h3 id="issued-voucher">{voucher.reward_name}</h3>
                <div class="voucher-body">
                    <div class="qr" role="img" aria-label=qr_label inner_html=voucher.qr_svg></div>
                    <div>
                        <p class="voucher-code-label">{i18n.tr(Msg::VoucherCode)}</p>
                        <p class="voucher-code"><code>{voucher.code}</code></p>
                        <p>{i18n.tr(Msg::ValidUntil)} " " {when(Some(voucher.valid_until))}</p>
                    </div>
                </div>
            </article>
            <A href="/vouchers">{i18n.tr(Msg::SeeMyVouchers)}</A>
        </section>
    }
}

#[component]
fn CategorySection(
    category: RewardCategory,
    rewards: Vec<RewardView>,
    shop: Shop,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = format!("category-{category}");
    let labelled_by = id.clone();
    view! {
        <section aria-labelledby=labelled_by>
            <h2 id=id>{i18n.tr(category_msg(category))}</h2>
            <ul class="reward-grid">
                {rewards.into_iter().map(|reward| view! { <RewardCard reward shop /> }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn RewardCard(reward: RewardView, shop: Shop) -> impl IntoView {
    let i18n = use_i18n();
    let id = reward.id;
    let price = reward.price.0;
    let title_id = format!("reward-{id}");
    let labelled_by = title_id.clone();
    let sold_out = reward.stock <= 0;
    let not_yet = reward.available_from.is_some_and(|from| from > now());
    // Whether this card's step is open; it changes only when the step
    // opens or closes, not whenever another card's does.
    let open = Memo::new(move |_| {
        shop.confirming
            .with(|c| c.as_ref().is_some_and(|c| c.reward == id))
    });
    let short = move || shop.balance.get().is_some_and(|b| b < price);
    let name = reward.name.clone();
    let stock = move || {
        if sold_out {
            i18n.t(Msg::SoldOut).to_owned()
        } else {
            points(reward.stock)
        }
    };
    let until = reward.available_until;
    let from = reward.available_from.filter(|_| not_yet);
    let limit = reward.per_citizen_limit;
    let days = reward.voucher_days;
    view! {
        <li class=if sold_out { "card reward sold-out" } else { "card reward" }>
            <article aria-labelledby=labelled_by>
                <h3 id=title_id>{reward.name.clone()}</h3>
                <p>{reward.description.clone()}</p>
                <dl class="facts">
                    {reward.merchant.clone().map(|m| view! {
                        <dt>{i18n.tr(Msg::RewardMerchant)}</dt><dd>{m}</dd>
                    })}
                    <dt>{i18n.tr(Msg::RewardPrice)}</dt>
                    <dd class="price">{points(price)} " " {i18n.tr(Msg::PointsWord)}</dd>
                    <dt>{i18n.tr(Msg::RewardStock)}</dt>
                    <dd class="stock">{stock}</dd>
                    <dt>{i18n.tr(Msg::RewardLimit)}</dt>
                    <dd>{move || limit.map_or_else(|| i18n.t(Msg::NoLimit).to_owned(), |n| n.to_string())}</dd>
                    {from.map(|t| view! { <dt>{i18n.tr(Msg::AvailableFrom)}</dt><dd>{when(Some(t))}</dd> })}
                    <dt>{i18n.tr(Msg::AvailableUntil)}</dt>
                    <dd>{move || until.map_or_else(|| i18n.t(Msg::WhileStocksLast).to_owned(), |t| when(Some(t)))}</dd>
                    <dt>{i18n.tr(Msg::VoucherValidity)}</dt>
                    <dd>{days} " " {i18n.tr(Msg::DaysUnit)}</dd>
                </dl>
                {move || if !shop.signed_in.get() {
                    view! { <A href="/login">{i18n.tr(Msg::SignInRedeem)}</A> }.into_any()
                } else {
                    let name = name.clone();
                    let unavailable = sold_out || not_yet || short();
                    view! {
                        <button type="button" class="primary" id=format!("redeem-{id}")
                            disabled=unavailable
                            aria-expanded=move || if open.get() { "true" } else { "false" }
                            aria-label=move || format!("{} {name}", i18n.t(Msg::Redeem))
                            on:click=move |_| {
                                // One attempt at a time, and an open step keeps its key.
                                if open.get_untracked() || shop.redemption.pending_untracked() {
                                    return;
                                }
                                shop.error.set(None);
                                shop.confirming.set(Some(Confirming { reward: id, key: api::idempotency_key() }));
                            }>
                            {i18n.tr(Msg::Redeem)}
                        </button>
                        {move || {
                            let why = if sold_out { Some(Msg::SoldOut) } else if not_yet { Some(Msg::NotYetAvailable) } else if short() { Some(Msg::NotEnoughPoints) } else { None };
                            why.map(|m| view! { <span class="muted">" " {i18n.tr(m)}</span> })
                        }}
                    }.into_any()
                }}
                {move || open.get().then(|| view! {
                    <ConfirmStep id price name=reward.name.clone() shop on_close=move || {
                        shop.confirming.set(None);
                        focus(&format!("redeem-{id}"));
                    } />
                })}
            </article>
        </li>
    }
}

/// "Spend N points on X?" with Confirm and Cancel; the focus moves here when
/// it opens, Escape cancels.
#[component]
fn ConfirmStep(
    id: RewardId,
    price: i64,
    name: String,
    shop: Shop,
    on_close: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let title_id = format!("confirm-{id}");
    let panel_id = format!("{title_id}-panel");
    focus_when_shown(panel_id.clone());
    let pending = move || shop.redemption.pending();
    let confirm = move |_| {
        if let Some(c) = shop.confirming.get_untracked() {
            shop.redeem(id, c.key);
        }
    };
    let cancel = on_close.clone();
    view! {
        <div class="confirm" role="dialog" aria-labelledby=title_id.clone() aria-describedby=format!("{title_id}-text")
            id=panel_id tabindex="-1"
            on:keydown=move |ev| {
                if ev.key() == "Escape" && !shop.redemption.pending_untracked() {
                    on_close();
                }
            }>
            <h4 id=title_id.clone()>{i18n.tr(Msg::ConfirmTitle)}</h4>
            <div id=format!("{title_id}-text")>
                <p>{move || spend_question(i18n.lang(), price, &name)}</p>
                {move || shop.balance.get().map(|b| view! { <p>{move || balance_change(i18n.lang(), b, b - price)}</p> })}
            </div>
            {move || shop.error.get().map(|m| view! {
                <p class="notice notice-error" role="alert">{i18n.tr(m)}</p>
            })}
            <div class="actions">
                <button type="button" class="primary" disabled=pending on:click=confirm>
                    {move || i18n.t(if pending() { Msg::Redeeming } else { Msg::ConfirmRedeem })}
                </button>
                <button type="button" class="secondary" disabled=pending on:click=move |_| cancel()>
                    {i18n.tr(Msg::Cancel)}
                </button>
            </div>
        </div>
    }
}
