# The vector paths give the same rows: every golden job (a small version of every job in jobs/)
# run with EOS_SIMD=baseline, with each wide path this CPU has, and with EOS_SIMD unset, must
# write the same results files apart from wall_s, byte for byte, and the same traces (the mlp
# job's products run on the tiles of each wide path, to the same bits); the manifest records the
# path and the products' kernels. A bad EOS_SIMD is refused with exit status 2 and one line, before
# anything is written (also under mpirun).
set -euo pipefail
source "${EOS_SOURCE_DIR:?}/tests/lib.sh"
t=$(scratch simd_paths)
export OMPI_MCA_ess_singleton_isolated=${OMPI_MCA_ess_singleton_isolated:-1}

# The paths this CPU and build support (EOS_SIMD=P is refused otherwise).
paths=(baseline)
for p in avx2 avx512; do
  if EOS_SIMD=$p "$EOS_SWEEP" keys sparse-relu >/dev/null 2>"$t/probe_$p"; then
    paths+=("$p")
  else
    grep -q "EOS_SIMD=$p: this CPU (or this build) has no $p path" "$t/probe_$p" ||
      fail "EOS_SIMD=$p refused for another reason: $(cat "$t/probe_$p")"
  fi
done
echo "paths: ${paths[*]} (and the default)"

# The tiles the products run on under EOS_SIMD=$1: that path, the widest under baseline; none
# (empty) on a CPU without FMA or without a wide path.
tiles_of() {
  grep -qw fma /proc/cpuinfo && [ "${#paths[@]}" -gt 1 ] || return 0
  if [ "$1" = baseline ]; then echo "${paths[-1]}"; else echo "$1"; fi
}

# Byte for byte apart from the wall_s column: sorted rows (lib.sh), then the traces.
same_run() {
  local a=$1 b=$2 what=$3
  cmp -s <(head -n 1 "$a/results.csv") <(head -n 1 "$b/results.csv") || fail "$what: headers differ"
  diff <(rows_without_timing "$a/results.csv") <(rows_without_timing "$b/results.csv") >"$t/diff" ||
    { head -4 "$t/diff" >&2; fail "$what: rows differ"; }
  if [ -d "$a/traces" ]; then
    diff -r "$a/traces" "$b/traces" >/dev/null || fail "$what: traces differ"
  fi
}

# The golden jobs, and golden/figure1 (an oracle job) once more on the fast path.
runs=()
for job in "$EOS_SOURCE_DIR"/tests/golden/jobs/*.ini; do runs+=("$(basename "$job" .ini)"); done
runs+=(figure1-fast)
for name in "${runs[@]}"; do
  job="$EOS_SOURCE_DIR/tests/golden/jobs/${name%-fast}.ini"
  extra=()
  [ "$name" = figure1-fast ] && extra=(--set path=fast)
  for p in "${paths[@]}" default; do
    if [ "$p" = default ]; then
      env -u EOS_SIMD "$EOS_SWEEP" run "$job" --out "$t/$p/$name" --progress none "${extra[@]}" 2>/dev/null
    else
      EOS_SIMD=$p "$EOS_SWEEP" run "$job" --out "$t/$p/$name" --progress none "${extra[@]}" 2>/dev/null
    fi
    [ "$(row_count "$t/$p/$name/results.csv")" -gt 0 ] || fail "$name ($p): no rows"
    [ "$p" = baseline ] || same_run "$t/baseline/$name" "$t/$p/$name" "$name: $p against baseline"
  done
  grep -q '"simd": "baseline"' "$t/baseline/$name/manifest.jsonl" || fail "$name: manifest lacks the path"
  for p in "${paths[@]}"; do
    want=$(tiles_of "$p")
    [ -z "$want" ] || grep -q "\"matmul\": \"tiled $want + " "$t/$p/$name/manifest.jsonl" ||
      fail "$name ($p): the manifest's matmul is not tiled $want: $(grep -o '"matmul": "[^"]*"' "$t/$p/$name/manifest.jsonl" | head -1)"
  done
  grep -q "\"simd\": \"${paths[-1]}\"" "$t/default/$name/manifest.jsonl" ||
    fail "$name: the default path is not the widest (${paths[-1]})"
  echo "$name: $(row_count "$t/baseline/$name/results.csv") rows identical on ${paths[*]} and the default"
done

# --version names the path and the products' kernels, as the manifest does.
for p in "${paths[@]}"; do
  line=$(EOS_SIMD=$p "$EOS_SWEEP" --version)
  [[ $line == *"; vector path $p, products "* ]] || fail "EOS_SIMD=$p --version: $line"
  want=$(tiles_of "$p")
  [ -z "$want" ] || [[ $line == *"products tiled $want + "* ]] ||
    fail "EOS_SIMD=$p --version: products not tiled $want: $line"
done
[[ $(EOS_SIMD=sse9 "$EOS_SWEEP" --version) == "eos-sweep "*")" ]] || fail "--version with a bad EOS_SIMD"
echo "--version: $("$EOS_SWEEP" --version)"

# Refused values: exit 2, one line naming EOS_SIMD, no output folder.
job="$EOS_SOURCE_DIR/tests/golden/jobs/sparse-relu-options.ini"
refuse() {
  local value=$1 launcher=$2 out="$t/refused_$RANDOM"
  set +e
  if [ "$launcher" = mpirun ]; then
    EOS_SIMD=$value mpirun -np 2 -x EOS_SIMD "$EOS_SWEEP" run "$job" --out "$out" --progress none \
      >/dev/null 2>"$t/err"
  else
    EOS_SIMD=$value "$EOS_SWEEP" run "$job" --out "$out" --progress none >/dev/null 2>"$t/err"
  fi
  local rc=$?
  set -e
  [ "$rc" = 2 ] || fail "EOS_SIMD=$value ($launcher): exit status $rc, not 2"
  grep -q "^eos-sweep: error: EOS_SIMD=$value: " "$t/err" || fail "EOS_SIMD=$value ($launcher): $(cat "$t/err")"
  [ "$launcher" = mpirun ] || [ "$(wc -l <"$t/err")" = 1 ] || fail "EOS_SIMD=$value: more than one line"
  [ ! -e "$out" ] || fail "EOS_SIMD=$value ($launcher): $out was created"
}
refuse sse9 direct
refuse AVX512 direct
refuse "avx2 " direct
for p in avx2 avx512; do
  [[ " ${paths[*]} " == *" $p "* ]] || refuse "$p" direct
done
refuse bogus mpirun
echo "simd paths: ok"
