#!/usr/bin/env bash
# The figures of a sweep over methods (jobs/momentum-sparse-relu.ini, jobs/momentum-digits.ini,
# jobs/adam-digits.ini) into DIR/figures/. A job with eta_rel and momentum axes: heatmaps over
# (η/η*, β) of the limiting bias, of S_max/edge level and of the fraction of runs in the eos
# regime, each with the method's threshold η*·(1+β); the bias against η/η*, one line per β. A job
# with traces: the overlay of every traced run (eos-sweep trace --overlay), each sharpness (the
# preconditioned one for adaptive methods) with its own edge level dashed in its colour, one
# figure per method. Extra arguments (--svg) are passed on.
#
#   scripts/methods_figures.sh DIR [--svg]          (eos-sweep: $EOS_SWEEP, else build/eos-sweep)
set -euo pipefail
dir=${1:?usage: scripts/methods_figures.sh DIR [--svg]}
shift
eos=${EOS_SWEEP:-$(cd "$(dirname "$0")/.." && pwd)/build/eos-sweep}
[ -f "$dir/results.csv" ] || { echo "methods_figures.sh: no results.csv in $dir" >&2; exit 2; }
header=$(head -1 "$dir/results.csv")
has() { echo ",$header," | grep -q ",$1,"; }
if has eta_rel && has momentum && [ "$(cut -d, -f"$(echo "$header" | tr ',' '\n' | grep -nx momentum | cut -d: -f1)" "$dir/results.csv" | tail -n +2 | sort -u | wc -l)" -gt 1 ]; then
  for v in bias_tail edge_max regime=eos; do
    "$eos" aggregate "$dir" --x eta_rel --y momentum --value "$v" --out "$dir/figures" "$@"
  done
  "$eos" aggregate "$dir" --x eta_rel --value bias_tail --out "$dir/figures" "$@"
fi
if [ -d "$dir/traces" ]; then
  col=$(echo "$header" | tr ',' '\n' | grep -nx method | cut -d: -f1)
  for m in $(cut -d, -f"$col" "$dir/results.csv" | tail -n +2 | sort -u); do
    mapfile -t traces < <(awk -F, -v c="$col" -v m="$m" -v d="$dir" 'NR > 1 && $c == m { print d "/traces/" $1 ".csv" }' \
      "$dir/results.csv" | while read -r f; do [ -f "$f" ] && echo "$f"; done)
    [ "${#traces[@]}" -ge 2 ] || continue
    "$eos" trace --overlay "${traces[@]}" --out "$dir/figures/overlay-$m" "$@"
  done
fi
