//! A page's data: fetched as JSON text, shown once it has arrived.
//!
//! Every citizen page loads the same way — one `GET`, a notice while it is
//! on its way, the failure with a retry — so they share one implementation
//! that is not generic: the wasm bundle holds one copy of the loading
//! machinery instead of one per page. (Leptos' idiom, a `LocalResource<T>`
//! and a `Suspense` with its `Suspend` per page, brought an asynchronous
//! state machine per page: a tenth of the citizen bundle, whose size has a
//! budget.) Only [`loaded`]'s reading of the text as the page's type is
//! generic, and it is small. The staff console's pages still use the idiom.

use crate::api::{self, ApiError};
use crate::components::load_error::{LoadError, Loading};
use crate::session::use_auth;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::de::DeserializeOwned;
use std::sync::Arc;

/// The status an unreadable answer is reported with
/// ([`ApiError::Unexpected`]): only successful answers are kept as text.
const ANSWERED: u16 = 200;

/// Where a fetch stands: `None` while it is on its way.
type Answer = Option<Result<String, ApiError>>;

/// The path to fetch, or `None` for nothing to fetch.
type PathFn = Arc<dyn Fn() -> Option<String> + Send + Sync>;

/// A page built from an answer's text, or why the text is no such answer.
type PageFn = Arc<dyn Fn(&str) -> Result<AnyView, ApiError> + Send + Sync>;

/// The answer to a `GET` as the signed-in person (anonymous when nobody
/// is), fetched again whenever the path changes or on
/// [`Fetched::refetch`].
#[derive(Clone, Copy)]
pub struct Fetched {
    answer: RwSignal<Answer>,
    asks: RwSignal<u32>,
}

impl Fetched {
    /// Fetches the same path again (a retry, or after a change).
    pub fn refetch(self) {
        self.asks.update(|n| *n = n.wrapping_add(1));
    }

    /// The answer read as `T` (reactive): `None` while it is on its way,
    /// when it failed, or when there is nothing to fetch.
    pub fn value<T: DeserializeOwned>(self) -> Option<T> {
        self.answer.with(|answer| {
            let text = answer.as_ref()?.as_ref().ok()?;
            api::decode(ANSWERED, text).ok()
        })
    }
}

/// Fetches `path()` now, and again whenever the signals it reads change.
pub fn fetch(path: impl Fn() -> String + Send + Sync + 'static) -> Fetched {
    fetch_erased(Arc::new(move || Some(path())))
}

/// [`fetch`] for data that is not always there to fetch: nothing while
/// `path()` is `None` (a signed-out visitor's balance).
pub fn fetch_when(path: impl Fn() -> Option<String> + Send + Sync + 'static) -> Fetched {
    fetch_erased(Arc::new(path))
}

fn fetch_erased(path: PathFn) -> Fetched {
    let auth = use_auth();
    let fetched = Fetched {
        answer: RwSignal::new(None),
        asks: RwSignal::new(0),
    };
    // Which ask is the latest: an earlier answer arriving after a later
    // ask (the filters changed while it was on its way) is dropped.
    let latest = StoredValue::new(0u64);
    Effect::new(move |_| {
        fetched.asks.track();
        let path = path();
        let ask = latest.get_value().wrapping_add(1);
        latest.set_value(ask);
        // The first ask finds nothing to clear; telling the view so would
        // only build its loading notice twice.
        if fetched.answer.with_untracked(Option::is_some) {
            fetched.answer.set(None);
        }
        let Some(path) = path else {
            return;
        };
        spawn_local(async move {
            let answer = auth.text(&path).await;
            // The page may have gone (its signals with it) in the meantime.
            if latest.try_get_value() == Some(ask) {
                fetched.answer.try_set(Some(answer));
            }
        });
    });
    fetched
}

/// What `fetched` shows: the loading notice, then `view` of its answer read
/// as `T`, or the failure with a retry.
pub fn loaded<T: DeserializeOwned>(
    fetched: Fetched,
    view: impl Fn(T) -> AnyView + Send + Sync + 'static,
) -> impl IntoView {
    loaded_erased(
        fetched,
        Arc::new(move |text: &str| api::decode(ANSWERED, text).map(&view)),
    )
}

fn loaded_erased(fetched: Fetched, view: PageFn) -> AnyView {
    let failed = move |error: ApiError| {
        view! { <LoadError error on_retry=move || fetched.refetch() /> }.into_any()
    };
    (move || match fetched.answer.get() {
        None => view! { <Loading /> }.into_any(),
        // What the page reads while it builds is its own business, not a
        // reason to build it again.
        Some(Ok(text)) => untrack(|| view(&text)).unwrap_or_else(failed),
        Some(Err(error)) => failed(error),
    })
    .into_any()
}
