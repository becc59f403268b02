//! The browser entry point: installs the panic hook and the browser's NFKD, mounts the app.

fn main() {
    console_error_panic_hook::set_once();
    blocklab::platform::nfkd::install();
    leptos::mount::mount_to_body(blocklab::app::App);
}
