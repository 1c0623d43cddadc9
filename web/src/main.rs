//! Mounts the app; everything else is in the library, where it can be tested.

fn main() {
    // The wasm is downloaded, compiled and running: what the first render adds comes after.
    mlcost_web::mark("mlcost-start");
    mlcost_web::show_panics_in_the_page();
    leptos::mount::mount_to_body(mlcost_web::App);
    // The first render is on screen: mark it for the performance budget (Performance API).
    mlcost_web::mark("mlcost-first-render");
}
