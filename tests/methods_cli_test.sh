# Methods through the real binary and real MPI ranks (docs/methods.md):
# - heavy ball and Nesterov with β = 0 are GD: the same values in every column but the id and
#   the method (a check of the seam's bookkeeping: edges, regimes, traces);
# - thresholds where the theory is exact: deep-linear scalar chains w₂w₁ (target 1, uniform
#   initialisation), refine = converged along eta_rel — the last converging η sits within 1% of
#   (1+β)·η* for polyak and (1+β)/(1+2β)·η* for Nesterov at β = 0.3, and boundary's theory says so;
# - a sweep of every method: the same rows under -np 1, 2, 3; shards merged by aggregate; kill -9
#   and resume; the heatmap over (η/η*, β) with the method's threshold; the trace overlay.
set -euo pipefail
source "${EOS_SOURCE_DIR:?}/tests/lib.sh"
t=$(scratch methods_cli)
say() { echo "methods_cli_test: $*"; }
run() { mpirun -np 2 "$EOS_SWEEP" run "$@" --progress none >/dev/null 2>&1; }
PY=${EOS_PYTHON:-/usr/bin/python3}

# Column $2 of results file $1 for every row, as "id value" lines.
column() { awk -F, -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next } { print $1, $k }' "$1"; }

# --- β = 0 is GD ---------------------------------------------------------------------------------
say "polyak and nesterov with momentum 0 give GD's rows"
cat >"$t/zero.ini" <<'JOB'
model = sparse-relu
d = 50
n = 100
lambda = 3
seed = 0, 1
eta_rel = 0.5, 2
steps = 2000
sharpness_every = 50
n_test = 100
method = gd, polyak, nesterov
momentum = 0
trace_every = 100
JOB
run "$t/zero.ini" --out "$t/zero"
"$PY" - "$t/zero/results.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 12, len(rows)
skip = {"id", "method", "wall_s"}
key = lambda r: (r["seed"], r["eta_rel"])
gd = {key(r): r for r in rows if r["method"] == "gd"}
assert len(gd) == 4


def same(a, b):  # text exactly; numbers to 1e-12 (the secant along the step the method took
    try:         # rounds otherwise than GD's formula)
        x, y = float(a), float(b)
    except ValueError:
        return a == b
    return a == b or abs(x - y) <= 1e-12 * max(abs(x), abs(y))


regimes = set()
for r in rows:
    g = gd[key(r)]
    diff = [c for c in r if c not in skip and not same(r[c], g[c])]
    assert not diff, (r["method"], key(r), [(c, r[c], g[c]) for c in diff])
    regimes.add(r["regime"])
assert regimes == {"gf", "eos"}, regimes  # both sides of the edge were compared
print("  12 rows: polyak and nesterov equal gd in every column but id and method")
PY
for id in $(column "$t/zero/results.csv" method | awk '$2 != "gd" { print $1 }'); do
  head -1 "$t/zero/traces/$id.csv" | grep -q ",edge_level$" || fail "trace $id has no edge_level column"
done

# --- thresholds where the theory is exact --------------------------------------------------------
say "deep-linear: the last converging eta at (1+beta) eta* (polyak) and (1+beta)/(1+2beta) eta* (nesterov)"
cat >"$t/deep.ini" <<'JOB'
model = deep-linear
dataset = scalar
target = 1
depth = 2
eta_rel = 0.5, 0.7, 1, 1.5, 2
method = polyak, nesterov
momentum = 0.3
seed = range(0, 4)
init = uniform
init_range = 1.5
steps = 20000
stop_grad_tol = 1e-8
sharpness_every = 1
diverge_loss = 1e8
refine = converged
refine_tol = 0.002
JOB
run "$t/deep.ini" --out "$t/deep"
"$EOS_SWEEP" boundary "$t/deep" --no-plot >/dev/null
"$PY" - "$t/deep/boundary/boundary.csv" <<'PY'
import csv, sys
want = {"polyak": 1.3, "nesterov": 1.3 / 1.6}
first = {}
for r in csv.DictReader(open(sys.argv[1])):
    first.setdefault((r["method"], r["seed"]), r)
assert len(first) == 8, sorted(first)
for (m, seed), r in sorted(first.items()):
    est, theory = float(r["estimate"]), float(r["theory"])
    print(f"  {m} seed {seed}: {r['below']} -> {r['above']} at {est:.5f} eta* (theory {theory:.5f})")
    assert (r["below"], r["above"]) == ("1", "0"), r
    assert abs(theory - want[m]) < 1e-12, r
    assert abs(est / want[m] - 1) <= 0.01, r
PY

# --- a sweep of every method ---------------------------------------------------------------------
say "every method: ranks, shards, kill and resume, aggregate"
cat >"$t/all.ini" <<'JOB'
model = mlp
dataset = digits
n = 100
n_test = 50
width = 8
depth = 2
eta = 0.05, 0.2
method = gd, flow, polyak, nesterov, rmsprop, adam
steps = 300
sharpness_every = 20
solver = lanczos
trace_every = 20
JOB
same_rows_on_ranks "$t/all.ini" "$t/ranks" 12
for i in 0 1; do run "$t/all.ini" --out "$t/shards" --shard "$i/2"; done
[ "$(cat "$t/shards"/results.shard-*.csv | grep -vc '^id,')" = 12 ] || fail "shards: not 12 rows in all"
"$EOS_SWEEP" aggregate "$t/shards" --x eta --y method --value edge_max --no-plot --out "$t/shards/agg" >/dev/null
[ "$(tail -n +2 "$t/shards/agg/edge_max-by-eta-method.csv" | wc -l)" = 12 ] || fail "aggregate of the shards"
# kill -9 in the middle, then resume: the rows of the uninterrupted run.
mpirun -np 2 "$EOS_SWEEP" run "$t/all.ini" --out "$t/killed" --progress none >/dev/null 2>&1 &
launcher=$!
for i in $(seq 1 300); do
  [ "$(row_count "$t/killed/results.csv")" -ge 3 ] && break
  sleep 0.05
done
victim=$(rank_pid "$launcher" 0)
[ -n "$victim" ] && kill -9 "$victim" 2>/dev/null || true
wait_bounded "$launcher" 300 || true
n=$(row_count "$t/killed/results.csv")
say "  killed rank 0 with $n of 12 rows written"
run "$t/all.ini" --out "$t/killed"
same_rows "$t/ranks/single/results.csv" "$t/killed/results.csv"
# Each method's edge level, and the preconditioned sharpness only for the adaptive ones.
"$PY" - "$t/ranks/single/results.csv" <<'PY'
import csv, sys
for r in csv.DictReader(open(sys.argv[1])):
    eta, m = float(r["eta"]), r["method"]
    level = {"gd": 2 / eta, "flow": 2 / eta, "polyak": 2 / eta, "nesterov": 2 / eta, "rmsprop": 2 / eta,
             "adam": (2 + 2 * 0.9) / ((1 - 0.9) * eta)}[m]
    assert abs(float(r["edge_level"]) / level - 1) < 1e-12, r
    adaptive = m in ("rmsprop", "adam")
    assert (r["psharpness_max"] not in ("", "nan")) == adaptive, (m, r["psharpness_max"])
    judged = float(r["psharpness_max"] if adaptive else r["sharpness_max"])
    assert abs(float(r["edge_max"]) - judged / level) <= 1e-12 * judged / level, r
    if m == "flow":
        assert r["regime"] == "gf" and r["step_edge_max"] == "nan" and r["mid_checks"] == "0", r
print("  edge levels, preconditioned sharpness and flow rows as documented")
PY
# The overlay of several methods draws each run's own edge level.
ids=$(column "$t/ranks/single/results.csv" method | awk '$2 == "polyak" || $2 == "adam" || $2 == "gd" { print $1 }')
overlay=()
for id in $ids; do overlay+=("$t/ranks/single/traces/$id.csv"); done
"$EOS_SWEEP" trace "${overlay[@]}" --overlay --out "$t/overlay" >/dev/null 2>&1 || true  # gnuplot may be absent
gp=$(ls "$t/overlay"/*.gp 2>/dev/null | head -1)
[ -n "$gp" ] || fail "trace --overlay wrote no script"
grep -q "adam, β₁ = 0.9" "$gp" || fail "the overlay does not name the adam runs"
grep -q "edge level" "$gp" || fail "the overlay does not say it draws edge levels"
say "ok"
