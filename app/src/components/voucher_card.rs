//! One voucher as its citizen shows it at the counter: the code large enough
//! to read out, the QR code to scan, where it stands and until when.

use crate::display::when;
use crate::i18n::{Msg, use_i18n, voucher_status_msg};
use leptos::prelude::*;
use tanpu_core::api::VoucherView;

/// A voucher in the citizen's list of vouchers.
#[component]
pub fn VoucherCard(voucher: VoucherView) -> impl IntoView {
    let i18n = use_i18n();
    let title_id = format!("voucher-{}", voucher.id);
    let title = view! { <h2 id=title_id.clone()>{voucher.reward_name.clone()}</h2> };
    let code = voucher.code.clone();
    let qr_label = {
        let code = code.clone();
        move || format!("{} {code}", i18n.t(Msg::QrCode))
    };
    let copied = RwSignal::new(false);
    let copy = {
        let code = code.clone();
        move |_| copy_text(&code, copied)
    };
    let status = voucher.status;
    view! {
        <article class="voucher" aria-labelledby=title_id>
            <div class="voucher-head">
                {title}
                <span class=format!("badge badge-{}", status.as_str())>
                    {i18n.tr(voucher_status_msg(status))}
                </span>
            </div>
            {voucher.merchant.map(|m| view! { <p class="muted">{m}</p> })}
            <div class="voucher-body">
                <div class="qr" role="img" aria-label=qr_label inner_html=voucher.qr_svg></div>
                <div>
                    <p class="voucher-code-label">{i18n.tr(Msg::VoucherCode)}</p>
                    <p class="voucher-code"><code>{code.clone()}</code></p>
                    <button type="button" class="secondary" on:click=copy
                        aria-label=move || format!("{} {code}", i18n.t(Msg::CopyCode))>
                        {i18n.tr(Msg::CopyCode)}
                    </button>
                    <span class="copied" role="status">
                        {move || copied.get().then(|| i18n.t(Msg::Copied))}
                    </span>
                </div>
            </div>
            <dl class="facts">
                <dt>{i18n.tr(Msg::ValidUntil)}</dt>
                <dd>{when(Some(voucher.valid_until))}</dd>
                <dt>{i18n.tr(Msg::IssuedAt)}</dt>
                <dd>{when(Some(voucher.issued_at))}</dd>
                {voucher.used_at.map(|t| view! {
                    <dt>{i18n.tr(Msg::UsedAt)}</dt>
                    <dd>{when(Some(t))}</dd>
                })}
            </dl>
        </article>
    }
}

/// Puts `text` on the clipboard and sets `done` once the browser has. Where
/// it refuses, the code is still on screen to select by hand.
pub fn copy_text(text: &str, done: RwSignal<bool>) {
    use js_sys::{Function, Reflect};
    use wasm_bindgen::{JsCast, JsValue, closure::Closure};
    let get = |target: &JsValue, name: &str| Reflect::get(target, &JsValue::from_str(name)).ok();
    let method = |target: &JsValue, name: &str| get(target, name)?.dyn_into::<Function>().ok();
    let _ = (|| {
        let window: JsValue = web_sys::window()?.into();
        let clipboard = get(&get(&window, "navigator")?, "clipboard")?;
        let promise = method(&clipboard, "writeText")?
            .call1(&clipboard, &JsValue::from_str(text))
            .ok()?;
        let on_done = Closure::once_into_js(move || done.set(true));
        method(&promise, "then")?.call1(&promise, &on_done).ok()
    })();
}
