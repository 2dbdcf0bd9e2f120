//! A form's requests: whether one is on its way, and what to do with each
//! answer.
//!
//! Leptos' `Action` does this too, but its machinery (the input and value
//! signals, versions, the scoped future) is generic over the input and the
//! output, so each form brought its own copy into the wasm bundle: taking
//! the one on `/rewards` out saved 4.7 KB gzipped of that page's first load
//! (docs/PERFORMANCE.md, session 18). Here only the caller's own future and
//! answer handler are its code.

use crate::api::{self, ApiError};
use crate::session::{Auth, use_auth};
use gloo_net::http::Method;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::future::Future;

/// The requests a form has sent whose answers have not arrived.
#[derive(Clone, Copy)]
pub struct Submission {
    in_flight: RwSignal<u32>,
    auth: Auth,
}

impl Submission {
    /// Nothing on its way yet.
    pub fn new() -> Self {
        Self {
            in_flight: RwSignal::new(0),
            auth: use_auth(),
        }
    }

    /// Whether a request is on its way (reactive: a submit button's
    /// `disabled`).
    pub fn pending(self) -> bool {
        self.in_flight.get() > 0
    }

    /// [`Self::pending`], without subscribing.
    pub fn pending_untracked(self) -> bool {
        self.in_flight.get_untracked() > 0
    }

    /// Sends `request`, and hands its answer to `done` — unless the page
    /// has gone in the meantime, its signals with it.
    pub fn send<T: 'static>(
        self,
        request: impl Future<Output = T> + 'static,
        done: impl FnOnce(T) + 'static,
    ) {
        self.in_flight.update(|n| *n += 1);
        spawn_local(async move {
            let answer = request.await;
            if self
                .in_flight
                .try_update(|n| *n = n.saturating_sub(1))
                .is_some()
            {
                done(answer);
            }
        });
    }

    /// [`Self::send`] of a call to the API as the signed-in person
    /// ([`Auth::call`]): `body`, if any, as JSON, and the answer read as a
    /// `T`.
    pub fn call<B: Serialize, T: DeserializeOwned + 'static>(
        self,
        method: Method,
        path: impl Into<String>,
        body: Option<B>,
        done: impl FnOnce(Result<T, ApiError>) + 'static,
    ) {
        let body = api::encode(body.as_ref());
        self.exchange(method, path.into(), body, None, read_as(done));
    }

    /// [`Self::call`] of a `GET`.
    pub fn get<T: DeserializeOwned + 'static>(
        self,
        path: impl Into<String>,
        done: impl FnOnce(Result<T, ApiError>) + 'static,
    ) {
        self.exchange(Method::GET, path.into(), Ok(None), None, read_as(done));
    }

    /// [`Self::call`] of a `DELETE` without a body.
    pub fn delete<T: DeserializeOwned + 'static>(
        self,
        path: impl Into<String>,
        done: impl FnOnce(Result<T, ApiError>) + 'static,
    ) {
        self.exchange(Method::DELETE, path.into(), Ok(None), None, read_as(done));
    }

    /// [`Self::call`] of a request that must take effect at most once
    /// ([`Auth::call_with_key`]): the server answers a repeat of `key`
    /// without acting again.
    pub fn call_with_key<B: Serialize, T: DeserializeOwned + 'static>(
        self,
        method: Method,
        path: impl Into<String>,
        body: Option<B>,
        key: String,
        done: impl FnOnce(Result<T, ApiError>) + 'static,
    ) {
        let body = api::encode(body.as_ref());
        self.exchange(method, path.into(), body, Some(key), read_as(done));
    }

    /// The one copy of the sending: every call, whatever it reads, goes
    /// through this instantiation of [`Self::send`], and a call site adds
    /// only its reading and its handler. A copy of `send` per call site was
    /// 1.5–4.7 KB of code each before optimisation (docs/PERFORMANCE.md,
    /// session 19).
    fn exchange(
        self,
        method: Method,
        path: String,
        body: Result<Option<String>, ApiError>,
        key: Option<String>,
        done: Box<dyn FnOnce(Answer)>,
    ) {
        let auth = self.auth;
        self.send(
            async move {
                auth.exchange(method, &path, body?.as_deref(), key.as_deref())
                    .await
            },
            done,
        );
    }
}

/// A successful answer's status and text, or why there is none.
type Answer = Result<(u16, String), ApiError>;

/// `done`, handed the answer read as a `T`.
fn read_as<T: DeserializeOwned + 'static>(
    done: impl FnOnce(Result<T, ApiError>) + 'static,
) -> Box<dyn FnOnce(Answer)> {
    Box::new(move |answer: Answer| {
        done(answer.and_then(|(status, text)| api::decode(status, &text)));
    })
}

impl Default for Submission {
    fn default() -> Self {
        Self::new()
    }
}
