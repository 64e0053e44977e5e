// The thermal part of `chipdse evaluate --thermal` (evaluate_thermal.hpp).
#include "evaluate_thermal.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <span>
#include <string>

#include "chipdse/core/error.hpp"
#include "chipdse/model/solved_thermal.hpp"
#include "chipdse/model/thermal_bound.hpp"
#include "chipdse/thermal/case_from_geometry.hpp"
#include "chipdse/thermal/fv_solver.hpp"
#include "chipdse/thermal/operating_point.hpp"
#include "chipdse/thermal/stack_from_tech.hpp"

namespace chipdse::app {

using json = nlohmann::ordered_json;

namespace {

constexpr double kZeroCelsiusK = 273.15;

// The thermal case of `g` at the power map of `m` (model::rect_power_w: the kernel's breakdown and engine power).
thermal::FvCase point_case(const model::Geometry& g, const model::DesignChoice& choice,
                           const model::KernelParams& params, const model::Metrics& m,
                           const thermal::PackageStack& stack, int cells_xy) {
  const auto rect_power = model::rect_power_w(g, m.power, model::cpo_engine_power_w(choice, params));
  return thermal::case_from_geometry(g, std::span<const double>(rect_power.data(), g.rect_count), stack, cells_xy);
}

// Writes `text` to `path` whole or not at all (a temporary beside it, then renamed over it).
void write_whole(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << text;
    f.flush();
    if (!f) {
      std::error_code ignored;
      std::filesystem::remove(tmp, ignored);
      throw InputError(SourceLocation{"command line"}, "--thermal-case", "cannot write the file", path,
                       "a writable path");
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw InputError(SourceLocation{"command line"}, "--thermal-case", "cannot write the file", path,
                     "a writable path");
  }
}

// The settled point as JSON, beside the kernel's.
json settled_json(const deck::Deck& deck, const model::KernelParams& params, const model::Metrics& kernel,
                  const thermal::SettledPoint& p) {
  const model::Metrics& m = p.metrics;
  const double tdp = params.perf.tdp_w;
  return json{{"converged", p.converged},
              {"steps", p.steps},
              {"leakage_junction_c", p.leakage_tj_c},
              {"tj_c", p.tj_c},
              {"within_tj_max", !(p.tj_c > deck.constraints.tj_max_c)},
              {"leakage_w", m.power.leakage_w},
              {"package_w", m.power.package_w},
              {"power_w", m.power_w},
              {"within_tdp", !(tdp > 0.0 && m.power.package_w > tdp)},
              {"effective_clock_ghz", m.effective_clock_ghz},
              {"throughput", m.throughput_tokens_per_s},
              {"energy_pj_per_flop", m.energy_pj_per_flop},
              {"perf_per_w", m.perf_per_w},
              {"kernel",
               {{"leakage_junction_c", kernel.power.leakage_tj_c},
                {"leakage_w", kernel.power.leakage_w},
                {"package_w", kernel.power.package_w},
                {"power_w", kernel.power_w},
                {"effective_clock_ghz", kernel.effective_clock_ghz},
                {"throughput", kernel.throughput_tokens_per_s},
                {"energy_pj_per_flop", kernel.energy_pj_per_flop},
                {"perf_per_w", kernel.perf_per_w}}}};
}

}  // namespace

thermal::PackageStack deck_package_stack(const deck::Deck& deck) {
  thermal::Cooling cooling{};
  if (!thermal::cooling_from_name(deck.constraints.cooling, cooling))
    throw InputError(SourceLocation{deck.path}, "constraints.cooling", "unknown cooling", deck.constraints.cooling,
                     "air, liquid");
  return thermal::package_stack_from_tech(deck.tech, cooling);
}

model::Metrics verified_metrics(const deck::Deck& deck, const model::DesignChoice& choice,
                                const model::KernelParams& params, const model::EvaluationDetail& detail, int cells_xy) {
  const thermal::PackageStack stack = deck_package_stack(deck);
  model::SolvedGeometries solved;
  solved.insert(detail.geometry.key, thermal::solve_logic_response(detail.geometry, stack, cells_xy));
  return model::evaluate_verified(choice, params, &solved);
}

json thermal_json(const deck::Deck& deck, const model::DesignChoice& choice, const model::KernelParams& params,
                  const model::Metrics& m, const model::EvaluationDetail& detail, int cells_xy,
                  const std::string& case_path) {
  const model::Geometry& g = detail.geometry;
  // The power map the kernel's bound saw (thermal_bound_stage.cpp): the same breakdown, the same engine power.
  const thermal::PackageStack stack = deck_package_stack(deck);
  thermal::FvCase fv = point_case(g, choice, params, m, stack, cells_xy);
  if (!case_path.empty()) {
    fv.source = "chipdse evaluate --thermal " + deck.path;  // the file's header comment says where it came from
    write_whole(case_path, thermal::to_fv_text(fv));
  }
  const thermal::CaseResult r = thermal::solve_case(fv);
  const double ambient_k = stack.ambient_k;

  json dies = json::array();
  std::string hottest, hottest_engine;
  double hottest_k = 0.0, hottest_engine_k = 0.0;
  // The placed dies, in the geometry's order, by their blocks in the case (not the zero-power companions).
  for (std::size_t i = 0; i < g.rect_count; ++i) {
    const std::string name = thermal::rect_block_name(g.rects[i]);
    const auto it = std::find_if(r.blocks.begin(), r.blocks.end(), [&](const auto& b) { return b.name == name; });
    if (it == r.blocks.end()) continue;  // every placed rectangle has its block (case_from_geometry)
    const auto& b = *it;
    dies.push_back({{"name", b.name}, {"layer", b.layer}, {"power_w", b.power_w}, {"avg_c", b.t.avg_k - kZeroCelsiusK},
                    {"max_c", b.t.max_k - kZeroCelsiusK}});
    const model::RectKind kind = g.rects[i].kind;
    if (thermal::is_logic_die(kind) && (hottest.empty() || b.t.max_k > hottest_k)) hottest = b.name, hottest_k = b.t.max_k;
    if (kind == model::RectKind::optical_engine && (hottest_engine.empty() || b.t.max_k > hottest_engine_k))
      hottest_engine = b.name, hottest_engine_k = b.t.max_k;
  }
  const double tj_c = hottest.empty() ? 0.0 : hottest_k - kZeroCelsiusK;
  // The geometry's influence matrix (one solve per die), then on it the point settled at its solved temperature and
  // the fastest clock that keeps the junction within the limit (thermal/operating_point.hpp, NLopt's COBYLA), down to
  // a quarter of the design's clock.
  const thermal::InfluenceMatrix im = thermal::rect_influence_matrix(g, stack, cells_xy);
  const thermal::SustainedPoint sustained =
      thermal::sustained_point(choice, params, g, im, deck.constraints.tj_max_c, 0.25);
  const thermal::SettledPoint& settled = sustained.at_design_clock;
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
              {"ambient_c", ambient_k - kZeroCelsiusK},
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
              {"dies", dies},
              {"influence_matrix", {{"sources", im.sources.size()}, {"iterations", im.iterations},
                                    {"solve_time_s", im.solve_time_s}}},
              {"settled", settled_json(deck, params, m, settled)},
              {"sustained",
               {{"found", sustained.found},
                {"lowest_clock_ghz", sustained.lowest_ghz},
                {"clock_ghz", sustained.clock_ghz},
                {"effective_clock_ghz", sustained.point.metrics.effective_clock_ghz},
                {"tj_c", sustained.point.tj_c},
                {"leakage_w", sustained.point.metrics.power.leakage_w},
                {"package_w", sustained.point.metrics.power.package_w},
                {"throughput", sustained.point.metrics.throughput_tokens_per_s},
                {"evaluations", sustained.evaluations},
                {"result", sustained.result}}}};
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
  const json& st = t["settled"];
  const json& kn = st["kernel"];
  const double thr = st["throughput"].get<double>(), thr_k = kn["throughput"].get<double>();
  std::cout << fmt::format("  at the solved temperature (every die's leakage at the hottest logic die's, T = solve(P(T)), "
                           "{} steps on the influence matrix{}): Tj {:.2f} C ({}); leakage {:.1f} W (kernel {:.1f} W at {:.2f} C), package "
                           "{:.1f} W ({}), clock {:.4g} GHz (kernel {:.4g}), throughput {:.6g} (kernel {:.6g}, {:+.2f}%), "
                           "{:.4g} pJ/FLOP (kernel {:.4g})\n",
                           st["steps"].get<int>(), st["converged"].get<bool>() ? "" : ", NOT settled",
                           st["tj_c"].get<double>(), st["within_tj_max"].get<bool>() ? "within the limit" : "OVER the limit",
                           st["leakage_w"].get<double>(), kn["leakage_w"].get<double>(),
                           kn["leakage_junction_c"].get<double>(), st["package_w"].get<double>(),
                           st["within_tdp"].get<bool>() ? "within the power limit" : "OVER the power limit",
                           st["effective_clock_ghz"].get<double>(), kn["effective_clock_ghz"].get<double>(), thr, thr_k,
                           thr_k > 0.0 ? 100.0 * (thr / thr_k - 1.0) : 0.0, st["energy_pj_per_flop"].get<double>(),
                           kn["energy_pj_per_flop"].get<double>());
  const json& su = t["sustained"];
  if (su["found"].get<bool>())
    std::cout << fmt::format("  sustained (the fastest clock whose settled junction stays within {:.1f} C; NLopt COBYLA, "
                             "{} settlings, {}): clock {:.4g} GHz (runs at {:.4g}), Tj {:.2f} C, package {:.1f} W, "
                             "throughput {:.6g} ({:+.2f}% against the kernel's)\n",
                             t["tj_max_c"].get<double>(), su["evaluations"].get<int>(), su["result"].get<std::string>(),
                             su["clock_ghz"].get<double>(), su["effective_clock_ghz"].get<double>(),
                             su["tj_c"].get<double>(), su["package_w"].get<double>(), su["throughput"].get<double>(),
                             thr_k > 0.0 ? 100.0 * (su["throughput"].get<double>() / thr_k - 1.0) : 0.0);
  else
    std::cout << fmt::format("  sustained: no clock down to {:.4g} GHz keeps the settled junction within {:.1f} C "
                             "({:.2f} C there)\n",
                             su["lowest_clock_ghz"].get<double>(), t["tj_max_c"].get<double>(), su["tj_c"].get<double>());
  if (!t["hottest_optical_engine"].is_null())
    std::cout << fmt::format("  hottest optical engine {}: {:.2f} C (reported: the technology data gives engines no "
                             "limit)\n",
                             t["hottest_optical_engine"].get<std::string>(), t["optical_engine_c"].get<double>());
}

}  // namespace chipdse::app
