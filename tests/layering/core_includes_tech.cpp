// Must not compile: core sits below tech.
#include "chipdse/tech/tech_database.hpp"
int probe_core_includes_tech() { return 0; }
