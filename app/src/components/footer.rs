//! The footer on every page.

use crate::i18n::{Msg, use_i18n};
use leptos::prelude::*;
use leptos_router::components::A;

/// Links every page needs in reach: the privacy notice.
#[component]
pub fn Footer() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <footer class="site-footer">
            <A href="/privacy">{i18n.tr(Msg::NavPrivacy)}</A>
        </footer>
    }
}
