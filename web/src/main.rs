//! Mounts the app; everything else is in the library, where it can be tested.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(mlcost_web::App);
}
