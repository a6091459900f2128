#!/bin/sh
# Adaptive search against the exhaustive grid, side by side: for each benchmark grid and
# target, the cheapest feasible cost each finds, the points each runs and the wall time.
# Prints a Markdown table (reports/adaptive-search.md). Usage: benches/search/compare.sh [BIN]
set -eu
bin=${1:-target/dist/scaleplan}
cheapest() { grep -A1 '^cheapest' | sed -n 2p | awk '{print $2}'; }
points() { sed -n 1p | sed -E 's/.*\), ([0-9]+)( of [0-9]+ \(adaptive search\))? point.*/\1/'; }
echo "| grid | target | exhaustive: cost | points | time | adaptive: cost | points | time | as cheap |"
echo "|---|---|---|---|---|---|---|---|---|"
while read -r scenario target; do
    for search in grid adaptive; do
        start=$(date +%s.%N)
        "$bin" plan "benches/search/$scenario-fine.toml" $target --quiet --search "$search" > "/tmp/search-$search.txt" || true
        end=$(date +%s.%N)
        eval "${search}_cost=\$(cheapest < /tmp/search-$search.txt)"
        eval "${search}_points=\$(points < /tmp/search-$search.txt)"
        eval "${search}_time=$(awk -v s="$start" -v e="$end" "BEGIN { printf \"%.2f\", e - s }")"
    done
    same=$(awk -v a="$adaptive_cost" -v g="$grid_cost" 'BEGIN { print (a <= g) ? "yes" : sprintf("no (+%.1f%%)", 100 * (a - g) / g) }')
    echo "| $scenario | \`$target\` | $grid_cost | $grid_points | ${grid_time} s | $adaptive_cost | $adaptive_points | ${adaptive_time} s | $same |"
done <<'TARGETS'
cc-attack --max-violation 0.2%
cc-attack --max-violation 0.25%
cc-attack --max-violation 0.3%
cc-attack --max-violation 0.5%
cc-attack --max-violation 1%
cc-attack --max-unserved 0.5%
cc-attack --max-unserved 1%
cc-attack --max-unserved 2%
cc-attack --max-violation 0.4% --max-unserved 1%
wechat-lite-app --max-violation 0.1%
wechat-lite-app --max-violation 0.05%
wechat-lite-app --max-violation 0.1% --max-p99-latency 21.8ms
TARGETS
