//! A form's requests: whether one is on its way, and what to do with each
//! answer.
//!
//! Leptos' `Action` does this too, but its machinery (the input and value
//! signals, versions, the scoped future) is generic over the input and the
//! output, so each form brought its own copy into the wasm bundle: taking
//! the one on `/rewards` out saved 4.7 KB gzipped of that page's first load
//! (docs/PERFORMANCE.md, session 18). Here only the caller's own future and
//! answer handler are its code.

use crate::api::ApiError;
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
    /// ([`Auth::call`]).
    pub fn call<B: Serialize + 'static, T: DeserializeOwned + 'static>(
        self,
        method: Method,
        path: impl Into<String>,
        body: Option<B>,
        done: impl FnOnce(Result<T, ApiError>) + 'static,
    ) {
        let (auth, path) = (self.auth, path.into());
        self.send(
            async move { auth.call::<B, T>(method, &path, body.as_ref()).await },
            done,
        );
    }
}

impl Default for Submission {
    fn default() -> Self {
        Self::new()
    }
}
