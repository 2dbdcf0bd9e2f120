//! The Trunk entry point: installs the panic notice and mounts the app.

fn main() {
    tanpu_app::install_crash_notice();
    leptos::mount::mount_to_body(tanpu_app::App);
}
