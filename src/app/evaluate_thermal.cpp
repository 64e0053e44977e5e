// The thermal part of `chipdse evaluate --thermal` (evaluate_thermal.hpp).
#include "evaluate_thermal.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <span>
#include <string>

#include "chipdse/core/error.hpp"
#include "chipdse/model/thermal_bound.hpp"
#include "chipdse/thermal/case_from_geometry.hpp"
#include "chipdse/thermal/fv_solver.hpp"
#include "chipdse/thermal/stack_from_tech.hpp"

namespace chipdse::app {

using json = nlohmann::ordered_json;

namespace {

constexpr double kZeroCelsiusK = 273.15;

// The logic dies of the adapter's case (case_from_geometry.hpp: "compute0", "io", "cache1", ...), the dies the bound
// is a bound on; their zero-power companions ("compute0.c4", ".ubump", ".upper") are not dies.
bool is_logic_die(const std::string& name) {
  if (name.find('.') != std::string::npos) return false;
  return name.starts_with("compute") || name.starts_with("io") || name.starts_with("cache");
}

}  // namespace

json thermal_json(const deck::Deck& deck, const model::DesignChoice& choice, const model::KernelParams& params,
                  const model::Metrics& m, const model::EvaluationDetail& detail, int cells_xy) {
  thermal::Cooling cooling{};
  if (!thermal::cooling_from_name(deck.constraints.cooling, cooling))
    throw InputError(SourceLocation{deck.path}, "constraints.cooling", "unknown cooling", deck.constraints.cooling,
                     "air, liquid");
  const model::Geometry& g = detail.geometry;
  // The power map the kernel's bound saw (thermal_bound_stage.cpp): the same breakdown, the same engine power.
  const auto rect_power = model::rect_power_w(g, m.power, model::cpo_engine_power_w(choice, params));
  const thermal::PackageStack stack = thermal::package_stack_from_tech(deck.tech, cooling);
  const thermal::FvCase fv =
      thermal::case_from_geometry(g, std::span<const double>(rect_power.data(), g.rect_count), stack, cells_xy);
  const thermal::CaseResult r = thermal::solve_case(fv);

  json dies = json::array();
  std::string hottest, hottest_engine;
  double hottest_k = 0.0, hottest_engine_k = 0.0;
  for (const auto& b : r.blocks) {
    if (b.name.find('.') != std::string::npos) continue;  // zero-power companions of a die
    dies.push_back({{"name", b.name}, {"layer", b.layer}, {"power_w", b.power_w}, {"avg_c", b.t.avg_k - kZeroCelsiusK},
                    {"max_c", b.t.max_k - kZeroCelsiusK}});
    if (is_logic_die(b.name) && (hottest.empty() || b.t.max_k > hottest_k)) hottest = b.name, hottest_k = b.t.max_k;
    if (b.name.starts_with("optical") && (hottest_engine.empty() || b.t.max_k > hottest_engine_k))
      hottest_engine = b.name, hottest_engine_k = b.t.max_k;
  }
  const double tj_c = hottest.empty() ? 0.0 : hottest_k - kZeroCelsiusK;
  return json{{"cells_xy", cells_xy},
              {"unknowns", r.unknowns},
              {"mesh", {{"nx", r.nx}, {"ny", r.ny}, {"nz", r.nz}}},
              {"solver",
               {{"ksp_type", r.ksp_type},
                {"pc_type", r.pc_type},
                {"converged_reason", r.solution.converged_reason},
                {"iterations", r.solution.iterations},
                {"solve_time_s", r.solution.solve_time_s}}},
              {"power_in_w", r.solution.power_in_w},
              {"heat_out_w", r.solution.heat_out_w},
              {"ambient_c", fv.ambient_k - kZeroCelsiusK},
              {"hottest_logic_die", hottest},
              {"tj_c", tj_c},
              {"tj_bound_c", m.tj_bound_c},
              {"tj_max_c", deck.constraints.tj_max_c},
              {"within_tj_max", !(tj_c > deck.constraints.tj_max_c)},
              {"leakage_junction_c", m.power.leakage_tj_c},
              // The optical engines (CPO, optical I/O chiplet) are reported, not judged: the technology data has no
              // temperature limit for them (only a laser's FIT at 70 C, optics.laser_fit_dfb_70c, and CPO's laser
              // is off the package).
              {"hottest_optical_engine", hottest_engine.empty() ? json(nullptr) : json(hottest_engine)},
              {"optical_engine_c", hottest_engine.empty() ? json(nullptr) : json(hottest_engine_k - kZeroCelsiusK)},
              {"dies", dies}};
}

void print_thermal(const json& t) {
  std::cout << fmt::format("thermal (PETSc finite volumes, {} unknowns on {} x {} x {} cells; {} + {}, {} after {} "
                           "iterations)\n",
                           t["unknowns"].get<std::size_t>(), t["mesh"]["nx"].get<int>(), t["mesh"]["ny"].get<int>(),
                           t["mesh"]["nz"].get<int>(), t["solver"]["ksp_type"].get<std::string>(),
                           t["solver"]["pc_type"].get<std::string>(),
                           t["solver"]["converged_reason"].get<std::string>(), t["solver"]["iterations"].get<int>());
  std::cout << fmt::format("  heat balance: power in {:.3f} W, heat out {:.3f} W; ambient {:.2f} C\n",
                           t["power_in_w"].get<double>(), t["heat_out_w"].get<double>(), t["ambient_c"].get<double>());
  for (const auto& d : t["dies"])
    std::cout << fmt::format("  {:<12} {:<6} {:>9.2f} W   avg {:>7.2f} C   max {:>7.2f} C\n", d["name"].get<std::string>(),
                             d["layer"].get<std::string>(), d["power_w"].get<double>(), d["avg_c"].get<double>(),
                             d["max_c"].get<double>());
  const double tj = t["tj_c"].get<double>(), tmax = t["tj_max_c"].get<double>();
  std::cout << fmt::format("  hottest logic die {}: {:.2f} C (the kernel's lower bound {:.2f} C; limit {:.1f} C: {}); "
                           "leakage was taken at {:.2f} C\n",
                           t["hottest_logic_die"].get<std::string>(), tj, t["tj_bound_c"].get<double>(), tmax,
                           t["within_tj_max"].get<bool>() ? "within" : "OVER", t["leakage_junction_c"].get<double>());
  if (!t["hottest_optical_engine"].is_null())
    std::cout << fmt::format("  hottest optical engine {}: {:.2f} C (reported: the technology data gives engines no "
                             "limit)\n",
                             t["hottest_optical_engine"].get<std::string>(), t["optical_engine_c"].get<double>());
}

}  // namespace chipdse::app
