# The wide kernels stay in their own corner of the binary, so that one baseline x86-64 binary
# runs on every node: (1) the objects compiled for AVX2 and AVX-512 define no global or weak
# symbol outside their own namespace eos::lanes::ISA (an out-of-line copy of a shared inline
# function or template compiled there could be the one the linker keeps for baseline callers);
# (2) in the linked eos-sweep, only functions of those namespaces contain VEX or EVEX
# instructions (the rest of the project is built for baseline x86-64).
set -euo pipefail
source "${EOS_SOURCE_DIR:?}/tests/lib.sh"
: "${EOS_MODEL_LIB:?EOS_MODEL_LIB must name libeos_model.a}"
t=$(scratch simd_symbols)
[ "$(uname -m)" = x86_64 ] || { echo "simd symbols: not x86-64, nothing to check"; exit 0; }

nm -C --defined-only -A "$EOS_MODEL_LIB" >"$t/nm"
for isa in avx2 avx512; do
  member="sparse_relu_simd_$isa.cpp.o"
  grep -q ":$member:" "$t/nm" || fail "$member is not in $EOS_MODEL_LIB"
  # Global and weak symbols (upper-case types, and u for unique globals) of the member.
  awk -v m=":$member:" 'index($0, m) && $2 ~ /^[A-Zu]$/ { $1 = ""; $2 = ""; sub(/^  /, ""); print }' "$t/nm" \
    >"$t/$isa.syms"
  [ -s "$t/$isa.syms" ] || fail "$member defines no symbol"
  if grep -v -e "^eos::lanes::$isa::" -e "eos::lanes::$isa::" -e "^eos::sparse_relu_kernels_$isa()\$" \
    "$t/$isa.syms" >"$t/$isa.bad"; then
    head -5 "$t/$isa.bad" >&2
    fail "$member defines symbols outside eos::lanes::$isa"
  fi
  echo "$member: $(wc -l <"$t/$isa.syms") symbols, all in eos::lanes::$isa"
done

objdump -d --no-show-raw-insn -C "$EOS_SWEEP" |
  awk '/^[0-9a-f]+ <.*>:$/ { fn = $0; next } /^ +[0-9a-f]+:\tv[a-z0-9]+/ { print fn }' | sort -u >"$t/vex"
[ -s "$t/vex" ] || fail "no function of eos-sweep uses AVX: the wide paths are missing"
if grep -v -e "<eos::lanes::avx2::" -e "<eos::lanes::avx512::" -e "<void eos::lanes::avx2::" \
  -e "<void eos::lanes::avx512::" "$t/vex" >"$t/vex.bad"; then
  head -5 "$t/vex.bad" >&2
  fail "functions outside the wide kernels use AVX instructions"
fi
echo "eos-sweep: $(wc -l <"$t/vex") functions use AVX, all in eos::lanes::avx2 or avx512"
echo "simd symbols: ok"
