#!/usr/bin/env bash
# The figures of a minibatch sweep (jobs/eoss-digits.ini, jobs/eoss-fashion.ini; docs/minibatch.md)
# into DIR/figures/: the phase diagrams over (batch size, η) of edge_tail (the tail batch sharpness
# over the method's edge level: 1 is the edge of stochastic stability) and of the tail λ_max
# (sharpness_tail); and for each η with traces, the EoSS figure (eos-sweep trace --overlay of its
# runs: λ_max and the batch sharpness against the step for every batch size, with 2/η and the
# momentum levels) as figures/eoss-eta-ETA.png; when the folder has one batch size, one EoSS
# figure of all its runs over η as figures/eoss.png. Extra arguments (--svg) are passed on.
#
#   scripts/minibatch_figures.sh DIR [--svg]        (eos-sweep: $EOS_SWEEP, else build/eos-sweep)
set -euo pipefail
dir=${1:?usage: scripts/minibatch_figures.sh DIR [--svg]}
shift
eos=${EOS_SWEEP:-$(cd "$(dirname "$0")/.." && pwd)/build/eos-sweep}
[ -f "$dir/results.csv" ] || { echo "minibatch_figures.sh: no results.csv in $dir" >&2; exit 2; }
header=$(head -1 "$dir/results.csv")
col() { echo "$header" | tr ',' '\n' | grep -nx "$1" | cut -d: -f1; }
[ -n "$(col batch_size)" ] || { echo "minibatch_figures.sh: $dir has no batch_size column" >&2; exit 2; }
values() { cut -d, -f"$(col "$1")" "$dir/results.csv" | tail -n +2 | sort -u; }
if [ "$(values batch_size | wc -l)" -gt 1 ] && [ "$(values eta | wc -l)" -gt 1 ]; then
  for v in edge_tail sharpness_tail; do
    "$eos" aggregate "$dir" --x batch_size --y eta --value "$v" --out "$dir/figures" "$@"
  done
fi
# One EoSS figure: all traces of the folder at one batch size, over η, into figures/eoss.png.
if [ -d "$dir/traces" ] && [ "$(values batch_size | wc -l)" -eq 1 ]; then
  mapfile -t traces < <(tail -n +2 "$dir/results.csv" | cut -d, -f1 | while read -r i; do
    [ -f "$dir/traces/$i.csv" ] && echo "$dir/traces/$i.csv"; done)
  if [ "${#traces[@]}" -ge 2 ]; then
    "$eos" trace --overlay "${traces[@]}" --out "$dir/figures/eoss" "$@"
    for ext in png svg gp; do
      [ -f "$dir/figures/eoss/overlay.$ext" ] && mv "$dir/figures/eoss/overlay.$ext" "$dir/figures/eoss.$ext"
    done
    rmdir "$dir/figures/eoss" 2>/dev/null || true
  fi
elif [ -d "$dir/traces" ]; then
  c=$(col eta)
  for e in $(values eta); do
    mapfile -t traces < <(awk -F, -v c="$c" -v e="$e" -v d="$dir" 'NR > 1 && $c == e { print d "/traces/" $1 ".csv" }' \
      "$dir/results.csv" | while read -r f; do [ -f "$f" ] && echo "$f"; done)
    [ "${#traces[@]}" -ge 2 ] || continue
    "$eos" trace --overlay "${traces[@]}" --out "$dir/figures/eoss-eta-$e" "$@"
    for ext in png svg gp; do
      [ -f "$dir/figures/eoss-eta-$e/overlay.$ext" ] && mv "$dir/figures/eoss-eta-$e/overlay.$ext" "$dir/figures/eoss-eta-$e.$ext"
    done
    rmdir "$dir/figures/eoss-eta-$e" 2>/dev/null || true
  done
fi
