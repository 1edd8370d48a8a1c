#!/usr/bin/env bash
# eos-sweep aggregate and trace end to end: a real small sweep with traces, hand-written
# results files (duplicates, a truncated row), the golden cases (the bytes the whole-file
# aggregate wrote), images that are valid PNG/SVG, scripts that carry the theory overlays and
# rerun from any folder, every bad-input case (exit 2, nothing written),
# and no gnuplot.
set -uo pipefail
: "${EOS_SWEEP:?}" "${EOS_TEST_TMP:?}" "${EOS_SOURCE_DIR:?}"
T=$EOS_TEST_TMP/aggregate_cli
rm -rf "$T" && mkdir -p "$T"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

is_png() { [ -s "$1" ] && [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ]; }
is_svg() {
  [ -s "$1" ] || return 1
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); sys.exit(0 if r.tag.split("}")[-1] == "svg" else 1)' "$1"
  elif command -v xmllint >/dev/null 2>&1; then
    xmllint --noout "$1" && grep -q '<svg' "$1"
  else
    grep -q '<svg' "$1" && grep -q '</svg>' "$1"
  fi
}
# expect_error STATUS PATTERN CMD...: exit status and a one-line message matching PATTERN.
expect_error() {
  local want=$1 pat=$2
  shift 2
  "$@" >"$T/out.txt" 2>"$T/err.txt"
  local rc=$?
  if [ "$rc" -ne "$want" ]; then fail "exit $rc (want $want): $*"; cat "$T/err.txt"; return; fi
  if ! grep -q -- "$pat" "$T/err.txt"; then fail "message lacks '$pat': $(cat "$T/err.txt")"; return; fi
  if [ "$(wc -l <"$T/err.txt")" -ne 1 ]; then fail "not one line: $(cat "$T/err.txt")"; return; fi
  ok "exit $want: $(cat "$T/err.txt")"
}

# 1. A real small sweep (2 d × 4 η × 2 seeds), traces of two points.
cat >"$T/small.job" <<'EOF'
model = sparse-relu
d = 30, 50
n = 100
lambda = 1.5
eta_rel = logspace(0.3, 4, 4)
seed = range(0, 2)
path = oracle
trace_every = 5
trace_points = 0 7
EOF
"$EOS_SWEEP" run "$T/small.job" --out "$T/sweep" --progress none 2>"$T/run.txt" || { fail "run"; cat "$T/run.txt"; }
[ "$(ls "$T/sweep/traces" 2>/dev/null | wc -l)" -eq 2 ] && ok "2 traces written" || fail "traces: $(ls "$T/sweep/traces" 2>&1)"

"$EOS_SWEEP" aggregate "$T/sweep" --x eta --y d --value bias_tail --value 'eta*S_max/2' --svg >"$T/agg.txt" 2>&1
rc=$?
[ $rc -eq 0 ] && ok "heatmaps" || { fail "heatmaps exit $rc"; cat "$T/agg.txt"; }
F=$T/sweep/figures
for s in bias_tail-by-eta-d edge_max-by-eta-d; do
  is_png "$F/$s.png" && ok "$s.png is a PNG" || fail "$s.png not a PNG"
  is_svg "$F/$s.svg" && ok "$s.svg is SVG" || fail "$s.svg not SVG"
  [ -s "$F/$s.csv" ] && [ -s "$F/$s.gp" ] || fail "$s: table or script missing"
  grep -q "title 'η = 8π/d²'" "$F/$s.gp" && ok "$s.gp draws eta = 8*pi/d^2" || fail "$s.gp lacks the 8*pi/d^2 curve"
done
# (What the figures hold is checked as data in aggregate_test; here only that it reaches the scripts.)
grep -q "title 'η·S_max/2 = 0.98" "$F/edge_max-by-eta-d.gp" && ok "edge contour" || fail "edge_max script lacks the contour"
grep -q "η·S_max/2 = 1" "$F/bias_tail-by-eta-d.gp" && fail "bias script has an edge contour" || ok "no contour for bias"
[ "$(wc -l <"$F/bias_tail-by-eta-d.csv")" -eq 9 ] && ok "8 cells + header" || fail "cells: $(wc -l <"$F/bias_tail-by-eta-d.csv")"
head -1 "$F/bias_tail-by-eta-d.csv" | grep -qx 'eta,d,value,mean,std,min,max,count,missing' || fail "table header"

"$EOS_SWEEP" aggregate "$T/sweep/results.csv" --x eta_rel --value bias_final --value test_acc --value regime=eos \
  --out "$T/fig1" >"$T/agg1.txt" 2>&1 || { fail "figure 1"; cat "$T/agg1.txt"; }
for s in bias_final-by-eta_rel test_acc-by-eta_rel frac-regime-eos-by-eta_rel; do
  is_png "$T/fig1/$s.png" && ok "$s.png" || fail "$s.png"
  grep -q 'set arrow from 1, graph 0 to 1, graph 1' "$T/fig1/$s.gp" || fail "$s.gp lacks eta/eta* = 1"
  grep -q "title 'd = 30'" "$T/fig1/$s.gp" && grep -q "title 'd = 50'" "$T/fig1/$s.gp" || fail "$s.gp: one line per d"
done
"$EOS_SWEEP" aggregate "$T/sweep" --x eta --value bias_final --out "$T/fig1" >/dev/null 2>&1 || fail "eta slices"
[ "$(grep -c '^  set arrow from' "$T/fig1/bias_final-by-eta.gp")" -eq 2 ] && grep -q "title 'η\* = 8π/d²'" "$T/fig1/bias_final-by-eta.gp" &&
  ok "dashed lines at 8*pi/d^2" || fail "eta slices lack 8*pi/d^2"
# --inset: the Figure-1 zoom around η* (a sweep dense enough near η*: d = 30, 9 values of η/η*).
I=$T/inset
mkdir -p "$I"
awk 'BEGIN { print "id,model,d,seed,eta,eta_rel,eta_star,steps,regime,edge_max,bias_final,test_acc,wall_s,message"
  s = 8 * 3.141592653589793 / 900
  for (k = 0; k <= 8; ++k) { r = 0.25 * 2 ^ (k / 2); b = r < 1 ? -0.1 : -0.1 - log(r)
    printf "i%d,sparse-relu,30,0,%.17g,%.17g,%.17g,%d,gf,%.17g,%.17g,%.17g,1,\n", k, r * s, r, s, 10 / (r * s) + 1, r, b, 0.6 - b } }' >"$I/results.csv"
"$EOS_SWEEP" aggregate "$I" --x eta --value bias_final --inset --out "$I/fig" >"$T/inset.txt" 2>&1 || { fail "--inset"; cat "$T/inset.txt"; }
grep -q '^  # inset' "$I/fig/bias_final-by-eta.gp" && is_png "$I/fig/bias_final-by-eta.png" && ok "--inset draws a zoom" ||
  fail "--inset: no inset in the script"
# Users can rerun the script from anywhere.
rm "$T/fig1/bias_final-by-eta.png"
(cd / && gnuplot "$T/fig1/bias_final-by-eta.gp") && is_png "$T/fig1/bias_final-by-eta.png" && ok "script reruns" ||
  fail "rerunning the script"

# 2. Traces: stacked panels.
"$EOS_SWEEP" trace "$T/sweep/traces" --out "$T/tr" --svg >"$T/tr.txt" 2>&1 || { fail "trace"; cat "$T/tr.txt"; }
n=0
for p in "$T"/tr/*.png; do is_png "$p" && n=$((n + 1)); done
[ $n -eq 2 ] && ok "2 trace images" || fail "trace images: $n"
for s in "$T"/tr/*.svg; do is_svg "$s" || fail "$s not SVG"; done
grep -q "multiplot layout 4,1" "$T"/tr/*.gp && grep -q "'2/η'" "$T"/tr/*.gp && ok "trace panels with 2/eta" ||
  fail "trace script panels"
# The sweep folder itself, as a user first tries: its traces/ are drawn.
"$EOS_SWEEP" trace "$T/sweep" --out "$T/tr2" >"$T/tr2.txt" 2>&1 && [ "$(ls "$T"/tr2/*.gp | wc -l)" -eq 2 ] &&
  ok "trace of the sweep folder draws its traces" || fail "trace of the sweep folder: $(cat "$T/tr2.txt")"

# 3. Hand-written files: duplicates counted once, a truncated row skipped, error rows excluded.
H=$T/hand
mkdir -p "$H"
head="id,model,d,seed,eta,eta_rel,eta_star,steps,regime,edge_max,bias_final,wall_s,message"
printf '%s\n' "$head" "a,sparse-relu,30,0,0.01,0.36,0.0279,9,gf,0.5,1,1," "b,sparse-relu,30,1,0.01,0.36,0.0279,9,gf,0.5,2,1," \
  "c,sparse-relu,30,2,0.01,0.36,0.0279,9,error,,,1,boom" >"$H/results.shard-0-of-2.csv"
printf '%s\n' "$head" "a,sparse-relu,30,0,0.01,0.36,0.0279,9,gf,0.5,1,7," "b,sparse-relu,30,1,0.01,0.36,0.0279,9,gf,0.5,99,1," \
  "d,sparse-relu,30,3,0.01,0.36,0.0279,9,gf,0.5,6,1," >"$H/results.shard-1-of-2.csv"
printf 'e,sparse-relu,30,4,0.01,0.36,0.0279,9,gf,0.5,1000' >>"$H/results.shard-1-of-2.csv"
"$EOS_SWEEP" aggregate "$H" --x eta --value bias_final --out "$H/out" --no-plot >"$T/h.txt" 2>"$T/h.err"
[ $? -eq 0 ] || fail "hand files"
grep -q 'truncated' "$T/h.err" && ok "truncated row warned" || fail "no truncated warning: $(cat "$T/h.err")"
grep -q 'id b appears in' "$T/h.err" && ok "differing duplicate warned" || fail "no duplicate warning"
grep -q 'id a appears' "$T/h.err" && fail "wall_s-only duplicate warned" || true
grep -q '1 error rows' "$T/h.err" && ok "error row counted" || fail "error rows not reported"
# mean of 1, 2, 6 = 3; sample std = sqrt(7); min 1, max 6.
want="0.01,bias_final,3,2.6457513110645907,1,6,3,0"
grep -qx "$want" "$H/out/bias_final-by-eta.csv" && ok "statistics" || fail "table: $(cat "$H/out/bias_final-by-eta.csv")"

# 3b. The golden cases (tests/golden_aggregate.sh): every table, message and exit status byte for
# byte what aggregate wrote when it read whole files.
G=$EOS_SOURCE_DIR/tests/golden/aggregate
source "$EOS_SOURCE_DIR/tests/golden_aggregate.sh"
cp -r "$G/in" "$T/golden-in"
golden_cases "$EOS_SWEEP" "$T/golden-in" "$T/golden"
for want in "$G"/expected/case*; do
  c=$(basename "$want")
  if diff -r "$want" "$T/golden/$c" >"$T/golden-$c.diff" 2>&1; then ok "golden $c: $(cat "$want/status")"
  else fail "golden $c differs: $(cat "$want/status")"; head -n 20 "$T/golden-$c.diff"; fi
done
[ "$(ls "$T/golden" | wc -l)" -eq "$(ls "$G/expected" | wc -l)" ] || fail "golden: other cases than expected/"

# 4. Bad input: exit 2, one line, nothing written.
B=$T/bad-out
expect_error 2 "no such parameter" "$EOS_SWEEP" aggregate "$T/sweep" --x nope --value bias_final --out "$B"
expect_error 2 "not a parameter" "$EOS_SWEEP" aggregate "$T/sweep" --x loss_final --value bias_final --out "$B"
expect_error 2 "no column 'nope'" "$EOS_SWEEP" aggregate "$T/sweep" --x eta --value nope --out "$B"
expect_error 2 "not a numeric column" "$EOS_SWEEP" aggregate "$T/sweep" --x eta --value regime --out "$B"
expect_error 2 "varies too" "$EOS_SWEEP" aggregate "$T/sweep" --x eta --y seed --value bias_final --out "$B"
expect_error 2 "no such file" "$EOS_SWEEP" aggregate "$T/missing.csv" --x eta --value bias_final --out "$B"
expect_error 2 "missing axis" "$EOS_SWEEP" aggregate "$T/sweep" --value bias_final --out "$B"
expect_error 2 "no row matches" "$EOS_SWEEP" aggregate "$T/sweep" --x eta --value bias_final --where d=7 --out "$B"
expect_error 2 "inset: a zoom of a line plot" "$EOS_SWEEP" aggregate "$T/sweep" --x eta --y d --value bias_final --inset --out "$B"
expect_error 2 "inset: no line has 3 points" "$EOS_SWEEP" aggregate "$T/sweep" --x eta --value bias_final --inset --out "$B"
mkdir -p "$T/mixed"
cp "$T/sweep/results.csv" "$T/mixed/results.csv"
printf 'id,model,depth,eta,eta_rel,eta_star,steps,regime,wall_s,message\nz,deep-linear,2,1,1,1,9,gf,1,\n' >"$T/mixed/results.other.csv"
expect_error 2 "different models" "$EOS_SWEEP" aggregate "$T/mixed" --x eta --value bias_final --out "$B"
expect_error 2 "not an eos-sweep trace" "$EOS_SWEEP" trace "$T/sweep/results.csv" --out "$B"
expect_error 2 "a sweep folder without traces (run the job with trace_every" "$EOS_SWEEP" trace "$T/mixed" --out "$B"
expect_error 2 "no column 'nope'" "$EOS_SWEEP" trace "$T/sweep/traces" --panels loss,nope --out "$B"
[ -e "$B" ] && fail "bad input wrote $B" || ok "nothing written on bad input"

# 5. Without gnuplot: tables and scripts written, images skipped with the reason, exit 0.
PATH=/nonexistent "$EOS_SWEEP" aggregate "$T/sweep" --x eta --value bias_final --out "$T/nognu" >"$T/ng.txt" 2>&1
rc=$?
[ $rc -eq 0 ] && ok "no gnuplot: exit 0" || fail "no gnuplot: exit $rc"
grep -q 'images skipped: gnuplot was not found' "$T/ng.txt" && ok "says why images were skipped" || fail "$(cat "$T/ng.txt")"
[ -s "$T/nognu/bias_final-by-eta.csv" ] && [ -s "$T/nognu/bias_final-by-eta.gp" ] || fail "no gnuplot: table missing"
[ -e "$T/nognu/bias_final-by-eta.png" ] && fail "no gnuplot: an image appeared" || true
PATH=/nonexistent "$EOS_SWEEP" trace "$T/sweep/traces" --out "$T/nognu" >"$T/ng2.txt" 2>&1 || fail "trace without gnuplot"
grep -q 'images skipped' "$T/ng2.txt" || fail "trace: $(cat "$T/ng2.txt")"

# 6. scripts/figures.sh on the sweep folder: given in eta_rel, the phase diagrams over (η/η*, d);
# over (η, d) with --eta; the slices without an inset (2 points within a factor 2 of η*).
EOS_SWEEP=$EOS_SWEEP bash "$EOS_SOURCE_DIR/scripts/figures.sh" "$T/sweep" >"$T/figs.txt" 2>&1 || { fail "figures.sh"; cat "$T/figs.txt"; }
for s in bias_tail-by-eta_rel-d edge_max-by-eta_rel-d bias_final-by-eta test_acc-by-eta; do
  is_png "$T/sweep/figures/$s.png" || fail "figures.sh: $s.png"
done
grep -q '# inset' "$T/sweep/figures/bias_final-by-eta.gp" && fail "figures.sh: an inset with 2 points near eta*" || true
grep -q "figures in $T/sweep/figures" "$T/figs.txt" && ok "figures.sh says where" || fail "figures.sh output"
EOS_SWEEP=$EOS_SWEEP bash "$EOS_SOURCE_DIR/scripts/figures.sh" "$T/sweep" --eta >"$T/figs.txt" 2>&1 || { fail "figures.sh --eta"; cat "$T/figs.txt"; }
for s in bias_tail-by-eta-d edge_max-by-eta-d; do
  is_png "$T/sweep/figures/$s.png" && ok "figures.sh --eta: $s.png" || fail "figures.sh --eta: $s.png"
done
# One d, dense near η*: no phase diagram, the slices with the paper's inset.
EOS_SWEEP=$EOS_SWEEP bash "$EOS_SOURCE_DIR/scripts/figures.sh" "$I" >"$T/figs1.txt" 2>&1 || { fail "figures.sh one d"; cat "$T/figs1.txt"; }
for s in bias_final-by-eta test_acc-by-eta; do
  grep -q '^  # inset' "$I/figures/$s.gp" && is_png "$I/figures/$s.png" && ok "figures.sh: $s with the inset" ||
    fail "figures.sh: $s lacks the inset"
done
[ -e "$I/figures/bias_final-by-eta-d.png" ] && fail "figures.sh: a phase diagram with one d" || true
expect_error 2 "unknown option '--nope'" bash "$EOS_SOURCE_DIR/scripts/figures.sh" "$T/sweep" --nope

[ $fails -eq 0 ] && echo "all passed" || echo "$fails failures"
exit $((fails > 0))
