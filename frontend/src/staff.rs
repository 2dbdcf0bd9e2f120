//! The Trunk entry point of the staff console (`frontend/staff.html`):
//! installs the panic notice and mounts the console.

fn main() {
    tanpu_app::install_crash_notice();
    leptos::mount::mount_to_body(tanpu_app::StaffApp);
}
