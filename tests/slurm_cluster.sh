# A real single-node SLURM cluster on localhost for tests: munged, slurmctld and slurmd started
# in a scratch folder of their own, and stopped by PID when the sourcing shell exits.
# shellcheck shell=bash
#
# Usage (bash, as root; the packages slurm-wlm and munge installed):
#     source tests/slurm_cluster.sh
#     slurm_cluster_start DIR || exit 1   # exports SLURM_CONF; installs an EXIT trap
#     sbatch ...; slurm_wait_gone JOBID 60; ...
#     (slurm_cluster_stop runs on exit, also when the test fails or is interrupted)
#
# Nothing outside DIR and one short /tmp folder is touched: munged gets its own key, socket, pid,
# seed and log in the /tmp folder (user munge must reach them, and DIR may be inside a checkout
# under a home folder of mode 0700, like Debian's /root; Unix socket paths are short);
# slurmctld and slurmd get a slurm.conf in DIR (through SLURM_CONF), their own ports, state,
# spool and logs. Every command that talks to a daemon has a timeout of its own
# (SLURM_CMD_TIMEOUT, 10 s), and every wait says what it waited for when it gives up. A munged or SLURM already
# running on the machine is left alone. Daemons run in the foreground as children of this
# shell, so their PIDs are known exactly; stopping sends SIGTERM to each PID, waits, and sends
# SIGKILL to any that did not go; jobs still queued are cancelled first. Accounting is off (no
# sacct): read job states with slurm_job_field or squeue. A requeued job may start again after
# cred_expire seconds: 10 here (SLURM_TEST_CRED_EXPIRE), 120 by SLURM's default.

SLURM_CLUSTER_DIR=""
SLURM_CLUSTER_RUN=""        # /tmp folder for munge's socket
SLURM_CLUSTER_PIDS=()       # "name:pid" of every daemon started, in start order

slurm_log() { echo "slurm_cluster: $*" >&2; }

# A SLURM client command with a timeout of its own (a missing /etc/hosts once made every call
# wait minutes on DNS).
sl() { timeout "${SLURM_CMD_TIMEOUT:-10}" "$@"; }

# First free TCP port at or above $1 on localhost (none listening, pair with the next one).
slurm_free_port_pair() {
  local p=$1
  while [ "$p" -lt 65000 ]; do
    if [ -z "$(ss -Hltn "( sport = :$p or sport = :$((p + 1)) )" 2>/dev/null)" ]; then
      echo "$p"
      return 0
    fi
    p=$((p + 2))
  done
  return 1
}

# Start a daemon in the background with its output in DIR/NAME.out; remembers its PID.
slurm_spawn() {
  local name=$1
  shift
  "$@" >"$SLURM_CLUSTER_DIR/$name.out" 2>&1 &
  SLURM_CLUSTER_PIDS+=("$name:$!")
}

# True while the daemon NAME started here runs.
slurm_alive() {
  local entry
  for entry in "${SLURM_CLUSTER_PIDS[@]}"; do
    [ "${entry%%:*}" = "$1" ] && kill -0 "${entry#*:}" 2>/dev/null && return 0
  done
  return 1
}

slurm_cluster_start() {
  local dir=$1
  local missing=()
  for exe in munged mungekey slurmctld slurmd sbatch squeue scontrol sinfo scancel setpriv ss timeout; do
    command -v "$exe" >/dev/null 2>&1 || [ -x "/usr/sbin/$exe" ] || missing+=("$exe")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    slurm_log "error: missing ${missing[*]} (scripts/setup.sh --with-tests --with-slurm installs them)"
    return 1
  fi
  if [ "$(id -u)" -ne 0 ]; then
    slurm_log "error: the test cluster needs root (munged runs as user munge, slurmd as root)"
    return 1
  fi
  id munge >/dev/null 2>&1 || { slurm_log "error: no user 'munge' (is the munge package installed?)"; return 1; }
  PATH="$PATH:/usr/sbin:/sbin"

  rm -rf "$dir"
  mkdir -p "$dir/state" "$dir/spool" || return 1
  SLURM_CLUSTER_DIR=$(cd "$dir" && pwd)
  SLURM_CLUSTER_RUN=$(mktemp -d /tmp/eos-munge.XXXXXX) || return 1
  mkdir -p "$SLURM_CLUSTER_RUN/munge"
  trap slurm_cluster_stop EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  # munge: its own key, socket, pid, log and seed, all owned by user munge.
  local m=$SLURM_CLUSTER_RUN/munge sock=$SLURM_CLUSTER_RUN/munge.socket
  mungekey -c -f -k "$m/munge.key" >/dev/null 2>&1 || { slurm_log "error: mungekey failed"; return 1; }
  chown -R munge:munge "$m" "$SLURM_CLUSTER_RUN"
  chmod 700 "$m"
  chmod 755 "$SLURM_CLUSTER_RUN"  # munged wants the socket's folder searchable by all
  chmod 400 "$m/munge.key"
  slurm_spawn munged setpriv --reuid=munge --regid=munge --init-groups -- munged -F \
    --socket="$sock" --key-file="$m/munge.key" --pid-file="$SLURM_CLUSTER_RUN/munged.pid" \
    --log-file="$m/munged.log" --seed-file="$m/munged.seed"

  for _ in $(seq 100); do
    [ -S "$sock" ] && break
    slurm_alive munged || break
    sleep 0.05
  done
  if [ ! -S "$sock" ]; then
    slurm_log "error: munged did not make its socket $sock within 5 s; its output:"
    cat "$SLURM_CLUSTER_DIR/munged.out" "$m/munged.log" >&2 2>/dev/null
    return 1
  fi

  local port
  port=$(slurm_free_port_pair "${SLURM_TEST_PORT:-16817}") || { slurm_log "error: no free port"; return 1; }
  local D=$SLURM_CLUSTER_DIR
  cat >"$D/slurm.conf" <<EOF
ClusterName=eostest
SlurmctldHost=localhost
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$sock,cred_expire=${SLURM_TEST_CRED_EXPIRE:-10}
CredType=cred/munge
MailProg=/bin/true
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/slurmctld.log
SlurmdLogFile=$D/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
MpiDefault=pmix
ReturnToService=2
SchedulerParameters=sched_interval=1
MinJobAge=600
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
  export SLURM_CONF=$D/slurm.conf
  slurm_spawn slurmctld slurmctld -D -i -f "$SLURM_CONF"
  local t0=$SECONDS
  until sl scontrol ping >/dev/null 2>&1; do
    [ $((SECONDS - t0)) -ge 20 ] && break
    slurm_alive slurmctld || break
    sleep 0.1
  done
  if ! sl scontrol ping >/dev/null 2>&1; then
    slurm_log "error: slurmctld did not answer 'scontrol ping' within 20 s (is localhost in /etc/hosts?); its log:"
    tail -n 20 "$D/slurmctld.log" "$D/slurmctld.out" >&2 2>/dev/null
    return 1
  fi
  slurm_spawn slurmd slurmd -D -N localhost -f "$SLURM_CONF"
  local state=""
  t0=$SECONDS
  while [ $((SECONDS - t0)) -lt 30 ]; do
    state=$(sl sinfo -h -o %T 2>/dev/null || true)
    [ "$state" = idle ] && break
    slurm_alive slurmd || break
    sleep 0.1
  done
  if [ "$state" != idle ]; then
    slurm_log "error: waited 30 s for 'sinfo' to show the node idle (state '$state'); slurmd's log:"
    tail -n 20 "$D/slurmd.log" "$D/slurmd.out" >&2 2>/dev/null
    return 1
  fi
  slurm_log "up in $D (port $port, $(nproc) CPUs): ${SLURM_CLUSTER_PIDS[*]}"
}

# Stop every daemon this shell started, newest first, by PID; waits until each is gone.
slurm_cluster_stop() {
  local status=$?
  local k entry name pid jobs
  # Jobs first: their processes live under slurmstepd, which outlives slurmd.
  if slurm_alive slurmctld && slurm_alive slurmd; then
    jobs=$(sl squeue -h -o %i 2>/dev/null | tr '\n' ' ')
    if [ -n "${jobs// /}" ]; then
      # shellcheck disable=SC2086
      sl scancel $jobs 2>/dev/null
      for _ in $(seq 100); do [ -z "$(sl squeue -h -o %i 2>/dev/null)" ] && break; sleep 0.1; done
    fi
  fi
  for ((k = ${#SLURM_CLUSTER_PIDS[@]} - 1; k >= 0; k--)); do
    entry=${SLURM_CLUSTER_PIDS[k]}
    name=${entry%%:*}
    pid=${entry#*:}
    kill -0 "$pid" 2>/dev/null || continue
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      slurm_log "$name ($pid) ignored SIGTERM for 10 s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null
    fi
    wait "$pid" 2>/dev/null
  done
  SLURM_CLUSTER_PIDS=()
  [ -n "$SLURM_CLUSTER_RUN" ] && rm -rf "$SLURM_CLUSTER_RUN"
  SLURM_CLUSTER_RUN=""
  return $status
}

# One field of `scontrol show job ID` (e.g. JobState, ExitCode, Restarts); empty if unknown.
slurm_job_field() {
  sl scontrol -o show job "$1" 2>/dev/null | head -n 1 | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1
}

# Wait until no job of the given ids (or array ids) is in the queue; returns 1 after TIMEOUT s.
slurm_wait_gone() {
  local timeout=$1
  shift
  local t0=$SECONDS ids
  ids=$(IFS=,; echo "$*")
  while [ -n "$(sl squeue -h -j "$ids" -o %i 2>/dev/null)" ]; do
    if [ $((SECONDS - t0)) -ge "$timeout" ]; then
      slurm_log "waited $timeout s for jobs $ids to leave the queue; still there:"
      sl squeue -j "$ids" >&2
      return 1
    fi
    sleep 0.5
  done
}
