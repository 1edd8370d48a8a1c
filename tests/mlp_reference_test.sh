# model = mlp against an independent NumPy implementation from the same init_params (see
# tests/mlp_reference.py): loss, final parameters and sharpness over a few hundred GD steps.
# Debian's NumPy is /usr/bin/python3's (EOS_PYTHON overrides), installed by setup.sh --with-tests.
source "$(dirname "$0")/lib.sh"
T=$(scratch mlp_reference)
export OMPI_MCA_ess_singleton_isolated=1
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1  # NumPy's small products: threads only fight the other tests
"${EOS_PYTHON:-/usr/bin/python3}" "$EOS_SOURCE_DIR/tests/mlp_reference.py" "$EOS_SWEEP" "$T"
