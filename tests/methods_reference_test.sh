# Every method (polyak, nesterov, rmsprop, adam with and without bias correction, a frozen
# preconditioner) against PyTorch's torch.optim and small PyTorch loops of our own, from the same
# init_params (see tests/methods_reference.py): loss at every step and final parameters to 1e-10,
# the preconditioned sharpness to 1e-6. Debian's PyTorch and SciPy are /usr/bin/python3's
# (EOS_PYTHON overrides), installed by setup.sh --with-tests.
source "$(dirname "$0")/lib.sh"
T=$(scratch methods_reference)
export OMPI_MCA_ess_singleton_isolated=1
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
"${EOS_PYTHON:-/usr/bin/python3}" "$EOS_SOURCE_DIR/tests/methods_reference.py" "$EOS_SWEEP" "$T"
