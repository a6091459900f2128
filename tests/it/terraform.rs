//! Exported Terraform through the real hashicorp/aws provider, applied against a local moto
//! server: the scheduled actions keep the sizes they leave alone (the provider sends an
//! omitted size as 0, so the export writes -1), and a second plan changes nothing but what
//! moto itself does not store. Skips, saying why, where `terraform`, a filesystem mirror of
//! the provider (`SCALEPLAN_TF_MIRROR`, else /opt/tf-plugins), `moto_server` or the `aws` CLI
//! is missing; `.ci/run` runs it where they are.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Why the test cannot run here, if it cannot.
fn missing() -> Option<String> {
    let runs = |program: &str, args: &[&str]| {
        Command::new(program)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    };
    if !runs("terraform", &["version"]) {
        return Some("terraform is not installed".into());
    }
    if !mirror()
        .join("registry.terraform.io/hashicorp/aws")
        .is_dir()
    {
        return Some(format!(
            "no hashicorp/aws provider in the filesystem mirror {}",
            mirror().display()
        ));
    }
    if !runs("moto_server", &["--help"]) {
        return Some("moto_server is not installed (pip install 'moto[server]')".into());
    }
    if !runs("aws", &["--version"]) {
        return Some("the aws CLI is not installed".into());
    }
    None
}

fn mirror() -> PathBuf {
    std::env::var_os("SCALEPLAN_TF_MIRROR")
        .map_or_else(|| PathBuf::from("/opt/tf-plugins"), PathBuf::from)
}

/// A moto server on a free port, stopped when dropped.
struct Moto(Child, String);

impl Moto {
    fn start() -> Moto {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let began = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                began.elapsed() < Duration::from_secs(30),
                "moto did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Moto(child, format!("http://127.0.0.1:{port}"))
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs `program` in `dir` against moto with test credentials; its stdout.
fn run(dir: &Path, program: &str, args: &[&str], moto: &Moto) -> (bool, String) {
    let output = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_ENDPOINT_URL", &moto.1)
        .env("TF_CLI_CONFIG_FILE", dir.join("cli.tfrc"))
        .env("TF_IN_AUTOMATION", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    (output.status.success(), format!("{stdout}{stderr}"))
}

const SCENARIO: &str = r#"
[scenario]
name = "tf"
start = "2026-03-02T00:00:00+08:00"
duration = "1d"
timezone = "Asia/Shanghai"

[instance_types."t3.micro"]
capacity_rps = 100
price_per_hour = 0.0104

[load]
base_rps = 300

[[group]]
name = "web"
instance_type = "t3.micro"
min = 2
max = 10
desired = 3

[[group.rule]]
name = "add-two"
change = 2
cooldown = "3m"

[[group.alarm]]
name = "cpu-high"
metric = "cpu"
period = "1m"
periods = 2
above = 70
run = "add-two"

[[group.scheduled]]
name = "lunch-floor"
cron = "0 11 * * *"
min = 5

[[group.scheduled]]
name = "lunch-end"
cron = "0 13 * * *"
min = 2
"#;

#[test]
fn exported_terraform_applies_through_the_provider_and_plans_clean() {
    if let Some(why) = missing() {
        eprintln!("skipped: {why}");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    std::fs::write(dir.join("s.toml"), SCENARIO).unwrap();
    let exported = assert_cmd::cargo::cargo_bin_cmd!("scaleplan")
        .args(["export", "terraform", "s.toml", "--out", "main.tf"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        exported.status.success(),
        "{}",
        String::from_utf8_lossy(&exported.stderr)
    );
    let moto = Moto::start();
    std::fs::write(
        dir.join("cli.tfrc"),
        format!(
            "provider_installation {{\n  filesystem_mirror {{\n    path = \"{}\"\n    include = [\"registry.terraform.io/hashicorp/*\"]\n  }}\n}}\n",
            mirror().display()
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("provider.tf"),
        format!(
            "provider \"aws\" {{\n  region = \"us-east-1\"\n  access_key = \"test\"\n  secret_key = \"test\"\n  skip_credentials_validation = true\n  skip_requesting_account_id = true\n  skip_metadata_api_check = true\n  endpoints {{\n    autoscaling = \"{0}\"\n    cloudwatch = \"{0}\"\n    ec2 = \"{0}\"\n    sts = \"{0}\"\n  }}\n}}\n",
            moto.1
        ),
    )
    .unwrap();
    // What the variables name (networks, a launch template) exists before the group.
    let aws = |args: &[&str]| {
        let (ok, out) = run(dir, "aws", args, &moto);
        assert!(ok, "aws {args:?}: {out}");
        out.trim().to_string()
    };
    let vpc = aws(&[
        "ec2",
        "create-vpc",
        "--cidr-block",
        "10.0.0.0/16",
        "--query",
        "Vpc.VpcId",
        "--output",
        "text",
    ]);
    let subnet = aws(&[
        "ec2",
        "create-subnet",
        "--vpc-id",
        &vpc,
        "--cidr-block",
        "10.0.1.0/24",
        "--query",
        "Subnet.SubnetId",
        "--output",
        "text",
    ]);
    let template = aws(&[
        "ec2",
        "create-launch-template",
        "--launch-template-name",
        "web-template",
        "--launch-template-data",
        r#"{"ImageId":"ami-12c6146b","InstanceType":"t3.micro"}"#,
        "--query",
        "LaunchTemplate.LaunchTemplateId",
        "--output",
        "text",
    ]);
    std::fs::write(
        dir.join("terraform.tfvars"),
        format!("subnet_ids = [\"{subnet}\"]\nlaunch_template_id = \"{template}\"\n"),
    )
    .unwrap();
    let terraform = |args: &[&str]| run(dir, "terraform", args, &moto);
    let (ok, out) = terraform(&["init", "-input=false", "-no-color"]);
    assert!(ok, "{out}");
    let (ok, out) = terraform(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    assert!(ok, "{out}");
    // The sizes a schedule leaves alone stay unset: the group keeps its max and desired.
    let actions = aws(&[
        "autoscaling",
        "describe-scheduled-actions",
        "--query",
        "ScheduledUpdateGroupActions[].[ScheduledActionName,MinSize,MaxSize,DesiredCapacity]",
        "--output",
        "text",
    ]);
    let mut rows: Vec<&str> = actions.lines().collect();
    rows.sort();
    assert_eq!(
        rows,
        ["lunch-end\t2\tNone\tNone", "lunch-floor\t5\tNone\tNone"],
        "{actions}"
    );
    // A second plan: nothing to change but the two attributes moto 5 does not keep for a
    // scaling policy (it returns no `Enabled`, read as false, and an empty predictive block):
    // moto/autoscaling/models.py FakeScalingPolicy has neither.
    let (ok, out) = terraform(&["plan", "-input=false", "-no-color", "-out", "again.plan"]);
    assert!(ok, "{out}");
    let (ok, json) = terraform(&["show", "-json", "again.plan"]);
    assert!(ok, "{json}");
    let plan: serde_json::Value = serde_json::from_str(&json).unwrap();
    for change in plan["resource_changes"].as_array().unwrap() {
        let actions = &change["change"]["actions"];
        if actions == &serde_json::json!(["no-op"]) {
            continue;
        }
        let address = change["address"].as_str().unwrap();
        assert_eq!(actions, &serde_json::json!(["update"]), "{address}: {out}");
        assert!(
            address.starts_with("aws_autoscaling_policy."),
            "{address}: {out}"
        );
        let (before, after) = (&change["change"]["before"], &change["change"]["after"]);
        let changed: Vec<&String> = (after.as_object().unwrap().iter())
            .filter(|(key, value)| before.get(*key) != Some(*value))
            .map(|(key, _)| key)
            .collect();
        for key in changed {
            assert!(
                ["enabled", "predictive_scaling_configuration"].contains(&key.as_str()),
                "{address}.{key} drifts: {out}"
            );
        }
    }
}
