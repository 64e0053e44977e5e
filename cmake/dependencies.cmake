# Third-party dependencies, all Debian 12 packages (scripts/install-deps.sh), found the standard CMake way.
# Every pitfall handled here is documented in ../shared/reference/toolchain.md §9.

set(MPI_CXX_SKIP_MPICXX ON)                       # no deprecated Open MPI C++ bindings
find_package(MPI REQUIRED COMPONENTS C CXX)
find_package(OpenMP REQUIRED COMPONENTS CXX)

find_package(PkgConfig REQUIRED)
pkg_check_modules(PETSC REQUIRED IMPORTED_TARGET PETSc)   # Debian ships no PETSc CMake config

# Debian ships two NLopt configs; the bare one is the C-only library without StoGO/AGS (pitfall 8).
find_package(NLopt 2.7 CONFIG REQUIRED HINTS /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/cmake/nlopt_cxx)
if(TARGET NLopt::nlopt_cxx)
  set(CHIPDSE_NLOPT_TARGET NLopt::nlopt_cxx)
else()
  set(CHIPDSE_NLOPT_TARGET NLopt::nlopt)
endif()

# Parallel HDF5 only: serial HDF5 would silently break collective output (pitfall 9).
set(HDF5_PREFER_PARALLEL ON)
find_package(HDF5 REQUIRED COMPONENTS C)
if(NOT HDF5_IS_PARALLEL)
  message(FATAL_ERROR "Serial HDF5 found (${HDF5_C_INCLUDE_DIRS}); chipdse needs parallel HDF5: "
                      "install libhdf5-openmpi-dev and remove libhdf5-dev")
endif()

find_package(pagmo 2.18 REQUIRED)                 # 'pagmo 2' is rejected: SameMinorVersion (pitfall 17)
find_package(tomlplusplus 3 REQUIRED)
find_package(CLI11 2 REQUIRED)
find_package(fmt 9 REQUIRED)
find_package(nlohmann_json 3 REQUIRED)

message(STATUS "chipdse deps: MPI ${MPI_CXX_VERSION}, OpenMP ${OpenMP_CXX_VERSION}, PETSc ${PETSC_VERSION}, "
               "NLopt ${NLopt_VERSION} (${CHIPDSE_NLOPT_TARGET}), HDF5 ${HDF5_VERSION} parallel=${HDF5_IS_PARALLEL}, "
               "pagmo ${pagmo_VERSION}, toml++ ${tomlplusplus_VERSION}, CLI11 ${CLI11_VERSION}, fmt ${fmt_VERSION}")
