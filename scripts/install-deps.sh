#!/usr/bin/env bash
# Installs chipdse's build and run dependencies from Debian 12 packages. Idempotent: when every package is
# already installed it touches nothing and takes well under a second. Never installs Recommends; waits for
# another apt/dpkg holding the lock instead of failing (toolchain.md §1, §9).
set -euo pipefail

PKGS=(
  build-essential cmake pkg-config git
  libopenmpi-dev openmpi-bin            # MPI (Open MPI 4.1)
  petsc-dev                             # PETSc 3.18, real, built against Open MPI and parallel HDF5
  libnlopt-cxx-dev                      # NLopt with the C++ API (StoGO/AGS included)
  libhdf5-openmpi-dev hdf5-tools        # parallel HDF5 1.10; h5dump
  libpagmo-dev                          # pagmo2 2.18 (NSGA-II, hypervolume)
  libtomlplusplus-dev libcli11-dev libfmt-dev nlohmann-json3-dev
  catch2                                # Catch2 v2 with the prebuilt main
  python3-h5py python3-matplotlib python3-numpy   # postprocessing, via /usr/bin/python3
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "install-deps: installing ${#missing[@]} missing package(s): ${missing[*]}"
SUDO=
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
APT_OPTS=(-o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)

# apt-get update takes the lists lock; retry while another apt holds it (up to ~10 minutes).
for attempt in $(seq 1 60); do
  if $SUDO apt-get "${APT_OPTS[@]}" update -qq; then break; fi
  [ "$attempt" -eq 60 ] && { echo "install-deps: apt-get update kept failing" >&2; exit 1; }
  echo "install-deps: apt-get update failed (lock held?), retrying in 10 s ($attempt/60)"
  sleep 10
done
$SUDO apt-get "${APT_OPTS[@]}" install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: done"
