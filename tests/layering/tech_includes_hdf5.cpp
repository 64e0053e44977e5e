// Must not compile: the technology layer never includes HDF5.
#include <hdf5.h>
int probe_tech_includes_hdf5() { return 0; }
