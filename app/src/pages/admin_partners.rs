//! `/admin/partners`: the partner systems that report actions. Administrators
//! add a partner (its name and the kinds it may report) and hand its
//! signing secret over — shown once, since Tanpu keeps no copy — rotate the
//! secret, retire the old one once the partner has switched, disable a
//! partner, and import a partner's records from a file, following the
//! import to the end.

use crate::api::{ApiError, NoBody};
use crate::components::admin_nav::RequireAdmin;
use crate::components::data_table::{Cell, Column, DataTable, Facts, Head, number, text};
use crate::components::form::{FormError, TextField, show_api_error};
use crate::components::imports::{ImportForm, ImportHistory, ImportProgress};
use crate::components::load_error::{LoadError, Loading};
use crate::components::voucher_card::copy_text;
use crate::display::{kind_name, when};
use crate::i18n::{Msg, use_i18n};
use crate::session::use_auth;
use gloo_net::http::Method;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use tanpu_core::api::{CreatePartnerRequest, ImportView, PartnerList, PartnerSecret, PartnerView};

/// The built-in action kinds, offered as checkboxes.
const KINDS: [&str; 6] = [
    "bus_ride",
    "metro_ride",
    "bike_trip",
    "walk",
    "refuel_offpeak",
    "ev_charge",
];

/// A change to a partner that asks for confirmation first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Change {
    Rotate,
    Retire,
    Disable,
}

impl Change {
    fn path(self) -> &'static str {
        match self {
            Self::Rotate => "rotate",
            Self::Retire => "retire-old-secrets",
            Self::Disable => "disable",
        }
    }

    fn label(self) -> Msg {
        match self {
            Self::Rotate => Msg::PartnerRotate,
            Self::Retire => Msg::PartnerRetire,
            Self::Disable => Msg::PartnerDisable,
        }
    }

    fn explain(self) -> Msg {
        match self {
            Self::Rotate => Msg::PartnerRotateExplain,
            Self::Retire => Msg::PartnerRetireExplain,
            Self::Disable => Msg::PartnerDisableExplain,
        }
    }

    fn done(self) -> Msg {
        match self {
            Self::Rotate => Msg::PartnerRotated,
            Self::Retire => Msg::PartnerRetired,
            Self::Disable => Msg::PartnerDisabled,
        }
    }
}

/// `/admin/partners`
#[component]
pub fn AdminPartners() -> impl IntoView {
    view! { <RequireAdmin title=Msg::PartnersTitle><PartnersPage /></RequireAdmin> }
}

#[component]
fn PartnersPage() -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let partners = LocalResource::new(move || async move {
        auth.call::<NoBody, PartnerList>(Method::GET, "/api/v1/admin/partners", None)
            .await
    });
    let secret = RwSignal::new(None::<(String, PartnerSecret)>);
    let notice = RwSignal::new(None::<Msg>);
    let confirming = RwSignal::new(None::<(PartnerView, Change)>);
    let importing = RwSignal::new(None::<PartnerView>);
    let watching = RwSignal::new(None::<ImportView>);
    let history = RwSignal::new(0_u32);
    let bump_history = move || history.update(|n| *n += 1);
    let on_created = move |name: String, s: PartnerSecret| {
        notice.set(None);
        secret.set(Some((name, s)));
        partners.refetch();
    };
    let on_changed = move |change: Change, name: String, s: Option<PartnerSecret>| {
        confirming.set(None);
        notice.set(Some(change.done()));
        if let Some(s) = s {
            secret.set(Some((name, s)));
        }
        partners.refetch();
    };
    view! {
        <h1>{i18n.tr(Msg::PartnersTitle)}</h1>
        <Show when=move || notice.get().is_some()>
            <p class="notice notice-ok" role="status">{move || notice.get().map(|m| i18n.t(m))}</p>
        </Show>
        {move || secret.get().map(|(name, s)| view! { <SecretOnce name secret=s on_close=move || secret.set(None) /> })}
        <section class="card" aria-labelledby="partners-title">
            <h2 id="partners-title">{i18n.tr(Msg::PartnersListTitle)}</h2>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match partners.await {
                        Ok(list) if list.partners.is_empty() => view! { <p class="muted">{i18n.tr(Msg::PartnersNone)}</p> }.into_any(),
                        Ok(list) => {
                            let rows = list.partners.into_iter().map(|p| partner_row(p, confirming, importing)).collect();
                            view! { <DataTable columns=PARTNER_COLUMNS rows labelled_by="partners-title".to_owned() wide=true /> }.into_any()
                        }
                        Err(error) => view! { <LoadError error on_retry=move || partners.refetch() /> }.into_any(),
                    }
                })}
            </Transition>
            {move || confirming.get().map(|(partner, change)| view! {
                <ConfirmChange partner change on_done=on_changed on_cancel=move || confirming.set(None) />
            })}
        </section>
        <CreatePartner on_created />
        {move || importing.get().map(|partner| view! {
            <ImportForm partner
                on_started=move |v| { watching.set(Some(v)); bump_history(); }
                on_close=move || importing.set(None) />
        })}
        {move || watching.get().map(|import| view! { <ImportProgress import on_finished=bump_history /> })}
        <ImportHistory refresh=history on_show=move |v| watching.set(Some(v)) />
    }
}

const PARTNER_COLUMNS: &[Column] = &[
    Column {
        head: Head::Literal("#"),
        numeric: true,
    },
    text(Msg::PartnerName),
    text(Msg::PartnerKinds),
    number(Msg::PartnerSecrets),
    text(Msg::ColActive),
    text(Msg::PartnerCreated),
    Column {
        head: Head::Hidden(Msg::PartnerActions),
        numeric: false,
    },
];

/// A partner's row, with the changes that apply to it as buttons named
/// with the partner ("更换密钥 聊城公交").
fn partner_row(
    p: PartnerView,
    confirming: RwSignal<Option<(PartnerView, Change)>>,
    importing: RwSignal<Option<PartnerView>>,
) -> Vec<Cell> {
    let i18n = use_i18n();
    let partner = StoredValue::new(p.clone());
    // `None` opens the import form; a change asks for confirmation first.
    let mut offered: Vec<(Msg, Option<Change>)> = Vec::new();
    if !p.disabled {
        offered.push((Msg::PartnerImport, None));
        offered.push((Msg::PartnerRotate, Some(Change::Rotate)));
        if p.active_secrets > 1 {
            offered.push((Msg::PartnerRetire, Some(Change::Retire)));
        }
        offered.push((Msg::PartnerDisable, Some(Change::Disable)));
    }
    let buttons = offered
        .into_iter()
        .map(|(label, change)| {
            let name = move || format!("{} {}", i18n.t(label), partner.with_value(|p| p.name.clone()));
            let on_click = move |_| match change {
                Some(change) => confirming.set(Some((partner.get_value(), change))),
                None => importing.set(Some(partner.get_value())),
            };
            view! {
                <button type="button" class="link" aria-label=name on:click=on_click>{i18n.tr(label)}</button>
            }
        })
        .collect_view();
    let (badge, state) = if p.disabled {
        ("rejected", Msg::PartnerIsDisabled)
    } else {
        ("accepted", Msg::PartnerIsActive)
    };
    vec![
        Cell::Text(p.id.to_string()),
        Cell::Text(p.name),
        Cell::Kinds(p.kinds),
        Cell::Text(p.active_secrets.to_string()),
        Cell::Badge(badge, state),
        Cell::Text(when(Some(p.created_at))),
        Cell::View(view! { <span class="partner-actions">{buttons}</span> }.into_any()),
    ]
}

/// "Rotate the secret of X?" with what it means, Confirm and Cancel.
#[component]
fn ConfirmChange(
    partner: PartnerView,
    change: Change,
    on_done: impl Fn(Change, String, Option<PartnerSecret>) + Copy + 'static,
    on_cancel: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let error = RwSignal::new(None);
    let path = format!("/api/v1/admin/partners/{}/{}", partner.id, change.path());
    let name = partner.name.clone();
    let run = Action::new_local(move |(): &()| {
        let path = path.clone();
        async move {
            if change == Change::Rotate {
                auth.call::<NoBody, PartnerSecret>(Method::POST, &path, None)
                    .await
                    .map(Some)
            } else {
                auth.call::<NoBody, PartnerView>(Method::POST, &path, None)
                    .await
                    .map(|_| None)
            }
        }
    });
    Effect::new(move |_| match run.value().get() {
        Some(Ok(secret)) => on_done(change, name.clone(), secret),
        Some(Err(e)) => show_api_error(&e, &[], error),
        None => {}
    });
    let panel = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let Some(p) = panel.get() {
            let _ = p.focus();
        }
    });
    view! {
        <div class="confirm" role="dialog" aria-labelledby="change-title" aria-describedby="change-text"
            tabindex="-1" node_ref=panel
            on:keydown=move |ev| if ev.key() == "Escape" { on_cancel(); }>
            <h3 id="change-title">{i18n.tr(change.label())} " · " {partner.name}</h3>
            <p id="change-text">{i18n.tr(change.explain())}</p>
            <FormError error />
            <div class="actions">
                <button type="button" class=if change == Change::Disable { "secondary danger" } else { "primary" }
                    disabled=move || run.pending().get() on:click=move |_| { run.dispatch(()); }>
                    {i18n.tr(Msg::PartnerConfirm)}
                </button>
                <button type="button" class="secondary" on:click=move |_| on_cancel()>
                    {i18n.tr(Msg::Cancel)}
                </button>
            </div>
        </div>
    }
}

/// A new secret, shown this once, with a clear warning and a copy button.
#[component]
fn SecretOnce(
    name: String,
    secret: PartnerSecret,
    on_close: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let copied = RwSignal::new(false);
    let heading = NodeRef::<leptos::html::H2>::new();
    Effect::new(move |_| {
        if let Some(h) = heading.get() {
            let _ = h.focus();
        }
    });
    let value = secret.secret.clone();
    view! {
        <section class="card secret-once" aria-labelledby="secret-title">
            <h2 id="secret-title" tabindex="-1" node_ref=heading>
                {i18n.tr(Msg::PartnerSecretTitle)} " · " {name}
            </h2>
            <p class="notice notice-error">{i18n.tr(Msg::PartnerSecretWarning)}</p>
            <Facts class="secret-facts" items=vec![
                (Msg::PartnerId, Cell::Code(secret.partner_id.to_string())),
                (Msg::PartnerSecretLabel, Cell::Code(secret.secret)),
            ] />
            <div class="actions">
                <button type="button" class="primary" on:click=move |_| copy_text(&value, copied)>
                    {i18n.tr(Msg::PartnerCopySecret)}
                </button>
                <button type="button" class="secondary" on:click=move |_| on_close()>
                    {i18n.tr(Msg::PartnerSecretSaved)}
                </button>
                <span class="copied" aria-live="polite">{move || copied.get().then(|| i18n.t(Msg::Copied))}</span>
            </div>
        </section>
    }
}

/// The name and kinds of a new partner.
#[component]
fn CreatePartner(on_created: impl Fn(String, PartnerSecret) + Copy + 'static) -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<&'static str>::new());
    let others = RwSignal::new(String::new());
    let name_error = RwSignal::new(None);
    let kinds_error = RwSignal::new(None::<Msg>);
    let others_error = RwSignal::new(None);
    let form_error = RwSignal::new(None);
    let create = Action::new_local(move |req: &CreatePartnerRequest| {
        let req = req.clone();
        async move {
            let secret = auth
                .call::<_, PartnerSecret>(Method::POST, "/api/v1/admin/partners", Some(&req))
                .await?;
            Ok::<_, ApiError>((req.name, secret))
        }
    });
    Effect::new(move |_| match create.value().get() {
        Some(Ok((created, secret))) => {
            name.set(String::new());
            chosen.set(Vec::new());
            others.set(String::new());
            on_created(created, secret);
        }
        Some(Err(e)) => match e.field_reason() {
            Some((f, r)) if f == "name" && r == "taken" => {
                name_error.set(Some(Msg::PartnerErrTaken));
            }
            Some((f, r)) if f == "kinds" && r == "not_a_kind" => {
                others_error.set(Some(Msg::PartnerErrNotAKind));
            }
            _ => show_api_error(
                &e,
                &[("name", name_error), ("kinds", kinds_error)],
                form_error,
            ),
        },
        None => {}
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        form_error.set(None);
        others_error.set(None);
        let n = name.get_untracked().trim().to_owned();
        name_error.set(n.is_empty().then_some(Msg::ErrRequired));
        let mut kinds: Vec<String> = chosen
            .get_untracked()
            .into_iter()
            .map(str::to_owned)
            .collect();
        kinds.extend(
            others
                .get_untracked()
                .split([',', '，', ' '])
                .map(str::trim)
                .filter(|k| !k.is_empty())
                .map(str::to_owned),
        );
        kinds_error.set(kinds.is_empty().then_some(Msg::PartnerErrNoKinds));
        if !n.is_empty() && !kinds.is_empty() {
            create.dispatch(CreatePartnerRequest { name: n, kinds });
        }
    };
    view! {
        <section class="card" aria-labelledby="new-partner-title">
            <h2 id="new-partner-title">{i18n.tr(Msg::PartnerNewTitle)}</h2>
            <form class="form" on:submit=on_submit novalidate>
                <FormError error=form_error />
                <TextField label=Msg::PartnerName name="partner-name" value=name error=name_error />
                <fieldset class="kinds" aria-describedby="partner-kinds-error">
                    <legend>{i18n.tr(Msg::PartnerKinds)}</legend>
                    {KINDS.into_iter().map(|k| {
                        let id = format!("partner-kind-{k}");
                        view! {
                            <div class="field field-check">
                                <input id=id.clone() type="checkbox" value=k
                                    prop:checked=move || chosen.with(|c| c.contains(&k))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        chosen.update(|c| {
                                            c.retain(|x| *x != k);
                                            if on { c.push(k); }
                                        });
                                    } />
                                <label for=id>{move || kind_name(i18n, k)}</label>
                            </div>
                        }
                    }).collect_view()}
                    <p class="field-error" id="partner-kinds-error" aria-live="polite">
                        {move || kinds_error.get().map(|m| i18n.t(m))}
                    </p>
                </fieldset>
                <TextField label=Msg::PartnerOtherKinds name="partner-other-kinds" value=others error=others_error
                    hint=Msg::PartnerOtherKindsHint />
                <div class="actions">
                    <button type="submit" class="primary" disabled=move || create.pending().get()>
                        {i18n.tr(Msg::PartnerCreate)}
                    </button>
                </div>
            </form>
        </section>
    }
}
