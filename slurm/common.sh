# Shared by the batch scripts in this folder (sourced, never run): find eos-sweep, pick the MPI
# launcher, run a sweep that stops cleanly on a warning signal and requeues itself to resume.
# shellcheck shell=bash
#
# Environment (all optional; slurm/submit sets the first two):
#   EOS_SWEEP         path of the eos-sweep binary (default: BUILD/eos-sweep beside slurm/, then PATH)
#   EOS_SLURM_DIR     this folder (each batch script finds it: see eos_locate in sweep.sbatch)
#   EOS_LAUNCHER      auto (default) | srun | mpirun | none
#                     auto: srun --mpi=pmix inside an allocation when srun lists pmix, else
#                     mpirun when present, else one process.
#   EOS_MAX_REQUEUES  how many times a sweep requeues itself after a stop (default 20)
#
# How a stop works (eos_run_resumable):
#   The batch shell starts the launcher in the background and waits for it. SIGUSR1, SIGUSR2,
#   SIGTERM and SIGINT reaching the batch shell (sbatch --signal=B:USR1@T sends USR1 T seconds
#   before the time limit; scancel --signal=USR1 --batch sends it by hand; SIGTERM comes at the
#   time limit and on preemption) are trapped and forwarded as SIGUSR1 to the launcher, which
#   passes it to every rank (srun and OpenMPI's mpirun both forward SIGUSR1). eos-sweep then
#   hands out no more points, lets busy ranks drop their current point (it reruns later), keeps
#   every finished row, and exits with status 3. The batch shell keeps waiting until the
#   launcher is gone, so no rank is orphaned and the exit status is the sweep's.
#   Exit status of the batch script, which SLURM records as the job's:
#     0   the sweep is complete (an afterok dependency, e.g. the aggregation, may start);
#     0   the sweep was stopped and `scontrol requeue` put the job back in the queue: the same
#         job id runs again later and resumes (the dependency keeps waiting for it);
#     3   stopped but not requeued (outside SLURM, requeue refused, or EOS_MAX_REQUEUES
#         reached): rerun the same command to resume; an afterok dependency will never start;
#     1/2 the sweep failed / the job or options are bad (see the log);
#     128+N the launcher was killed by signal N.

eos_log() { echo "[$(date '+%Y-%m-%d %H:%M:%S')] eos-slurm: $*"; }

# Sets EOS_SWEEP to an absolute, executable eos-sweep, or exits 2.
eos_find_sweep() {
  local cand
  if [ -n "${EOS_SWEEP:-}" ]; then
    cand=$EOS_SWEEP
  elif [ -n "${EOS_SLURM_DIR:-}" ] && [ -x "$EOS_SLURM_DIR/../build/eos-sweep" ]; then
    cand=$EOS_SLURM_DIR/../build/eos-sweep
  else
    cand=$(command -v eos-sweep 2>/dev/null || true)
  fi
  if [ -z "$cand" ] || [ ! -x "$cand" ]; then
    eos_log "error: eos-sweep not found (set EOS_SWEEP=/path/to/eos-sweep; tried '${cand:-PATH}')"
    exit 2
  fi
  EOS_SWEEP=$(cd "$(dirname "$cand")" && pwd)/$(basename "$cand")
  export EOS_SWEEP
}

# Sets the array EOS_LAUNCH to the command prefix that starts one rank per SLURM task.
eos_pick_launcher() {
  local want=${EOS_LAUNCHER:-auto} ntasks=${SLURM_NTASKS:-1}
  if [ "$want" = auto ]; then
    if [ -n "${SLURM_JOB_ID:-}" ] && command -v srun >/dev/null 2>&1 &&
      srun --mpi=list 2>&1 | grep -qw pmix; then
      want=srun
    elif command -v mpirun >/dev/null 2>&1 && [ -n "${SLURM_JOB_ID:-}" ]; then
      want=mpirun
    else
      want=none
    fi
  fi
  case "$want" in
    srun) EOS_LAUNCH=(srun --mpi=pmix) ;;
    mpirun)
      # OpenMPI refuses root unless told twice; it reads the allocation from SLURM itself.
      if [ "$(id -u)" -eq 0 ]; then
        export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
      fi
      EOS_LAUNCH=(mpirun -np "$ntasks")
      ;;
    none) EOS_LAUNCH=() ;;
    *)
      eos_log "error: EOS_LAUNCHER='$want' is not one of auto, srun, mpirun, none"
      exit 2
      ;;
  esac
  EOS_LAUNCHER_USED=$want
}

# Where this job runs, for the log.
eos_log_context() {
  eos_log "job ${SLURM_JOB_ID:-none}${SLURM_ARRAY_TASK_ID:+ (array ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID})}" \
    "restart ${SLURM_RESTART_COUNT:-0}, ${SLURM_NTASKS:-1} tasks on ${SLURM_JOB_NODELIST:-$(hostname)}," \
    "launcher $EOS_LAUNCHER_USED, $($EOS_SWEEP --version 2>/dev/null)"
}

eos_signals_seen=0
eos_child=""
eos_on_signal() {
  eos_signals_seen=$((eos_signals_seen + 1))
  eos_log "SIG$1 received: asking the sweep to stop (finished points are kept; it resumes on rerun)"
  if [ -n "$eos_child" ]; then kill -USR1 "$eos_child" 2>/dev/null || true; fi
}
# Call first thing in a sweep script, so a signal that comes early is not lost.
eos_trap_signals() {
  local sig
  for sig in USR1 USR2 TERM INT; do
    # shellcheck disable=SC2064
    trap "eos_on_signal $sig" "$sig"
  done
}

# Run `eos-sweep run ARGS...` over the allocation; on status 3 requeue this job (see the top).
# Never returns: exits with the status documented above.
eos_run_resumable() {
  local status seen
  if [ "$eos_signals_seen" -gt 0 ]; then
    eos_log "stopped before the sweep started"
    status=3
  else
    eos_log "running: ${EOS_LAUNCH[*]} $EOS_SWEEP run $*"
    "${EOS_LAUNCH[@]}" "$EOS_SWEEP" run "$@" &
    eos_child=$!
    while :; do
      seen=$eos_signals_seen
      wait "$eos_child"
      status=$?
      # A trapped signal ends `wait` early (status > 128); wait again until the launcher is gone.
      [ "$eos_signals_seen" -ne "$seen" ] && continue
      break
    done
    eos_child=""
  fi
  case "$status" in
    0)
      eos_log "sweep complete"
      exit 0
      ;;
    3)
      local restarts=${SLURM_RESTART_COUNT:-0} max=${EOS_MAX_REQUEUES:-20}
      if [ -z "${SLURM_JOB_ID:-}" ]; then
        eos_log "sweep stopped early (status 3); not in SLURM: rerun the same command to resume"
        exit 3
      fi
      if [ "$restarts" -ge "$max" ]; then
        eos_log "sweep stopped early (status 3); already requeued $restarts times (EOS_MAX_REQUEUES=$max): not requeueing"
        exit 3
      fi
      eos_log "sweep stopped early (status 3): requeueing job $SLURM_JOB_ID to resume (restart $((restarts + 1)))"
      if scontrol requeue "$SLURM_JOB_ID"; then
        # SLURM now ends this run of the script and starts the same job id again later.
        exit 0
      fi
      eos_log "error: scontrol requeue $SLURM_JOB_ID failed: resubmit the same command to resume"
      exit 3
      ;;
    *)
      eos_log "sweep failed with status $status"
      exit "$status"
      ;;
  esac
}
