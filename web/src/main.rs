//! Mounts the app; everything else is in the library, where it can be tested.

fn main() {
    mlcost_web::show_panics_in_the_page();
    leptos::mount::mount_to_body(mlcost_web::App);
}
