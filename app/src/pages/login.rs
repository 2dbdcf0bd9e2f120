//! `/login`.

use crate::api;
use crate::components::form::{FormError, TextField, show_api_error};
use crate::components::submission::Submission;
use crate::i18n::{Msg, use_i18n};
use crate::session::use_auth;
use gloo_net::http::Method;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use tanpu_core::api::{LoginRequest, SessionView};

/// `/login`
#[component]
pub fn Login() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let navigate = use_navigate();

    let login = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let login_error = RwSignal::new(None);
    let password_error = RwSignal::new(None);
    let form_error = RwSignal::new(None);

    let submit = Submission::new();

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let missing = |v: String| v.trim().is_empty().then_some(Msg::ErrRequired);
        login_error.set(missing(login.get()));
        password_error.set(missing(password.get()));
        form_error.set(None);
        if login_error.get().is_none() && password_error.get().is_none() {
            let req = LoginRequest {
                login: login.get(),
                password: password.get(),
            };
            let navigate = navigate.clone();
            submit.send(
                async move {
                    api::send::<_, SessionView>(
                        Method::POST,
                        "/api/v1/auth/login",
                        Some(&req),
                        None,
                    )
                    .await
                },
                move |answer| match answer {
                    Ok(session) => {
                        auth.set(session);
                        navigate("/me", Default::default());
                    }
                    Err(error) => show_api_error(&error, &[], form_error),
                },
            );
        }
    };

    view! {
        <section class="narrow">
            <h1>{i18n.tr(Msg::LoginTitle)}</h1>
            <form class="form" on:submit=on_submit novalidate>
                <FormError error=form_error />
                <TextField label=Msg::FieldLogin name="login" value=login error=login_error autocomplete="username" />
                <TextField
                    label=Msg::FieldPassword
                    name="password"
                    value=password
                    error=password_error
                    input_type="password"
                    autocomplete="current-password"
                />
                <button type="submit" class="primary" disabled=move || submit.pending()>
                    {move || i18n.t(if submit.pending() { Msg::Submitting } else { Msg::LoginSubmit })}
                </button>
            </form>
            <p><A href="/register">{i18n.tr(Msg::NoAccount)}</A></p>
        </section>
    }
}
