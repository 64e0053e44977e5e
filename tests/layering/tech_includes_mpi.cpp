// Must not compile: the technology layer never includes MPI.
#include <mpi.h>
int probe_tech_includes_mpi() { return 0; }
