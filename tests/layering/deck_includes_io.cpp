// Must not compile: deck sits below io.
#include "chipdse/io/run_file.hpp"
int probe_deck_includes_io() { return 0; }
