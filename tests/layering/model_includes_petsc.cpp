// Must not compile: the evaluation kernel never includes PETSc (its header needs mpi.h).
#include <petsc/petsc.h>
int probe_model_includes_petsc() { return 0; }
