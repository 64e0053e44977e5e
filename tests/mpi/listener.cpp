// Catch2 listener for MPI test executables: owns the chipdse Environment (MPI + PETSc) for the whole run, so
// the prebuilt Catch2 main can be used, and makes all ranks agree on pass/fail: a rank that passed while
// another failed exits non-zero too, and says so.
#define CATCH_CONFIG_EXTERNAL_INTERFACES
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "chipdse/parallel/environment.hpp"
#include "mpi_fixture.hpp"

namespace chipdse::testing {

std::unique_ptr<parallel::Environment>& environment_slot() {
  static std::unique_ptr<parallel::Environment> env;
  return env;
}

const parallel::Environment& env() { return *environment_slot(); }

}  // namespace chipdse::testing

namespace {

struct MpiListener : Catch::TestEventListenerBase {
  using TestEventListenerBase::TestEventListenerBase;

  void testRunStarting(Catch::TestRunInfo const&) override {
    chipdse::testing::environment_slot() = std::make_unique<chipdse::parallel::Environment>();
  }

  void testRunEnded(Catch::TestRunStats const& stats) override {
    auto& env = chipdse::testing::environment_slot();
    const bool local_failed = stats.totals.testCases.failed > 0 || stats.aborting;
    const bool any_failed = env->any(local_failed);
    const int rank = env->rank();
    env.reset();  // PetscFinalize, MPI_Finalize
    if (any_failed && !local_failed) {
      std::printf("rank %d: all tests passed here, but another rank failed\n", rank);
      std::fflush(stdout);
      std::_Exit(1);
    }
  }
};

}  // namespace

CATCH_REGISTER_LISTENER(MpiListener)
