// Must not compile: the evaluation kernel never includes PETSc (its headers are not on the model include path).
#include <petsc/petsc.h>
int probe_model_includes_petsc() { return 0; }
