// thermal_influence: time the influence matrix of one package geometry (issue #8 acceptance): assemble the
// conductance matrix, set the preconditioner up once, solve one column per heat source. A benchmark program,
// not a test.
//
// Usage: thermal_influence [CASE.fv] [--sizes 32,64] [--z-factor Z] [--repeat N] [--json] [-- PETSc options]
//   CASE.fv   default: tests/data/thermal/case_b_2p5d_4chiplets/case_b.fv (8 layers, 1 cell each)
//   --sizes   in-plane meshes nx = ny; each is the case remeshed with lines snapped to every footprint and
//             block edge (thermal::remesh), so 32 and 64 on case B give 32x32x8 and 64x64x8
//   --repeat  repetitions per size (fresh Solver each time); the median and the minimum are reported
// Heat sources: every block with power > 0 in the case (case B: the four chiplets).
// Under mpiexec every rank runs the same benchmark on PETSC_COMM_SELF at the same time (the DSE pattern: one
// geometry per rank); rank 0 prints the slowest rank's times. Provenance (git revision, build type, compiler,
// ranks, threads, date) is printed with the results.
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "chipdse/core/build_info.hpp"
#include "chipdse/core/error.hpp"
#include "chipdse/parallel/environment.hpp"
#include "chipdse/thermal/fv_case.hpp"
#include "chipdse/thermal/fv_mesh.hpp"
#include "chipdse/thermal/fv_solver.hpp"

using namespace chipdse;

namespace {

struct Sample {
  double mesh_s = 0, assembly_s = 0, setup_s = 0, solves_s = 0, total_s = 0;
  int iterations = 0;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

double max_over_ranks(double v) {
  double out = 0;
  MPI_Allreduce(&v, &out, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::string case_file;
#ifdef CHIPDSE_SOURCE_DIR
  case_file = std::string(CHIPDSE_SOURCE_DIR) + "/tests/data/thermal/case_b_2p5d_4chiplets/case_b.fv";
#endif
  std::vector<int> sizes = {32, 64};
  int repeat = 5, z_factor = 1;
  bool json = false;
  std::vector<std::string> petsc;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--") {
      petsc.assign(argv + i + 1, argv + argc);
      break;
    }
    if (a == "--json") json = true;
    else if (a == "--repeat" && i + 1 < argc) repeat = std::max(1, std::stoi(argv[++i]));
    else if (a == "--z-factor" && i + 1 < argc) z_factor = std::max(1, std::stoi(argv[++i]));
    else if (a == "--sizes" && i + 1 < argc) {
      sizes.clear();
      std::stringstream ss(argv[++i]);
      for (std::string t; std::getline(ss, t, ',');) sizes.push_back(std::stoi(t));
    } else if (!a.empty() && a[0] != '-') case_file = a;
    else {
      std::cerr << "thermal_influence: unknown argument '" << a << "'\n";
      return 2;
    }
  }
  if (case_file.empty()) {
    std::cerr << "thermal_influence: give a case file (CASE.fv)\n";
    return 2;
  }

  parallel::Environment env(petsc);
  try {
    const thermal::FvCase base = thermal::read_fv_case(case_file);
    std::vector<std::size_t> sources;
    for (std::size_t b = 0; b < base.blocks.size(); ++b)
      if (base.blocks[b].power_w > 0) sources.push_back(b);
    const auto& bi = build_info();
    if (env.is_root() && !json)
      std::printf("thermal_influence: %s, %zu heat sources, %d rank(s) x %d thread(s), %d repeats\n"
                  "  chipdse %s (%s), %s, %s, %s\n"
                  "  %-12s %9s %6s %9s %9s %9s %9s %9s %9s\n",
                  case_file.c_str(), sources.size(), env.size(), env.threads(), repeat, bi.version, bi.git_revision,
                  bi.build_type, bi.compiler, utc_timestamp().c_str(), "mesh", "unknowns", "its", "mesh s",
                  "assemb s", "setup s", "solves s", "total s", "min tot s");
    std::ostringstream js;
    js << "{\"bench\": \"thermal_influence\", \"case\": \"" << case_file << "\", \"sources\": " << sources.size()
       << ", \"ranks\": " << env.size() << ", \"threads\": " << env.threads() << ", \"repeat\": " << repeat
       << ", \"git_revision\": \"" << bi.git_revision << "\", \"build_type\": \"" << bi.build_type
       << "\", \"compiler\": \"" << bi.compiler << "\", \"date\": \"" << utc_timestamp() << "\", \"results\": [";
    for (std::size_t si = 0; si < sizes.size(); ++si) {
      const int n = sizes[si];
      std::vector<Sample> samples;
      std::size_t unknowns = 0;
      int nx = 0, ny = 0, nz = 0;
      for (int r = 0; r < repeat; ++r) {
        Sample s;
        auto t0 = std::chrono::steady_clock::now();
        const thermal::FvMesh mesh = thermal::build_mesh(thermal::remesh(base, n, n, z_factor));
        s.mesh_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        t0 = std::chrono::steady_clock::now();
        thermal::Solver solver(mesh);
        const thermal::InfluenceMatrix im = thermal::influence_matrix(solver, sources);
        s.total_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        s.assembly_s = solver.assembly_time_s();
        s.setup_s = solver.setup_time_s();
        s.solves_s = im.solve_time_s;
        s.iterations = im.iterations;
        unknowns = mesh.unknowns();
        nx = mesh.nx, ny = mesh.ny, nz = mesh.nz;
        samples.push_back(s);
      }
      const auto med = [&](double Sample::*f) {
        std::vector<double> v;
        for (const auto& s : samples) v.push_back(s.*f);
        return max_over_ranks(median(v));
      };
      double min_total = 1e300;
      for (const auto& s : samples) min_total = std::min(min_total, s.total_s);
      min_total = max_over_ranks(min_total);
      const double mesh_s = med(&Sample::mesh_s), asm_s = med(&Sample::assembly_s), setup_s = med(&Sample::setup_s),
                   solves_s = med(&Sample::solves_s), total_s = med(&Sample::total_s);
      const std::string label = std::to_string(nx) + "x" + std::to_string(ny) + "x" + std::to_string(nz);
      if (env.is_root() && !json)
        std::printf("  %-12s %9zu %6d %9.4f %9.4f %9.4f %9.4f %9.4f %9.4f\n", label.c_str(), unknowns,
                    samples.front().iterations, mesh_s, asm_s, setup_s, solves_s, total_s, min_total);
      js << (si ? ", " : "") << "{\"mesh\": \"" << label << "\", \"unknowns\": " << unknowns
         << ", \"iterations_all_columns\": " << samples.front().iterations << ", \"median_mesh_s\": " << mesh_s
         << ", \"median_assembly_s\": " << asm_s << ", \"median_setup_s\": " << setup_s
         << ", \"median_solves_s\": " << solves_s << ", \"median_influence_total_s\": " << total_s
         << ", \"min_influence_total_s\": " << min_total << "}";
    }
    js << "]}";
    if (env.is_root() && json) std::cout << js.str() << '\n';
    if (env.is_root() && !json)
      std::printf("  total = assembly + one preconditioner set-up + one solve per source (mesh time excluded); "
                  "times: median over repeats, slowest rank\n");
  } catch (const Error& e) {
    std::cerr << "thermal_influence: error: " << e.what() << '\n';
    return to_int(e.exit_code());
  }
  return 0;
}
