#!/usr/bin/env bash
# Cohen et al.'s figures from a sweep folder of the mlp model (jobs/cohen-digits.ini) into
# DIR/figures/: Figure 1, the sharpness of the widest net's runs against the step with each 2/η
# dashed and the loss below (eos-sweep trace --overlay), and the phase diagram of η·S_tail/2 over
# (η, width) with its contour η·S/2 = 1 (eos-sweep aggregate). Extra arguments (--svg) are
# passed to both.
#
#   scripts/cohen_figures.sh DIR [--svg]          (eos-sweep: $EOS_SWEEP, else build/eos-sweep)
set -euo pipefail
dir=${1:?usage: scripts/cohen_figures.sh DIR [--svg]}
shift
eos=${EOS_SWEEP:-$(cd "$(dirname "$0")/.." && pwd)/build/eos-sweep}
[ -f "$dir/results.csv" ] || { echo "cohen_figures.sh: no results.csv in $dir" >&2; exit 2; }
# The traces of the widest net, one per η.
mapfile -t traces < <(awk -F, -v d="$dir" '
  NR == 1 { for (i = 1; i <= NF; ++i) if ($i == "width") w = i; next }
  { id[NR] = $1; width[NR] = $w + 0; if ($w + 0 > top) top = $w + 0 }
  END { for (r in id) if (width[r] == top) print d "/traces/" id[r] ".csv" }' "$dir/results.csv" | sort)
"$eos" trace --overlay "${traces[@]}" --out "$dir/figures" "$@"
"$eos" aggregate "$dir" --x eta --y width --value edge_tail --out "$dir/figures" "$@"
