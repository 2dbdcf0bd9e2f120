//! Moving the keyboard focus to an element named by its id.
//!
//! By id rather than through a `NodeRef`: a `NodeRef` brings its loading
//! code once per element type, and the rewards page moved the focus to a
//! heading, a dialog and a button (docs/PERFORMANCE.md, session 19).

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Moves the focus to the element with `id`, if it is on the page.
pub fn focus(id: &str) {
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(element) = element {
        // Only fails for an element that cannot take the focus, which each
        // caller's element can (a control, or `tabindex="-1"`).
        let _ = element.focus();
    }
}

/// Moves the focus to the element with `id` once the view being built,
/// which holds it, is on the page (effects run after it is mounted).
pub fn focus_when_shown(id: String) {
    Effect::new(move |_| focus(&id));
}
