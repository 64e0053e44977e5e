// Must not compile: the evaluation kernel never includes MPI.
#include <mpi.h>
int probe_model_includes_mpi() { return 0; }
