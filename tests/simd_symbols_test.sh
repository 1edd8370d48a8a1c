# The wide kernels stay in their own corner of the binary, so that one baseline x86-64 binary
# runs on every node: (1) the objects compiled for AVX2 and AVX-512 (sparse-relu's kernels, the
# activation sweeps, the tiled product) define no global or weak
# symbol outside their own namespace eos::lanes::ISA (an out-of-line copy of a shared inline
# function or template compiled there could be the one the linker keeps for baseline callers);
# (2) in the linked eos-sweep, only functions of those namespaces contain VEX or EVEX
# instructions (the rest of the project is built for baseline x86-64).
set -euo pipefail
source "${EOS_SOURCE_DIR:?}/tests/lib.sh"
: "${EOS_MODEL_LIB:?EOS_MODEL_LIB must name libeos_model.a}"
t=$(scratch simd_symbols)
[ "$(uname -m)" = x86_64 ] || { echo "simd symbols: not x86-64, nothing to check"; exit 0; }

nm -C --defined-only -A "$EOS_MODEL_LIB" "${EOS_NUMERICS_LIB:?EOS_NUMERICS_LIB must name libeos_numerics.a}" >"$t/nm"
for object in sparse_relu_simd_avx2 sparse_relu_simd_avx512 activation_simd_avx2 activation_simd_avx512 \
  tiled_gemm_avx2 tiled_gemm_avx512; do
  isa=${object##*_}
  member="$object.cpp.o"
  grep -q ":$member:" "$t/nm" || fail "$member is in neither $EOS_MODEL_LIB nor $EOS_NUMERICS_LIB"
  # Global and weak symbols (upper-case types, and u for unique globals) of the member.
  awk -v m=":$member:" 'index($0, m) && $2 ~ /^[A-Zu]$/ { $1 = ""; $2 = ""; sub(/^  /, ""); print }' "$t/nm" \
    >"$t/$object.syms"
  [ -s "$t/$object.syms" ] || fail "$member defines no symbol"
  if grep -v -e "^eos::lanes::$isa::" -e "eos::lanes::$isa::" -e "^eos::sparse_relu_kernels_$isa()\$" \
    -e "^eos::activation_kernels_$isa()\$" \
    "$t/$object.syms" >"$t/$object.bad"; then
    head -5 "$t/$object.bad" >&2
    fail "$member defines symbols outside eos::lanes::$isa"
  fi
  echo "$member: $(wc -l <"$t/$object.syms") symbols, all in eos::lanes::$isa"
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
