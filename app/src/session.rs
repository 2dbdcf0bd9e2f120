//! The signed-in person, shared through context.
//!
//! The access token lives only in memory; the refresh token lives in an
//! httpOnly cookie the page cannot read. On start the app asks
//! `/auth/refresh` for a session (so a reload keeps you signed in), and a
//! call answered 401 is retried once after a refresh (so an expired access
//! token is renewed silently). A readable cookie beside the refresh cookie
//! says whether there is a session to restore, so a visitor's first page
//! does not wait for the refresh to be refused.

use crate::api::{self, ApiError, NoBody, Payload};
use gloo_net::http::Method;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tanpu_core::api::{SessionView, UserView};
use tanpu_core::web::has_session_hint;

/// Where the session stands.
#[derive(Clone, Debug, PartialEq)]
pub enum SessionState {
    /// The start-up refresh has not answered yet.
    Restoring,
    /// Nobody is signed in.
    SignedOut,
    /// Signed in.
    SignedIn(SessionView),
}

/// The session handle in context.
#[derive(Clone, Copy)]
pub struct Auth {
    state: RwSignal<SessionState>,
}

impl Auth {
    /// The session state (reactive).
    pub fn state(self) -> SessionState {
        self.state.get()
    }

    /// The signed-in person (reactive).
    pub fn user(self) -> Option<UserView> {
        match self.state.get() {
            SessionState::SignedIn(s) => Some(s.user),
            _ => None,
        }
    }

    /// Records a new session (after login, refresh or password change).
    pub fn set(self, session: SessionView) {
        self.state.set(SessionState::SignedIn(session));
    }

    /// Replaces the signed-in person's details (after they edit them).
    pub fn update_user(self, user: UserView) {
        self.state.update(|state| {
            if let SessionState::SignedIn(session) = state {
                session.user = user;
            }
        });
    }

    fn token(self) -> Option<String> {
        match self.state.get_untracked() {
            SessionState::SignedIn(s) => Some(s.access_token),
            _ => None,
        }
    }

    /// Exchanges the refresh cookie for a session; signed out when refused.
    /// The answer is applied only if the session did not change while it was
    /// on its way: a sign-in meanwhile stands (the start-up refresh of a
    /// browser without the session hint runs while the visitor may sign in).
    pub async fn refresh(self) -> bool {
        let before = self.state.get_untracked();
        let answer =
            api::send::<NoBody, SessionView>(Method::POST, "/api/v1/auth/refresh", None, None)
                .await;
        let unchanged = self.state.with_untracked(|now| *now == before);
        let renewed = answer.is_ok();
        if unchanged {
            self.state.set(match answer {
                Ok(session) => SessionState::SignedIn(session),
                Err(_) => SessionState::SignedOut,
            });
        }
        renewed
    }

    /// Ends the session on the server and here.
    pub async fn logout(self) {
        // Even if the server cannot be reached, forget the session here.
        let _ = api::send::<NoBody, ()>(Method::POST, "/api/v1/auth/logout", None, None).await;
        self.state.set(SessionState::SignedOut);
    }

    /// A call as the signed-in person, refreshing the access token once if
    /// the server says it has expired.
    pub async fn call<B: Serialize, T: DeserializeOwned>(
        self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, ApiError> {
        let body = api::encode(body)?;
        let (status, text) = self.exchange(method, path, body.as_deref(), None).await?;
        api::decode(status, &text)
    }

    /// A `GET` whose answer is kept as text (a CSV report, or the JSON a
    /// page reads when it shows it), as the signed-in person.
    ///
    /// # Errors
    /// As [`Self::call`].
    pub async fn text(self, path: &str) -> Result<String, ApiError> {
        let (_, text) = self.exchange_payload(Method::GET, path, None, None).await?;
        Ok(text)
    }

    /// A `POST` of a file (or any [`Payload`]) as the signed-in person,
    /// decoding the JSON answer.
    ///
    /// # Errors
    /// As [`Self::call`].
    pub async fn upload<T: DeserializeOwned>(
        self,
        path: &str,
        body: Payload,
    ) -> Result<T, ApiError> {
        let (status, text) = self
            .exchange_payload(Method::POST, path, Some(body), None)
            .await?;
        api::decode(status, &text)
    }

    /// [`api::exchange`] with the access token, and once more after a
    /// refresh if the server says it has expired. Not generic: one copy.
    pub(crate) async fn exchange(
        self,
        method: Method,
        path: &str,
        body: Option<&str>,
        idempotency_key: Option<&str>,
    ) -> Result<(u16, String), ApiError> {
        let body = body.map(|json| Payload {
            content: wasm_bindgen::JsValue::from_str(json),
            content_type: "application/json",
        });
        self.exchange_payload(method, path, body, idempotency_key)
            .await
    }

    async fn exchange_payload(
        self,
        method: Method,
        path: &str,
        body: Option<Payload>,
        idempotency_key: Option<&str>,
    ) -> Result<(u16, String), ApiError> {
        let first = api::exchange_payload(
            method.clone(),
            path,
            body.clone(),
            self.token().as_deref(),
            idempotency_key,
        )
        .await;
        match first {
            Err(e) if e.is_unauthorized() => {
                if self.refresh().await {
                    let token = self.token();
                    api::exchange_payload(method, path, body, token.as_deref(), idempotency_key)
                        .await
                } else {
                    Err(e)
                }
            }
            other => other,
        }
    }
}

/// Provides [`Auth`] and starts restoring the session from the cookie.
///
/// A browser without the session hint
/// ([`tanpu_core::web::SESSION_HINT_COOKIE`]) is taken for a visitor's at
/// once, so the signed-out pages show without waiting for the refresh to be
/// refused; the refresh still runs, and signs in a session the hint does not
/// know of (one begun before the hint existed).
pub fn provide_auth() {
    let initial = if session_hinted() {
        SessionState::Restoring
    } else {
        SessionState::SignedOut
    };
    let auth = Auth {
        state: RwSignal::new(initial),
    };
    provide_context(auth);
    spawn_local(async move {
        auth.refresh().await;
    });
}

/// Whether this page's cookies hold the session hint.
fn session_hinted() -> bool {
    use wasm_bindgen::JsCast;
    // Every page a browser loads is an HTML document: no check needed.
    web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| {
            document
                .unchecked_into::<web_sys::HtmlDocument>()
                .cookie()
                .ok()
        })
        .is_some_and(|cookies| has_session_hint(&cookies))
}

/// The [`Auth`] provided by the app.
pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}
