//! The citizen app's wasm keeps the linker's relocations (`--emit-relocs`):
//! `scripts/split-wasm.sh` needs them to move each lazily loaded page out of
//! the main module into a chunk of its own. The staff console has no lazy
//! pages and is not split.

fn main() {
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg-bin=tanpu-frontend=--emit-relocs");
    }
}
