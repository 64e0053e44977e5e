// Must not compile: the search layer never includes MPI (all MPI lives in src/parallel).
#include <mpi.h>
int probe_search_includes_mpi() { return 0; }
