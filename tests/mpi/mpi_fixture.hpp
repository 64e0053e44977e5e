// mpi_fixture.hpp — access to the Environment the MPI listener owns.
#pragma once

#include "chipdse/parallel/environment.hpp"

namespace chipdse::testing {

/// The process's Environment; valid inside TEST_CASEs of MPI test executables.
const parallel::Environment& env();

}  // namespace chipdse::testing
