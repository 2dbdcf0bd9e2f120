//! The `tanpu` binary: see `tanpu --help`.

use std::process::ExitCode;

fn main() -> ExitCode {
    tanpu_server::cli::main()
}
