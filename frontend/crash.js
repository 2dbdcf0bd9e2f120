// What the person sees when the app stops. A Rust panic aborts the wasm
// module: the release build aborts at once, with no message and no panic
// hook (`-Cpanic=immediate-abort`, scripts/build-web.sh), and every build
// ends in the same trap, a `WebAssembly.RuntimeError` thrown into whatever
// JavaScript called the module — an event listener (an `error` event) or a
// promise's callback (an `unhandledrejection`). The page would otherwise
// freeze as it was, or stay blank. The likeliest cause is a lost connection
// while a group of pages' code was being fetched (app/src/lazy_pages.rs): a
// notice in both languages (the app's language state is gone with the
// module) and a link that loads the page again. Plain DOM calls: nothing of
// the app's may run any more. Inlined into the page by Trunk, before the
// module starts, and allowed by the page's Content-Security-Policy by its
// hash (server/src/routes/static_files.rs).
(() => {
  const NOTICE_ID = 'crash-notice';

  function showNotice() {
    if (document.getElementById(NOTICE_ID) || !document.body) return;
    const notice = document.createElement('div');
    notice.id = NOTICE_ID;
    notice.className = 'notice notice-error crash-notice';
    notice.setAttribute('role', 'alert');
    const text = document.createElement('p');
    text.textContent =
      '页面出错了，可能是网络中断。请重新加载。 ' +
      'Something went wrong, perhaps the connection dropped. Please reload the page.';
    const reload = document.createElement('a');
    reload.href = location.href;
    // Past the router's click handler, which would run the stopped module.
    reload.rel = 'external';
    reload.textContent = '重新加载 · Reload';
    notice.append(text, reload);
    document.body.prepend(notice);
  }

  const isTrap = (error) => error instanceof WebAssembly.RuntimeError;
  addEventListener('error', (event) => {
    if (isTrap(event.error)) showNotice();
  });
  addEventListener('unhandledrejection', (event) => {
    if (isTrap(event.reason)) showNotice();
  });
})();
