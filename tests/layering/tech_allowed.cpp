// Positive control: the tech layer may include core and itself.
#include "chipdse/core/error.hpp"
#include "chipdse/tech/tech_database.hpp"
int probe_tech_allowed() { return 0; }
