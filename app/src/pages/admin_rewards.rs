//! `/admin/rewards`: administrators keep the reward catalogue (create, edit,
//! take off the shelf), read each reward's redemptions, and mark a voucher
//! used by its code when a citizen shows it at the bureau's own counter.

use crate::api::{ApiError, NoBody};
use crate::components::form::{FormError, TextField, show_api_error};
use crate::components::load_error::{LoadError, Loading};
use crate::components::require_sign_in::RequireSignIn;
use crate::display::{datetime_local, parse_datetime_local, points, when};
use crate::i18n::{Msg, category_msg, use_i18n, voucher_status_msg};
use crate::session::use_auth;
use gloo_net::http::Method;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use tanpu_core::account::Role;
use tanpu_core::api::{
    ErrorCode, PartnerList, RedemptionList, RedemptionRecord, RewardCategory, RewardInput,
    RewardList, RewardView, UseVoucherRequest,
};
use tanpu_core::{PartnerId, Points, RewardId};

/// `/admin/rewards`
#[component]
pub fn AdminRewards() -> impl IntoView {
    view! { <RequireSignIn><AdminOnly /></RequireSignIn> }
}

#[component]
fn AdminOnly() -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let admin = Memo::new(move |_| auth.user().is_some_and(|u| u.role == Role::Admin));
    move || {
        if admin.get() {
            view! { <Catalogue /> }.into_any()
        } else {
            view! {
                <h1>{i18n.tr(Msg::AdminRewardsTitle)}</h1>
                <p class="notice notice-error" role="alert">{i18n.tr(Msg::ErrForbidden)}</p>
            }
            .into_any()
        }
    }
}

/// Which form is open.
#[derive(Clone)]
enum Editing {
    New,
    Existing(RewardView),
}

#[component]
fn Catalogue() -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let rewards = LocalResource::new(move || async move {
        auth.call::<NoBody, RewardList>(Method::GET, "/api/v1/admin/rewards", None)
            .await
    });
    let editing = RwSignal::new(None::<Editing>);
    let showing = RwSignal::new(None::<(RewardId, String)>);
    let notice = RwSignal::new(None::<Msg>);
    // Bumped when a voucher is marked used, so open redemptions reload.
    let used = RwSignal::new(0_u32);
    let open = move |e: Editing| {
        notice.set(None);
        editing.set(Some(e));
    };
    view! {
        <h1>{i18n.tr(Msg::AdminRewardsTitle)}</h1>
        <Show when=move || notice.get().is_some()>
            <p class="notice notice-ok" role="status">{move || notice.get().map(|m| i18n.t(m))}</p>
        </Show>
        <button type="button" class="primary" on:click=move |_| open(Editing::New)>
            {i18n.tr(Msg::NewReward)}
        </button>
        {move || editing.get().map(|e| {
            let existing = match e {
                Editing::New => None,
                Editing::Existing(r) => Some(r),
            };
            let on_done = move |saved: Option<Msg>| {
                editing.set(None);
                if saved.is_some() {
                    notice.set(saved);
                    rewards.refetch();
                }
            };
            view! { <RewardForm existing on_done /> }
        })}
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match rewards.await {
                    Ok(list) => view! {
                        <div class="table-scroll">
                        <table class="data wide">
                            <thead><tr>
                                <th scope="col">{i18n.tr(Msg::RuleNameCol)}</th>
                                <th scope="col">{i18n.tr(Msg::ColCategory)}</th>
                                <th scope="col" class="num">{i18n.tr(Msg::RewardPrice)}</th>
                                <th scope="col" class="num">{i18n.tr(Msg::FieldStock)}</th>
                                <th scope="col" class="num">{i18n.tr(Msg::ColRedeemed)}</th>
                                <th scope="col">{i18n.tr(Msg::ColActive)}</th>
                                <th scope="col"><span class="visually-hidden">{i18n.tr(Msg::Edit)}</span></th>
                            </tr></thead>
                            <tbody>
                                {list.rewards.into_iter().map(|r| {
                                    let (id, name, category, active) = (r.id, r.name.clone(), r.category, r.active);
                                    let label = move |m: Msg, name: &str| format!("{} {name}", i18n.t(m));
                                    let (edit_name, list_name) = (name.clone(), name.clone());
                                    view! {
                                        <tr>
                                            <td>{name.clone()}</td>
                                            <td>{i18n.tr(category_msg(category))}</td>
                                            <td class="num">{points(r.price.0)}</td>
                                            <td class="num">{points(r.stock)}</td>
                                            <td class="num">{points(r.redeemed)}</td>
                                            <td>{i18n.tr(if active { Msg::Active } else { Msg::Inactive })}</td>
                                            <td class="row-actions">
                                                <button type="button" class="link" aria-label=move || label(Msg::Edit, &edit_name)
                                                    on:click=move |_| open(Editing::Existing(r.clone()))>
                                                    {i18n.tr(Msg::Edit)}
                                                </button>
                                                <button type="button" class="link" aria-label=move || label(Msg::Redemptions, &list_name)
                                                    on:click=move |_| showing.set(Some((id, name.clone())))>
                                                    {i18n.tr(Msg::Redemptions)}
                                                </button>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                        </div>
                    }.into_any(),
                    Err(error) => view! { <LoadError error on_retry=move || rewards.refetch() /> }.into_any(),
                }
            })}
        </Suspense>
        {move || showing.get().map(|(id, name)| view! { <Redemptions id name used /> })}
        <UseVoucher used />
    }
}

/// A number field's value, or `None` with the reason shown beside it.
fn number<T: std::str::FromStr>(
    value: RwSignal<String>,
    error: RwSignal<Option<Msg>>,
) -> Option<T> {
    let parsed = value.get_untracked().trim().parse().ok();
    error.set(parsed.is_none().then_some(Msg::ErrNotANumber));
    parsed
}

/// The create or edit form; `on_done(Some(msg))` after a save, `None` on
/// cancel.
#[component]
fn RewardForm(
    existing: Option<RewardView>,
    on_done: impl Fn(Option<Msg>) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let partners = LocalResource::new(move || async move {
        auth.call::<NoBody, PartnerList>(Method::GET, "/api/v1/admin/partners", None)
            .await
    });
    let id = existing.as_ref().map(|r| r.id);
    let r = existing.as_ref();
    let text = |f: fn(&RewardView) -> String, default: &str| {
        RwSignal::new(r.map_or_else(|| default.to_owned(), f))
    };
    let category = RwSignal::new(r.map_or(RewardCategory::TransitPass, |r| r.category));
    let name = text(|r| r.name.clone(), "");
    let description = text(|r| r.description.clone(), "");
    let partner = RwSignal::new(r.and_then(|r| r.partner_id).map(|p| p.0));
    let price = text(|r| r.price.0.to_string(), "");
    let stock = text(|r| r.stock.to_string(), "");
    let from = text(|r| datetime_local(r.available_from), "");
    let until = text(|r| datetime_local(r.available_until), "");
    let days = text(|r| r.voucher_days.to_string(), "30");
    let limit = text(
        |r| {
            r.per_citizen_limit
                .map(|n| n.to_string())
                .unwrap_or_default()
        },
        "",
    );
    let active = RwSignal::new(r.is_none_or(|r| r.active));
    let errors: [RwSignal<Option<Msg>>; 9] = std::array::from_fn(|_| RwSignal::new(None));
    let [
        name_e,
        description_e,
        price_e,
        stock_e,
        from_e,
        until_e,
        days_e,
        limit_e,
        partner_e,
    ] = errors;
    let form_error = RwSignal::new(None);

    let save = Action::new_local(move |input: &RewardInput| {
        let input = input.clone();
        let (method, path) = match id {
            Some(id) => (Method::PUT, format!("/api/v1/admin/rewards/{id}")),
            None => (Method::POST, "/api/v1/admin/rewards".to_owned()),
        };
        async move {
            auth.call::<_, RewardView>(method, &path, Some(&input))
                .await
        }
    });
    {
        let on_done = on_done.clone();
        Effect::new(move |_| match save.value().get() {
            Some(Ok(_)) => on_done(Some(if id.is_some() {
                Msg::Saved
            } else {
                Msg::RewardCreated
            })),
            Some(Err(e)) => show_api_error(
                &e,
                &[
                    ("name", name_e),
                    ("description", description_e),
                    ("price", price_e),
                    ("stock", stock_e),
                    ("available_from", from_e),
                    ("available_until", until_e),
                    ("voucher_days", days_e),
                    ("per_citizen_limit", limit_e),
                    ("partner_id", partner_e),
                ],
                form_error,
            ),
            None => {}
        });
    }
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        form_error.set(None);
        for e in errors {
            e.set(None);
        }
        let date = |v: RwSignal<String>, e: RwSignal<Option<Msg>>| {
            parse_datetime_local(&v.get_untracked())
                .map_err(|m| e.set(Some(m)))
                .ok()
        };
        let has_name = !name.get_untracked().trim().is_empty();
        name_e.set((!has_name).then_some(Msg::ErrRequired));
        let price = number::<i64>(price, price_e);
        let stock = number::<i64>(stock, stock_e);
        let days = number::<u32>(days, days_e);
        let limit = if limit.get_untracked().trim().is_empty() {
            Some(None)
        } else {
            number::<u32>(limit, limit_e).map(Some)
        };
        let (from, until) = (date(from, from_e), date(until, until_e));
        if let (
            true,
            Some(price),
            Some(stock),
            Some(voucher_days),
            Some(per_citizen_limit),
            Some(available_from),
            Some(available_until),
        ) = (has_name, price, stock, days, limit, from, until)
        {
            save.dispatch(RewardInput {
                category: category.get_untracked(),
                name: name.get_untracked().trim().to_owned(),
                description: description.get_untracked().trim().to_owned(),
                partner_id: partner.get_untracked().map(PartnerId),
                price: Points(price),
                stock,
                available_from,
                available_until,
                voucher_days,
                per_citizen_limit,
                active: active.get_untracked(),
            });
        }
    };
    let title = if id.is_some() {
        Msg::EditRewardTitle
    } else {
        Msg::NewReward
    };
    let heading = NodeRef::<leptos::html::H2>::new();
    Effect::new(move |_| {
        if let Some(h) = heading.get() {
            let _ = h.focus();
        }
    });
    view! {
        <section class="card" aria-labelledby="reward-form-title">
            <h2 id="reward-form-title" tabindex="-1" node_ref=heading>
                {i18n.tr(title)} {existing.as_ref().map(|r| format!(" · {}", r.name))}
            </h2>
            <form class="form" on:submit=on_submit novalidate>
                <FormError error=form_error />
                <div class="field">
                    <label for="field-reward-category">{i18n.tr(Msg::ColCategory)}</label>
                    <select id="field-reward-category" prop:value=move || category.get().as_str()
                        on:change=move |ev| if let Some(c) = RewardCategory::parse(&event_target_value(&ev)) { category.set(c) }>
                        {RewardCategory::ALL.into_iter().map(|c| view! {
                            <option value=c.as_str()>{i18n.tr(category_msg(c))}</option>
                        }).collect_view()}
                    </select>
                </div>
                <TextField label=Msg::FieldRewardName name="reward-name" value=name error=name_e />
                <div class="field">
                    <label for="field-reward-description">{i18n.tr(Msg::FieldDescription)}</label>
                    <textarea id="field-reward-description" rows="3" bind:value=description
                        aria-describedby="field-reward-description-error"></textarea>
                    <p class="field-error" id="field-reward-description-error" aria-live="polite">
                        {move || description_e.get().map(|m| i18n.t(m))}
                    </p>
                </div>
                <div class="field">
                    <label for="field-reward-partner">{i18n.tr(Msg::FieldPartner)}</label>
                    <select id="field-reward-partner" aria-describedby="field-reward-partner-error"
                        prop:value=move || partner.get().map(|p| p.to_string()).unwrap_or_default()
                        on:change=move |ev| partner.set(event_target_value(&ev).parse().ok())>
                        <option value="">{i18n.tr(Msg::NoPartner)}</option>
                        {move || partners.get().and_then(Result::ok).map(|list| list.partners.into_iter().map(|p| view! {
                            <option value=p.id.to_string() selected=partner.get_untracked() == Some(p.id.0)>{p.name}</option>
                        }).collect_view())}
                    </select>
                    <p class="field-error" id="field-reward-partner-error" aria-live="polite">
                        {move || partner_e.get().map(|m| i18n.t(m))}
                    </p>
                </div>
                <div class="field-row">
                    <TextField label=Msg::FieldPrice name="reward-price" value=price error=price_e input_type="number" />
                    <TextField label=Msg::FieldStock name="reward-stock" value=stock error=stock_e input_type="number" />
                </div>
                <div class="field-row">
                    <TextField label=Msg::FieldVoucherDays name="reward-days" value=days error=days_e input_type="number" />
                    <TextField label=Msg::FieldLimit name="reward-limit" value=limit error=limit_e input_type="number" />
                </div>
                <div class="field-row">
                    <TextField label=Msg::FieldAvailableFrom name="reward-from" value=from error=from_e input_type="datetime-local" />
                    <TextField label=Msg::FieldAvailableUntil name="reward-until" value=until error=until_e input_type="datetime-local" />
                </div>
                <div class="field field-check">
                    <input id="field-reward-active" type="checkbox" bind:checked=active />
                    <label for="field-reward-active">{i18n.tr(Msg::FieldActive)}</label>
                </div>
                <div class="actions">
                    <button type="submit" class="primary" disabled=move || save.pending().get()>
                        {i18n.tr(Msg::Save)}
                    </button>
                    <button type="button" class="secondary" on:click=move |_| on_done(None)>
                        {i18n.tr(Msg::Cancel)}
                    </button>
                </div>
            </form>
        </section>
    }
}

#[component]
fn Redemptions(id: RewardId, name: String, used: RwSignal<u32>) -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let list = LocalResource::new(move || {
        used.track();
        let path = format!("/api/v1/admin/rewards/{id}/redemptions");
        async move {
            auth.call::<NoBody, RedemptionList>(Method::GET, &path, None)
                .await
        }
    });
    let row = move |r: RedemptionRecord| {
        let status = r.status;
        view! {
            <tr>
                <td><code>{r.code}</code></td>
                <td>{r.nickname}</td>
                <td><span class=format!("badge badge-{}", status.as_str())>{i18n.tr(voucher_status_msg(status))}</span></td>
                <td>{when(Some(r.issued_at))}</td>
                <td>{when(r.used_at)}</td>
            </tr>
        }
    };
    view! {
        <section class="card" aria-labelledby="redemptions-title">
            <h2 id="redemptions-title">{i18n.tr(Msg::Redemptions)} " · " {name}</h2>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(l) if l.redemptions.is_empty() => view! { <p>{i18n.tr(Msg::RedemptionsEmpty)}</p> }.into_any(),
                        Ok(l) => view! {

                            <table class="data">
                                <thead><tr>
                                    <th scope="col">{i18n.tr(Msg::VoucherCode)}</th>
                                    <th scope="col">{i18n.tr(Msg::ColCitizen)}</th>
                                    <th scope="col">{i18n.tr(Msg::ColActive)}</th>
                                    <th scope="col">{i18n.tr(Msg::IssuedAt)}</th>
                                    <th scope="col">{i18n.tr(Msg::UsedAt)}</th>
                                </tr></thead>
                                <tbody>{l.redemptions.into_iter().map(row).collect_view()}</tbody>
                            </table>

                        }.into_any(),
                        Err(error) => view! { <LoadError error on_retry=move || list.refetch() /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// Marks a voucher used by the code the citizen shows.
#[component]
fn UseVoucher(used: RwSignal<u32>) -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let code = RwSignal::new(String::new());
    let code_error = RwSignal::new(None);
    let form_error = RwSignal::new(None);
    let done = RwSignal::new(None::<String>);
    let mark = Action::new_local(move |req: &UseVoucherRequest| {
        let req = req.clone();
        async move {
            auth.call::<_, RedemptionRecord>(Method::POST, "/api/v1/admin/vouchers/use", Some(&req))
                .await
        }
    });
    Effect::new(move |_| match mark.value().get() {
        Some(Ok(r)) => {
            done.set(Some(format!("{} · {}", r.code, r.reward_name)));
            code.set(String::new());
            used.update(|n| *n += 1);
        }
        Some(Err(e)) => not_found_or(&e, code_error, form_error),
        None => {}
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        done.set(None);
        form_error.set(None);
        let value = code.get().trim().to_owned();
        code_error.set(value.is_empty().then_some(Msg::ErrRequired));
        if !value.is_empty() {
            mark.dispatch(UseVoucherRequest { code: value });
        }
    };
    view! {
        <section class="card" aria-labelledby="use-title">
            <h2 id="use-title">{i18n.tr(Msg::UseVoucherTitle)}</h2>
            <form class="form" on:submit=on_submit novalidate>
                <FormError error=form_error />
                <Show when=move || done.get().is_some()>
                    <p class="notice notice-ok" role="status">
                        {i18n.tr(Msg::MarkedUsed)} {move || done.get()}
                    </p>
                </Show>
                <TextField label=Msg::FieldVoucherCode name="voucher-code" value=code error=code_error />
                <div class="actions">
                    <button type="submit" class="primary" disabled=move || mark.pending().get()>
                        {i18n.tr(Msg::MarkUsed)}
                    </button>
                </div>
            </form>
        </section>
    }
}

/// An unknown code is the code field's error; anything else goes where
/// [`show_api_error`] puts it.
fn not_found_or(error: &ApiError, field: RwSignal<Option<Msg>>, form: RwSignal<Option<Msg>>) {
    if error.code() == Some(ErrorCode::NotFound) {
        field.set(Some(Msg::ErrVoucherNotFound));
    } else {
        show_api_error(error, &[("code", field)], form);
    }
}
