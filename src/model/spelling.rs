//! Enumerations as scenario files spell them, in one place: the wire types read and write
//! these names through serde, sweep values (`values = ["newest_instance", "oldest_instance"]`)
//! and messages through `as_str` and `from_name`.

/// Gives an enum `NAMES` (every spelling, in declaration order), `as_str`, `from_name`, and
/// serde's `Serialize` and `Deserialize` as those spellings (an unknown one is refused with
/// serde's own "unknown variant" message, listing the others).
macro_rules! spelled {
    ($kind:ty { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $kind {
            /// Every value's spelling in scenario files.
            pub const NAMES: &'static [&'static str] = &[$($name),+];

            /// The spelling in scenario files.
            pub const fn as_str(self) -> &'static str {
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

        impl serde::Serialize for $kind {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $kind {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;
                impl serde::de::Visitor<'_> for Visitor {
                    type Value = $kind;

                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        write!(f, "one of {}", <$kind>::NAMES.iter().map(|name| format!("`{name}`")).collect::<Vec<_>>().join(", "))
                    }

                    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<$kind, E> {
                        <$kind>::from_name(value)
                            .ok_or_else(|| E::unknown_variant(value, <$kind>::NAMES))
                    }
                }
                deserializer.deserialize_str(Visitor)
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
spelled!(super::ZonePolicy {
    Balanced => "balanced",
    BalancedOnly => "balanced_only",
    Priority => "priority",
});
spelled!(super::PoolFill {
    Prepared => "prepared",
    ScaleIn => "scale_in",
});
spelled!(super::PoolState {
    Stopped => "stopped",
    Hibernated => "hibernated",
    Running => "running",
});
spelled!(super::HookTransition {
    Launching => "launching",
    Terminating => "terminating",
});
spelled!(super::HookResult {
    Continue => "continue",
    Abandon => "abandon",
});
spelled!(super::LatencyModel {
    PerInstance => "mm1",
    Pooled => "mmc",
});
spelled!(crate::load::GrowthShape {
    Exponential => "exponential",
    Linear => "linear",
});
