//! `/register`: open a carbon account, then sign in straight away.

use crate::api::{self, ApiError};
use crate::components::form::{FormError, TextField, show_api_error};
use crate::components::submission::Submission;
use crate::i18n::{Msg, field_error_msg, use_i18n};
use crate::session::use_auth;
use gloo_net::http::Method;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use tanpu_core::account::{self, Login};
use tanpu_core::api::{LoginRequest, RegisterRequest, SessionView, UserView};

async fn register_and_login(req: RegisterRequest) -> Result<SessionView, ApiError> {
    api::send::<_, UserView>(Method::POST, "/api/v1/auth/register", Some(&req), None).await?;
    let login = LoginRequest {
        login: req.login,
        password: req.password,
    };
    api::send(Method::POST, "/api/v1/auth/login", Some(&login), None).await
}

/// `/register`
#[component]
pub fn Register() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let navigate = use_navigate();

    let login = RwSignal::new(String::new());
    let nickname = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let consent = RwSignal::new(false);
    let login_error = RwSignal::new(None);
    let nickname_error = RwSignal::new(None);
    let password_error = RwSignal::new(None);
    let consent_error = RwSignal::new(None);
    let form_error = RwSignal::new(None);

    let submit = Submission::new();

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        // The same rules as the server, so most mistakes never make a round trip.
        let login_check = Login::parse(&login.get()).err().map(field_error_msg);
        let nickname_check = account::parse_nickname(&nickname.get())
            .err()
            .map(field_error_msg);
        let password_check = account::check_new_password(&password.get())
            .err()
            .map(field_error_msg);
        let consent_check = (!consent.get()).then_some(Msg::ErrConsentRequired);
        login_error.set(login_check);
        nickname_error.set(nickname_check);
        password_error.set(password_check);
        consent_error.set(consent_check);
        form_error.set(None);
        if login_check
            .or(nickname_check)
            .or(password_check)
            .or(consent_check)
            .is_none()
        {
            let req = RegisterRequest {
                login: login.get(),
                password: password.get(),
                nickname: nickname.get(),
                consent: true,
            };
            let navigate = navigate.clone();
            submit.send(register_and_login(req), move |answer| match answer {
                Ok(session) => {
                    auth.set(session);
                    navigate("/me", Default::default());
                }
                Err(error) => show_api_error(
                    &error,
                    &[
                        ("login", login_error),
                        ("nickname", nickname_error),
                        ("password", password_error),
                        ("consent", consent_error),
                    ],
                    form_error,
                ),
            });
        }
    };

    view! {
        <section class="narrow">
            <h1>{i18n.tr(Msg::RegisterTitle)}</h1>
            <form class="form" on:submit=on_submit novalidate>
                <FormError error=form_error />
                <TextField label=Msg::FieldLogin name="login" value=login error=login_error autocomplete="username" />
                <TextField label=Msg::FieldNickname name="nickname" value=nickname error=nickname_error autocomplete="nickname" />
                <TextField
                    label=Msg::FieldPassword
                    name="password"
                    value=password
                    error=password_error
                    input_type="password"
                    autocomplete="new-password"
                    hint=Msg::FieldPasswordHint
                />
                <div class="field field-check">
                    <input
                        id="field-consent"
                        type="checkbox"
                        bind:checked=consent
                        aria-invalid=move || if consent_error.get().is_some() { "true" } else { "false" }
                        aria-describedby="field-consent-error"
                    />
                    <label for="field-consent">{i18n.tr(Msg::ConsentLabel)}</label>
                    <A href="/privacy">{i18n.tr(Msg::ReadPrivacy)}</A>
                    <p class="field-error" id="field-consent-error" aria-live="polite">
                        {move || consent_error.get().map(|m| i18n.t(m))}
                    </p>
                </div>
                <button type="submit" class="primary" disabled=move || submit.pending()>
                    {move || i18n.t(if submit.pending() { Msg::Submitting } else { Msg::RegisterSubmit })}
                </button>
            </form>
            <p><A href="/login">{i18n.tr(Msg::HaveAccount)}</A></p>
        </section>
    }
}
