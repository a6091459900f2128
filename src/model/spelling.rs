//! Enumerations as scenario files spell them, in one place: the validator's wire types,
//! sweep values (`values = ["newest_instance", "oldest_instance"]`) and the plan's pasted
//! TOML all read and write these names.

/// Gives an enum `NAMES` (every spelling, in declaration order), `as_str` and `from_name`.
macro_rules! spelled {
    ($kind:ty { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $kind {
            /// Every value's spelling in scenario files.
            pub const NAMES: &'static [&'static str] = &[$($name),+];

            /// The spelling in scenario files.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(<$kind>::$variant => $name),+
                }
            }

            /// The value spelled `name`.
            pub fn from_name(name: &str) -> Option<Self> {
                match name {
                    $($name => Some(<$kind>::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

spelled!(super::Metric {
    Cpu => "cpu",
    RequestsPerInstance => "requests_per_instance",
    RequestRate => "request_rate",
});
spelled!(super::MaxCapacityBreach {
    Honor => "honor",
    Increase => "increase",
});
spelled!(super::SelectPolicy {
    Max => "max",
    Min => "min",
    Disabled => "disabled",
});
spelled!(super::HpaPolicyKind {
    Pods => "pods",
    Percent => "percent",
});
spelled!(super::Statistic {
    Average => "average",
    Maximum => "maximum",
    Minimum => "minimum",
    Sum => "sum",
    SampleCount => "sample_count",
});
spelled!(super::MissingData {
    Missing => "missing",
    Ignore => "ignore",
    Breaching => "breaching",
    NotBreaching => "not_breaching",
});
spelled!(super::RemovalPolicy {
    OldestInstance => "oldest_instance",
    NewestInstance => "newest_instance",
    OldestScalingConfiguration => "oldest_scaling_configuration",
    OldestLaunchTemplate => "oldest_launch_template",
    OldestLaunchConfiguration => "oldest_launch_configuration",
    ClosestToNextInstanceHour => "closest_to_next_instance_hour",
    AllocationStrategy => "allocation_strategy",
    Default => "default",
});
spelled!(super::PredictiveMode {
    ForecastAndScale => "forecast_and_scale",
    ForecastOnly => "forecast_only",
});
spelled!(super::Rounding {
    Aws => "aws",
    Alibaba => "alibaba",
});
spelled!(super::CooldownBlocks {
    Alarms => "alarms",
    All => "all",
});
