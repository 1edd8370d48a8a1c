#!/usr/bin/env bash
# The paper's figures from a sweep folder of the sparse-relu model (the default job, or
# jobs/figure1.ini): phase diagrams over (η, d) of the limiting bias and of η·S_max/2, with the
# threshold η = 8π/d² on top (when d varies); Figure-1 slices, final bias and test accuracy
# against η, one line per d, a dashed line at each 8π/d²; and Figure-2 panels of every per-step
# trace in DIR/traces. Everything goes to DIR/figures/ (tables .csv, gnuplot scripts .gp, .png).
#
#   scripts/figures.sh DIR [--svg]
#
# eos-sweep is $EOS_SWEEP, else eos-sweep on PATH, else build/eos-sweep of this checkout.
set -euo pipefail

usage="usage: scripts/figures.sh DIR [--svg]   (DIR: the --out folder of an eos-sweep run)"
if [ $# -lt 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
  echo "$usage" >&2
  [ $# -ge 1 ] && exit 0
  exit 2
fi
dir=$1
shift
extra=()
for a in "$@"; do
  case "$a" in
    --svg) extra+=(--svg) ;;
    *) echo "figures.sh: unknown option '$a'; $usage" >&2; exit 2 ;;
  esac
done

root="$(cd "$(dirname "$0")/.." && pwd)"
eos=${EOS_SWEEP:-}
if [ -z "$eos" ]; then
  if command -v eos-sweep >/dev/null 2>&1; then eos=$(command -v eos-sweep)
  elif [ -x "${BUILD_DIR:-$root/build}/eos-sweep" ]; then eos=${BUILD_DIR:-$root/build}/eos-sweep
  else echo "figures.sh: cannot find eos-sweep: build it (scripts/build.sh) or set EOS_SWEEP" >&2; exit 2
  fi
fi
if [ ! -d "$dir" ]; then echo "figures.sh: $dir: no such folder; $usage" >&2; exit 2; fi
shopt -s nullglob
files=("$dir"/results*.csv)
if [ ${#files[@]} -eq 0 ]; then echo "figures.sh: no results*.csv in $dir" >&2; exit 2; fi
out=$dir/figures

# How many values of d, and which bias column, from the header and rows of the results files.
read -r n_d has_tail < <(awk -F, '
  FNR == 1 { dc = 0; for (i = 1; i <= NF; ++i) { if ($i == "d") dc = i; if ($i == "bias_tail") tail = 1 } next }
  dc > 0 { seen[$dc] = 1 }
  END { n = 0; for (k in seen) ++n; print n, (tail ? 1 : 0) }' "${files[@]}")
bias=bias_final
[ "$has_tail" = 1 ] && bias=bias_tail

if [ "$n_d" -ge 2 ]; then
  echo "== phase diagrams over (eta, d): $bias and eta*S_max/2"
  "$eos" aggregate "$dir" --x eta --y d --value "$bias" --value edge_max --out "$out" "${extra[@]}"
else
  echo "== one value of d in $dir: no phase diagram over (eta, d)"
fi
echo "== Figure 1: final bias and test accuracy against eta, one line per d"
"$eos" aggregate "$dir" --x eta --value bias_final --value test_acc --out "$out" "${extra[@]}"
traces=("$dir"/traces/*.csv)
if [ ${#traces[@]} -gt 0 ]; then
  echo "== Figure 2: ${#traces[@]} per-step traces"
  "$eos" trace "$dir/traces" --out "$out/traces" "${extra[@]}"
fi

images=("$out"/*.png "$out"/traces/*.png)
echo
echo "figures in $out/ (tables .csv, gnuplot scripts .gp):"
for f in "${images[@]}"; do echo "  $f"; done
