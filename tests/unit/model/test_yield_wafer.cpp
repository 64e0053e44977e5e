// Properties of the yield models (model/yield.hpp) and the dies-per-wafer rules (model/wafer.hpp): ranges,
// monotonicity, limits, bounds. The published numbers themselves are checked in tests/validation/test_cost_cases.cpp.
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <iostream>
#include <numbers>
#include <vector>

#include "chipdse/model/wafer.hpp"
#include "chipdse/model/yield.hpp"

using namespace chipdse::model;

namespace {

// Every model as a function of (area, D0), NB at several clustering parameters and Bose-Einstein at several N.
struct Named {
  const char* name;
  double (*f)(double, double);
};
const Named kModels[] = {
    {"poisson", [](double a, double d) { return yield_poisson(a, d); }},
    {"murphy", [](double a, double d) { return yield_murphy(a, d); }},
    {"seeds_exp_sqrt", [](double a, double d) { return yield_seeds_exp_sqrt(a, d); }},
    {"seeds_hyperbolic", [](double a, double d) { return yield_seeds_hyperbolic(a, d); }},
    {"negbin_0.5", [](double a, double d) { return yield_negative_binomial(a, d, 0.5); }},
    {"negbin_2", [](double a, double d) { return yield_negative_binomial(a, d, 2.0); }},
    {"negbin_10", [](double a, double d) { return yield_negative_binomial(a, d, 10.0); }},
    {"negbin_1e6", [](double a, double d) { return yield_negative_binomial(a, d, 1e6); }},
    {"bose_einstein_1", [](double a, double d) { return yield_bose_einstein(a, d, 1); }},
    {"bose_einstein_10", [](double a, double d) { return yield_bose_einstein(a, d, 10); }},
};

std::vector<double> areas_mm2() {  // 0 and 1..2000 mm² on a geometric-ish grid
  std::vector<double> v{0.0};
  for (double a = 1.0; a <= 2000.0; a *= 1.25) v.push_back(a);
  v.push_back(2000.0);
  return v;
}
std::vector<double> d0s_per_cm2() { return {0.0, 0.001, 0.01, 0.05, 0.07, 0.1, 0.2, 0.5, 1.0}; }

}  // namespace

TEST_CASE("every yield model is positive, at most 1, and exactly 1 without defects", "[model][yield]") {
  for (const auto& m : kModels) {
    for (const double a : areas_mm2()) {
      for (const double d : d0s_per_cm2()) {
        const double y = m.f(a, d);
        INFO(m.name << " area " << a << " mm2, D0 " << d << " /cm2: " << y);
        CHECK(std::isfinite(y));
        CHECK(y > 0.0);
        CHECK(y <= 1.0);
        if (a == 0.0 || d == 0.0) CHECK(y == 1.0);
      }
    }
  }
}

TEST_CASE("yield decreases strictly with area and with defect density", "[model][yield]") {
  for (const auto& m : kModels) {
    const auto as = areas_mm2();
    const auto ds = d0s_per_cm2();
    for (std::size_t i = 1; i < as.size(); ++i)
      for (std::size_t j = 1; j < ds.size(); ++j) {
        INFO(m.name << " area " << as[i] << ", D0 " << ds[j]);
        CHECK(m.f(as[i], ds[j]) < m.f(as[i - 1], ds[j]));
        CHECK(m.f(as[i], ds[j]) < m.f(as[i], ds[j - 1]));
      }
  }
}

TEST_CASE("negative binomial tends to Poisson as alpha grows, and equals Seeds at alpha 1", "[model][yield]") {
  for (const double a : {50.0, 200.0, 800.0, 2000.0}) {
    for (const double d : {0.05, 0.2, 1.0}) {
      const double p = yield_poisson(a, d);
      const double x = a / kMm2PerCm2 * d;
      double previous_gap = 1.0;
      for (double alpha = 1.0; alpha <= 1e12; alpha *= 10.0) {
        const double gap = std::abs(yield_negative_binomial(a, d, alpha) - p);
        INFO("area " << a << ", D0 " << d << ", alpha " << alpha << ": gap " << gap);
        // NB / Poisson = exp(alpha (u - log(1 + u))) with u = x/alpha, and 0 <= u - log(1 + u) <= u²/2, so
        // 0 <= gap <= p (exp(x²/(2 alpha)) - 1): the gap shrinks like 1/alpha.
        CHECK(gap <= previous_gap + 1e-15);  // + rounding noise once the gap is ~1 ulp
        CHECK(gap <= p * std::expm1(x * x / (2.0 * alpha)) + 1e-15);
        previous_gap = gap;
      }
      CHECK(previous_gap <= 1e-10);
      CHECK(yield_negative_binomial(a, d, std::numeric_limits<double>::infinity()) == p);
      CHECK(yield_negative_binomial(a, d, 1.0) == Approx(yield_seeds_hyperbolic(a, d)).epsilon(1e-14));
    }
  }
}

TEST_CASE("Murphy is continuous at zero defects and Bose-Einstein N=1 is Seeds", "[model][yield]") {
  CHECK(yield_murphy(1e-9, 1e-9) == Approx(1.0).epsilon(1e-15));
  CHECK(yield_murphy(100.0, 1e-12) == Approx(1.0 - 1e-12).epsilon(1e-15));
  CHECK(yield_bose_einstein(300.0, 0.1, 1) == Approx(yield_seeds_hyperbolic(300.0, 0.1)).epsilon(1e-15));
  CHECK(yield_bose_einstein(300.0, 0.1, 0) == 1.0);
}

TEST_CASE("die_yield selects the model and applies the critical-area ratio", "[model][yield]") {
  DefectModel m;
  m.d0_per_cm2 = 0.11;
  m.alpha = 10.0;
  CHECK(die_yield(m, 220.0) == yield_negative_binomial(220.0, 0.11, 10.0));  // bit for bit with CAR = 1
  m.critical_area_ratio = 0.5;
  CHECK(die_yield(m, 220.0) == yield_negative_binomial(110.0, 0.11, 10.0));
  m.critical_area_ratio = 1.0;
  m.model = YieldModel::poisson;
  CHECK(die_yield(m, 220.0) == yield_poisson(220.0, 0.11));
  m.model = YieldModel::murphy;
  CHECK(die_yield(m, 220.0) == yield_murphy(220.0, 0.11));
  m.model = YieldModel::seeds_exp_sqrt;
  CHECK(die_yield(m, 220.0) == yield_seeds_exp_sqrt(220.0, 0.11));
  m.model = YieldModel::seeds_hyperbolic;
  CHECK(die_yield(m, 220.0) == yield_seeds_hyperbolic(220.0, 0.11));
  m.model = YieldModel::bose_einstein;
  m.critical_layers = 7;
  CHECK(die_yield(m, 220.0) == yield_bose_einstein(220.0, 0.11, 7));
}

TEST_CASE("repeated-event yield (stitches, bonds) is exact at its neutral values", "[model][yield]") {
  CHECK(yield_repeated(0.9, 0) == 1.0);
  CHECK(yield_repeated(1.0, 12) == 1.0);
  CHECK(yield_repeated(0.99, 3) == Approx(0.99 * 0.99 * 0.99).epsilon(1e-15));
  CHECK(yield_repeated(0.5, -1) == 1.0);
}

TEST_CASE("closed-form dies per wafer decrease strictly with die area", "[model][wafer]") {
  double actuary = 1e300, de_vries = 1e300, google = 1e300;
  for (double a = 1.0; a <= 2000.0; a += 1.0) {
    const double n1 = dies_per_wafer_actuary(a, 300.0, 5.0, 0.2);
    const double n2 = dies_per_wafer_de_vries(a, 300.0);
    const double s = std::sqrt(a);
    const double n3 = dies_per_wafer_google(s, s, 0.1, 300.0, 3.0);
    INFO("area " << a << ": " << n1 << " " << n2 << " " << n3);
    CHECK(n1 < actuary);
    CHECK(n2 < de_vries);
    CHECK(n3 <= google);
    CHECK(n3 == std::round(n3));
    CHECK(n1 > 0.0);
    actuary = n1, de_vries = n2, google = n3;
  }
}

TEST_CASE("geometric counts: non-negative, below the area bound, monotone, no-grid >= grid", "[model][wafer]") {
  constexpr double kUsableMm = 299.8, kDiceMm = 0.13;  // CATCH wafer_process: 300 mm, edge 0.1 mm, dicing 0.13 mm
  const double circle_mm2 = std::numbers::pi * kUsableMm * kUsableMm / 4.0;
  std::int64_t last_grid = 1 << 30, last_nogrid = 1 << 30;
  for (double a = 1.0; a <= 2000.0; a += 1.0) {
    for (const double aspect : {1.0, 0.5, 1.27}) {
      const double w = std::sqrt(a * aspect), h = a / w;
      const auto g = dies_per_wafer_grid(w, h, kUsableMm, kDiceMm);
      const auto n = dies_per_wafer_nogrid(w, h, kUsableMm, kDiceMm);
      INFO("area " << a << " aspect " << aspect << ": grid " << g << ", no-grid " << n);
      CHECK(g >= 0);
      CHECK(n >= g);  // each row of the no-grid fill holds at least the dies the grid row holds
      // No packing beats the area bound, even counting the die without its dicing lane.
      CHECK(static_cast<double>(n) <= circle_mm2 / a);
      CHECK(static_cast<double>(n) <= circle_mm2 / ((w + kDiceMm) * (h + kDiceMm)) + 1e-9);
      if (aspect == 1.0) {
        CHECK(g <= last_grid);  // a larger square die never fits more often
        CHECK(n <= last_nogrid);
        last_grid = g, last_nogrid = n;
      }
    }
  }
}

TEST_CASE("geometric counts reject dies CATCH rejects and handle degenerate input", "[model][wafer]") {
  CHECK(dies_per_wafer_grid(0.0, 10.0, 299.8, 0.13) == 0);
  CHECK(dies_per_wafer_nogrid(10.0, -1.0, 299.8, 0.13) == 0);
  CHECK(dies_per_wafer_grid(120.0, 120.0, 299.8, 0.13) == 0);  // diagonal 170 mm > usable radius
  CHECK(dies_per_wafer_nogrid(120.0, 120.0, 299.8, 0.13) == 0);
  CHECK(dies_per_wafer_grid(100.0, 100.0, 299.8, 0.13) >= 1);  // diagonal 141 mm: still counted
  // The case CATCH gets wrong (a negative row count on a short top row subtracts two dies): 38, not 37.
  const double s = std::sqrt(1374.5);
  CHECK(dies_per_wafer_grid(s, s, 299.8, 0.13) == 38);
}

TEST_CASE("dies_per_wafer dispatches to the chosen rule", "[model][wafer]") {
  WaferSpec w{300.0, 5.0, 0.2, DpwMethod::actuary_formula};
  CHECK(dies_per_wafer(w, 10.0, 22.0) == dies_per_wafer_actuary(220.0, 300.0, 5.0, 0.2));
  w.method = DpwMethod::geometric_grid;
  CHECK(dies_per_wafer(w, 10.0, 22.0) == static_cast<double>(dies_per_wafer_grid(10.0, 22.0, 290.0, 0.2)));
  w.method = DpwMethod::geometric_nogrid;
  CHECK(dies_per_wafer(w, 10.0, 22.0) == static_cast<double>(dies_per_wafer_nogrid(10.0, 22.0, 290.0, 0.2)));
}

TEST_CASE("timing of the geometric counts (informational)", "[model][wafer][timing]") {
  constexpr int kReps = 200;
  std::int64_t sink = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < kReps; ++i) sink += dies_per_wafer_grid(5.0 + 1e-3 * i, 5.0, 299.8, 0.13);
  const auto t1 = std::chrono::steady_clock::now();
  for (int i = 0; i < kReps; ++i) sink += dies_per_wafer_nogrid(5.0 + 1e-3 * i, 5.0, 299.8, 0.13);
  const auto t2 = std::chrono::steady_clock::now();
  const auto us = [](auto d) { return std::chrono::duration<double, std::micro>(d).count() / kReps; };
  std::cout << "[model timing] 25 mm2 die: grid count " << us(t1 - t0) << " us, no-grid count " << us(t2 - t1)
            << " us (sink " << sink << ")\n";
  CHECK(sink > 0);
}
