//! The Trunk entry point: logs panics and mounts the app.

fn main() {
    tanpu_app::log_panics();
    leptos::mount::mount_to_body(tanpu_app::App);
}
