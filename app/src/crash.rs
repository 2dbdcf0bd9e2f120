//! A panic aborts the wasm module (`panic = "abort"`). Builds that keep
//! panic messages (debug builds, and release builds without the nightly
//! toolchain, see `scripts/build-web.sh`) log the message to the console
//! first; the release build aborts at once and has nothing to log. Either
//! way the module ends in a trap, and what the person then sees — a notice
//! with a reload link — is `frontend/crash.js`, outside the module.

/// Logs a panic's message and location to the browser's console.
pub fn log_panics() {
    console_error_panic_hook::set_once();
}
