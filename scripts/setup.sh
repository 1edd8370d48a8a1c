#!/usr/bin/env bash
# Installs the Debian 12 packages eos-sweep needs, only those missing. Idempotent; runs apt-get
# as root, through sudo otherwise; apt's own output goes to a log, one line here.
#
#   scripts/setup.sh [--with-tests] [--with-data] [--with-bench] [--with-slurm] [--with-fuzz] [--list]
#
#   (none)         what building and running eos-sweep needs (compiler, CMake, OpenMPI, Boost,
#                  Eigen, Spectra, zlib, the serial OpenBLAS, gnuplot)
#   --with-data    the real data sets of model = mlp: scikit-learn's digits (python3-sklearn)
#                  and Fashion-MNIST (dataset-fashion-mnist, 31 MB)
#   --with-tests   also what the test suite and its harnesses call (procps: pgrep and ps;
#                  iproute2: ss; NumPy for the mlp reference; PyTorch and SciPy for the methods'
#                  reference, torch.optim), the data sets above, and Google Benchmark for the
#                  benchmark programs
#   --with-bench   the baselines of bench/: PyTorch for mlp_speedup.sh (python3-torch, SciPy and
#                  the OpenBLAS it runs on: about 170 packages), pandas for aggregate_vs_pandas.sh
#   --with-slurm   also a SLURM cluster for the tests (slurm-wlm, munge); on a machine without
#                  /etc/hosts (a minimal image) it writes the standard localhost lines, without
#                  which SLURM's daemons wait on DNS
#   --with-fuzz    clang and its fuzzer runtime (fuzz/README.md)
#   --list         print the packages these options name, one per line, and install nothing
#                  (tests/setup_test.sh checks every command the scripts run against it)
set -euo pipefail

packages=(build-essential cmake git pkg-config
  libopenmpi-dev openmpi-bin
  libboost-mpi-dev libboost-program-options-dev libboost-test-dev libboost-serialization-dev
  libeigen3-dev libspectra-dev zlib1g-dev libopenblas-serial-dev gnuplot-nox)
data=(python3-sklearn dataset-fashion-mnist)
list=0 slurm=0
for arg in "$@"; do
  case "$arg" in
    --with-tests) packages+=(procps iproute2 libbenchmark-dev python3-numpy python3-scipy python3-torch "${data[@]}") ;;
    --with-data) packages+=("${data[@]}") ;;
    --with-bench) packages+=(python3-torch python3-scipy python3-numpy python3-pandas libopenblas0-pthread "${data[@]}") ;;
    --with-slurm) packages+=(slurm-wlm munge) slurm=1 ;;
    --with-fuzz) packages+=(clang libclang-rt-14-dev) ;;
    --list) list=1 ;;
    *) echo "setup.sh: unknown option '$arg' (use --with-tests, --with-data, --with-bench, --with-slurm, --with-fuzz, --list)" >&2; exit 2 ;;
  esac
done
if [ "$list" = 1 ]; then
  printf '%s\n' "${packages[@]}" | awk '!seen[$0]++'
  exit 0
fi

sudo=() can_install=1
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo=(sudo); else can_install=0; fi
fi

if [ "$slurm" = 1 ] && [ ! -e /etc/hosts ]; then
  if [ "$can_install" = 1 ]; then
    printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' | ${sudo[@]+"${sudo[@]}"} tee /etc/hosts >/dev/null
    echo "setup.sh: wrote /etc/hosts (localhost), which this machine lacked"
  else
    echo "setup.sh: warning: no /etc/hosts and no root to write one; the SLURM tests need localhost to resolve" >&2
  fi
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup.sh: all ${#packages[@]} packages present"
  exit 0
fi
if [ "$can_install" = 0 ]; then
  echo "setup.sh: need root or sudo to install: ${missing[*]}" >&2
  exit 1
fi

log=${EOS_SETUP_LOG:-${TMPDIR:-/tmp}/eos-sweep-setup.log}
echo "setup.sh: installing ${#missing[@]} packages (apt's output in $log)…"
export DEBIAN_FRONTEND=noninteractive
if ! { ${sudo[@]+"${sudo[@]}"} apt-get update -qq &&
  ${sudo[@]+"${sudo[@]}"} apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
  >"$log" 2>&1; then
  tail -n 20 "$log" >&2
  echo "setup.sh: error: apt-get failed (the last lines above; all of it in $log)" >&2
  exit 1
fi
echo "setup.sh: installed ${missing[*]}"
