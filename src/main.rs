use std::process::ExitCode;

fn main() -> ExitCode {
    scaleplan::cli::main()
}
