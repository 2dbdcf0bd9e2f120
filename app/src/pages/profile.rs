//! `/me`: the signed-in citizen's account: who they are, their bindings,
//! their password, signing out.

use crate::components::fetched::{fetch, loaded};
use crate::components::form::{FormError, TextField, show_api_error};
use crate::components::require_sign_in::RequireSignIn;
use crate::components::submission::Submission;
use crate::i18n::{Msg, field_error_msg, use_i18n};
use crate::session::use_auth;
use gloo_net::http::Method;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use tanpu_core::account::{self, Role};
use tanpu_core::api::{
    BindingList, BindingRequest, BindingView, ChangePasswordRequest, DeleteAccountRequest,
    SessionView, UpdateProfileRequest, UserView,
};
use tanpu_core::binding::{Subject, SubjectError, SubjectType};

/// `/me`: sends a signed-out visitor to `/login`.
#[component]
pub fn Profile() -> impl IntoView {
    view! { <RequireSignIn><ProfileBody /></RequireSignIn> }
}

#[component]
fn ProfileBody() -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let navigate = use_navigate();
    let user = move || auth.user();
    let role = move || {
        user().map(|u| {
            i18n.t(match u.role {
                Role::Citizen => Msg::RoleCitizen,
                Role::Reviewer => Msg::RoleReviewer,
                Role::Admin => Msg::RoleAdmin,
            })
        })
    };
    let logout = move |_| {
        // Leave the page first: once signed out, this page would send the
        // visitor to the sign-in form instead of home.
        navigate("/", Default::default());
        spawn_local(auth.logout());
    };
    view! {
        <section class="narrow">
            <h1>{move || user().map(|u| u.nickname)}</h1>
            <dl class="facts">
                <dt>{i18n.tr(Msg::ProfileLogin)}</dt>
                <dd>{move || user().map(|u| u.login.to_string())}</dd>
                <dt>{i18n.tr(Msg::ProfileRole)}</dt>
                <dd>{role}</dd>
            </dl>
            <NicknameForm />
            <Bindings />
            <PasswordForm />
            <MyData />
            <button type="button" class="secondary" on:click=logout>
                {i18n.tr(Msg::Logout)}
            </button>
        </section>
    }
}

fn subject_label(kind: SubjectType) -> Msg {
    match kind {
        SubjectType::TransitCard => Msg::SubjectTransitCard,
        SubjectType::Plate => Msg::SubjectPlate,
        SubjectType::FuelCard => Msg::SubjectFuelCard,
    }
}

#[component]
fn Bindings() -> impl IntoView {
    let i18n = use_i18n();
    let list = fetch(|| "/api/v1/me/bindings".to_owned());

    let kind = RwSignal::new(SubjectType::TransitCard);
    let value = RwSignal::new(String::new());
    let value_error = RwSignal::new(None);
    let form_error = RwSignal::new(None);

    let add = Submission::new();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        form_error.set(None);
        let check = Subject::parse(kind.get(), &value.get())
            .err()
            .map(|e| match e {
                SubjectError::Empty => Msg::ErrRequired,
                SubjectError::NotACardNumber => Msg::ErrNotACardNumber,
                SubjectError::NotAPlate => Msg::ErrNotAPlate,
            });
        value_error.set(check);
        if check.is_none() {
            let req = BindingRequest {
                kind: kind.get(),
                value: value.get(),
            };
            add.call::<_, BindingView>(
                Method::POST,
                "/api/v1/me/bindings",
                Some(req),
                move |answer| match answer {
                    Ok(_) => {
                        value.set(String::new());
                        list.refetch();
                    }
                    Err(error) => show_api_error(
                        &error,
                        &[("value", value_error), ("type", form_error)],
                        form_error,
                    ),
                },
            );
        }
    };

    // Whatever the answer, the list shows what is bound now.
    let remove = Submission::new();
    let unbind = move |id: i64| {
        let path = format!("/api/v1/me/bindings/{id}");
        remove.delete::<()>(path, move |_| list.refetch());
    };

    view! {
        <section aria-labelledby="bindings-title" class="card">
            <h2 id="bindings-title">{i18n.tr(Msg::BindingsTitle)}</h2>
            <p class="muted">{i18n.tr(Msg::BindingsHelp)}</p>
            {loaded(list, move |BindingList { bindings }| {
                if bindings.is_empty() {
                    return view! { <p>{i18n.tr(Msg::BindingsEmpty)}</p> }.into_any();
                }
                view! {
                    <ul class="bindings" aria-labelledby="bindings-title">
                        {bindings
                            .into_iter()
                            .map(|b| {
                                let id = b.id.0;
                                let masked = b.masked.clone();
                                view! {
                                    <li>
                                        <span class="binding-kind">{i18n.tr(subject_label(b.kind))}</span>
                                        <span class="binding-value">{b.masked}</span>
                                        <button
                                            type="button"
                                            class="link-button"
                                            aria-label=move || format!("{} {}", i18n.t(Msg::Unbind), masked)
                                            on:click=move |_| unbind(id)
                                        >
                                            {i18n.tr(Msg::Unbind)}
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            })}
            <form class="form" on:submit=on_submit novalidate>
                <FormError error=form_error />
                <div class="field">
                    <label for="field-binding-type">{i18n.tr(Msg::BindingType)}</label>
                    <select
                        id="field-binding-type"
                        on:change=move |ev| {
                            if let Some(k) = SubjectType::from_name(&event_target_value(&ev)) {
                                kind.set(k);
                                value_error.set(None);
                            }
                        }
                        prop:value=move || kind.get().as_str()
                    >
                        {SubjectType::ALL
                            .into_iter()
                            .map(|k| view! { <option value=k.as_str()>{i18n.tr(subject_label(k))}</option> })
                            .collect_view()}
                    </select>
                </div>
                <TextField label=Msg::BindingValue name="binding-value" value=value error=value_error />
                <button type="submit" class="primary" disabled=move || add.pending()>
                    {i18n.tr(Msg::BindSubmit)}
                </button>
            </form>
        </section>
    }
}

#[component]
fn NicknameForm() -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let nickname = RwSignal::new(auth.user().map(|u| u.nickname).unwrap_or_default());
    let error = RwSignal::new(None);
    let form_error = RwSignal::new(None);
    let saved = RwSignal::new(false);
    let save = Submission::new();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        form_error.set(None);
        error.set(
            account::parse_nickname(&nickname.get())
                .err()
                .map(field_error_msg),
        );
        if error.get().is_none() {
            let req = UpdateProfileRequest {
                nickname: nickname.get(),
            };
            save.call::<_, UserView>(Method::PATCH, "/api/v1/me", Some(req), move |answer| {
                match answer {
                    Ok(user) => {
                        auth.update_user(user);
                        saved.set(true);
                    }
                    Err(e) => show_api_error(&e, &[("nickname", error)], form_error),
                }
            });
        }
    };
    view! {
        <section aria-labelledby="nickname-title" class="card">
            <h2 id="nickname-title">{i18n.tr(Msg::NicknameTitle)}</h2>
            <form class="form" on:submit=on_submit novalidate>
                <FormError error=form_error />
                {move || saved.get().then(|| view! { <p class="notice notice-ok" role="status">{i18n.tr(Msg::Saved)}</p> })}
                <TextField label=Msg::FieldNickname name="profile-nickname" value=nickname error=error autocomplete="nickname" />
                <button type="submit" class="primary" disabled=move || save.pending()>
                    {i18n.tr(Msg::Save)}
                </button>
            </form>
        </section>
    }
}

#[component]
fn PasswordForm() -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let current_error = RwSignal::new(None);
    let new_error = RwSignal::new(None);
    let form_error = RwSignal::new(None);
    let done = RwSignal::new(false);

    let change = Submission::new();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        done.set(false);
        form_error.set(None);
        current_error.set(current.get().is_empty().then_some(Msg::ErrRequired));
        new_error.set(
            account::check_new_password(&new.get())
                .err()
                .map(field_error_msg),
        );
        if current_error.get().is_none() && new_error.get().is_none() {
            let req = ChangePasswordRequest {
                current_password: current.get(),
                new_password: new.get(),
            };
            change.call::<_, SessionView>(
                Method::POST,
                "/api/v1/me/password",
                Some(req),
                move |answer| match answer {
                    Ok(session) => {
                        auth.set(session);
                        current.set(String::new());
                        new.set(String::new());
                        done.set(true);
                    }
                    Err(error) => show_api_error(
                        &error,
                        &[
                            ("current_password", current_error),
                            ("new_password", new_error),
                        ],
                        form_error,
                    ),
                },
            );
        }
    };
    view! {
        <section aria-labelledby="password-title" class="card">
            <h2 id="password-title">{i18n.tr(Msg::PasswordTitle)}</h2>
            <form class="form" on:submit=on_submit novalidate>
                <FormError error=form_error />
                {move || done.get().then(|| view! { <p class="notice notice-ok" role="status">{i18n.tr(Msg::PasswordChanged)}</p> })}
                <TextField
                    label=Msg::FieldCurrentPassword
                    name="current-password"
                    value=current
                    error=current_error
                    input_type="password"
                    autocomplete="current-password"
                />
                <TextField
                    label=Msg::FieldNewPassword
                    name="new-password"
                    value=new
                    error=new_error
                    input_type="password"
                    autocomplete="new-password"
                    hint=Msg::FieldPasswordHint
                />
                <button type="submit" class="primary" disabled=move || change.pending()>
                    {i18n.tr(Msg::PasswordSubmit)}
                </button>
            </form>
        </section>
    }
}

/// Export and deletion (PIPL).
#[component]
fn MyData() -> impl IntoView {
    let auth = use_auth();
    let i18n = use_i18n();
    let navigate = use_navigate();
    let exported = RwSignal::new(false);
    let password = RwSignal::new(String::new());
    let password_error = RwSignal::new(None);
    let form_error = RwSignal::new(None);
    let requests = Submission::new();
    // The file is the server's answer as it came: reading it into a JSON
    // value only to write it out again would bring serde_json's `Value`
    // into the page's code.
    let export = move |_| {
        requests.send(auth.text("/api/v1/me/export"), move |answer| match answer {
            Ok(json) => {
                download_json("tanpu-export.json", &json);
                exported.set(true);
            }
            Err(e) => show_api_error(&e, &[], form_error),
        });
    };
    let on_delete = move |ev: SubmitEvent| {
        ev.prevent_default();
        password_error.set(password.get().is_empty().then_some(Msg::ErrRequired));
        if password_error.get().is_none() {
            let req = DeleteAccountRequest {
                password: password.get(),
            };
            let navigate = navigate.clone();
            requests.call::<_, ()>(Method::DELETE, "/api/v1/me", Some(req), move |answer| {
                match answer {
                    Ok(()) => {
                        navigate("/", Default::default());
                        spawn_local(auth.logout());
                    }
                    Err(e) => show_api_error(&e, &[("password", password_error)], form_error),
                }
            });
        }
    };
    view! {
        <section aria-labelledby="data-title" class="card">
            <h2 id="data-title">{i18n.tr(Msg::PrivacyTitleMine)}</h2>
            <button type="button" class="secondary" on:click=export>
                {i18n.tr(Msg::ExportData)}
            </button>
            {move || exported.get().then(|| view! { <p class="notice notice-ok" role="status">{i18n.tr(Msg::ExportReady)}</p> })}
            <h3>{i18n.tr(Msg::DeleteTitle)}</h3>
            <p class="notice notice-error">{i18n.tr(Msg::DeleteWarning)}</p>
            <form class="form" on:submit=on_delete novalidate>
                <FormError error=form_error />
                <TextField label=Msg::DeleteConfirm name="delete-password" value=password error=password_error
                    input_type="password" autocomplete="current-password" />
                <button type="submit" class="secondary danger">{i18n.tr(Msg::DeleteSubmit)}</button>
            </form>
        </section>
    }
}

/// Offers `text` as a file download.
fn download_json(name: &str, text: &str) {
    use wasm_bindgen::JsCast;
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Some(a) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}
