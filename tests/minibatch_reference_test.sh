# Minibatch runs against an independent implementation (tests/minibatch_reference.py): the batch
# order from the documented sampling stream reimplemented in Python, each minibatch step (gd,
# polyak) against a PyTorch step on the same batch to 1e-12, the trajectory to 1e-10, and the batch
# sharpness against its description and the exact expectation over all batches of a tiny set.
source "$(dirname "$0")/lib.sh"
T=$(scratch minibatch_reference)
export OMPI_MCA_ess_singleton_isolated=1
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
"${EOS_PYTHON:-/usr/bin/python3}" "$EOS_SOURCE_DIR/tests/minibatch_reference.py" "$EOS_SWEEP" "$T"
