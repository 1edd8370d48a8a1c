# The golden aggregate cases: the input tests/golden/aggregate/in/ (three files: shards and a
# top-up; an error row the top-up reruns, an error row never rerun, a repeated id that differs
# and one that differs in wall_s only, "50.0" beside "50", a damaged row, a truncated last line,
# CRLF endings, a quoted message) and one aggregate command per line below.
# tests/golden/aggregate/expected/ holds what eos-sweep wrote for each while aggregate read whole
# files (commit d3d3998, and main up to 3bcbb4e, write the same bytes):
#   source tests/golden_aggregate.sh && golden_cases OLD_EOS_SWEEP "$PWD/tests/golden/aggregate/in" OUT
# tests/aggregate_cli_test.sh runs them again and wants the same bytes.

# golden_cases BINARY IN OUT: each case's exit status, stdout and stderr (with IN and OUT for the
# folders) and its tables into OUT/caseN/. Not the gnuplot scripts and images: they follow from
# the tables through the figure code, which changes on its own (aggregate_figure_test checks the
# figures as data).
golden_cases() {
  local bin=$1 in=$2 out=$3 n=0 args d
  while IFS= read -r args; do
    n=$((n + 1))
    d=$out/case$n
    mkdir -p "$d"
    eval "set -- $args"
    "$bin" aggregate "$in" "$@" --out "$d/files" >"$d/stdout" 2>"$d/stderr"
    echo "$? aggregate IN $args" >"$d/status"
    sed -i -e "s#$d/files#OUT#g" -e "s#$in#IN#g" "$d/stdout" "$d/stderr"
    rm -f "$d"/files/*.gp "$d"/files/*.png "$d"/files/*.svg
  done <<'CASES'
--x eta_rel --y d --value bias_final --value 'eta*S_max/2' --value regime=eos
--x eta --value bias_final --value test_acc
--x eta_rel --value edge_max --over d --where seed=0,1,2
--x d --value test_acc --where regime=gf,eos --no-plot
--x seed --value bias_final --where d=50 --where eta_rel=1,2 --no-plot
--x eta --value bias_final --value nope
--x eta --value regime
--x eta_rel --y d --value bias_final --where d=7
CASES
}
