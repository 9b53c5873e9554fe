//! The `tend` binary.

use std::process::ExitCode;

use clap::Parser as _;

/// mimalloc instead of glibc's allocator: under ingest and chat load glibc's
/// `malloc`/`free` took about a tenth of the server's CPU (many threads,
/// many short-lived buffers); see bench/BENCHMARKS.md.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = tend::cli::Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("tend: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    rt.block_on(tend::cli::run(cli))
}
