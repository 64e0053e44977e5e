// A design at its package's solved temperatures (model/solved_thermal.hpp, DESIGN.md §3 verification rounds), on
// synthetic responses whose answers are known in closed form: the hottest logic cell of a matrix-vector product, the
// settling's fixed point on a uniform response, its monotonicity in the response, the verified evaluation's
// identity with the kernel where nothing is solved and its reasons where the solve rejects a design.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>

#include "chipdse/core/error.hpp"
#include "chipdse/model/evaluate.hpp"
#include "chipdse/model/objectives.hpp"
#include "chipdse/model/solved_thermal.hpp"
#include "chipdse/model/thermal_bound.hpp"
#include "default_kernel.hpp"

using namespace chipdse;
using namespace chipdse::model;

namespace {

constexpr std::size_t kKinds = SolvedThermal::kKinds;

DesignChoice two_chiplets() {
  DesignChoice c;
  c.partitioning = Partitioning::chiplets;
  c.compute_count = 2;
  c.compute_node = ProcessNode::n3;
  c.packaging = Packaging::cowos_s;
  c.d2d = D2dKind::ucie_a;
  c.d2d_tbps_per_direction = 4.0;
  c.hbm = HbmGen::hbm3e;
  c.hbm_stacks = 6;
  c.clock_ghz = 1.6;
  return c;
}

// One logic cell whose rise is r K per W of each compute die (and nothing from other kinds), ambient 35 C.
SolvedThermal uniform(double r_k_per_w) {
  SolvedThermal s;
  s.ambient_c = 35.0;
  s.rise_k_per_w.assign(kKinds, 0.0);
  s.rise_k_per_w[static_cast<std::size_t>(RectKind::compute)] = r_k_per_w;
  return s;
}

bool same_row(const Metrics& a, const Metrics& b) {
  for (const auto& col : kMetricColumns) {
    const double x = col.get(a), y = col.get(b);
    if (std::memcmp(&x, &y, sizeof x) != 0) return false;
  }
  return a.infeasible == b.infeasible;
}

}  // namespace

TEST_CASE("solved thermal: the hottest logic cell of the response, and each kind's power per die",
          "[model][verification]") {
  SolvedThermal s;
  s.ambient_c = 30.0;
  // Two cells: 0.1 K/W per compute die + 0.02 per HBM stack, and 0.05 + 0.04.
  s.rise_k_per_w = {0.1, 0, 0, 0.02, 0, 0.05, 0, 0, 0.04, 0};
  const double p[kKinds] = {300.0, 0.0, 0.0, 10.0, 0.0};
  CHECK(s.rows() == 2);
  CHECK(hottest_logic_c(s, p) == Approx(30.0 + std::max(0.1 * 300 + 0.02 * 10, 0.05 * 300 + 0.04 * 10)));
  const double hbm_only[kKinds] = {0.0, 0.0, 0.0, 500.0, 0.0};
  CHECK(hottest_logic_c(s, hbm_only) == Approx(30.0 + 0.04 * 500));

  EvaluationDetail d;
  const Metrics m = evaluate(two_chiplets(), test::default_params(), &d);
  const auto q = rect_power_w(d.geometry, m.power, 0.0);
  const auto k = kind_power_w(d.geometry, q.data());
  for (std::size_t i = 0; i < d.geometry.rect_count; ++i)
    CHECK(k[static_cast<std::size_t>(d.geometry.rects[i].kind)] == q[i]);
  CHECK(k[static_cast<std::size_t>(RectKind::cache)] == 0.0);  // no cache dies on this package
  CHECK(k[static_cast<std::size_t>(RectKind::compute)] * 2 > 0.5 * m.power.total_w);
}

TEST_CASE("solved thermal: settling on a uniform response reaches T = ambient + r x P_compute_die(T), hotter and "
          "costlier as r grows, and at the ambient with r = 0",
          "[model][verification]") {
  const KernelParams& params = test::default_params();
  const DesignChoice c = two_chiplets();
  EvaluationDetail d;
  const Metrics kernel = evaluate(c, params, &d);

  const SettledPoint cold = settle_on_solved(c, params, d.geometry, uniform(0.0));
  CHECK(cold.converged);
  CHECK(cold.tj_c == 35.0);
  CHECK(cold.metrics.power.leakage_tj_c == 35.0);

  double last_tj = cold.tj_c, last_power = cold.metrics.power_w, last_throughput = cold.metrics.throughput_tokens_per_s;
  for (const double r : {0.02, 0.05, 0.08, 0.11}) {
    INFO("r = " << r << " K/W");
    const SettledPoint p = settle_on_solved(c, params, d.geometry, uniform(r));
    REQUIRE(p.converged);
    // The fixed point, by its definition: the junction the compute die's power at that junction gives.
    const auto q = rect_power_w(d.geometry, p.metrics.power, cpo_engine_power_w(c, params));
    const double compute_die_w = kind_power_w(d.geometry, q.data())[static_cast<std::size_t>(RectKind::compute)];
    CHECK(std::abs(p.tj_c - (35.0 + r * compute_die_w)) <= 1e-9);
    CHECK(std::abs(p.tj_c - p.leakage_tj_c) <= kSettleToleranceK);
    CHECK(p.tj_c > last_tj);
    CHECK(p.metrics.power_w >= last_power);
    CHECK(p.metrics.throughput_tokens_per_s <= last_throughput);
    last_tj = p.tj_c, last_power = p.metrics.power_w, last_throughput = p.metrics.throughput_tokens_per_s;
  }
  CHECK(kernel.tj_bound_c > 35.0);
}

TEST_CASE("verified evaluation: the kernel's own row where nothing is solved, the settled point where the package "
          "is, and solved_tj_over_max where the solved junction passes the limit the bound did not",
          "[model][verification]") {
  const KernelParams& params = test::default_params();
  const DesignChoice c = two_chiplets();
  EvaluationDetail d;
  const Metrics kernel = evaluate(c, params, &d);
  REQUIRE(kernel.infeasible == 0);
  REQUIRE(kernel.geometry_key == d.geometry.key);
  REQUIRE(kernel.geometry_key != 0);

  SolvedGeometries none;
  CHECK(same_row(evaluate_verified(c, params, nullptr), kernel));
  CHECK(same_row(evaluate_verified(c, params, &none), kernel));
  SolvedGeometries other;
  REQUIRE(other.insert(kernel.geometry_key ^ 1u, uniform(0.05)));
  CHECK(same_row(evaluate_verified(c, params, &other), kernel));
  CHECK(evaluate_verified(c, params, &other).tj_solved_c == 0.0);

  // A response that keeps the junction below the limit: the settled point, feasible.
  SolvedGeometries mild;
  REQUIRE(mild.insert(kernel.geometry_key, uniform(0.05)));
  const SettledPoint expect = settle_on_solved(c, params, d.geometry, uniform(0.05));
  const Metrics v = evaluate_verified(c, params, &mild);
  CHECK(v.tj_solved_c == expect.tj_c);
  CHECK(v.power_w == expect.metrics.power_w);
  CHECK(v.infeasible == 0);
  REQUIRE(params.thermal_bound.tj_max_c > 0.0);
  CHECK(v.tj_solved_c < params.thermal_bound.tj_max_c);

  // A response putting the junction above constraints.tj_max_c although the bound is below it.
  const double r_hot = (params.thermal_bound.tj_max_c + 20.0 - 35.0) /
                       kind_power_w(d.geometry, rect_power_w(d.geometry, kernel.power, 0.0).data())[0];
  SolvedGeometries hot;
  REQUIRE(hot.insert(kernel.geometry_key, uniform(r_hot)));
  const Metrics h = evaluate_verified(c, params, &hot);
  CHECK(kernel.tj_bound_c < params.thermal_bound.tj_max_c);
  CHECK(h.tj_solved_c > params.thermal_bound.tj_max_c);
  CHECK((h.infeasible & infeasible::solved_tj_over_max) != 0);
  CHECK(std::string(infeasibility_name(infeasible::solved_tj_over_max)) == "solved_tj_over_max");
  CHECK(std::string(infeasibility_name(infeasible::thermal_runaway)) == "thermal_runaway");
}

TEST_CASE("solved geometries: sorted by key, found by key, a key once", "[model][verification]") {
  SolvedGeometries s;
  CHECK(s.empty());
  CHECK(s.insert(30, uniform(0.1)));
  CHECK(s.insert(10, uniform(0.2)));
  CHECK(s.insert(20, uniform(0.3)));
  CHECK_FALSE(s.insert(20, uniform(0.4)));
  REQUIRE(s.size() == 3);
  CHECK(s.keys() == std::vector<std::uint64_t>{10, 20, 30});
  REQUIRE(s.find(20) != nullptr);
  CHECK(s.find(20)->rise_k_per_w[0] == 0.3);
  CHECK(s.find(25) == nullptr);
  CHECK(s.find(0) == nullptr);
}

TEST_CASE("solved thermal: dropping the rows another bounds keeps the hottest cell for every power map",
          "[model][verification]") {
  SolvedThermal s;
  s.ambient_c = 25.0;
  s.rise_k_per_w.assign(4 * kKinds, 0.0);
  const auto set = [&](std::size_t r, double compute, double hbm) {
    s.rise_k_per_w[r * kKinds + 0] = compute;
    s.rise_k_per_w[r * kKinds + 3] = hbm;
  };
  set(0, 1.0, 2.0);  // bounded by row 1
  set(1, 2.0, 3.0);
  set(2, 3.0, 0.0);  // hottest under compute power alone
  set(3, 2.0, 3.0);  // equal to row 1: the first of equal rows stays
  const SolvedThermal all = s;
  drop_dominated_rows(s);
  REQUIRE(s.rows() == 2);
  CHECK(s.rise_k_per_w[0] == 2.0);
  CHECK(s.rise_k_per_w[kKinds + 0] == 3.0);
  // Any non-negative map: the same maximum, bit for bit.
  std::uint64_t x = 12345;
  for (int i = 0; i < 200; ++i) {
    double p[kKinds];
    for (double& v : p) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      v = static_cast<double>(x >> 11) * 0x1.0p-53 * 400.0;
    }
    CHECK(hottest_logic_c(s, p) == hottest_logic_c(all, p));
  }
}

TEST_CASE("solved thermal: the HBM stacks' and engines' rows are their own group: pruned apart from the logic dies', "
          "and their peaks reported apart",
          "[model][verification]") {
  SolvedThermal s;
  s.ambient_c = 30.0;
  // Logic: one row; HBM: two rows (the second bounds the first); engines: one row. The HBM rows are hotter than the
  // logic row in every column, which must not drop the logic row.
  s.rise_k_per_w = {0.10, 0, 0, 0.01, 0.00,   // logic
                    0.20, 0, 0, 0.05, 0.01,   // HBM, bounded by the next
                    0.30, 0, 0, 0.06, 0.02,   // HBM
                    0.05, 0, 0, 0.00, 0.50};  // engine
  s.hbm_rows = 2;
  s.engine_rows = 1;
  drop_dominated_rows(s);
  REQUIRE(s.rows() == 3);
  CHECK(s.logic_rows() == 1);
  CHECK(s.hbm_rows == 1);
  CHECK(s.engine_rows == 1);
  const double p[kKinds] = {100.0, 0.0, 0.0, 10.0, 4.0};
  CHECK(hottest_logic_c(s, p) == Approx(30.0 + 0.10 * 100 + 0.01 * 10));
  CHECK(peak_c(s, true, p) == Approx(30.0 + 0.30 * 100 + 0.06 * 10 + 0.02 * 4));
  CHECK(peak_c(s, false, p) == Approx(30.0 + 0.05 * 100 + 0.50 * 4));
  SolvedThermal none = uniform(0.1);
  CHECK(peak_c(none, true, p) == 0.0);
  CHECK(peak_c(none, false, p) == 0.0);
}

TEST_CASE("solved geometries: the bytes the ranks exchange and a checkpoint keeps round-trip, and bad bytes are refused",
          "[model][verification]") {
  SolvedGeometries s;
  SolvedThermal a = uniform(0.1), b = uniform(0.2);
  b.rise_k_per_w.insert(b.rise_k_per_w.end(), {0.3, 0, 0, 0.1, 0});
  b.hbm_rows = 1;
  b.solves = 2;
  b.iterations = 160;
  REQUIRE(s.insert(7, a));
  REQUIRE(s.insert(3, b));
  std::string bytes = "x";  // serialize() appends
  s.serialize(bytes);
  std::string_view in(bytes);
  in.remove_prefix(1);
  const SolvedGeometries back = SolvedGeometries::deserialize(in);
  CHECK(in.empty());
  REQUIRE(back.keys() == s.keys());
  CHECK(back.at(0).rise_k_per_w == b.rise_k_per_w);
  CHECK(back.at(0).hbm_rows == 1);
  CHECK(back.at(0).solves == 2);
  CHECK(back.at(0).iterations == 160);
  CHECK(back.at(1).rise_k_per_w == a.rise_k_per_w);
  std::string_view cut(bytes.data() + 1, bytes.size() - 9);
  CHECK_THROWS_AS(SolvedGeometries::deserialize(cut), Error);  // the last package is cut short
  SolvedGeometries negative;
  SolvedThermal c = uniform(0.1);
  c.rise_k_per_w[0] = -1.0;
  REQUIRE(negative.insert(5, c));
  std::string nb;
  negative.serialize(nb);
  std::string_view nv(nb);
  CHECK_THROWS_WITH(SolvedGeometries::deserialize(nv), Catch::Contains("not finite and >= 0"));
}
