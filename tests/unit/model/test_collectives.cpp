// Tests of the alpha-beta collective models (model/collectives.hpp, perf_models.md §6.3): analytic identities
// (ring AR = RS + AG, busBW = beta for the ring's bandwidth term, latency slopes), the hierarchical all-reduce
// against its three parts and the flat ring, the all-to-all bisection bound, monotonicity in alpha and beta, and
// the p <= 1 / M <= 0 edge cases. Expected values are written out here from the equations, never taken from the code.
#include <catch2/catch.hpp>

#include <climits>
#include <cmath>
#include <functional>
#include <vector>

#include "alloc_counter.hpp"
#include "chipdse/model/collectives.hpp"

using namespace chipdse::model;
using Catch::Matchers::WithinRel;

namespace {

constexpr double kGB = 1e9;

// Every collective as a function of (M, p, link) so the property tests sweep them all alike.
std::vector<std::function<double(double, int, const LinkAlphaBeta&)>> all_collectives() {
  return {
      [](double m, int p, const LinkAlphaBeta& l) { return ring_all_reduce_s(m, p, l); },
      [](double m, int p, const LinkAlphaBeta& l) { return reduce_scatter_s(m, p, l); },
      [](double m, int p, const LinkAlphaBeta& l) { return all_gather_s(m, p, l); },
      [](double m, int p, const LinkAlphaBeta& l) { return all_to_all_s(m, p, l); },
      [](double m, int p, const LinkAlphaBeta& l) { return all_to_all_s(m, p, l, 20.0 * kGB); },
      [](double m, int p, const LinkAlphaBeta& l) { return tree_all_reduce_s(m, p, l); },
      // Both tiers on the swept link, and a fixed fast tier 1 with the swept link as tier 2.
      [](double m, int p, const LinkAlphaBeta& l) { return hierarchical_all_reduce_s(m, 4, l, p, l); },
      [](double m, int p, const LinkAlphaBeta& l) {
        return hierarchical_all_reduce_s(m, 8, LinkAlphaBeta{1e-6, 900.0 * kGB}, p, l);
      },
  };
}

}  // namespace

TEST_CASE("ring all-reduce equals reduce-scatter plus all-gather", "[collectives][identity]") {
  for (int p : {2, 3, 7, 8, 64, 1000}) {
    for (double m : {1.0, 4096.0, 1.5e6, 3.0e9}) {
      const LinkAlphaBeta l{2.5e-6, 123.0 * kGB};
      INFO("p " << p << " M " << m);
      CHECK(ring_all_reduce_s(m, p, l) == reduce_scatter_s(m, p, l) + all_gather_s(m, p, l));
      CHECK(reduce_scatter_s(m, p, l) == all_gather_s(m, p, l));
      // Written out: (p - 1) alpha + (p - 1) / p M / beta per pass.
      const double pass = (p - 1) * l.alpha_s + (p - 1.0) * m / (p * l.beta_bytes_per_s);
      CHECK_THAT(reduce_scatter_s(m, p, l), WithinRel(pass, 1e-12));
    }
  }
}

TEST_CASE("ring all-reduce bandwidth term gives bus bandwidth equal to beta", "[collectives][identity]") {
  for (int p : {2, 4, 8, 72, 1024}) {
    const double beta = 450.0 * kGB, m = 256.0 * 1024 * 1024;
    const LinkAlphaBeta l{0.0, beta};
    const double t = ring_all_reduce_s(m, p, l);
    INFO("p " << p);
    CHECK_THAT(t, WithinRel(2.0 * (p - 1) / p * m / beta, 1e-12));
    CHECK_THAT(all_reduce_bus_bandwidth(m, t, p), WithinRel(beta, 1e-12));
    CHECK_THAT(algorithm_bandwidth(m, t), WithinRel(beta * p / (2.0 * (p - 1)), 1e-12));
  }
}

TEST_CASE("latency slope is 2(p-1) for the ring and 2 ceil(log2 p) for the tree", "[collectives][identity]") {
  // M = 8 p bytes at beta = 1 byte/s keeps every term an exact small integer, so the differences are exact.
  const int depth[] = {0, 0, 1, 2, 2, 3, 3, 3, 3, 4};  // ceil(log2 p) for p = 0 .. 9, by hand
  for (int p = 2; p <= 9; ++p) {
    const double m = 8.0 * p;
    const LinkAlphaBeta a1{1.0, 1.0}, a2{2.0, 1.0};
    INFO("p " << p);
    CHECK(ceil_log2(p) == depth[p]);
    CHECK(ring_all_reduce_s(m, p, a2) - ring_all_reduce_s(m, p, a1) == 2.0 * (p - 1));
    CHECK(tree_all_reduce_s(m, p, a2) - tree_all_reduce_s(m, p, a1) == 2.0 * depth[p]);
    CHECK(tree_all_reduce_s(m, p, LinkAlphaBeta{0.0, 1.0}) == 2.0 * m);  // bandwidth term 2 M / beta
  }
  CHECK(ceil_log2(1024) == 10);
  CHECK(ceil_log2(1025) == 11);
  CHECK(ceil_log2(INT_MAX) == 31);
}

TEST_CASE("hierarchical all-reduce is the sum of its parts and beats the flat ring on the slow tier",
          "[collectives][identity][property]") {
  const int p1 = 8, p2 = 16, p = p1 * p2;
  const LinkAlphaBeta fast{1.0e-6, 900.0 * kGB}, slow{5.0e-6, 50.0 * kGB};
  for (double m : {1024.0, 1.0e6, 1.0e9, 16.0e9}) {
    const double rs1 = (p1 - 1) * fast.alpha_s + (p1 - 1.0) / p1 * m / fast.beta_bytes_per_s;
    const double ar2 = 2.0 * (p2 - 1) * slow.alpha_s + 2.0 * (p2 - 1.0) / p2 * (m / p1) / slow.beta_bytes_per_s;
    const double flat = 2.0 * (p - 1) * slow.alpha_s + 2.0 * (p - 1.0) / p * m / slow.beta_bytes_per_s;
    const double h = hierarchical_all_reduce_s(m, p1, fast, p2, slow);
    INFO("M " << m);
    CHECK_THAT(h, WithinRel(rs1 + ar2 + rs1, 1e-12));
    CHECK(h <= flat);
    CHECK_THAT(ring_all_reduce_s(m, p, slow), WithinRel(flat, 1e-12));
  }
  // Degenerate tiers reduce to one flat ring.
  const double m = 1.0e8;
  CHECK(hierarchical_all_reduce_s(m, 1, fast, p2, slow) == ring_all_reduce_s(m, p2, slow));
  CHECK(hierarchical_all_reduce_s(m, p1, fast, 1, slow) == ring_all_reduce_s(m, p1, fast));
}

TEST_CASE("all-to-all bisection bound binds only when the bisection is small", "[collectives][property]") {
  const int p = 16;
  const double m = 1.0e9;
  const LinkAlphaBeta l{2.0e-6, 100.0 * kGB};
  const double switched = 15.0 * l.alpha_s + 15.0 / 16.0 * m / l.beta_bytes_per_s;  // about 9.4 ms
  CHECK_THAT(all_to_all_s(m, p, l), WithinRel(switched, 1e-12));
  CHECK(all_to_all_s(m, p, l, 0.0) == all_to_all_s(m, p, l));
  // M p / (4 B): 10 GB/s -> 0.4 s binds; 1 TB/s -> 4 ms does not.
  CHECK_THAT(all_to_all_s(m, p, l, 10.0 * kGB), WithinRel(m * p / (4.0 * 10.0 * kGB), 1e-12));
  CHECK(all_to_all_s(m, p, l, 10.0 * kGB) > switched);
  CHECK(all_to_all_s(m, p, l, 1000.0 * kGB) == all_to_all_s(m, p, l));
  // The bound on its own never lowers the time, and a larger bisection never raises it.
  double last = INFINITY;
  for (double b : {1.0, 10.0, 100.0, 400.0, 1000.0, 1.0e5}) {
    const double t = all_to_all_s(m, p, l, b * kGB);
    CHECK(t >= switched);
    CHECK(t <= last);
    last = t;
  }
}

TEST_CASE("lower alpha or more beta never raises any collective time", "[collectives][property]") {
  const double alphas[] = {0.0, 1.0e-8, 1.0e-7, 1.0e-6, 1.0e-5, 1.0e-4};
  const double betas[] = {1.0 * kGB, 12.5 * kGB, 50.0 * kGB, 100.0 * kGB, 450.0 * kGB, 900.0 * kGB, 3600.0 * kGB};
  const auto fns = all_collectives();
  for (std::size_t f = 0; f < fns.size(); ++f) {
    for (int p : {2, 3, 8, 17, 64, 1000}) {
      for (double m : {1.0, 1.0e6, 1.0e9}) {
        INFO("collective " << f << " p " << p << " M " << m);
        for (double b : betas) {  // alpha ascending: time never falls
          double last = -1.0;
          for (double a : alphas) {
            const double t = fns[f](m, p, LinkAlphaBeta{a, b});
            CHECK(std::isfinite(t));
            CHECK(t > 0.0);
            CHECK(t >= last);
            last = t;
          }
        }
        for (double a : alphas) {  // beta ascending: time never rises
          double last = INFINITY;
          for (double b : betas) {
            const double t = fns[f](m, p, LinkAlphaBeta{a, b});
            CHECK(t <= last);
            last = t;
          }
        }
      }
    }
  }
}

TEST_CASE("p = 1 or an empty message costs nothing", "[collectives][edge]") {
  const LinkAlphaBeta l{1.0e-6, 100.0 * kGB};
  for (int p : {-3, 0, 1}) {
    INFO("p " << p);
    CHECK(ring_all_reduce_s(1.0e9, p, l) == 0.0);
    CHECK(reduce_scatter_s(1.0e9, p, l) == 0.0);
    CHECK(all_gather_s(1.0e9, p, l) == 0.0);
    CHECK(all_to_all_s(1.0e9, p, l) == 0.0);
    CHECK(all_to_all_s(1.0e9, p, l, 1.0) == 0.0);
    CHECK(tree_all_reduce_s(1.0e9, p, l) == 0.0);
    CHECK(hierarchical_all_reduce_s(1.0e9, p, l, 1, l) == 0.0);
    CHECK(hierarchical_all_reduce_s(1.0e9, 1, l, p, l) == 0.0);
    CHECK(all_reduce_bus_bandwidth(1.0e9, 1.0, p) == 0.0);
    CHECK(ceil_log2(p) == 0);
  }
  for (double m : {0.0, -1.0}) {
    INFO("M " << m);
    for (const auto& f : all_collectives()) CHECK(f(m, 64, l) == 0.0);
    CHECK(algorithm_bandwidth(m, 1.0) == 0.0);
    CHECK(all_reduce_bus_bandwidth(m, 1.0, 8) == 0.0);
  }
  CHECK(algorithm_bandwidth(1.0e9, 0.0) == 0.0);
  CHECK(all_reduce_bus_bandwidth(1.0e9, 0.0, 8) == 0.0);
}

TEST_CASE("collective models do not allocate", "[collectives][alloc]") {
  const LinkAlphaBeta fast{1.0e-6, 900.0 * kGB}, slow{5.0e-6, 50.0 * kGB};
  volatile double sink = 0.0;
  chipdse::test::g_allocations = 0;
  chipdse::test::g_counting = true;
  for (int p = 1; p <= 256; ++p) {
    const double m = 1.0e6 * p;
    sink = sink + ring_all_reduce_s(m, p, slow) + reduce_scatter_s(m, p, slow) + all_gather_s(m, p, slow) +
           all_to_all_s(m, p, slow, 10.0 * kGB) + tree_all_reduce_s(m, p, slow) +
           hierarchical_all_reduce_s(m, 8, fast, p, slow) + all_reduce_bus_bandwidth(m, 1.0, p);
  }
  chipdse::test::g_counting = false;
  CHECK(chipdse::test::g_allocations == 0);
  CHECK(std::isfinite(sink));
}
