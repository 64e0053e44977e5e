// chipdse/parallel/environment.hpp — one RAII object owns MPI and PETSc start-up and shutdown (style.md §7.10).
// All MPI lives in src/parallel/.
#pragma once

#include <string>
#include <vector>

#include <mpi.h>

namespace chipdse::parallel {

/// Initialises MPI (MPI_THREAD_FUNNELED: OpenMP threads never call MPI) and PETSc, and finalises both in
/// reverse order. One per process; not copyable.
class Environment {
 public:
  /// @param petsc_options  options passed to PetscInitialize as if on its command line (what followed `--`);
  ///                       PETSC_OPTIONS from the environment is read too.
  explicit Environment(const std::vector<std::string>& petsc_options = {});
  ~Environment();
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;

  MPI_Comm comm() const noexcept { return MPI_COMM_WORLD; }
  int rank() const noexcept { return m_rank; }
  int size() const noexcept { return m_size; }
  bool is_root() const noexcept { return m_rank == 0; }
  /// OpenMP threads each rank will use (omp_get_max_threads()).
  int threads() const noexcept { return m_threads; }

  /// True on every rank when `local` is true on any rank (MPI_Allreduce, logical or).
  bool any(bool local) const;

  /// The largest of every rank's `local` (MPI_Allreduce, max): e.g. one exit code all ranks agree on.
  int max(int local) const;

  /// Rank 0's `bytes` on every rank (MPI_Bcast of the size, then the bytes); other ranks' arguments are ignored.
  std::string broadcast(std::string bytes) const;

 private:
  int m_rank = 0;
  int m_size = 1;
  int m_threads = 1;
  bool m_we_initialised_mpi = false;
  std::vector<std::string> m_petsc_storage;
  std::vector<char*> m_petsc_argv;
};

}  // namespace chipdse::parallel
