//! The `tend` binary.

use std::process::ExitCode;

use clap::Parser as _;

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
