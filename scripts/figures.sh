#!/usr/bin/env bash
# The paper's figures from a sweep folder of the sparse-relu model (the default job, or
# jobs/figure1.ini): phase diagrams over (η/η*, d) of the limiting bias and of η·S_max/2 (over
# (η, d) with --eta, or when the job gives η rather than η/η*), with the threshold on top (when d
# varies); Figure-1 slices, final bias and test accuracy against η, one line per d, a dashed line
# at each 8π/d², with the paper's inset zoom around η* when the sweep has points near it (over η
# for one d; over η/η*, every line scaled by its own η*, for several); and Figure-2 panels of
# every per-step trace in DIR/traces. Everything goes to DIR/figures/ (tables .csv, gnuplot
# scripts .gp, .png).
#
#   scripts/figures.sh DIR [--svg] [--eta]
#
# eos-sweep is $EOS_SWEEP, else eos-sweep on PATH, else build/eos-sweep of this checkout.
set -euo pipefail

usage="usage: scripts/figures.sh DIR [--svg] [--eta]   (DIR: the --out folder of an eos-sweep run)"
if [ $# -lt 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
  echo "$usage" >&2
  [ $# -ge 1 ] && exit 0
  exit 2
fi
dir=$1
shift
extra=()
over_eta=0
for a in "$@"; do
  case "$a" in
    --svg) extra+=(--svg) ;;
    --eta) over_eta=1 ;;
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

# From the header and rows of the results files: how many values of d; which bias column; whether
# the job gave η/η* (fewer distinct η/η* than η: the grid's axis); and whether some d has 3 values
# of η within a factor 2 of η* (then the slices get the inset zoom).
read -r n_d has_tail rel_axis near < <(awk -F, '
  FNR == 1 { dc = ec = rc = sc = 0
    for (i = 1; i <= NF; ++i) { if ($i == "d") dc = i; if ($i == "eta") ec = i; if ($i == "eta_rel") rc = i
      if ($i == "eta_star") sc = i; if ($i == "bias_tail") tail = 1 }
    next }
  dc > 0 { seen[$dc] = 1 }
  ec > 0 { etas[$ec] = 1 }
  rc > 0 && $rc != "" { rels[$rc] = 1 }
  ec > 0 && sc > 0 && $sc > 0 && $ec / $sc >= 0.5 && $ec / $sc <= 2 && !(($dc, $ec) in pair) { pair[$dc, $ec] = 1; ++n_close[$dc] }
  END { n = 0; for (k in seen) ++n; ne = 0; for (k in etas) ++ne; nr = 0; for (k in rels) ++nr
    best = 0; for (k in n_close) if (n_close[k] > best) best = n_close[k]
    print n, (tail ? 1 : 0), (nr > 0 && nr < ne ? 1 : 0), (best >= 3 ? 1 : 0) }' "${files[@]}")
bias=bias_final
[ "$has_tail" = 1 ] && bias=bias_tail
x=eta
[ "$rel_axis" = 1 ] && [ "$over_eta" = 0 ] && x=eta_rel

if [ "$n_d" -ge 2 ]; then
  echo "== phase diagrams over ($x, d): $bias and eta*S_max/2"
  "$eos" aggregate "$dir" --x "$x" --y d --value "$bias" --value edge_max --out "$out" ${extra[@]+"${extra[@]}"}
else
  echo "== one value of d in $dir: no phase diagram over ($x, d)"
fi
inset=()
[ "$near" = 1 ] && inset=(--inset)
echo "== Figure 1: final bias and test accuracy against eta, one line per d${inset[*]:+, with the inset zoom around eta*}"
"$eos" aggregate "$dir" --x eta --value bias_final --value test_acc --out "$out" ${inset[@]+"${inset[@]}"} ${extra[@]+"${extra[@]}"}
traces=("$dir"/traces/*.csv)
if [ ${#traces[@]} -gt 0 ]; then
  echo "== Figure 2: ${#traces[@]} per-step traces"
  "$eos" trace "$dir/traces" --out "$out/traces" ${extra[@]+"${extra[@]}"}
fi

images=("$out"/*.png "$out"/traces/*.png)
echo
echo "figures in $out/ (tables .csv, gnuplot scripts .gp):"
for f in "${images[@]}"; do echo "  $f"; done
