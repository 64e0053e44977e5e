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
                               const InfluenceMatrix& im, double tj_max_c, double lowest_ghz) {
  SustainedPoint out;
  const double highest_ghz = c.clock_ghz > 0.0 ? c.clock_ghz : k.perf.reference_clock_ghz;
  const bool power_limited = !k.perf.tdp_dvfs && k.perf.tdp_w > 0.0;  // with the clamp the evaluation holds it
  // Every evaluation settles from the ambient: the result at a clock never depends on the clocks tried before it.
  const auto settle_at = [&](double clock_ghz) {
    model::DesignChoice at = c;
    at.clock_ghz = clock_ghz;
    return settle_on_solved(at, k, g, im);
  };
  const auto meets = [&](const SettledPoint& p) {
    return p.converged && !(p.tj_c > tj_max_c) && !(power_limited && p.metrics.power.package_w > k.perf.tdp_w);
  };
  // Throughput does not fall with the clock, nor the junction and the power: the design's own clock wins when it
  // meets the limits, and nothing does when the lowest clock misses them.
  const SettledPoint top = settle_at(highest_ghz);
  out.evaluations = 1;
  if (meets(top)) {
    out.found = true;
    out.clock_ghz = highest_ghz;
    out.point = top;
    out.result = "DESIGN_CLOCK";
    return out;
  }
  const SettledPoint bottom = settle_at(lowest_ghz);
  out.evaluations = 2;
  if (!meets(bottom)) {
    out.clock_ghz = lowest_ghz;
    out.point = bottom;
    out.result = "NONE_MEETS";
    return out;
  }
  // COBYLA (Powell 1994) over the clock: maximise the throughput, the junction's excess over the limit and the
  // package's over its power limit (in K and in units of 1 % of the limit) as inequality constraints.
  struct Context {
    const decltype(settle_at)* settle;
    double tj_max_c, tdp_w;
    bool power_limited;
    int evaluations = 0;
  } ctx{&settle_at, tj_max_c, k.perf.tdp_w, power_limited};
  const double scale = std::max(bottom.metrics.throughput_tokens_per_s, 1e-30);
  nlopt::opt opt(nlopt::LN_COBYLA, 1);
  opt.set_lower_bounds(std::vector<double>{lowest_ghz});
  opt.set_upper_bounds(std::vector<double>{highest_ghz});
  struct Objective {
    Context* ctx;
    double scale;
  } objective{&ctx, scale};
  opt.set_max_objective(
      [](const std::vector<double>& x, std::vector<double>&, void* data) {
        auto* o = static_cast<Objective*>(data);
        ++o->ctx->evaluations;
        return (*o->ctx->settle)(x[0]).metrics.throughput_tokens_per_s / o->scale;
      },
      &objective);
  opt.add_inequality_constraint(
      [](const std::vector<double>& x, std::vector<double>&, void* data) {
        auto* cx = static_cast<Context*>(data);
        ++cx->evaluations;
        const SettledPoint p = (*cx->settle)(x[0]);
        double excess = p.tj_c - cx->tj_max_c;
        if (cx->power_limited) excess = std::max(excess, 100.0 * (p.metrics.power.package_w / cx->tdp_w - 1.0));
        return p.converged ? excess : 1e3;
      },
      &ctx, 0.01);           // K: a fifth of the settling tolerance
  opt.set_xtol_abs(1e-4);  // GHz: 0.1 MHz, far below any DVFS step
  opt.set_maxeval(200);    // 30-50 are used on the decks tried; each is a settling on the influence matrix (ms)
  std::vector<double> x{lowest_ghz};
  double best = 0.0;
  nlopt::result r = nlopt::FAILURE;
  try {
    r = opt.optimize(x, best);
  } catch (const std::exception&) {
    r = nlopt::FAILURE;  // the answer below is checked against the limits either way
  }
  // COBYLA may end a hair over a constraint (its tolerance): step down to the last clock that meets them.
  SettledPoint at = settle_at(x[0]);
  double clock = x[0];
  for (int i = 0; i < 20 && !meets(at) && clock > lowest_ghz; ++i) {
    clock = std::max(lowest_ghz, clock - 1e-3 * highest_ghz);
    at = settle_at(clock);
  }
  out.evaluations = 2 + ctx.evaluations;
  out.found = meets(at);
  out.clock_ghz = clock;
  out.point = at;
  out.result = nlopt_result_name(r);
  return out;
}

}  // namespace chipdse::thermal
