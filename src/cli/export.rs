//! `scaleplan export terraform`: a scenario's groups (one policy's) as Terraform.

use super::{Failure, load_noting, print_stdout, select_policy, write_atomic};
use crate::export::{self, Provider};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// `scaleplan export ...`
#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Terraform HCL for the groups of a scenario (or of one of its policies).
    Terraform(TerraformArgs),
}

/// Arguments of `scaleplan export terraform`.
#[derive(Debug, Args)]
pub struct TerraformArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// Export this `[[policy]]` instead of the scenario as written.
    #[arg(long, value_name = "NAME")]
    policy: Option<String>,
    /// The Terraform provider whose resources to write.
    #[arg(long, value_enum, default_value = "aws")]
    provider: Provider,
    /// Write the configuration here instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// Terraform for `scenario`, or an input error listing what the provider cannot express.
pub fn terraform_text(
    scenario: &crate::model::Scenario,
    provider: Provider,
    source: &str,
    label: &str,
) -> Result<String, Failure> {
    export::terraform(scenario, provider, source).map_err(|refused| {
        Failure::from(
            crate::error::Diagnostic::file(
                label,
                format!(
                    "the {} provider cannot express {} setting(s) of this scenario:\n  - {}",
                    provider.name(),
                    refused.len(),
                    refused.join("\n  - ")
                ),
            )
            .with_hint(
                "change them in the scenario (and re-run it), or export for another provider",
            ),
        )
    })
}

pub fn run(command: &ExportCommand) -> Result<ExitCode, Failure> {
    let ExportCommand::Terraform(args) = command;
    let loaded = load_noting(&args.scenario)?;
    let scenario = select_policy(&args.scenario, &loaded, args.policy.as_deref())?;
    let source = match &args.policy {
        Some(policy) => format!("{} (policy {policy})", args.scenario.display()),
        None => args.scenario.display().to_string(),
    };
    let text = terraform_text(
        scenario,
        args.provider,
        &source,
        &args.scenario.display().to_string(),
    )?;
    match &args.out {
        Some(path) => {
            write_atomic(path, text.as_bytes())?;
            print_stdout(&format!("wrote {}\n", path.display()));
        }
        None => print_stdout(&text),
    }
    Ok(super::Exit::Success.into())
}
