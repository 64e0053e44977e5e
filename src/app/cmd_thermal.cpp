// chipdse thermal CASE.fv [--json] [-- PETSc options]: solve one thermal case file and print per-block
// temperatures. Every rank reads the case (a bad file fails identically everywhere, exit 2, one message from
// rank 0); rank 0 alone solves it on PETSC_COMM_SELF and prints, the other ranks wait for its verdict.
#include <fmt/format.h>

#include <chrono>
#include <exception>
#include <iostream>
#include <nlohmann/json.hpp>

#include "chipdse/core/error.hpp"
#include "chipdse/parallel/environment.hpp"
#include "chipdse/thermal/fv_case.hpp"
#include "chipdse/thermal/fv_solver.hpp"
#include "commands.hpp"

namespace chipdse::app {

namespace {

nlohmann::ordered_json stats_json(const thermal::CaseResult::Named& n) {
  return {{"name", n.name}, {"layer", n.layer}, {"power_w", n.power_w}, {"min", n.t.min_k},
          {"avg", n.t.avg_k},  {"max", n.t.max_k},  {"cells", n.t.cells}};
}

void print_json(const std::string& file, const thermal::FvCase& c, const thermal::CaseResult& r, double wall_s) {
  nlohmann::ordered_json j;
  j["case"] = file;
  j["units"] = {{"temperature", "K"}, {"power", "W"}, {"time", "s"}};
  j["ambient"] = c.ambient_k;
  j["blocks"] = nlohmann::ordered_json::array();
  for (const auto& b : r.blocks) j["blocks"].push_back(stats_json(b));
  j["layers"] = nlohmann::ordered_json::array();
  for (const auto& l : r.layers) j["layers"].push_back(stats_json(l));
  j["iterations"] = r.solution.iterations;
  j["time_s"] = r.solution.solve_time_s;
  j["solver"] = {{"ksp_type", r.ksp_type},
                 {"pc_type", r.pc_type},
                 {"converged_reason", r.solution.converged_reason},
                 {"iterations", r.solution.iterations},
                 {"residual_norm_w", r.solution.residual_norm_w},
                 {"mesh_time_s", r.mesh_time_s},
                 {"assembly_time_s", r.assembly_time_s},
                 {"setup_time_s", r.setup_time_s},
                 {"solve_time_s", r.solution.solve_time_s},
                 {"wall_time_s", wall_s}};
  j["mesh"] = {{"nx", r.nx}, {"ny", r.ny}, {"nz", r.nz}, {"unknowns", r.unknowns}};
  j["power_in_w"] = r.solution.power_in_w;
  j["heat_out_w"] = r.solution.heat_out_w;
  std::cout << j.dump(2) << '\n';
}

void print_text(const std::string& file, const thermal::FvCase& c, const thermal::CaseResult& r, double wall_s) {
  std::cout << fmt::format("chipdse thermal: {}: {} unknowns ({} x {} in-plane, {} z-cells), ambient {:.2f} K\n",
                           file, r.unknowns, r.nx, r.ny, r.nz, c.ambient_k);
  std::cout << fmt::format("solver: {} + {}, {} after {} iterations (residual {:.3g} W); assembly {:.3f} s, "
                           "set-up {:.3f} s, solve {:.3f} s, wall {:.3f} s\n",
                           r.ksp_type, r.pc_type, r.solution.converged_reason, r.solution.iterations,
                           r.solution.residual_norm_w, r.assembly_time_s, r.setup_time_s, r.solution.solve_time_s,
                           wall_s);
  std::cout << fmt::format("heat balance: power in {:.6f} W, heat out {:.6f} W\n", r.solution.power_in_w,
                           r.solution.heat_out_w);
  const auto table = [](const char* title, const std::vector<thermal::CaseResult::Named>& rows) {
    std::size_t w = 5;
    for (const auto& n : rows) w = std::max(w, n.name.size());
    std::size_t wl = 5;
    for (const auto& n : rows) wl = std::max(wl, n.layer.size());
    std::cout << fmt::format("\n{:<{}}  {:<{}}  {:>10}  {:>10}  {:>10}  {:>10}\n", title, w, "layer", wl, "power [W]",
                             "min [K]", "avg [K]", "max [K]");
    for (const auto& n : rows)
      std::cout << fmt::format("{:<{}}  {:<{}}  {:>10.3f}  {:>10.3f}  {:>10.3f}  {:>10.3f}\n", n.name, w, n.layer, wl,
                               n.power_w, n.t.min_k, n.t.avg_k, n.t.max_k);
  };
  if (!r.blocks.empty()) table("block", r.blocks);
  table("layer", r.layers);
}

}  // namespace

ExitCode thermal_command(const ThermalOptions& opt) {
  const auto start = std::chrono::steady_clock::now();
  parallel::Environment env(opt.petsc_options);
  thermal::FvCase c;
  try {
    c = thermal::read_fv_case(opt.case_file);
  } catch (const Error& e) {
    if (!env.is_root()) return e.exit_code();
    throw;
  }
  // Only rank 0 solves: one geometry, one rank (PETSC_COMM_SELF). Its exit code is broadcast, so every rank
  // exits with the same code and rank 0 alone reports the error.
  std::exception_ptr error;
  int code = to_int(ExitCode::ok);
  if (env.is_root()) {
    try {
      const thermal::CaseResult r = thermal::solve_case(c);
      const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (opt.json)
        print_json(opt.case_file, c, r, wall_s);
      else
        print_text(opt.case_file, c, r, wall_s);
    } catch (const Error& e) {
      error = std::current_exception();
      code = to_int(e.exit_code());
    } catch (...) {
      error = std::current_exception();
      code = to_int(ExitCode::failure);
    }
  }
  MPI_Bcast(&code, 1, MPI_INT, 0, env.comm());
  if (code != to_int(ExitCode::ok)) {
    if (error) std::rethrow_exception(error);
    return static_cast<ExitCode>(code);
  }
  return ExitCode::ok;
}

}  // namespace chipdse::app
