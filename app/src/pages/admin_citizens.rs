//! `/admin/citizens` and `/admin/citizens/{id}`: administrators find a
//! citizen (by phone, e-mail, nickname or card) and answer their questions
//! from one page: balance, CO2e, bindings, recent actions, vouchers and
//! statement. From there they freeze or unfreeze the account, make a manual
//! adjustment, or remove a binding, each with a reason that the audit log
//! keeps (and, for an adjustment, the citizen's statement shows).

use crate::api::{ApiError, NoBody};
use crate::components::admin_nav::RequireAdmin;
use crate::components::data_table::{
    Cell, Column, DataTable, Facts, TableSection, grams, number, text,
};
use crate::components::form::{FormError, TextField, show_api_error};
use crate::components::load_error::{LoadError, Loading};
use crate::display::{points, when};
use crate::i18n::{Lang, Msg, status_msg, use_i18n, voucher_status_msg};
use crate::session::use_auth;
use gloo_net::http::Method;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use tanpu_core::account::Role;
use tanpu_core::api::{
    ActionItem, AdjustmentRequest, AdjustmentResult, BindingView, CitizenDetail, CitizenSearch,
    ExportedEntry, FreezeRequest, RedemptionRecord, UserView,
};
use tanpu_core::binding::SubjectType;

/// `/admin/citizens`
#[component]
pub fn AdminCitizens() -> impl IntoView {
    view! { <RequireAdmin title=Msg::CitizensTitle><Search /></RequireAdmin> }
}

/// The search box and its results. The query lives in the address
/// (`?q=…`), so "back" from a citizen's page returns to the same results.
#[component]
fn Search() -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let navigate = use_navigate();
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let text = RwSignal::new(query.with_untracked(|m| m.get("q")).unwrap_or_default());
    let text_error = RwSignal::new(None);
    let form_error = RwSignal::new(None);
    let results = LocalResource::new(move || {
        let q = q();
        async move {
            if q.trim().is_empty() {
                return Ok(None);
            }
            let path = format!("/api/v1/admin/citizens?q={}", encode(q.trim()));
            auth.call::<NoBody, CitizenSearch>(Method::GET, &path, None)
                .await
                .map(Some)
        }
    });
    Effect::new(move |_| {
        if let Some(Err(e)) = results.get() {
            show_api_error(&e, &[("q", text_error)], form_error);
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        form_error.set(None);
        let value = text.get_untracked().trim().to_owned();
        text_error.set(value.is_empty().then_some(Msg::ErrRequired));
        if !value.is_empty() {
            navigate(
                &format!("/admin/citizens?q={}", encode(&value)),
                NavigateOptions::default(),
            );
        }
    };
    view! {
        <h1>{i18n.tr(Msg::CitizensTitle)}</h1>
        <form class="form search-form" role="search" on:submit=on_submit novalidate>
            <FormError error=form_error />
            <TextField label=Msg::CitizenSearchLabel name="citizen-q" value=text error=text_error
                input_type="search" hint=Msg::CitizenSearchHint />
            <div class="actions">
                <button type="submit" class="primary">{i18n.tr(Msg::CitizenSearchSubmit)}</button>
            </div>
        </form>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match results.await {
                    Ok(Some(found)) if found.citizens.is_empty() => view! { <p>{i18n.tr(Msg::NoMatches)}</p> }.into_any(),
                    Ok(Some(found)) => {
                        let rows = found.citizens.into_iter().map(|row| {
                            let (class, state) = account_state(&row.user);
                            vec![
                                Cell::Link(format!("/admin/citizens/{}", row.user.id), row.user.nickname),
                                Cell::Text(row.user.login.to_string()),
                                Cell::Text(points(row.balance.0)),
                                Cell::Badge(class, state),
                            ]
                        }).collect();
                        view! {
                            <h2 id="citizen-results">{i18n.tr(Msg::CitizenResults)}</h2>
                            <DataTable columns=SEARCH_COLUMNS rows labelled_by="citizen-results".to_owned() />
                        }.into_any()
                    }
                    Ok(None) => ().into_any(),
                    // Shown beside the search box by the effect above.
                    Err(_) => ().into_any(),
                }
            })}
        </Suspense>
    }
}

/// Text for a URL's query string.
fn encode(value: &str) -> String {
    String::from(js_sys::encode_uri_component(value))
}

const SEARCH_COLUMNS: &[Column] = &[
    text(Msg::FieldNickname),
    text(Msg::ProfileLogin),
    number(Msg::HomeBalance),
    text(Msg::ColActive),
];

/// "Active", "frozen", or a staff role: a badge's class and words.
fn account_state(user: &UserView) -> (&'static str, Msg) {
    match (user.frozen, user.role) {
        (true, _) => ("rejected", Msg::CitizenFrozen),
        (false, Role::Citizen) => ("accepted", Msg::CitizenActive),
        (false, Role::Reviewer) => ("held", Msg::RoleReviewer),
        (false, Role::Admin) => ("held", Msg::RoleAdmin),
    }
}

/// The account's state as a badge.
#[component]
fn AccountState(user: UserView) -> impl IntoView {
    let i18n = use_i18n();
    let (class, msg) = account_state(&user);
    view! { <span class=format!("badge badge-{class}")>{i18n.tr(msg)}</span> }
}

/// `/admin/citizens/{id}`
#[component]
pub fn AdminCitizen() -> impl IntoView {
    view! { <RequireAdmin title=Msg::CitizensTitle><CitizenPage /></RequireAdmin> }
}

#[component]
fn CitizenPage() -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let detail = LocalResource::new(move || {
        let id = id();
        async move {
            auth.call::<NoBody, CitizenDetail>(
                Method::GET,
                &format!("/api/v1/admin/citizens/{id}"),
                None,
            )
            .await
        }
    });
    // What the last change did; kept while the page reloads after it.
    let notice = RwSignal::new(None::<String>);
    view! {
        <p><A href="/admin/citizens">{i18n.tr(Msg::CitizenBack)}</A></p>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(d) => view! { <CitizenView d notice reload=move || detail.refetch() /> }.into_any(),
                    Err(error) => view! {
                        <h1>{i18n.tr(Msg::CitizensTitle)}</h1>
                        <LoadError error on_retry=move || detail.refetch() />
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn CitizenView(
    d: CitizenDetail,
    notice: RwSignal<Option<String>>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let user = d.user.clone();
    let base = format!("/api/v1/admin/citizens/{}", user.id);
    let role = match user.role {
        Role::Citizen => Msg::RoleCitizen,
        Role::Reviewer => Msg::RoleReviewer,
        Role::Admin => Msg::RoleAdmin,
    };
    let frozen_reason = d.frozen_reason.clone().unwrap_or_default();
    let done = move |text: String| {
        notice.set(Some(text));
        reload();
    };
    view! {
        <h1>{user.nickname.clone()}</h1>
        <Show when=move || notice.get().is_some()>
            <p class="notice notice-ok" role="status">{move || notice.get()}</p>
        </Show>
        <Facts class="citizen-facts" items=vec![
            (Msg::ProfileLogin, Cell::Text(user.login.to_string())),
            (Msg::ProfileRole, Cell::Msg(role)),
            (Msg::CitizenRegistered, Cell::Text(when(Some(d.created_at)))),
            (Msg::ColActive, Cell::View(view! {
                <AccountState user=user.clone() />
                {user.frozen.then(|| view! { " " {frozen_reason} })}
            }.into_any())),
            (Msg::HomeBalance, Cell::Text(points(d.balance.0))),
            (Msg::HomeCo2eTotal, Cell::Text(d.co2e_g_total.to_display_string())),
        ] />
        <FreezeForm base=base.clone() frozen=user.frozen done />
        <AdjustForm base=base.clone() nickname=user.nickname balance=d.balance.0 done />
        <Bindings base bindings=d.bindings done />
        <RecentActions actions=d.actions />
        <Vouchers vouchers=d.vouchers />
        <Statement lines=d.statement />
    }
}

/// Freeze (or unfreeze) with a reason the audit log keeps.
#[component]
fn FreezeForm(
    base: String,
    frozen: bool,
    done: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let reason = RwSignal::new(String::new());
    let reason_error = RwSignal::new(None);
    let form_error = RwSignal::new(None);
    let path = format!("{base}/{}", if frozen { "unfreeze" } else { "freeze" });
    let submit = Action::new_local(move |req: &FreezeRequest| {
        let (req, path) = (req.clone(), path.clone());
        async move {
            auth.call::<_, UserView>(Method::POST, &path, Some(&req))
                .await
        }
    });
    Effect::new(move |_| match submit.value().get() {
        Some(Ok(u)) => done(
            i18n.t(if u.frozen {
                Msg::CitizenFrozenNow
            } else {
                Msg::CitizenUnfrozenNow
            })
            .to_owned(),
        ),
        Some(Err(e)) => match e.field_reason() {
            Some((field, why)) if field == "id" => form_error.set(Some(match why.as_str() {
                "own_account" => Msg::CitizenErrOwnAccount,
                "deleted" => Msg::CitizenErrDeleted,
                _ => Msg::CitizenErrStale,
            })),
            _ => show_api_error(&e, &[("reason", reason_error)], form_error),
        },
        None => {}
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        form_error.set(None);
        let value = reason.get_untracked().trim().to_owned();
        reason_error.set(value.is_empty().then_some(Msg::ErrRequired));
        if !value.is_empty() {
            submit.dispatch(FreezeRequest { reason: value });
        }
    };
    let (title, explain, button) = if frozen {
        (
            Msg::CitizenUnfreezeTitle,
            Msg::CitizenUnfreezeExplain,
            Msg::CitizenUnfreeze,
        )
    } else {
        (
            Msg::CitizenFreezeTitle,
            Msg::CitizenFreezeExplain,
            Msg::CitizenFreeze,
        )
    };
    view! {
        <section class="card" aria-labelledby="freeze-title">
            <h2 id="freeze-title">{i18n.tr(title)}</h2>
            <p class="muted">{i18n.tr(explain)}</p>
            <form class="form" on:submit=on_submit novalidate>
                <FormError error=form_error />
                <TextField label=Msg::CitizenFreezeReason name="freeze-reason" value=reason error=reason_error />
                <div class="actions">
                    <button type="submit" class=if frozen { "secondary" } else { "secondary danger" }
                        disabled=move || submit.pending().get()>
                        {i18n.tr(button)}
                    </button>
                </div>
            </form>
        </section>
    }
}

/// A manual credit or debit: amount and reason, then a confirmation that
/// says what the balance becomes.
#[component]
fn AdjustForm(
    base: String,
    nickname: String,
    balance: i64,
    done: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let amount = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let amount_error = RwSignal::new(None);
    let reason_error = RwSignal::new(None);
    let form_error = RwSignal::new(None);
    // The request waiting for "Confirm".
    let confirming = RwSignal::new(None::<AdjustmentRequest>);
    let path = format!("{base}/adjustments");
    let submit = Action::new_local(move |req: &AdjustmentRequest| {
        let (req, path) = (req.clone(), path.clone());
        async move {
            auth.call::<_, AdjustmentResult>(Method::POST, &path, Some(&req))
                .await
        }
    });
    Effect::new(move |_| match submit.value().get() {
        Some(Ok(r)) => done(adjust_done(i18n.lang(), r.balance.0)),
        Some(Err(e)) => {
            confirming.set(None);
            show_adjust_error(&e, amount_error, reason_error, form_error);
        }
        None => {}
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        form_error.set(None);
        let value = amount
            .get_untracked()
            .trim()
            .trim_start_matches('+')
            .parse::<i64>();
        amount_error.set(match value {
            Ok(0) => Some(Msg::AdjustErrZero),
            Ok(_) => None,
            Err(_) => Some(Msg::ErrNotANumber),
        });
        let why = reason.get_untracked().trim().to_owned();
        reason_error.set(why.is_empty().then_some(Msg::ErrRequired));
        if let (Ok(n), false) = (value, why.is_empty())
            && n != 0
        {
            confirming.set(Some(AdjustmentRequest {
                amount: n,
                reason: why,
            }));
        }
    };
    let panel = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let Some(p) = panel.get() {
            let _ = p.focus();
        }
    });
    let nickname = StoredValue::new(nickname);
    view! {
        <section class="card" aria-labelledby="adjust-title">
            <h2 id="adjust-title">{i18n.tr(Msg::AdjustTitle)}</h2>
            <p class="muted">{i18n.tr(Msg::AdjustExplain)}</p>
            <form class="form" on:submit=on_submit novalidate>
                <FormError error=form_error />
                <div class="field-row">
                    <TextField label=Msg::AdjustAmount name="adjust-amount" value=amount error=amount_error
                        input_type="number" hint=Msg::AdjustAmountHint />
                    <TextField label=Msg::AdjustReason name="adjust-reason" value=reason error=reason_error
                        hint=Msg::AdjustReasonHint />
                </div>
                <div class="actions">
                    <button type="submit" class="primary">{i18n.tr(Msg::AdjustSubmit)}</button>
                </div>
            </form>
            {move || confirming.get().map(|req| {
                let n = req.amount;
                let question = move || adjust_question(i18n.lang(), n, &nickname.get_value(), balance);
                let confirm = req;
                view! {
                    <div class="confirm" role="dialog" aria-labelledby="adjust-confirm-title"
                        aria-describedby="adjust-confirm-text" tabindex="-1" node_ref=panel
                        on:keydown=move |ev| if ev.key() == "Escape" { confirming.set(None); }>
                        <h3 id="adjust-confirm-title">{i18n.tr(Msg::AdjustConfirmTitle)}</h3>
                        <p id="adjust-confirm-text">{question}</p>
                        <div class="actions">
                            <button type="button" class="primary" disabled=move || submit.pending().get()
                                on:click=move |_| { submit.dispatch(confirm.clone()); }>
                                {i18n.tr(Msg::AdjustConfirm)}
                            </button>
                            <button type="button" class="secondary" on:click=move |_| confirming.set(None)>
                                {i18n.tr(Msg::Cancel)}
                            </button>
                        </div>
                    </div>
                }
            })}
        </section>
    }
}

/// "Add 50 points for 小明? Their balance goes from 120 to 170."
fn adjust_question(lang: Lang, amount: i64, nickname: &str, balance: i64) -> String {
    let after = points(balance.saturating_add(amount));
    let before = points(balance);
    let size = points(amount.saturating_abs());
    match (lang, amount > 0) {
        (Lang::Zh, true) => {
            format!("为「{nickname}」增加 {size} 积分？余额将从 {before} 变为 {after}。")
        }
        (Lang::Zh, false) => {
            format!("从「{nickname}」扣减 {size} 积分？余额将从 {before} 变为 {after}。")
        }
        (Lang::En, true) => {
            format!("Add {size} points for {nickname}? The balance goes from {before} to {after}.")
        }
        (Lang::En, false) => format!(
            "Take {size} points from {nickname}? The balance goes from {before} to {after}."
        ),
    }
}

/// What the adjustment left: "积分已调整，当前余额 170。"
fn adjust_done(lang: Lang, balance: i64) -> String {
    match lang {
        Lang::Zh => format!("积分已调整，当前余额 {}。", points(balance)),
        Lang::En => format!("Points adjusted; the balance is now {}.", points(balance)),
    }
}

fn show_adjust_error(
    e: &ApiError,
    amount: RwSignal<Option<Msg>>,
    reason: RwSignal<Option<Msg>>,
    form: RwSignal<Option<Msg>>,
) {
    match e.field_reason() {
        Some((field, why)) if field == "amount" && why == "zero" => {
            amount.set(Some(Msg::AdjustErrZero));
        }
        Some((field, why)) if field == "amount" && why == "insufficient_balance" => {
            amount.set(Some(Msg::AdjustErrBalance));
        }
        _ => show_api_error(e, &[("amount", amount), ("reason", reason)], form),
    }
}

fn subject_msg(kind: SubjectType) -> Msg {
    match kind {
        SubjectType::TransitCard => Msg::SubjectTransitCard,
        SubjectType::Plate => Msg::SubjectPlate,
        SubjectType::FuelCard => Msg::SubjectFuelCard,
    }
}

/// The citizen's cards and plates, each removable with a reason.
#[component]
fn Bindings(
    base: String,
    bindings: Vec<BindingView>,
    done: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let removing = RwSignal::new(None::<i64>);
    let empty = bindings.is_empty();
    view! {
        <section class="card" aria-labelledby="bindings-title">
            <h2 id="bindings-title">{i18n.tr(Msg::BindingsTitle)}</h2>
            {empty.then(|| view! { <p class="muted">{i18n.tr(Msg::CitizenNoBindings)}</p> })}
            <ul class="bindings">
                {bindings.into_iter().map(|b| {
                    let id = b.id.0;
                    let masked = b.masked.clone();
                    let label = masked.clone();
                    let path = format!("{base}/bindings/{id}/remove");
                    view! {
                        <li>
                            <span class="binding-kind">{i18n.tr(subject_msg(b.kind))}</span>
                            <span class="binding-value">{masked}</span>
                            <span class="muted small">{when(Some(b.created_at))}</span>
                            <button type="button" class="link-button"
                                aria-label=move || format!("{} {label}", i18n.t(Msg::CitizenRemoveBinding))
                                on:click=move |_| removing.set(Some(id))>
                                {i18n.tr(Msg::CitizenRemoveBinding)}
                            </button>
                            {move || (removing.get() == Some(id)).then(|| {
                                let path = path.clone();
                                view! { <RemoveBinding path removing done /> }
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn RemoveBinding(
    path: String,
    removing: RwSignal<Option<i64>>,
    done: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let reason = RwSignal::new(String::new());
    let reason_error = RwSignal::new(None);
    let form_error = RwSignal::new(None);
    let submit = Action::new_local(move |req: &FreezeRequest| {
        let (req, path) = (req.clone(), path.clone());
        async move { auth.call::<_, ()>(Method::POST, &path, Some(&req)).await }
    });
    Effect::new(move |_| match submit.value().get() {
        Some(Ok(())) => {
            removing.set(None);
            done(i18n.t(Msg::CitizenBindingRemoved).to_owned());
        }
        Some(Err(e)) => show_api_error(&e, &[("reason", reason_error)], form_error),
        None => {}
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        form_error.set(None);
        let value = reason.get_untracked().trim().to_owned();
        reason_error.set(value.is_empty().then_some(Msg::ErrRequired));
        if !value.is_empty() {
            submit.dispatch(FreezeRequest { reason: value });
        }
    };
    view! {
        <form class="form remove-binding" on:submit=on_submit novalidate>
            <FormError error=form_error />
            <TextField label=Msg::CitizenRemoveReason name="remove-binding-reason" value=reason error=reason_error />
            <div class="actions">
                <button type="submit" class="secondary danger" disabled=move || submit.pending().get()>
                    {i18n.tr(Msg::CitizenRemoveConfirm)}
                </button>
                <button type="button" class="secondary" on:click=move |_| removing.set(None)>
                    {i18n.tr(Msg::Cancel)}
                </button>
            </div>
        </form>
    }
}

const ACTION_COLUMNS: &[Column] = &[
    text(Msg::DetailWhen),
    text(Msg::RuleKindCol),
    text(Msg::DetailAmount),
    text(Msg::FilterStatus),
    number(Msg::PointsWord),
    grams(Msg::ColCo2e),
    text(Msg::WhyNot),
];

#[component]
fn RecentActions(actions: Vec<ActionItem>) -> impl IntoView {
    let rows = actions
        .into_iter()
        .map(|a| {
            let status = match a.status.as_str() {
                "accepted" => "accepted",
                "held" => "held",
                _ => "rejected",
            };
            vec![
                Cell::Text(when(a.started_at)),
                Cell::Kind(a.kind),
                Cell::Amount(a.quantity_milli, a.unit),
                Cell::Badge(status, status_msg(status)),
                Cell::Text(points(a.points.0)),
                Cell::Text(points(a.co2e_g.0)),
                Cell::Reasons(a.reasons),
            ]
        })
        .collect();
    view! {
        <TableSection title=Msg::RecentTitle id="citizen-actions-title" empty=Msg::CitizenNoActions
            columns=ACTION_COLUMNS rows wide=true />
    }
}

const VOUCHER_COLUMNS: &[Column] = &[
    text(Msg::VoucherCode),
    text(Msg::RuleNameCol),
    number(Msg::RewardPrice),
    text(Msg::ColActive),
    text(Msg::IssuedAt),
];

#[component]
fn Vouchers(vouchers: Vec<RedemptionRecord>) -> impl IntoView {
    let rows = vouchers
        .into_iter()
        .map(|v| {
            vec![
                Cell::Code(v.code),
                Cell::Text(v.reward_name),
                Cell::Text(points(v.price.0)),
                Cell::Badge(v.status.as_str(), voucher_status_msg(v.status)),
                Cell::Text(when(Some(v.issued_at))),
            ]
        })
        .collect();
    view! {
        <TableSection title=Msg::CitizenVouchers id="citizen-vouchers-title" empty=Msg::CitizenNoVouchers
            columns=VOUCHER_COLUMNS rows />
    }
}

fn transfer_reason_msg(reason: &str) -> Msg {
    match reason {
        "green_action" => Msg::StatementGreenAction,
        "redemption" => Msg::StatementRedemption,
        "reversal" => Msg::StatementReversal,
        _ => Msg::StatementAdjustment,
    }
}

const STATEMENT_COLUMNS: &[Column] = &[
    text(Msg::DetailWhen),
    text(Msg::RuleKindCol),
    text(Msg::StatementMemo),
    number(Msg::StatementChange),
    number(Msg::StatementBalance),
];

/// The latest ledger lines, with the memo (an adjustment's reason).
#[component]
fn Statement(lines: Vec<ExportedEntry>) -> impl IntoView {
    let rows = lines
        .into_iter()
        .map(|l| {
            let change = if l.amount.0 > 0 {
                format!("+{}", points(l.amount.0))
            } else {
                points(l.amount.0)
            };
            vec![
                Cell::Text(when(Some(l.at))),
                Cell::Msg(transfer_reason_msg(&l.reason)),
                Cell::Text(l.memo.unwrap_or_default()),
                Cell::Text(change),
                Cell::Text(points(l.balance_after.0)),
            ]
        })
        .collect();
    view! {
        <TableSection title=Msg::StatementTitle id="statement-title" empty=Msg::DashNothingYet
            columns=STATEMENT_COLUMNS rows />
    }
}
