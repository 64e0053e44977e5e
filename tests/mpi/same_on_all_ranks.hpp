// tests/mpi/same_on_all_ranks.hpp — what the MPI tests check of every result they compute on each rank: the ranks
// agree bit for bit (each solves on PETSC_COMM_SELF, so any difference is a determinism bug).
#pragma once

#include <mpi.h>

namespace chipdse::test {

/// Whether `v` is the same on every rank of MPI_COMM_WORLD (its minimum equals its maximum).
inline bool same_on_all_ranks(double v) {
  double lo = 0, hi = 0;
  MPI_Allreduce(&v, &lo, 1, MPI_DOUBLE, MPI_MIN, MPI_COMM_WORLD);
  MPI_Allreduce(&v, &hi, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  return lo == hi;
}

}  // namespace chipdse::test
