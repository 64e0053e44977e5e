// MPI and PETSc environment (see environment.hpp).
#include "chipdse/parallel/environment.hpp"

#include <algorithm>
#include <cstdint>

#include <omp.h>
#include <petscsys.h>

#include "chipdse/core/error.hpp"

namespace chipdse::parallel {

Environment::Environment(const std::vector<std::string>& petsc_options) {
  int initialised = 0;
  MPI_Initialized(&initialised);
  if (!initialised) {
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    m_we_initialised_mpi = true;
  }
  MPI_Comm_rank(MPI_COMM_WORLD, &m_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &m_size);
  m_threads = omp_get_max_threads();

  // PETSc sees an argv made of the program name and the options after `--`.
  m_petsc_storage.push_back("chipdse");
  m_petsc_storage.insert(m_petsc_storage.end(), petsc_options.begin(), petsc_options.end());
  for (auto& s : m_petsc_storage) m_petsc_argv.push_back(s.data());
  m_petsc_argv.push_back(nullptr);
  int argc = static_cast<int>(m_petsc_storage.size());
  char** argv = m_petsc_argv.data();
  const PetscErrorCode ierr = PetscInitialize(&argc, &argv, nullptr, nullptr);
  if (ierr) throw Error("PETSc failed to initialise (error code " + std::to_string(ierr) + ")");
  // PETSc's default handler prints a multi-line traceback; chipdse reports every PETSc failure itself as one
  // line with PETSc's message (thermal/fv_solver.cpp check_petsc), so errors only return their code.
  PetscPushErrorHandler(PetscReturnErrorHandler, nullptr);
}

Environment::~Environment() {
  PetscFinalize();
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (m_we_initialised_mpi && !finalized) MPI_Finalize();
}

bool Environment::any(bool local) const {
  int in = local ? 1 : 0;
  int out = 0;
  MPI_Allreduce(&in, &out, 1, MPI_INT, MPI_LOR, MPI_COMM_WORLD);
  return out != 0;
}

int Environment::max(int local) const {
  int out = 0;
  MPI_Allreduce(&local, &out, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  return out;
}

std::string Environment::broadcast(std::string bytes) const {
  std::uint64_t n = bytes.size();
  MPI_Bcast(&n, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
  bytes.resize(n);
  // MPI counts are int: send in pieces of at most 1 GiB.
  for (std::uint64_t off = 0; off < n; off += std::uint64_t{1} << 30) {
    const auto piece = static_cast<int>(std::min<std::uint64_t>(n - off, std::uint64_t{1} << 30));
    MPI_Bcast(bytes.data() + off, piece, MPI_CHAR, 0, MPI_COMM_WORLD);
  }
  return bytes;
}

}  // namespace chipdse::parallel
