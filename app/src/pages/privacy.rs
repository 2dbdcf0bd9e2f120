//! `/privacy`: the privacy notice citizens consent to at registration.

use crate::i18n::{Msg, use_i18n};
use leptos::prelude::*;
use tanpu_core::account::PRIVACY_NOTICE_VERSION;

/// `/privacy`
#[component]
pub fn Privacy() -> impl IntoView {
    let i18n = use_i18n();
    let t = move |m| i18n.tr(m);
    view! {
        <article class="prose">
            <h1>{t(Msg::PrivacyTitle)}</h1>
            <p>{t(Msg::PrivacyIntro)}</p>
            <ul>
                <li>{t(Msg::PrivacyCollect)}</li>
                <li>{t(Msg::PrivacyCards)}</li>
                <li>{t(Msg::PrivacyBrowser)}</li>
                <li>{t(Msg::PrivacyRights)}</li>
            </ul>
            <p class="muted">{t(Msg::PrivacyVersion)} " " {PRIVACY_NOTICE_VERSION}</p>
        </article>
    }
}
