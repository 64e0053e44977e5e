// The fastest operating point a design sustains on its solved temperatures (operating_point.hpp).
#include "chipdse/thermal/operating_point.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <nlopt.hpp>
#include <vector>

#include "chipdse/core/error.hpp"
#include "chipdse/model/thermal_bound.hpp"
#include "chipdse/thermal/fv_mesh.hpp"

namespace chipdse::thermal {

namespace {

constexpr double kZeroCelsiusK = 273.15;

const char* nlopt_result_name(nlopt::result r) {
  switch (r) {
    case nlopt::SUCCESS: return "SUCCESS";
    case nlopt::STOPVAL_REACHED: return "STOPVAL_REACHED";
    case nlopt::FTOL_REACHED: return "FTOL_REACHED";
    case nlopt::XTOL_REACHED: return "XTOL_REACHED";
    case nlopt::MAXEVAL_REACHED: return "MAXEVAL_REACHED";
    case nlopt::MAXTIME_REACHED: return "MAXTIME_REACHED";
    default: return "FAILURE";
  }
}

}  // namespace

namespace {

// The observed dies' blocks in model::SolvedThermal's row order: the logic dies, then the HBM stacks, then the optical
// engines, each in g.rects order; rows_of(block, group) with group 0, 1, 2.
template <class RowsOf>
void for_observed_blocks(const model::Geometry& g, const std::vector<std::size_t>& rect_block, RowsOf&& rows_of) {
  for (int group = 0; group < 3; ++group)
    for (std::size_t i = 0; i < g.rect_count; ++i) {
      const model::RectKind kind = g.rects[i].kind;
      const int of = is_logic_die(kind) ? 0 : kind == model::RectKind::hbm ? 1 : 2;
      if (of == group) rows_of(rect_block[i], group);
    }
}

// Each placed rectangle's block in case `c` (case_from_geometry names them by rect_block_name).
std::vector<std::size_t> rect_blocks(const model::Geometry& g, const FvCase& c) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < g.rect_count; ++i) {
    const std::string name = rect_block_name(g.rects[i]);
    const auto it = std::find_if(c.blocks.begin(), c.blocks.end(), [&](const Block& b) { return b.name == name; });
    CHIPDSE_CHECK(it != c.blocks.end(), "no block named " << name << " in the package's thermal case");
    out.push_back(static_cast<std::size_t>(it - c.blocks.begin()));
  }
  return out;
}

}  // namespace

InfluenceMatrix rect_influence_matrix(const model::Geometry& g, const PackageStack& s, int cells_xy) {
  const std::vector<double> zero(g.rect_count, 0.0);
  const FvCase c = case_from_geometry(g, zero, s, cells_xy);
  const std::vector<std::size_t> sources = rect_blocks(g, c);
  const FvMesh mesh = build_mesh(c);
  Solver solver(mesh);
  return influence_matrix(solver, sources);
}

double hottest_logic_k(const InfluenceMatrix& im, const model::Geometry& g, std::span<const double> rect_power_w) {
  double k = 0.0;
  for (std::size_t i = 0; i < g.rect_count; ++i)
    if (is_logic_die(g.rects[i].kind)) k = std::max(k, im.block_stats(im.sources[i], rect_power_w).max_k);
  return k;
}

model::SolvedThermal logic_response(const InfluenceMatrix& im, const model::Geometry& g) {
  constexpr std::size_t nk = model::SolvedThermal::kKinds;
  model::SolvedThermal out;
  out.ambient_c = im.ambient_k - kZeroCelsiusK;
  CHIPDSE_CHECK(im.sources.size() == g.rect_count,
                "logic_response: " << im.sources.size() << " influence columns for " << g.rect_count << " rectangles");
  const std::size_t ns = im.sources.size();
  for_observed_blocks(g, im.sources, [&](std::size_t block, int group) {
    const auto n = static_cast<std::uint32_t>(im.block_rows[block].size());
    if (group == 1) out.hbm_rows += n;
    if (group == 2) out.engine_rows += n;
    for (const std::int32_t r : im.block_rows[block]) {
      std::array<double, nk> row{};
      for (std::size_t j = 0; j < ns; ++j)
        row[static_cast<std::size_t>(g.rects[j].kind)] += im.rise_k_per_w[static_cast<std::size_t>(r) * ns + j];
      out.rise_k_per_w.insert(out.rise_k_per_w.end(), row.begin(), row.end());
    }
  });
  out.iterations = im.iterations;
  out.solves = static_cast<int>(ns);
  model::drop_dominated_rows(out);
  return out;
}

model::SolvedThermal solve_logic_response(const model::Geometry& g, const PackageStack& s, int cells_xy) {
  constexpr std::size_t nk = model::SolvedThermal::kKinds;
  const std::vector<double> zero(g.rect_count, 0.0);
  const FvCase c = case_from_geometry(g, zero, s, cells_xy);
  const std::vector<std::size_t> block = rect_blocks(g, c);
  const FvMesh mesh = build_mesh(c);
  Solver solver(mesh);
  model::SolvedThermal out;
  out.ambient_c = mesh.ambient_k - kZeroCelsiusK;
  // The observed rows: every cell of the logic dies, the HBM stacks and the engines.
  std::vector<std::int32_t> cells;
  for_observed_blocks(g, block, [&](std::size_t b, int group) {
    const auto n = static_cast<std::uint32_t>(mesh.block_cells[b].size());
    if (group == 1) out.hbm_rows += n;
    if (group == 2) out.engine_rows += n;
    cells.insert(cells.end(), mesh.block_cells[b].begin(), mesh.block_cells[b].end());
  });
  out.rise_k_per_w.assign(cells.size() * nk, 0.0);
  std::vector<double> unit(mesh.block_cells.size(), 0.0);
  for (std::size_t kind = 0; kind < nk; ++kind) {
    std::fill(unit.begin(), unit.end(), 0.0);
    bool present = false;
    for (std::size_t i = 0; i < g.rect_count; ++i)
      if (static_cast<std::size_t>(g.rects[i].kind) == kind) unit[block[i]] = 1.0, present = true;
    if (!present) continue;  // its column stays 0: the kind's power is 0 on this package
    const Solution sol = solver.solve(power_vector(mesh, unit));  // from a zero initial guess (fv_solver.cpp)
    out.iterations += sol.iterations;
    ++out.solves;
    for (std::size_t r = 0; r < cells.size(); ++r) out.rise_k_per_w[r * nk + kind] = sol.theta_k[static_cast<std::size_t>(cells[r])];
  }
  model::drop_dominated_rows(out);
  return out;
}

SettledPoint settle_on_solved(const model::DesignChoice& c, const model::KernelParams& k, const model::Geometry& g,
                              const InfluenceMatrix& im) {
  return model::settle_on_solved(c, k, g, logic_response(im, g));
}

SustainedPoint sustained_point(const model::DesignChoice& c, const model::KernelParams& k, const model::Geometry& g,
                               const InfluenceMatrix& im, double tj_max_c, double lowest_fraction) {
  SustainedPoint out;
  const double highest_ghz = c.clock_ghz > 0.0 ? c.clock_ghz : k.perf.reference_clock_ghz;
  out.lowest_ghz = lowest_fraction * highest_ghz;
  const bool power_limited = !k.perf.tdp_dvfs && k.perf.tdp_w > 0.0;  // with the clamp the evaluation holds it
  // Every evaluation settles from the ambient, so the result at a clock never depends on the clocks tried before it;
  // the last one is kept, because COBYLA asks for the objective and the constraint at the same clock in turn.
  const model::SolvedThermal response = logic_response(im, g);
  struct Search {
    const model::DesignChoice* c;
    const model::KernelParams* k;
    const model::Geometry* g;
    const model::SolvedThermal* im;
    double tj_max_c, tdp_w;
    bool power_limited;
    int settlings = 0;
    double last_ghz = -1.0;
    SettledPoint last;
    const SettledPoint& at(double clock_ghz) {
      if (clock_ghz != last_ghz) {
        model::DesignChoice d = *c;
        d.clock_ghz = clock_ghz;
        last = model::settle_on_solved(d, *k, *g, *im);
        last_ghz = clock_ghz;
        ++settlings;
      }
      return last;
    }
    bool meets(const SettledPoint& p) const {
      return p.converged && !(p.tj_c > tj_max_c) && !(power_limited && p.metrics.power.package_w > tdp_w);
    }
    // The constraint: the junction's excess over the limit (K) and the package's over its power limit (in units of
    // 1 % of it); a point that does not settle (runaway) counts as 1000 K over.
    double excess(const SettledPoint& p) const {
      double e = p.tj_c - tj_max_c;
      if (power_limited) e = std::max(e, 100.0 * (p.metrics.power.package_w / tdp_w - 1.0));
      return p.converged ? e : 1e3;
    }
  } search{&c, &k, &g, &response, tj_max_c, k.perf.tdp_w, power_limited, 0, -1.0, SettledPoint{}};
  // Throughput does not fall with the clock, nor the junction and the power: the design's own clock wins when it
  // meets the limits, and nothing does when the lowest clock misses them.
  out.at_design_clock = search.at(highest_ghz);
  const auto finish = [&](bool found, double clock, const SettledPoint& p, const char* result) {
    out.found = found;
    out.clock_ghz = clock;
    out.point = p;
    out.result = result;
    out.evaluations = search.settlings;
    return out;
  };
  if (search.meets(out.at_design_clock)) return finish(true, highest_ghz, out.at_design_clock, "DESIGN_CLOCK");
  const double scale = std::max(search.at(out.lowest_ghz).metrics.throughput_tokens_per_s, 1e-30);
  if (!search.meets(search.last)) return finish(false, out.lowest_ghz, search.last, "NONE_MEETS");
  // COBYLA (Powell 1994) over the clock: maximise the throughput (over the lowest clock's, to order 1) subject to
  // the excess above being at most zero.
  struct Objective {
    Search* search;
    double scale;
  } objective{&search, scale};
  nlopt::opt opt(nlopt::LN_COBYLA, 1);
  opt.set_lower_bounds(std::vector<double>{out.lowest_ghz});
  opt.set_upper_bounds(std::vector<double>{highest_ghz});
  opt.set_max_objective(
      [](const std::vector<double>& x, std::vector<double>&, void* data) {
        auto* o = static_cast<Objective*>(data);
        return o->search->at(x[0]).metrics.throughput_tokens_per_s / o->scale;
      },
      &objective);
  opt.add_inequality_constraint(
      [](const std::vector<double>& x, std::vector<double>&, void* data) {
        auto* s = static_cast<Search*>(data);
        return s->excess(s->at(x[0]));
      },
      &search, 0.01);        // K: a fifth of the settling tolerance
  opt.set_xtol_abs(1e-4);  // GHz: 0.1 MHz, far below any DVFS step
  opt.set_maxeval(200);    // 20-30 settlings are used on the decks tried; each is on the influence matrix (ms)
  std::vector<double> x{out.lowest_ghz};
  double best = 0.0;
  nlopt::result r = nlopt::FAILURE;
  try {
    r = opt.optimize(x, best);
  } catch (const std::exception&) {
    r = nlopt::FAILURE;  // the answer below is checked against the limits either way
  }
  // COBYLA may end a hair over a constraint (its tolerance): step down, 0.1 % of the design clock at a time, to the
  // last clock that meets them.
  double clock = x[0];
  SettledPoint at = search.at(clock);
  for (int i = 0; i < 20 && !search.meets(at) && clock > out.lowest_ghz; ++i) {
    clock = std::max(out.lowest_ghz, clock - 1e-3 * highest_ghz);
    at = search.at(clock);
  }
  return finish(search.meets(at), clock, at, nlopt_result_name(r));
}

}  // namespace chipdse::thermal
