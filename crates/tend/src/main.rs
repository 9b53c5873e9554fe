//! The `tend` binary.

use std::process::ExitCode;

use clap::Parser as _;

/// mimalloc instead of glibc's allocator (see `tend_alloc`).
#[global_allocator]
static GLOBAL: tend_alloc::MiMalloc = tend_alloc::MiMalloc;

fn main() -> ExitCode {
    tend_alloc::return_freed_memory_at_once();
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
