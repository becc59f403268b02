//! The browser entry point: installs the panic hook and the browser's NFKD, mounts the app.

/// Every heap block is zeroed when it is freed, and a reallocation copies to a new block and
/// frees (so zeroes) the old one. Zeroizing types wipe what they own on drop, but not the old
/// buffer of a `Vec` that grew, nor a value moved out of a box: this covers those too (the
/// secrets e2e test scans the wasm memory after a lock). Cost: BENCHMARKS.md, "zero on free".
/// The split modules share this module's memory and allocator.
#[global_allocator]
static ALLOC: zeroizing_alloc::ZeroAlloc<std::alloc::System> =
    zeroizing_alloc::ZeroAlloc(std::alloc::System);

fn main() {
    console_error_panic_hook::set_once();
    blocklab::platform::nfkd::install();
    leptos::mount::mount_to_body(blocklab::app::App);
}
