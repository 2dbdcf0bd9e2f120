//! `/how-it-works`: how actions become reductions and credits, with sources.

use crate::i18n::{Msg, use_i18n};
use leptos::prelude::*;

/// `/how-it-works`
#[component]
pub fn HowItWorks() -> impl IntoView {
    let i18n = use_i18n();
    let t = move |m| move || i18n.t(m);
    view! {
        <article class="prose">
            <h1>{t(Msg::HowTitle)}</h1>
            <p class="lead">{t(Msg::HowLead)}</p>
            <h2>{t(Msg::HowStepsTitle)}</h2>
            <ol>
                <li>{t(Msg::HowStep1)}</li>
                <li>{t(Msg::HowStep2)}</li>
                <li>{t(Msg::HowStep3)}</li>
                <li>{t(Msg::HowStep4)}</li>
            </ol>
            <h2>{t(Msg::HowActionsTitle)}</h2>
            <ul>
                <li>{t(Msg::HowBus)}</li>
                <li>{t(Msg::HowMetro)}</li>
                <li>{t(Msg::HowBike)}</li>
                <li>{t(Msg::HowWalk)}</li>
                <li>{t(Msg::HowRefuel)}</li>
                <li>{t(Msg::HowEv)}</li>
            </ul>
            <h2>{t(Msg::HowHonestyTitle)}</h2>
            <p>{t(Msg::HowHonesty)}</p>
        </article>
    }
}
