//! The `tanpu` binary: see `tanpu --help`.

use std::process::ExitCode;

/// Every request allocates (rows, JSON, headers) on whichever worker thread
/// runs it; mimalloc serves that from per-thread pages, where glibc's malloc
/// spent a sixth of the read path's CPU locking and consolidating arenas.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    tanpu_server::cli::main()
}
