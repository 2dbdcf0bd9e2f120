//! `/admin/rules` and `/admin/rules/{id}`: administrators list the credit
//! rules, edit a draft with live validation, try it in a calculator that
//! runs tanpu-core's evaluator in the browser, simulate it over the stored
//! actions, publish it, and read the version history.
//!
//! The draft's fields are edited in the submodules: names and points in
//! [`general`], the unit and the reduction method in [`reduction`], the
//! multipliers in [`multipliers`], the schedule editor (the rule's and each
//! multiplier's) in [`schedule`], caps, bounds, plausibility, timing and the
//! interval in [`limits`]; [`calculator`] tries the draft on one action;
//! [`form`] holds the shared state and the field control that shows each
//! issue beside its field.

mod calculator;
mod form;
mod general;
mod limits;
mod multipliers;
mod reduction;
mod schedule;

use crate::api::NoBody;
use crate::components::form::{FormError, show_api_error};
use crate::components::load_error::{LoadError, Loading};
use crate::components::require_sign_in::RequireSignIn;
use crate::display::kind_name;
use crate::i18n::{Lang, Msg, issue_msg, use_i18n};
use crate::session::use_auth;
use gloo_net::http::Method;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use tanpu_core::api::{
    CreateDraftRequest, PublishRuleRequest, RuleHistory, RuleList, RuleVersionStatus,
    RuleVersionView, SimulationReport, SimulationRequest,
};
use tanpu_core::ids::RuleVersionId;
use tanpu_core::rules::{RuleVersion, validate};

/// `/admin/rules`
#[component]
pub fn AdminRules() -> impl IntoView {
    view! { <RequireSignIn><RuleTable /></RequireSignIn> }
}

#[component]
fn RuleTable() -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let rules = LocalResource::new(move || async move {
        auth.call::<NoBody, RuleList>(Method::GET, "/api/v1/admin/rules", None)
            .await
    });
    view! {
        <h1>{i18n.tr(Msg::RulesTitle)}</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match rules.await {
                    Ok(list) => view! {
                        <table class="data">
                            <thead><tr>
                                <th scope="col">{i18n.tr(Msg::RuleKindCol)}</th>
                                <th scope="col">{i18n.tr(Msg::RuleNameCol)}</th>
                                <th scope="col">{i18n.tr(Msg::RuleInForceCol)}</th>
                                <th scope="col"><span class="visually-hidden">{i18n.tr(Msg::Edit)}</span></th>
                            </tr></thead>
                            <tbody>
                                {list.rules.into_iter().map(|rule| {
                                    let kind = rule.kind.clone();
                                    let name = rule.name.clone();
                                    let in_force = rule.in_force.map_or_else(|| i18n.t(Msg::NoneInForce).to_owned(), |v| format!("#{v}"));
                                    let edit_label = format!("{} {}", i18n.t(Msg::Edit), kind_name(i18n, &kind));
                                    view! {
                                        <tr>
                                            <td>{move || kind_name(i18n, &kind)}</td>
                                            <td>{move || if i18n.lang() == Lang::Zh { name.zh_cn.clone() } else { name.en.clone() }}</td>
                                            <td>{in_force}</td>
                                            <td><A href=format!("/admin/rules/{}", rule.id) attr:aria-label=edit_label>{i18n.tr(Msg::Edit)}</A></td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                    Err(error) => view! { <LoadError error on_retry=move || rules.refetch() /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/admin/rules/{id}`
#[component]
pub fn AdminRuleEditor() -> impl IntoView {
    view! { <RequireSignIn><Editor /></RequireSignIn> }
}

#[component]
fn Editor() -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let params = use_params_map();
    let rule_id = move || params.read().get("id").unwrap_or_default();
    let history = LocalResource::new(move || {
        let id = rule_id();
        async move {
            auth.call::<NoBody, RuleHistory>(
                Method::GET,
                &format!("/api/v1/admin/rules/{id}/history"),
                None,
            )
            .await
        }
    });
    // Lives above the draft editor, which is gone once the draft is published.
    let notice = RwSignal::new(None::<Msg>);
    let new_draft = Action::new_local(move |_: &()| {
        let id = rule_id();
        async move {
            auth.call::<_, RuleVersionView>(
                Method::POST,
                &format!("/api/v1/admin/rules/{id}/versions"),
                Some(&CreateDraftRequest::default()),
            )
            .await
        }
    });
    Effect::new(move |_| {
        if new_draft.value().get().is_some() {
            history.refetch();
        }
    });
    view! {
        <h1>{i18n.tr(Msg::RulesTitle)}</h1>
        <Show when=move || notice.get().is_some()>
            <p class="notice notice-ok" role="status">{move || notice.get().map(|m| i18n.t(m))}</p>
        </Show>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match history.await {
                    Ok(h) => {
                        let draft = h.versions.iter().rev().find(|v| v.version.summary.status == RuleVersionStatus::Draft).map(|v| v.version.clone());
                        let entries = h.versions;
                        view! {
                            {match draft {
                                Some(draft) => view! { <DraftEditor draft notice on_change=move || history.refetch() /> }.into_any(),
                                None => view! {
                                    <button type="button" class="primary" on:click=move |_| { new_draft.dispatch(()); }>
                                        {i18n.tr(Msg::NewDraft)}
                                    </button>
                                }.into_any(),
                            }}
                            <section class="card" aria-labelledby="history-title">
                                <h2 id="history-title">{i18n.tr(Msg::HistoryTitle)}</h2>
                                <ol>
                                    {entries.into_iter().map(|e| {
                                        let status = match e.version.summary.status {
                                            RuleVersionStatus::Draft => "draft",
                                            RuleVersionStatus::Published => "published",
                                            RuleVersionStatus::Retired => "retired",
                                        };
                                        let changes = e.changes.iter().map(|c| format!("{}: {} → {}", c.field, c.old, c.new)).collect::<Vec<_>>().join("; ");
                                        view! { <li>{format!("v{} #{} {status} ", e.version.summary.version, e.version.summary.id)} <span class="muted">{changes}</span></li> }
                                    }).collect_view()}
                                </ol>
                            </section>
                        }.into_any()
                    }
                    Err(error) => view! { <LoadError error on_retry=move || history.refetch() /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn DraftEditor(
    draft: RuleVersionView,
    notice: RwSignal<Option<Msg>>,
    on_change: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let rule_id = draft.summary.rule_id;
    let version_id: RuleVersionId = draft.summary.id;
    let def = RwSignal::new(draft.definition);
    let form_error = RwSignal::new(None);
    let issues = Memo::new(move |_| def.with(|d| validate(d).err().unwrap_or_default()));
    let form = form::Form {
        def,
        issues,
        unparsed: RwSignal::new(Default::default()),
        i18n,
    };

    let base = format!("/api/v1/admin/rules/{rule_id}/versions/{version_id}");
    let save = {
        let base = base.clone();
        Action::new_local(move |d: &RuleVersion| {
            let (d, path) = (d.clone(), base.clone());
            async move {
                auth.call::<_, RuleVersionView>(Method::PUT, &path, Some(&d))
                    .await
            }
        })
    };
    let publish = {
        let base = base.clone();
        Action::new_local(move |_: &()| {
            let path = format!("{base}/publish");
            // The draft's interval: a start already past means "now".
            let offset = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
            let request = def.with_untracked(|d| PublishRuleRequest {
                effective_from: (d.effective_from > crate::display::now())
                    .then(|| d.effective_from.with_timezone(&offset)),
                effective_until: d.effective_until.map(|u| u.with_timezone(&offset)),
            });
            async move {
                auth.call::<_, RuleVersionView>(Method::POST, &path, Some(&request))
                    .await
            }
        })
    };
    let simulate = {
        Action::new_local(move |req: &SimulationRequest| {
            let (req, path) = (req.clone(), format!("{base}/simulate"));
            async move {
                auth.call::<_, SimulationReport>(Method::POST, &path, Some(&req))
                    .await
            }
        })
    };
    Effect::new(move |_| match save.value().get() {
        Some(Ok(_)) => notice.set(Some(Msg::Saved2)),
        Some(Err(e)) => show_api_error(&e, &[], form_error),
        None => {}
    });
    {
        Effect::new(move |_| match publish.value().get() {
            Some(Ok(_)) => {
                notice.set(Some(Msg::Published));
                on_change();
            }
            Some(Err(e)) => show_api_error(&e, &[], form_error),
            None => {}
        });
    }
    // Save first, then act, so the server sees what the form shows.
    let save_then = move |then: Box<dyn Fn() + 'static>| {
        let d = def.get_untracked();
        leptos::task::spawn_local(async move {
            let path = format!("/api/v1/admin/rules/{rule_id}/versions/{version_id}");
            match auth
                .call::<_, RuleVersionView>(Method::PUT, &path, Some(&d))
                .await
            {
                Ok(_) => then(),
                Err(e) => show_api_error(&e, &[], form_error),
            }
        });
    };

    view! {
        <section class="card" aria-labelledby="draft-title">
            <h2 id="draft-title">{i18n.tr(Msg::DraftTitle)} {format!(" #{version_id}")}</h2>
            <FormError error=form_error />
            {general::texts(form)}
            <fieldset class="rule-group">
                <legend>{i18n.tr(Msg::CalculationTitle)}</legend>
                {reduction::unit(form)}
                {reduction::reduction(form)}
                {general::calculation(form)}
            </fieldset>
            {multipliers::multipliers(form)}
            {schedule::schedule(form)}
            {limits::limits(form)}
            <div role="status" aria-live="polite" class="validation">
                {move || {
                    let mut list: Vec<(String, Msg)> = form.unparsed.get().into_iter().collect();
                    list.extend(issues.get().into_iter().map(|i| (i.field, issue_msg(i.code))));
                    if list.is_empty() {
                        view! { <p class="notice notice-ok">{i18n.tr(Msg::ValidationOk)}</p> }.into_any()
                    } else {
                        view! { <ul class="notice notice-error">{list.into_iter().map(|(field, msg)| view! { <li>{field} ": " {i18n.tr(msg)}</li> }).collect_view()}</ul> }.into_any()
                    }
                }}
            </div>
            <div class="actions">
                <button type="button" class="secondary" disabled=move || !form.complete() on:click=move |_| { save.dispatch(def.get()); }>{i18n.tr(Msg::SaveDraft)}</button>
                <button type="button" class="secondary" disabled=move || !form.valid() on:click=move |_| {
                    let to = crate::display::now();
                    let from = to - chrono::Duration::days(30);
                    let offset = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
                    save_then(Box::new(move || { simulate.dispatch(SimulationRequest { from: from.with_timezone(&offset), to: to.with_timezone(&offset) }); }));
                }>{i18n.tr(Msg::Simulate)}</button>
                <button type="button" class="primary" disabled=move || !form.valid() on:click=move |_| {
                    save_then(Box::new(move || { publish.dispatch(()); }));
                }>{i18n.tr(Msg::Publish)}</button>
            </div>
        </section>
        {calculator::calculator(def, i18n)}
        <Show when=move || simulate.value().get().is_some()>
            <section class="card" aria-labelledby="sim-title">
                <h2 id="sim-title">{i18n.tr(Msg::SimulationTitle)}</h2>
                {move || match simulate.value().get() {
                    Some(Ok(r)) => view! {
                        <table class="data">
                            <thead><tr><th scope="col"><span class="visually-hidden">{i18n.tr(Msg::SimulationTitle)}</span></th><th scope="col">{i18n.tr(Msg::SimBefore)}</th><th scope="col">{i18n.tr(Msg::SimAfter)}</th></tr></thead>
                            <tbody>
                                <tr><th scope="row">{i18n.tr(Msg::StatusAccepted)}</th><td>{r.before.accepted}</td><td>{r.after.accepted}</td></tr>
                                <tr><th scope="row">{i18n.tr(Msg::StatusRejected)}</th><td>{r.before.rejected}</td><td>{r.after.rejected}</td></tr>
                                <tr><th scope="row">{i18n.tr(Msg::RulePoints)}</th><td>{r.before.points.0}</td><td>{r.after.points.0}</td></tr>
                                <tr><th scope="row">{i18n.tr(Msg::Co2eCredited)}</th><td>{r.before.co2e_g.0}</td><td>{r.after.co2e_g.0}</td></tr>
                            </tbody>
                        </table>
                        <p>{i18n.tr(Msg::SimActions)} ": " {r.actions} " · " {i18n.tr(Msg::SimChanged)} ": " {r.changed}</p>
                    }.into_any(),
                    Some(Err(e)) => view! { <LoadError error=e on_retry=|| {} /> }.into_any(),
                    None => ().into_any(),
                }}
            </section>
        </Show>
    }
}
