//! The Trunk entry point of the staff console (`frontend/staff.html`): logs
//! panics and mounts the console.

fn main() {
    tanpu_app::log_panics();
    leptos::mount::mount_to_body(tanpu_app::StaffApp);
}
