// chipdse thermal: solve one thermal case file (being written; see issue #8).
#include "chipdse/core/error.hpp"
#include "commands.hpp"

namespace chipdse::app {

ExitCode thermal_command(const ThermalOptions&) {
  throw NotYetAvailable("the thermal solver", "the PETSc package thermal model (issue #8)");
}

}  // namespace chipdse::app
