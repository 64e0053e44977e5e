// The fastest operating point a design sustains on its solved temperatures (operating_point.hpp).
#include "chipdse/thermal/operating_point.hpp"

#include <algorithm>
#include <cmath>
#include <nlopt.hpp>
#include <vector>

#include "chipdse/core/error.hpp"
#include "chipdse/model/thermal_bound.hpp"
#include "chipdse/thermal/fv_mesh.hpp"

namespace chipdse::thermal {

namespace {

constexpr double kZeroCelsiusK = 273.15;
constexpr double kSettleToleranceK = 0.05;  // as the kernel's own settling (model/evaluate.cpp)
constexpr int kMaxSettleSteps = 50;

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

InfluenceMatrix rect_influence_matrix(const model::Geometry& g, const PackageStack& s, int cells_xy) {
  const std::vector<double> zero(g.rect_count, 0.0);
  const FvCase c = case_from_geometry(g, zero, s, cells_xy);
  std::vector<std::size_t> sources;
  for (std::size_t i = 0; i < g.rect_count; ++i) {
    const std::string name = rect_block_name(g.rects[i]);
    const auto it = std::find_if(c.blocks.begin(), c.blocks.end(), [&](const Block& b) { return b.name == name; });
    CHIPDSE_CHECK(it != c.blocks.end(), "rect_influence_matrix: no block named " << name);
    sources.push_back(static_cast<std::size_t>(it - c.blocks.begin()));
  }
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

SettledPoint settle_on_solved(const model::DesignChoice& c, const model::KernelParams& k, const model::Geometry& g,
                              const InfluenceMatrix& im) {
  SettledPoint p;
  double t = im.ambient_k - kZeroCelsiusK;
  const double engine_w = model::cpo_engine_power_w(c, k);
  for (p.steps = 1; p.steps <= kMaxSettleSteps; ++p.steps) {
    p.metrics = model::evaluate_at_junction(c, k, t);
    const auto q = model::rect_power_w(g, p.metrics.power, engine_w);
    p.leakage_tj_c = t;
    p.tj_c = hottest_logic_k(im, g, std::span<const double>(q.data(), g.rect_count)) - kZeroCelsiusK;
    if (std::abs(p.tj_c - t) <= kSettleToleranceK) {
      p.converged = true;
      return p;
    }
    t = p.tj_c;
  }
  p.steps = kMaxSettleSteps;
  return p;
}

SustainedPoint sustained_point(const model::DesignChoice& c, const model::KernelParams& k, const model::Geometry& g,
                               const InfluenceMatrix& im, double tj_max_c, double lowest_fraction) {
  SustainedPoint out;
  const double highest_ghz = c.clock_ghz > 0.0 ? c.clock_ghz : k.perf.reference_clock_ghz;
  out.lowest_ghz = lowest_fraction * highest_ghz;
  const bool power_limited = !k.perf.tdp_dvfs && k.perf.tdp_w > 0.0;  // with the clamp the evaluation holds it
  // Every evaluation settles from the ambient, so the result at a clock never depends on the clocks tried before it;
  // the last one is kept, because COBYLA asks for the objective and the constraint at the same clock in turn.
  struct Search {
    const model::DesignChoice* c;
    const model::KernelParams* k;
    const model::Geometry* g;
    const InfluenceMatrix* im;
    double tj_max_c, tdp_w;
    bool power_limited;
    int settlings = 0;
    double last_ghz = -1.0;
    SettledPoint last;
    const SettledPoint& at(double clock_ghz) {
      if (clock_ghz != last_ghz) {
        model::DesignChoice d = *c;
        d.clock_ghz = clock_ghz;
        last = settle_on_solved(d, *k, *g, *im);
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
  } search{&c, &k, &g, &im, tj_max_c, k.perf.tdp_w, power_limited, 0, -1.0, SettledPoint{}};
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
