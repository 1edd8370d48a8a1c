# Bad and hostile input through the real binary: every malformed job file or command line gets
# exit status 2, exactly one line on stderr naming the problem, and writes nothing (the --out
# folder is not created, or an existing one is left byte for byte as it was).
# Usage (ctest sets these): EOS_SWEEP=path/to/eos-sweep EOS_TEST_TMP=scratch bash bad_input_test.sh
set -u
E=${EOS_SWEEP:?EOS_SWEEP must name the eos-sweep binary}
T=${EOS_TEST_TMP:-/tmp}/bad_input
MNT=$T/mnt
cleanup() {
  for m in "$MNT/full" "$MNT/ro"; do mountpoint -q "$m" 2>/dev/null && umount "$m"; done
}
trap cleanup EXIT
cleanup
rm -rf "$T"
mkdir -p "$T/jobs" "$T/res" "$T/out"
J=$T/jobs
PAR=8  # cases run side by side (each run mostly waits for MPI start-up)
# Runs without mpirun start as MPI singletons; an isolated singleton skips starting a daemon.
export OMPI_MCA_ess_singleton_isolated=${OMPI_MCA_ess_singleton_isolated:-1}

GOOD=$'model = sparse-relu\neta = 1e-3\nd = 10\nn = 20\nsteps = 5\nn_test = 10\n'
M=$'model = sparse-relu\n'

# --- the table -------------------------------------------------------------------------------
# job NAME FRAGMENT TEXT [EXTRA ARGS...]: job file NAME.ini holds TEXT; both `run` and `plan` must
# refuse it with FRAGMENT. cmd NAME FRAGMENT ARGS...: `eos-sweep ARGS` must refuse, where the
# word DIR stands for a fresh output folder. Each case is a file of NUL-separated words.
mkdir -p "$T/cases"
ncase=0
cmd() {
  ncase=$((ncase + 1))
  printf '%s\0' "$@" > "$T/cases/$(printf %03d $ncase)"
}
job() {
  local name=$1 frag=$2 text=$3
  shift 3
  printf '%s' "$text" > "$J/$name.ini"
  cmd "run:$name" "$frag" run "$J/$name.ini" --out DIR --progress none "$@"
  cmd "plan:$name" "$frag" plan "$J/$name.ini" "$@"
}
printf '%s' "$GOOD" > "$J/good.ini"

job unknown_key        "unknown_key.ini:7: unknown key 'foo' for model sparse-relu" "${GOOD}foo = 1"
job unknown_model      "model: unknown model 'bogus'"              $'model = bogus\neta = 1e-3\n'
job missing_model      "model: missing"                             $'eta = 1e-3\nd = 10\n'
job number_1e          "eta: not a number: '1e'"                    "${M}eta = 1e"
job number_abc         "eta: not a number: 'abc'"                   "${M}eta = abc"
job number_1.2.3       "eta: not a number: '1.2.3'"                 "${M}eta = 1.2.3"
job number_nan         "eta: not a finite number: 'nan'"            "${M}eta = nan"
job number_huge_int    "d: integer too large"                       "${M}eta = 1e-3"$'\nd = 1e300'
job linspace_2_args    "eta: linspace takes 3 arguments, got 2"     "${M}eta = linspace(1e-4, 1e-3)"
job logspace_zero_end  "eta: logspace needs positive end points"    "${M}eta = logspace(0, 1, 3)"
job range_step_0       "seed: range step must not be 0"             "${M}eta = 1e-3"$'\nseed = range(1, 5, 0)'
job range_empty        "seed: empty range 'range(5, 1)'"            "${M}eta = 1e-3"$'\nseed = range(5, 1)'
job unbalanced_open    "eta: unbalanced '('"                        "${M}eta = linspace(1e-4, 1e-3, 3"
job unbalanced_close   "eta: unbalanced ')'"                        "${M}eta = linspace1e-4, 1e-3, 3)"
job unknown_function   "eta: unknown range function 'geomspace'"    "${M}eta = geomspace(1e-4, 1e-3, 3)"
job eta_zero           "eta: must be > 0 (got 0)"                   "${M}eta = 0"
job eta_negative       "eta: must be > 0 (got -0.001)"              "${M}eta = -1e-3"
job eta_rel_zero       "eta_rel: must be > 0 (got 0)"               "${M}eta_rel = 0.5, 0"
job d_zero             "d: must be >= 1 (got 0)"                    "${M}eta = 1e-3"$'\nd = 0'
job d_not_integer      "d: not an integer: '2.5'"                   "${M}eta = 1e-3"$'\nd = 2.5'
job n_zero             "n: must be >= 1 (got 0)"                    "${M}eta = 1e-3"$'\nn = 0'
job lambda_negative    "lambda: must be >= 0 (got -1)"              "${M}eta = 1e-3"$'\nlambda = -1'
job seed_negative      "seed: must be >= 0 (got -1)"                "${M}eta = 1e-3"$'\nseed = -1'
job empty_axis         "eta: empty value"                           "${M}eta ="
job empty_item         "eta: empty item in the list '1e-3,,2e-3'"   "${M}eta = 1e-3,,2e-3"
job duplicate_values   "eta: value 0.001 appears twice"             "${M}eta = 1e-3, 0.001"
job key_twice          "key 'eta' given twice (first on line 2)"    "${M}eta = 1e-3"$'\neta = 2e-3'
job eta_and_eta_rel    "eta: give eta or eta_rel, not both"         "${M}eta = 1e-3"$'\neta_rel = 1'
job steps_and_horizon  "steps: give steps or horizon, not both"     "${M}eta = 1e-3"$'\nsteps = 10\nhorizon = 10'
job tail_zero          "tail: must be > 0 (got 0)"                  "${M}eta = 1e-3"$'\ntail = 0'
job tail_above_1       "tail: must be <= 1 (got 1.5)"               "${M}eta = 1e-3"$'\ntail = 1.5'
job list_non_axis      "sharpness_every: is not a sweep axis"       "${M}eta = 1e-3"$'\nsharpness_every = 10, 20'
job bad_choice         "solver: 'fast' is not one of"               "${M}eta = 1e-3"$'\nsolver = fast'
job precision_float16  "precision: 'float16' is not one of"          "${M}eta = 1e-3"$'\nprecision = float16'
job precision_no_path  "precision: model sparse-relu has no float32 path" "${M}eta = 1e-3"$'\nprecision = float32'
job precision_in_axis  "precision: model sparse-relu has no float32 path" "${M}eta = 1e-3"$'\nprecision = float64, float32'
job too_many_steps     "horizon: horizon/eta = "                    "${M}eta = 1e-300"
job grid_1e12          "grid: 1e+12 points (seed 1e+06 x eta 1e+06), more than the limit" \
                       "${M}eta = linspace(1e-4, 1e-2, 1e6)"$'\nseed = range(0, 1e6)'
job truncated_key      "truncated_key.ini:3: 'd' is not KEY = VALUE" "${M}eta = 1e-3"$'\nd'
job truncated_range    "eta: unbalanced '('"                        "${M}eta = linspace(1e-4, 1"
job ini_section        "ini_section.ini:1: INI sections"            $'[sweep]\n'"${M}eta = 1e-3"
job empty_file         "empty_file.ini: empty job file"             ""
job control_chars      "control character '\\x1b'"                  "${M}eta = 1e-3"$'\x1b[2J'
job set_no_equals      "--set: expected KEY=VALUE, got 'eta'"       "$GOOD" --set eta
job set_unknown_key    "--set: unknown key 'foo' for model sparse-relu" "$GOOD" --set foo=1
job set_bad_value      "--set: d: must be >= 1 (got 0)"             "$GOOD" --set d=0
job set_twice          "--set: key 'd' given twice"                 "$GOOD" --set d=5 --set d=6
job set_contradiction  "--set: give eta or eta_rel, not both"       "$GOOD" --set eta=1e-3 --set eta_rel=1
job set_newline        "--set: eta: not a number: 'x\\ny'"          "$GOOD" --set $'eta=x\ny'

# Job files that are not text, too big, or not files.
printf 'model = sparse-relu\neta = 1e-3\nd = 1\0\0\0 0\n' > "$J/binary_nul.ini"
head -c 3000 /dev/zero | tr '\0' '\001' > "$J/binary_ctrl.ini"
{ printf '%s' "$GOOD"; head -c 1100000 /dev/zero | tr '\0' '#'; } > "$J/enormous.ini"
mkdir -p "$J/a_folder.ini"
cmd run:binary_nul   "binary_nul.ini:3: NUL byte"            run "$J/binary_nul.ini" --out DIR
cmd plan:binary_nul  "binary_nul.ini:3: NUL byte"            plan "$J/binary_nul.ini"
cmd run:binary_ctrl  "binary_ctrl.ini:1: control character '\\x01'" run "$J/binary_ctrl.ini" --out DIR
cmd run:enormous     "enormous.ini: job file larger than 1048576 bytes" run "$J/enormous.ini" --out DIR
cmd plan:enormous    "enormous.ini: job file larger than 1048576 bytes" plan "$J/enormous.ini"
cmd run:dev_zero     "/dev/zero: job file larger than"       run /dev/zero --out DIR
cmd run:job_missing  "no_such.ini: cannot read job file (No such file or directory)" run "$J/no_such.ini" --out DIR
cmd plan:job_missing "no_such.ini: cannot read job file (No such file or directory)" plan "$J/no_such.ini"
cmd run:job_folder   "a_folder.ini: is a directory, not a job file" run "$J/a_folder.ini" --out DIR
cmd plan:job_folder  "a_folder.ini: is a directory, not a job file" plan "$J/a_folder.ini"

# Refinement (grid/refine.h): what defines the phase, and the axis to refine along.
R=$'model = sparse-relu\nd = 10\nn = 20\nsteps = 5\nn_test = 10\neta = 1e-3, 2e-3\n'
job refine_column    "refine: 'foo' is not a result column of sparse-relu" "${R}refine = foo"$'\n'
job refine_text      "refine: regime holds text; a threshold needs a numeric column" "${R}refine = regime < 3"$'\n'
job refine_no_number "refine: no number after '<' in 'bias_tail <'" "${R}refine = bias_tail <"$'\n'
job refine_bad_number "refine: not a number: 'x'" "${R}refine = bias_tail < x"$'\n'
job refine_axis      "refine_axis: 'dd' is not a key of this job" "${R}refine = regime"$'\nrefine_axis = dd\n'
job refine_one_value "refine_axis: d has one value (10); give it two or more to bracket" "${R}refine = regime"$'\nrefine_axis = d\n'
job refine_tol_zero  "refine_tol: must be > 0 (got 0)" "${R}refine = regime"$'\nrefine_tol = 0\n'
job refine_tol_neg   "refine_tol: must be > 0 (got -0.1)" "${R}refine = regime"$'\nrefine_tol = -0.1\n'
job refine_alone     "refine_tol: given without refine" "${R}refine_tol = 0.1"$'\n'
cmd boundary:no_input   "no results file or folder given"  boundary

# Minibatches (gd/minibatch.h): the batch size within the training set, a model with one, a tolerance.
job batch_size_zero     "batch_size: must be >= 1 (got 0)"          "${GOOD}batch_size = 0"
job batch_size_negative "batch_size: must be >= 1 (got -3)"         "${GOOD}batch_size = -3"
job batch_size_fraction "batch_size: not an integer: '2.5'"         "${GOOD}batch_size = 2.5"
job batch_size_above_n  "batch_size: 21 is larger than the training set (20 samples)" "${GOOD}batch_size = 21"
job batch_size_axis_above_n "batch_size: 30 is larger than the training set (20 samples) (at grid point batch_size=30)" "${GOOD}batch_size = 5, 30"
job batch_size_population "batch_size: model mean-model has a population loss, no finite training set to batch" $'model = mean-model\neta = 0.01\nsteps = 5\nbatch_size = 4\n'
job batch_size_flow     "batch_size: method flow is gradient flow, which takes no minibatches" "${GOOD}batch_size = 4"$'\nmethod = flow\n'
job bs_tol_zero         "bs_tol: must be > 0 (got 0)"               "${GOOD}batch_size = 4"$'\nbs_tol = 0\n'
job bs_tol_negative     "bs_tol: must be > 0 (got -0.1)"            "${GOOD}batch_size = 4"$'\nbs_tol = -0.1\n'
job bs_min_above_max    "bs_min_batches: 20 is more than bs_max_batches = 10" "${GOOD}batch_size = 4"$'\nbs_min_batches = 20\nbs_max_batches = 10\n'

# Methods (gd/method.h): a key the method does not read, values out of range, unknown methods.
job momentum_with_gd   "momentum: not used by method gd"           "${GOOD}momentum = 0.9"
job momentum_with_axis "momentum: not used by method gd"           "${GOOD}method = polyak, gd"$'\nmomentum = 0.5'
job beta1_with_polyak  "beta1: not used by method polyak (it reads momentum)" "${GOOD}method = polyak"$'\nbeta1 = 0.5'
job eps_with_nesterov  "eps: not used by method nesterov"          "${GOOD}method = nesterov"$'\neps = 1e-6'
job frozen_with_gd     "frozen: not used by method gd"             "${GOOD}frozen = 10"
job frozen_with_polyak "frozen: not used by method polyak"         "${GOOD}method = polyak"$'\nfrozen = 10'
job flow_alpha_with_gd "flow_alpha: not used by method gd"         "${GOOD}flow_alpha = 0.5"
job bias_with_rmsprop  "bias_correction: not used by method rmsprop" "${GOOD}method = rmsprop"$'\nbias_correction = off'
job momentum_one       "momentum: must be < 1 (got 1)"             "${GOOD}method = polyak"$'\nmomentum = 1'
job momentum_negative  "momentum: must be >= 0 (got -0.1)"         "${GOOD}method = polyak"$'\nmomentum = -0.1'
job beta1_one          "beta1: must be < 1 (got 1)"                "${GOOD}method = adam"$'\nbeta1 = 1'
job beta2_over         "beta2: must be < 1 (got 1.5)"              "${GOOD}method = rmsprop"$'\nbeta2 = 1.5'
job beta2_negative     "beta2: must be >= 0 (got -0.5)"            "${GOOD}method = adam"$'\nbeta2 = -0.5'
job eps_zero           "eps: must be > 0 (got 0)"                  "${GOOD}method = adam"$'\neps = 0'
job eps_negative       "eps: must be > 0 (got -1e-08)"             "${GOOD}method = adam"$'\neps = -1e-8'
job method_unknown     "method: 'sgd' is not one of"               "${GOOD}method = sgd"
job bias_bogus         "bias_correction: 'maybe' is not one of"    "${GOOD}method = adam"$'\nbias_correction = maybe'
job frozen_negative    "frozen: must be >= 0 (got -1)"             "${GOOD}method = adam"$'\nfrozen = -1'
job frozen_fraction    "frozen: not an integer: '2.5'"             "${GOOD}method = adam"$'\nfrozen = 2.5'
cmd run:set_momentum_gd "momentum: not used by method gd"          run "$J/good.ini" --out DIR --set momentum=0.5
# Companions (gd/companions.h): beside GD only, the central flow's keys in range and only with it.
job flows_polyak       "flows: the central and gradient flows run beside method gd, not polyak" "${GOOD}method = polyak"$'\nflows = central'
job flows_adam_axis    "flows: the central and gradient flows run beside method gd, not adam" "${GOOD}method = gd, adam"$'\nflows = gradient'
job flows_unknown      "flows: 'stable' is not one of"             "${GOOD}flows = stable"
job cf_eigs_zero       "cf_eigs: must be >= 1 (got 0)"             "${GOOD}flows = central"$'\ncf_eigs = 0'
job cf_eigs_seven      "cf_eigs: must be <= 6 (got 7)"             "${GOOD}flows = central"$'\ncf_eigs = 7'
job cf_substeps_zero   "cf_substeps: must be >= 1 (got 0)"         "${GOOD}flows = central"$'\ncf_substeps = 0'
job cf_substeps_alone  "cf_substeps: used by flows = central only (flows = none)" "${GOOD}cf_substeps = 8"
job cf_eigs_gradient   "cf_eigs: used by flows = central only (flows = gradient)" "${GOOD}flows = gradient"$'\ncf_eigs = 2'
job cf_window_zero     "cf_window: must be >= 1 (got 0)"           "${GOOD}flows = central"$'\ncf_window = 0'

# The command line.
cmd run:no_job        "missing job file"                     run --out DIR
cmd plan:no_job       "missing job file"                     plan
cmd run:no_out        "--out: missing results folder"        run "$J/good.ini"
cmd run:shard_3_2     "--shard: need 0 <= I < N, got '3/2'"  run "$J/good.ini" --out DIR --shard 3/2
cmd run:shard_neg     "--shard: need 0 <= I < N, got '-1/2'" run "$J/good.ini" --out DIR --shard -1/2
cmd run:shard_x       "--shard: expected I/N, got 'x'"       run "$J/good.ini" --out DIR --shard x
cmd run:shard_1_0     "--shard: need 0 <= I < N, got '0/0'"  run "$J/good.ini" --out DIR --shard 0/0
cmd run:progress      "--progress: 'bogus' is not one of"    run "$J/good.ini" --out DIR --progress bogus
cmd run:batch_zero    "--batch"                              run "$J/good.ini" --out DIR --batch 0
cmd run:batch_negative "--batch"                             run "$J/good.ini" --out DIR --batch -1
cmd run:unknown_option "unrecognised option '--bogus'"       run "$J/good.ini" --out DIR --bogus
cmd run:two_jobs      "too many positional options"          run "$J/good.ini" "$J/good.ini" --out DIR
cmd plan:two_jobs     "too many positional options"          plan "$J/good.ini" "$J/good.ini"
cmd unknown_command   "unknown command 'runn'"               runn "$J/good.ini"

# model = mlp: data and parameter files that are missing, unreadable or malformed, and sizes the
# data cannot give, all refused at load time naming the key (digits, when installed, for sizes).
D=$T/data
mkdir -p "$D/a_folder.csv"
MB=$'model = mlp\neta = 0.1\nsteps = 2\nwidth = 3\n'
ML="$MB"$'n = 4\nn_test = 1\n'
printf '1,2,0\n3,4\n5,6,1\n' > "$D/ragged.csv"
printf '1,2,0\n3,x,1\n5,6,1\n' > "$D/text_cell.csv"
printf '1,2,0\n3,4,-1\n5,6,1\n' > "$D/neg_label.csv"
printf '1,2,0\n3,4,1.5\n5,6,1\n' > "$D/frac_label.csv"
printf '1,2,0\n3,4,1\n5,6,1\n7,8,0\n9,1,1\n' > "$D/good.csv"
printf 'not gzip' | gzip -c | head -c 12 > "$D/cut.csv.gz"
printf '\x00\x00\x08\x03\x00\x00\x00\x02\x00\x00\x00\x02\x00\x00\x00\x02\x01\x02' > "$D/short-images-idx3-ubyte"
printf '\x00\x00\x08\x01\x00\x00\x00\x02\x00\x01' > "$D/short-labels-idx1-ubyte"
printf '\x12\x34\x08\x03\x00\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00\x01\x05' > "$D/magic-images-idx3-ubyte"
cp "$D/short-labels-idx1-ubyte" "$D/magic-labels-idx1-ubyte"
printf '\x00\x00\x08\x03\x00\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00\x01\x05' > "$D/good-images-idx3-ubyte"
printf 'NUMPY no' > "$D/magic.npy"
cp "$D/magic.npy" "$D/magic-labels.npy"
printf '\x93NUMPY\x01\x00\x46\x00{'"'"'descr'"'"': '"'"'<f8'"'"', '"'"'fortran_order'"'"': False, '"'"'shape'"'"': (100,), }          \n\x00\x00' > "$D/short.npy"
job mlp_missing_file   "dataset: $D/nope.csv: cannot read"         "${ML}dataset = $D/nope.csv"
job mlp_folder         "dataset: $D/a_folder.csv: is a directory"  "${ML}dataset = $D/a_folder.csv"
job mlp_unknown_format "dataset: $D/x.txt: unknown data format"    "${ML}dataset = $D/x.txt"
job mlp_ragged         "dataset: $D/ragged.csv:2: ragged row"      "${ML}dataset = $D/ragged.csv"
job mlp_text_cell      "dataset: $D/text_cell.csv:2: column 2: not a number: 'x'" "${ML}dataset = $D/text_cell.csv"
job mlp_neg_label      "dataset: $D/neg_label.csv:2: label -1 is not a class" "${ML}dataset = $D/neg_label.csv"
job mlp_frac_label     "label 1.500000 is not a class"             "${ML}dataset = $D/frac_label.csv"
job mlp_cut_gzip       "dataset: $D/cut.csv.gz: corrupt or truncated gzip data" "${ML}dataset = $D/cut.csv.gz"
job mlp_idx_short      "dataset: $D/short-images-idx3-ubyte: short IDX file" "${ML}dataset = $D/short-images-idx3-ubyte"
job mlp_idx_magic      "dataset: $D/magic-images-idx3-ubyte: not an IDX file (wrong magic number)" "${ML}dataset = $D/magic-images-idx3-ubyte"
job mlp_idx_no_labels  "dataset: $D/good-labels-idx1-ubyte: cannot read" "${ML}dataset = $D/good-images-idx3-ubyte"
job mlp_npy_magic      "dataset: $D/magic.npy: not an NPY file (wrong magic)" "${ML}dataset = $D/magic.npy"
job mlp_n_too_large    "n: 9 training samples asked, the set has 5" "${MB}dataset = $D/good.csv"$'\nn = 9\nn_test = 0'
job mlp_n_test_large   "n_test: 3 test samples asked, 1 left after the n training samples" "${MB}dataset = $D/good.csv"$'\nn = 4\nn_test = 3'
job mlp_classes_1      "classes: must be >= 2 (got 1)"             "${ML}dataset = $D/good.csv"$'\nclasses = 1'
job mlp_classes_many   "classes: 5 asked, the data set has 2"      "${ML}dataset = $D/good.csv"$'\nclasses = 5'
job mlp_init_missing   "init_params: $D/none.npy: cannot read"     "${ML}dataset = $D/good.csv"$'\ninit_params = '"$D/none.npy"
job mlp_init_short     "init_params: $D/short.npy: short NPY file" "${ML}dataset = $D/good.csv"$'\ninit_params = '"$D/short.npy"
job mlp_init_magic     "init_params: $D/magic.npy: not an NPY file" "${ML}dataset = $D/good.csv"$'\ninit_params = '"$D/magic.npy"
job mlp_bad_activation "activation: 'sigmoid' is not one of"       "${ML}activation = sigmoid"
job mlp_bad_method     "method: 'sgd' is not one of"               "${ML}method = sgd"
# npy FILE DESCR SHAPE N: an NPY file (version 1) of N zero bytes of data.
npy() {
  local h="{'descr': '$2', 'fortran_order': False, 'shape': $3, }"
  local len=$(((${#h} + 1 + 10 + 63) / 64 * 64 - 10))
  { printf '\x93NUMPY\x01\x00'; printf "\\x$(printf %02x $((len % 256)))\\x$(printf %02x $((len / 256)))"
    printf '%s%*s\n' "$h" $((len - ${#h} - 1)) ''; head -c "$4" /dev/zero; } > "$1"
}
npy "$D/x.npy" '<f8' '(2, 1)' 16
npy "$D/x-labels.npy" '<i8' '(1,)' 8
npy "$D/cut.npy" '<f8' '(2, 1)' 8
npy "$D/cut-labels.npy" '<i8' '(2,)' 16
npy "$D/wrong_length.npy" '<f8' '(7,)' 56
printf 'PK, but not a zip archive' > "$D/bad.npz"
job mlp_npy_count      "dataset: $D/x-labels.npy: 1 labels for 2 samples" "${ML}dataset = $D/x.npy"
job mlp_npy_short      "dataset: $D/cut.npy: short NPY file: 8 data bytes for shape (2, 1)" "${ML}dataset = $D/cut.npy"
job mlp_npz_not_zip    "dataset: $D/bad.npz: not an NPZ file (no zip directory)" "${ML}dataset = $D/bad.npz"
job mlp_init_length    "init_params: $D/wrong_length.npy holds 7 parameters, the network has 29" "${ML}dataset = $D/good.csv"$'\ninit_params = '"$D/wrong_length.npy"
# Saved states (init_state, save_states): real ones written by the binary, then damaged copies.
printf '%s' "${ML}dataset = $D/good.csv"$'\nsave_states = 0, 2\n' > "$D/states.ini"
"$E" run "$D/states.ini" --out "$D/states-run" --progress none 2>/dev/null ||
  echo "FAIL setup: could not write saved states" > "$T/res/states_setup.res"
ST=$(ls "$D"/states-run/states/*-2.npz 2>/dev/null | head -n 1)
cp "$ST" "$D/state.npz" 2>/dev/null
head -c 300 "$D/state.npz" > "$D/state_cut.npz"
cp "$D/state.npz" "$D/state_flipped.npz"
printf 'X' | dd of="$D/state_flipped.npz" bs=1 seek=200 conv=notrunc status=none  # inside theta's data
printf 'not a state' > "$D/state_text.npz"
printf '%s' "${GOOD}save_states = 5"$'\n' > "$D/states-sr.ini"
"$E" run "$D/states-sr.ini" --out "$D/states-sr" --progress none 2>/dev/null
SR=$(ls "$D"/states-sr/states/*-5.npz 2>/dev/null | head -n 1)
job init_state_missing "init_state: $D/none.npz: cannot read"     "${ML}dataset = $D/good.csv"$'\ninit_state = '"$D/none.npz"
job init_state_cut     "init_state: $D/state_cut.npz:"            "${ML}dataset = $D/good.csv"$'\ninit_state = '"$D/state_cut.npz"
job init_state_flip    "init_state: $D/state_flipped.npz: NPZ member theta.npy is damaged (its CRC-32 does not match)" "${ML}dataset = $D/good.csv"$'\ninit_state = '"$D/state_flipped.npz"
job init_state_text    "init_state: $D/state_text.npz: not an NPZ file" "${ML}dataset = $D/good.csv"$'\ninit_state = '"$D/state_text.npz"
job init_state_npy     "init_state: $D/wrong_length.npy: not an NPZ file" "${ML}dataset = $D/good.csv"$'\ninit_state = '"$D/wrong_length.npy"
job init_state_model   "holds a state of model 'sparse-relu', not mlp" "${ML}dataset = $D/good.csv"$'\ninit_state = '"$SR"
job init_state_shape   "init_state: $D/state.npz holds 29 parameters, the model has 57" $'model = mlp\neta = 0.1\nsteps = 3\nwidth = 5\nn = 4\nn_test = 1\n'"dataset = $D/good.csv"$'\ninit_state = '"$D/state.npz"
job init_state_steps   "steps: 2 is not beyond step 2 of init_state" "${ML}dataset = $D/good.csv"$'\ninit_state = '"$D/state.npz"
job save_states_beyond "save_states: step 9 is beyond steps = 5"  "${GOOD}save_states = 2, 9"
job save_states_word   "save_states: 'soon' is not a step"         "${GOOD}save_states = soon"
job save_states_before "save_states: step 1 is before step 2 of init_state" $'model = mlp\neta = 0.1\nsteps = 6\nwidth = 3\nn = 4\nn_test = 1\n'"dataset = $D/good.csv"$'\nsave_states = 1\ninit_state = '"$D/state.npz"
if [ -e /usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz ]; then
  job mlp_digits_n     "n: 5000 training samples asked, the set has 1797" "${MB}n = 5000"
fi

# Output folders that cannot be written (root ignores permission bits, so: paths under a regular
# file, a regular file itself, /proc; and read-only or full file systems when tmpfs mounts work).
: > "$T/a_file"
cmd run:out_under_file "--out: cannot create $T/a_file/x"    run "$J/good.ini" --out "$T/a_file/x"
cmd run:out_is_file   "--out: $T/a_file exists and is not a folder" run "$J/good.ini" --out "$T/a_file"
cmd run:out_in_proc   "--out: cannot create /proc/eos-sweep-bad-input" run "$J/good.ini" --out /proc/eos-sweep-bad-input
mkdir -p "$MNT/full" "$MNT/ro"
if mount -t tmpfs -o size=64k tmpfs "$MNT/full" 2>/dev/null && mount -t tmpfs -o ro,size=64k tmpfs "$MNT/ro" 2>/dev/null; then
  # Fill the file system, leaving no block for a results file.
  head -c 200000 /dev/zero > "$MNT/full/filler" 2>/dev/null
  cmd run:out_read_only "--out: cannot create $MNT/ro/out (Read-only file system)" run "$J/good.ini" --out "$MNT/ro/out"
  cmd run:out_read_only_root "--out: $MNT/ro is not writable" run "$J/good.ini" --out "$MNT/ro"
  cmd run:out_full     "No space left on device"              run "$J/good.ini" --out "$MNT/full/out" --progress none
else
  echo "note: tmpfs mounts unavailable here; skipping the read-only and full file system cases"
fi

# --- running the table ---------------------------------------------------------------------
# check CASEFILE: exit 2, exactly one stderr line holding the fragment, nothing on stdout, the
# output folder DIR (a fresh path per case) not created, nothing left on the full file system.
check() {
  local -a w
  mapfile -d '' w < "$1"
  local name=${w[0]} frag=${w[1]}
  local -a argv=("${w[@]:2}")
  local dir="$T/out/${name//[:\/]/_}"
  local tag="$T/res/${name//[:\/]/_}"
  local args="${argv[*]}"
  local i
  for i in "${!argv[@]}"; do [ "${argv[$i]}" = DIR ] && argv[$i]=$dir; done
  local before_full=""
  [ -d "$MNT/full" ] && before_full=$(ls -A "$MNT/full" 2>/dev/null)
  "$E" "${argv[@]}" > "$tag.out" 2> "$tag.err" < /dev/null
  local rc=$?
  local problems=""
  [ "$rc" -eq 2 ] || problems+=" exit status $rc (want 2);"
  [ "$(wc -l < "$tag.err")" -eq 1 ] || problems+=" stderr has $(wc -l < "$tag.err") lines (want 1);"
  grep -qF -- "$frag" "$tag.err" || problems+=" message lacks '$frag';"
  grep -q '^eos-sweep[a-z ]*: error: ' "$tag.err" || problems+=" message does not start 'eos-sweep CMD: error:';"
  [ -s "$tag.out" ] && problems+=" wrote to stdout;"
  [ -e "$dir" ] && problems+=" created the output folder;"
  if [ "$name" = run:out_full ]; then
    # The folder itself may be made before the disk turns out full, but no byte of output is left.
    [ -n "$(find "$MNT/full" -type f ! -name filler -size +0c)" ] && problems+=" left output on the full file system;"
  elif [ -d "$MNT/full" ] && [ "$(ls -A "$MNT/full" 2>/dev/null)" != "$before_full" ]; then
    problems+=" left files on the full file system: $(ls -A "$MNT/full" | tr '\n' ' ');"
  fi
  if [ -n "$problems" ]; then
    echo "FAIL $name:$problems" > "$tag.res"
    echo "     args: $args" >> "$tag.res"
    echo "     stderr: $(head -c 400 "$tag.err")" >> "$tag.res"
  else
    echo "ok   $name: $(cat "$tag.err")" > "$tag.res"
  fi
}

n=0
full_case=""
for f in "$T"/cases/*; do
  # The full file system is shared: run its case alone, after the others.
  if [ "$(head -z -n1 "$f" | tr -d '\0')" = run:out_full ]; then
    full_case=$f
    continue
  fi
  check "$f" &
  n=$((n + 1))
  [ $((n % PAR)) -eq 0 ] && wait
done
wait
[ -n "$full_case" ] && check "$full_case"
# --- an existing results folder is never damaged -----------------------------------------------
# A folder holding a finished sweep; then bad jobs, a job of another model, and a results file
# with other columns are all refused, and every file stays byte for byte as it was.
EXIST=$T/existing
if ! "$E" run "$J/good.ini" --out "$EXIST" --progress none > /dev/null 2> "$T/res/existing_setup.err"; then
  echo "FAIL existing_setup: the good job did not run: $(cat "$T/res/existing_setup.err")" > "$T/res/existing_setup.res"
else
  printf 'model = minimalist-2d\neta = 0.1\nsteps = 5\n' > "$J/other_model.ini"
  snapshot() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum; find . | sort); }
  before=$(snapshot "$EXIST")
  ex=0
  existing_case() {
    local name=$1 frag=$2
    shift 2
    ex=$((ex + 1))
    "$E" "$@" > "$T/res/ex.out" 2> "$T/res/ex.err" < /dev/null
    local rc=$? problems=""
    [ "$rc" -eq 2 ] || problems+=" exit status $rc (want 2);"
    [ "$(wc -l < "$T/res/ex.err")" -eq 1 ] || problems+=" stderr has $(wc -l < "$T/res/ex.err") lines;"
    grep -qF -- "$frag" "$T/res/ex.err" || problems+=" message lacks '$frag';"
    [ "$(snapshot "$EXIST")" = "$before" ] || problems+=" the existing folder changed;"
    if [ -n "$problems" ]; then
      echo "FAIL existing:$name:$problems stderr: $(head -c 400 "$T/res/ex.err")" > "$T/res/existing_$name.res"
    else
      echo "ok   existing:$name: $(cat "$T/res/ex.err")" > "$T/res/existing_$name.res"
    fi
  }
  existing_case other_model "holds results of a different model" run "$J/other_model.ini" --out "$EXIST" --progress none
  existing_case bad_job "eta: not a number: '1e'" run "$J/number_1e.ini" --out "$EXIST" --progress none
  existing_case grid_1e12 "grid: 1e+12 points" run "$J/grid_1e12.ini" --out "$EXIST" --progress none
  existing_case bad_shard "--shard" run "$J/good.ini" --out "$EXIST" --shard 2/2 --progress none
  existing_case set_unknown "--set: unknown key" run "$J/good.ini" --out "$EXIST" --set foo=1 --progress none
  existing_case boundary_text "--value: regime holds text" boundary "$EXIST" --value "regime < 1"
  existing_case boundary_column "--value: 'foo' is not a result column" boundary "$EXIST" --value foo
  existing_case boundary_along "--along: 'nope' is not a parameter column" boundary "$EXIST" --along nope
  existing_case boundary_by "--by: 'seed' is not an axis that varies between lines" boundary "$EXIST" --by seed
  # (Adding refine to a folder written without it widens the file: tests/schema_growth_test.sh.)
  # Other columns: the header of the results file no longer matches this model's.
  sed -i '1s/^id,/id,extra,/' "$EXIST/results.csv"
  before=$(snapshot "$EXIST")
  existing_case other_columns "holds results of a different model or with other columns" \
    run "$J/good.ini" --out "$EXIST" --progress none
fi

# The problems of a refusal, or nothing: exit status RC not 2, ERRORS error lines not 1, FILE
# without the text WANT, the output folder DIR created.
refusal_problems() {  # RC ERRORS FILE WANT DIR
  local p=""
  [ "$1" -eq 2 ] || p+=" exit status $1 (want 2);"
  [ "$2" -eq 1 ] || p+=" not exactly one error line;"
  grep -qF -- "$4" "$3" || p+=" message lacks '$4';"
  [ -e "$5" ] && p+=" created the output folder;"
  printf '%s' "$p"
}

# --- under mpirun ------------------------------------------------------------------------------
# Every rank checks the input; rank 0 alone prints the one line (mpirun adds its own banner about
# the non-zero exit, which is not ours to shorten), and no rank writes anything.
if command -v mpirun > /dev/null; then
  "$(command -v mpirun)" -np 2 "$E" run "$J/number_1e.ini" --out "$T/out/mpirun" --progress none \
    > "$T/res/mpirun.out" 2> "$T/res/mpirun.err" < /dev/null
  rc=$?
  problems=$(refusal_problems "$rc" "$(grep -c 'eos-sweep run: error:' "$T/res/mpirun.err")" "$T/res/mpirun.err" \
    "eta: not a number: '1e'" "$T/out/mpirun")
  if [ -n "$problems" ]; then echo "FAIL mpirun:number_1e:$problems $(head -c 400 "$T/res/mpirun.err")" > "$T/res/mpirun.res"
  else echo "ok   mpirun:number_1e: $(grep 'eos-sweep run: error:' "$T/res/mpirun.err")" > "$T/res/mpirun.res"; fi
fi

# --- EOS_MATMUL other than openblas or eigen: refused like a bad job -------------------------------
printf '%s' "$GOOD" > "$J/matmul.ini"
EOS_MATMUL=fast "$E" run "$J/matmul.ini" --out "$T/out/matmul" --progress none > /dev/null 2> "$T/res/matmul.err"
rc=$?
problems=$(refusal_problems "$rc" "$(wc -l < "$T/res/matmul.err")" "$T/res/matmul.err" \
  "eos-sweep: error: EOS_MATMUL=fast: " "$T/out/matmul")
for ok in openblas eigen ""; do
  EOS_MATMUL=$ok "$E" run "$J/matmul.ini" --out "$T/out/matmul_ok$ok" --progress none > /dev/null 2>&1 ||
    problems+=" EOS_MATMUL='$ok' refused;"
done
if [ -n "$problems" ]; then echo "FAIL env:EOS_MATMUL:$problems $(head -c 400 "$T/res/matmul.err")" > "$T/res/matmul.res"
else echo "ok   env:EOS_MATMUL: $(cat "$T/res/matmul.err")" > "$T/res/matmul.res"; fi

# --- plan's output format -----------------------------------------------------------------------
printf '%s' "${M}eta = 1e-3, 2e-4"$'\nd = 10, 20, 30\nn = 20\nhorizon = 10\n' > "$J/plan.ini"
if "$E" plan "$J/plan.ini" > "$T/res/plan.out" 2> "$T/res/plan.err"; then
  problems=""
  grep -qx 'points: 6' "$T/res/plan.out" || problems+=" no line 'points: 6';"
  grep -qx '  d (3): 10 20 30' "$T/res/plan.out" || problems+=" no axis line for d;"
  grep -qx '  eta (2): 0.001 2e-04' "$T/res/plan.out" || problems+=" no axis line for eta;"
  # 3 × (10/1e-3 + 10/2e-4) = 3 × 60000 steps.
  grep -qx 'total GD steps: 180000' "$T/res/plan.out" || problems+=" no line 'total GD steps: 180000';"
  [ "$(grep -cE '^[0-9]+ [0-9a-f]{16} ' "$T/res/plan.out")" -eq 6 ] || problems+=" not 6 grid rows;"
  [ -s "$T/res/plan.err" ] && problems+=" wrote to stderr;"
  if [ -n "$problems" ]; then echo "FAIL plan_format:$problems" > "$T/res/plan.res"; cat "$T/res/plan.out" >> "$T/res/plan.res"
  else echo "ok   plan_format" > "$T/res/plan.res"; fi
else
  echo "FAIL plan_format: plan refused a good job: $(cat "$T/res/plan.err")" > "$T/res/plan.res"
fi

cat "$T"/res/*.res
total=$(cat "$T"/res/*.res | grep -c '^ok \|^FAIL')
failed=$(cat "$T"/res/*.res | grep -c '^FAIL')
echo "bad_input: $total cases, $failed failed"
[ "$failed" -eq 0 ]
