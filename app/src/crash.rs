//! What the person sees when the app stops: a panic aborts the wasm module
//! (`panic = "abort"`), and the page would otherwise freeze as it was, or
//! stay blank. The likeliest cause is a lost connection while a group of
//! pages' code was being fetched (`lazy_pages`): a notice in both
//! languages (the app's language state is gone with the module) and a link
//! that loads the page again.

use web_sys::Document;

/// `id` of the notice, so a second panic does not add another.
const NOTICE_ID: &str = "crash-notice";

/// Logs a panic to the console as before and shows the notice.
pub fn install_crash_notice() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            let _ = show_notice(&document);
        }
    }));
}

/// Puts the notice first in `<body>`, built from plain DOM calls: nothing
/// of the app's (signals, views) may run any more.
fn show_notice(document: &Document) -> Option<()> {
    if document.get_element_by_id(NOTICE_ID).is_some() {
        return Some(());
    }
    let body = document.body()?;
    let notice = document.create_element("div").ok()?;
    notice.set_id(NOTICE_ID);
    notice.set_class_name("notice notice-error crash-notice");
    notice.set_attribute("role", "alert").ok()?;
    let text = document.create_element("p").ok()?;
    text.set_text_content(Some(
        "页面出错了，可能是网络中断。请重新加载。 \
         Something went wrong, perhaps the connection dropped. Please reload the page.",
    ));
    let reload = document.create_element("a").ok()?;
    let here = document.location()?.href().ok()?;
    reload.set_attribute("href", &here).ok()?;
    // Past the router's click handler, which would run the stopped module.
    reload.set_attribute("rel", "external").ok()?;
    reload.set_text_content(Some("重新加载 · Reload"));
    notice.append_child(&text).ok()?;
    notice.append_child(&reload).ok()?;
    body.prepend_with_node_1(&notice).ok()?;
    Some(())
}
