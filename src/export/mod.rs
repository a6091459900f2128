//! Export a scenario's groups as configuration a cloud applies: Terraform HCL for the AWS,
//! Tencent Cloud and Alibaba Cloud providers. What a provider cannot express is refused by
//! name, never dropped: an exported plan must do on the cloud what it did in the simulation.

mod hcl;
pub mod terraform;

pub use terraform::{Provider, terraform};
