// MPI tests of parallel/environment and io/run_file, run under mpiexec -n 1 and -n 2.
#include <catch2/catch.hpp>
#include <hdf5.h>

#include <unistd.h>

#include <filesystem>

#include "chipdse/deck/deck.hpp"
#include "chipdse/io/run_file.hpp"
#include "mpi_fixture.hpp"

using namespace chipdse;
using chipdse::testing::env;

TEST_CASE("ranks see the same world and agree through any()", "[mpi]") {
  int size = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  CHECK(env().size() == size);
  CHECK(env().any(false) == false);
  CHECK(env().any(env().rank() == env().size() - 1) == true);  // only the last rank says yes; all hear it
}

TEST_CASE("rank 0 writes a complete run file that HDF5 reads back", "[mpi][io]") {
  const deck::Deck deck = deck::load_deck(std::filesystem::path(CHIPDSE_SOURCE_DIR) / "inputs" / "default.toml");
  int root_pid = ::getpid();
  MPI_Bcast(&root_pid, 1, MPI_INT, 0, MPI_COMM_WORLD);
  const auto path = std::filesystem::temp_directory_path() /
                    ("chipdse_env_test_np" + std::to_string(env().size()) + "_" + std::to_string(root_pid) + ".h5");
  if (env().is_root()) {
    io::RunInfo info;
    info.ranks = env().size();
    info.status = "test";
    io::write_run_file(path, deck, info);
    CHECK(!std::filesystem::exists(path.string() + ".tmp"));
  }
  MPI_Barrier(MPI_COMM_WORLD);
  if (env().is_root()) {
    const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    REQUIRE(f >= 0);
    long long complete = 0, ranks = 0;
    const hid_t a = H5Aopen(f, "complete", H5P_DEFAULT);
    H5Aread(a, H5T_NATIVE_LLONG, &complete);
    H5Aclose(a);
    const hid_t r = H5Aopen(f, "ranks", H5P_DEFAULT);
    H5Aread(r, H5T_NATIVE_LLONG, &ranks);
    H5Aclose(r);
    CHECK(complete == 1);
    CHECK(ranks == env().size());
    const hid_t ds = H5Dopen2(f, "deck/tech/value", H5P_DEFAULT);
    const hid_t sp = H5Dget_space(ds);
    hsize_t n = 0;
    H5Sget_simple_extent_dims(sp, &n, nullptr);
    CHECK(n == deck.tech.entries().size());
    std::vector<double> values(n);
    H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
    for (std::size_t i = 0; i < n; ++i) CHECK(values[i] == deck.tech.entries()[i].value);
    H5Sclose(sp);
    H5Dclose(ds);
    H5Fclose(f);
    std::filesystem::remove(path);
  }
}
