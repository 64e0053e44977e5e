# Source this: the environment chipdse's scripts and tests run Open MPI in (toolchain.md §3).
# mpiexec refuses root without these; containers often lack CMA for the vader transport.
if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
export OMPI_MCA_btl_vader_single_copy_mechanism=${OMPI_MCA_btl_vader_single_copy_mechanism:-none}
export OMPI_MCA_ess_singleton_isolated=${OMPI_MCA_ess_singleton_isolated:-1}
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
