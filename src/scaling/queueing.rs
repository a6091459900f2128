//! Queueing formulas for the latency view of a fleet: the Erlang C probability of waiting
//! in an M/M/c queue, and M/M/c response-time percentiles.
//!
//! Erlang C is computed through the Erlang B recursion `B(k) = A B(k-1) / (k + A B(k-1))`,
//! which never forms `A^c / c!` and so stays exact for thousands of servers.

/// Probability that an arrival waits, for offered load `a` (erlangs = arrival rate x mean
/// service time) on `servers` servers; 1 when the queue is unstable (`servers <= a`).
pub fn erlang_c(a: f64, servers: u32) -> f64 {
    if a <= 0.0 {
        return 0.0;
    }
    if (servers as f64) <= a {
        return 1.0;
    }
    let mut b = 1.0;
    for k in 1..=servers {
        b = a * b / (k as f64 + a * b);
    }
    let c = servers as f64;
    b / (1.0 - (a / c) * (1.0 - b))
}

/// The response time (wait + service) of an M/M/c queue in steady state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ResponseTime {
    mu: f64,
    /// Rate at which a queue drains: c mu - lambda.
    drain: f64,
    /// Erlang C: the probability of waiting.
    waiting: f64,
}

impl ResponseTime {
    /// Arrival rate `lambda`, per-server service rate `mu`, `servers` servers; `None` when
    /// the queue is unstable (no steady state).
    pub fn new(lambda: f64, mu: f64, servers: u32) -> Option<Self> {
        let c = servers as f64;
        if servers == 0 || mu <= 0.0 || lambda >= c * mu {
            return None;
        }
        Some(ResponseTime {
            mu,
            drain: c * mu - lambda,
            waiting: erlang_c(lambda.max(0.0) / mu, servers),
        })
    }

    /// P(T > t): the service tail, plus the tail of a wait that precedes it. With W ~
    /// Exp(drain) given a wait and S ~ Exp(mu), the sum's tail has a closed form.
    pub fn tail(&self, t: f64) -> f64 {
        let (mu, drain) = (self.mu, self.drain);
        let service = (-mu * t).exp();
        let waited = if (drain - mu).abs() < 1e-12 {
            (1.0 + mu * t) * (-mu * t).exp()
        } else {
            (drain * (-mu * t).exp() - mu * (-drain * t).exp()) / (drain - mu)
        };
        (1.0 - self.waiting) * service + self.waiting * waited
    }

    /// The `q`-quantile (0..1), by bisection on the distribution function.
    pub fn quantile(&self, q: f64) -> f64 {
        quantile_of(|t| 1.0 - self.tail(t), q, 1.0 / self.mu)
    }
}

/// The `q`-quantile of the distribution function `cdf` (non-decreasing, tending to 1), by
/// doubling from `scale` then bisecting to a relative width of 2^-60.
pub fn quantile_of(cdf: impl Fn(f64) -> f64, q: f64, scale: f64) -> f64 {
    let (mut low, mut high) = (0.0, scale);
    while cdf(high) < q && high < 1e12 {
        high *= 2.0;
    }
    for _ in 0..60 {
        let middle = (low + high) / 2.0;
        if cdf(middle) < q {
            low = middle
        } else {
            high = middle
        }
    }
    high
}

/// The `q`-quantile (0..1) of the response time in an M/M/c queue with arrival rate
/// `lambda` and per-server service rate `mu`; `None` when the queue is unstable.
pub fn response_time_quantile(lambda: f64, mu: f64, servers: u32, q: f64) -> Option<f64> {
    ResponseTime::new(lambda, mu, servers).map(|time| time.quantile(q))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Published values (standard Erlang C tables).
    #[test]
    fn erlang_c_matches_published_values() {
        let close = |a: f64, c: u32, expected: f64| {
            let value = erlang_c(a, c);
            assert!(
                (value - expected).abs() < 5e-5,
                "C(A={a}, c={c}) = {value}, expected {expected}"
            );
        };
        close(10.0, 14, 0.1741);
        close(10.0, 15, 0.1020);
        close(123.0, 132, 0.3211);
        // Thousands of servers: no overflow, no loss of precision.
        close(12345.0, 12421, 0.3812);
        assert_eq!(erlang_c(10.0, 10), 1.0);
        assert_eq!(erlang_c(10.0, 3), 1.0);
        assert_eq!(erlang_c(0.0, 3), 0.0);
    }

    #[test]
    fn one_server_response_time_is_exponential() {
        // M/M/1: T ~ Exp(mu - lambda); the median is ln 2 / (mu - lambda).
        let median = response_time_quantile(8.0, 10.0, 1, 0.5).unwrap();
        assert!((median - 2f64.ln() / 2.0).abs() < 1e-9, "{median}");
        let p99 = response_time_quantile(8.0, 10.0, 1, 0.99).unwrap();
        assert!((p99 - 100f64.ln() / 2.0).abs() < 1e-9, "{p99}");
        assert_eq!(response_time_quantile(10.0, 10.0, 1, 0.5), None);
        // More servers at the same utilization answer faster.
        let many = response_time_quantile(80.0, 10.0, 10, 0.95).unwrap();
        assert!(many < response_time_quantile(8.0, 10.0, 1, 0.95).unwrap());
    }
}
