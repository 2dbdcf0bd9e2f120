//! The Trunk entry point of the staff console (`frontend/staff.html`):
//! installs the panic hook and mounts the console.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(tanpu_app::StaffApp);
}
