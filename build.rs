//! With the `split` feature on wasm32, links the app with relocations kept (`--emit-relocs`):
//! wasm-split-cli (scripts/split-app.mjs) needs them to move code into the split modules.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let wasm = std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|a| a == "wasm32");
    if wasm && std::env::var_os("CARGO_FEATURE_SPLIT").is_some() {
        println!("cargo:rustc-link-arg-bin=app=--emit-relocs");
    }
}
