#!/usr/bin/env bash
# Installs the Debian 12 packages eos-sweep needs, only those missing. Idempotent; runs apt-get
# as root, through sudo otherwise. Usage: scripts/setup.sh [--with-slurm] [--with-fuzz]
set -euo pipefail

packages=(build-essential cmake git pkg-config
  libopenmpi-dev openmpi-bin
  libboost-mpi-dev libboost-program-options-dev libboost-test-dev libboost-serialization-dev
  libeigen3-dev libspectra-dev libbenchmark-dev gnuplot-nox)
for arg in "$@"; do
  case "$arg" in
    --with-slurm) packages+=(slurm-wlm munge) ;;
    --with-fuzz) packages+=(clang libclang-rt-14-dev) ;;
    *) echo "setup.sh: unknown option '$arg' (use --with-slurm, --with-fuzz)" >&2; exit 2 ;;
  esac
done

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

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "setup.sh: need root or sudo to install: ${missing[*]}" >&2
  exit 1
fi
echo "setup.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
