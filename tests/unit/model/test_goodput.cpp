// Tests of reliability -> goodput (model/goodput.hpp, shared/reference/perf_models.md §6.5): the Young/Daly closed
// form against a hand computation, goodput never above throughput, more packages -> lower MTBF -> lower goodput
// fraction, and both directions of the CPO trade-off: a long package-level repair of a CPO engine loses against
// field-replaceable pluggables when engine failures dominate, CPO's fewer lasers win when laser failures dominate.
#include <catch2/catch.hpp>

#include <cmath>

#include "default_kernel.hpp"
#include "chipdse/model/evaluate.hpp"

using namespace chipdse;
using namespace chipdse::model;

namespace {

constexpr std::size_t kPluggable = static_cast<std::size_t>(LinkTech::pluggable_dsp);
constexpr std::size_t kCpo = static_cast<std::size_t>(LinkTech::cpo);
constexpr std::size_t kCopper = static_cast<std::size_t>(LinkTech::copper);
constexpr std::size_t kOio = static_cast<std::size_t>(LinkTech::optical_io_chiplet);

/// A hand-made reliability model: 1024 packages, 1 scale-up port of 1.6T, nothing fails but what a test sets.
GoodputParams base() {
  GoodputParams g;
  g.training = true;
  g.job_packages[0] = 1024;
  g.scale_up_ports = 1.0;
  g.scale_out_ports = 0.0;
  g.lasers_per_port = {8.0, 8.0, 2.0, 0.0};  // pluggable 8, LPO 8, CPO 2 per 1.6T (NVIDIA, links.toml)
  g.engine_serviceable = {true, true, false, true};
  g.restart_h = 0.25;
  g.checkpoint_write_h = 0.01;
  return g;
}

}  // namespace

TEST_CASE("Young/Daly: the closed form against a hand computation", "[model][goodput]") {
  // delta = 0.1 h, M = 20 h, R = 0.5 h: tau* = sqrt(2 x 0.1 x 20) = 2 h;
  // waste = 0.1 / 2 + 2 / 40 + 0.5 / 20 = 0.05 + 0.05 + 0.025 = 0.125.
  CHECK(young_daly_waste(0.1, 20.0, 0.5) == Approx(0.125).epsilon(1e-14));
  CHECK(young_daly_waste(0.0, 20.0, 0.0) == 0.0);
  CHECK(young_daly_waste(0.1, 0.0, 0.5) == 0.0);  // no failures: no MTBF, no waste

  // Through the model: one package-level rate lambda with n packages gives M = 1 / (n lambda).
  GoodputParams g = base();
  g.job_packages[0] = 100;
  g.checkpoint_write_h = 0.1;
  g.restart_h = 0.25;
  g.package_replacement_h = 0.25;
  FailureRates r;
  r.package_level_per_h = 1.0 / (20.0 * 100.0);  // M = 20 h
  const GoodputResult out = goodput_of(g, r, 1000.0);
  CHECK(out.job_mtbf_h == Approx(20.0).epsilon(1e-14));
  CHECK(out.checkpoint_interval_h == Approx(2.0).epsilon(1e-14));
  CHECK(out.waste_fraction == Approx(0.125).epsilon(1e-14));
  CHECK(out.goodput_tokens_per_s == Approx(875.0).epsilon(1e-14));
}

TEST_CASE("goodput: the package failure rate is the sum of perf_models.md §6.5's terms", "[model][goodput]") {
  GoodputParams g = base();
  g.die_fit_per_mm2 = 10.0, g.hbm_stack_fit = 500.0, g.host_fit = 3000.0;
  g.laser_fit = {100.0, 100.0, 100.0, 0.0};
  g.engine_fit_per_port = {300.0, 100.0, 1000.0, 0.0};
  g.scale_out_ports = 0.25;
  // 800 mm² of dies, 6 stacks, CPO scale-up (1 port), pluggable scale-out (0.25 port).
  const FailureRates r = package_failure_rates(g, 800.0, 6, LinkTech::cpo, LinkTech::pluggable_dsp);
  const double pkg = 10.0 * 800 + 6 * 500.0 + 3000.0 + 1.0 * 1000.0;  // the CPO engine is package-level
  const double fru = 1.0 * 2 * 100.0 + 0.25 * (8 * 100.0 + 300.0);     // lasers, and the pluggable module
  CHECK(r.package_level_per_h == Approx(pkg * 1e-9).epsilon(1e-14));
  CHECK(r.field_replaceable_per_h == Approx(fru * 1e-9).epsilon(1e-14));
}

TEST_CASE("goodput: the optical I/O chiplet is package-level, its external laser field-replaceable",
          "[model][goodput]") {
  // From links.toml: serviceable = false, an external laser source, an engine failure rate.
  const GoodputParams& shipped = test::default_params().goodput;
  CHECK_FALSE(shipped.engine_serviceable[kOio]);
  CHECK(shipped.engine_fit_per_port[kOio] > 0.0);
  CHECK(shipped.lasers_per_port[kOio] > 0.0);
  CHECK(shipped.laser_fit[kOio] > 0.0);
  GoodputParams g = base();
  g.lasers_per_port[kOio] = shipped.lasers_per_port[kOio];
  g.laser_fit[kOio] = shipped.laser_fit[kOio];
  g.engine_fit_per_port[kOio] = shipped.engine_fit_per_port[kOio];
  g.engine_serviceable[kOio] = shipped.engine_serviceable[kOio];
  const FailureRates r = package_failure_rates(g, 0.0, 0, LinkTech::optical_io_chiplet, LinkTech::copper);
  CHECK(r.package_level_per_h == Approx(shipped.engine_fit_per_port[kOio] * 1e-9).epsilon(1e-14));
  CHECK(r.field_replaceable_per_h ==
        Approx(shipped.lasers_per_port[kOio] * shipped.laser_fit[kOio] * 1e-9).epsilon(1e-14));
}

TEST_CASE("goodput never exceeds throughput, on hand-made inputs and on the default space", "[model][goodput]") {
  GoodputParams g = base();
  for (double rate : {0.0, 1e-6, 1e-4, 1e-2, 1.0}) {
    FailureRates r;
    r.package_level_per_h = rate;
    const GoodputResult out = goodput_of(g, r, 500.0);
    CHECK(out.goodput_tokens_per_s <= 500.0);
    CHECK(out.goodput_tokens_per_s >= 0.0);
    CHECK(std::isfinite(out.job_mtbf_h));
  }
  const KernelParams& p = test::default_params();
  DesignChoice c;
  c.partitioning = Partitioning::chiplets_io;
  c.compute_count = 4;
  c.compute_node = ProcessNode::n3;
  c.packaging = Packaging::cowos_s;
  c.d2d_tbps_per_direction = 8.0;
  c.hbm = HbmGen::hbm3e;
  c.hbm_stacks = 6;
  c.scale_up_link = LinkTech::cpo;
  c.scale_out_link = LinkTech::lpo;
  c.clock_ghz = 1.8;
  const Metrics m = evaluate(c, p);
  INFO("throughput " << m.throughput_tokens_per_s << ", goodput " << m.goodput_tokens_per_s << ", MTBF "
                     << m.job_mtbf_h << " h");
  CHECK(m.throughput_tokens_per_s > 0.0);
  CHECK(m.goodput_tokens_per_s < m.throughput_tokens_per_s);
  CHECK(m.goodput_tokens_per_s > 0.5 * m.throughput_tokens_per_s);  // Llama 3 scale: > 90% at 16k GPUs
  CHECK(m.job_mtbf_h > 0.0);
}

TEST_CASE("goodput: more packages, lower MTBF, lower goodput fraction", "[model][goodput]") {
  GoodputParams g = base();
  FailureRates r;
  r.package_level_per_h = 2e-5;  // ~20,000 FIT per package, the order of the shipped data
  double last_mtbf = INFINITY, last_fraction = 1.0;
  for (double n : {1.0, 64.0, 1024.0, 16384.0, 131072.0}) {
    g.job_packages[0] = n;
    const GoodputResult out = goodput_of(g, r, 1000.0);
    CHECK(out.job_mtbf_h < last_mtbf);
    CHECK(out.goodput_tokens_per_s / 1000.0 < last_fraction);
    last_mtbf = out.job_mtbf_h;
    last_fraction = out.goodput_tokens_per_s / 1000.0;
  }
}

TEST_CASE("goodput: CPO's long engine repair loses when engine FIT x repair dominates, its fewer lasers win when "
          "laser FIT dominates",
          "[model][goodput]") {
  GoodputParams g = base();
  const double throughput = 1000.0;
  const auto goodput = [&](const GoodputParams& q, LinkTech up) {
    return goodput_of(q, package_failure_rates(q, 0.0, 0, up, LinkTech::copper), throughput).goodput_tokens_per_s;
  };
  SECTION("engine failures dominate: equal engine FIT, CPO waits for a package, the pluggable for a module swap") {
    g.laser_fit = {0.0, 0.0, 0.0, 0.0};
    g.engine_fit_per_port = {1000.0, 1000.0, 1000.0, 0.0};
    g.package_replacement_h = 48.0;  // no spare: a replacement package
    g.fru_swap_h = 0.5;
    CHECK(goodput(g, LinkTech::cpo) < goodput(g, LinkTech::pluggable_dsp));
    g.package_replacement_h = g.fru_swap_h;  // with equal repair times nothing separates them
    CHECK(goodput(g, LinkTech::cpo) == Approx(goodput(g, LinkTech::pluggable_dsp)).epsilon(1e-14));
  }
  SECTION("laser failures dominate: 2 lasers per 1.6T port against 8") {
    g.laser_fit = {1000.0, 1000.0, 1000.0, 0.0};
    g.engine_fit_per_port = {0.0, 0.0, 0.0, 0.0};
    g.package_replacement_h = 48.0;
    g.fru_swap_h = 0.5;
    CHECK(goodput(g, LinkTech::cpo) > goodput(g, LinkTech::pluggable_dsp));
  }
  CHECK(g.lasers_per_port[kCpo] < g.lasers_per_port[kPluggable]);
  CHECK(g.lasers_per_port[kCopper] == 0.0);
}

TEST_CASE("goodput params from the shipped deck: rates as derived in inputs/tech", "[model][goodput]") {
  const KernelParams& p = test::default_params();
  const GoodputParams& g = p.goodput;
  // compute.h100.die_failure_rate_fit (184 die interruptions / 21,233,664 H100-hours) over its 814 mm².
  CHECK(g.die_fit_per_mm2 == Approx(8665.5 / 814.0).epsilon(1e-12));
  CHECK(g.lasers_per_port[kPluggable] == 8.0);
  CHECK(g.lasers_per_port[kCpo] == 2.0);
  CHECK_FALSE(g.engine_serviceable[kCpo]);
  CHECK(g.engine_serviceable[kPluggable]);
  CHECK(g.training);
  CHECK(g.job_packages[0] == 1024.0);
  // delta = 16 bytes x N / (0.12207 GB/s x 1024): Llama-2-70B (69e9 parameters) writes in ~9 s.
  CHECK(g.checkpoint_write_h * 3600.0 == Approx(16.0 * p.perf.demands[0].params / (0.12207e9 * 1024)).epsilon(1e-12));
  CHECK(g.scale_up_ports == Approx(900e9 / 2 * 8 / 1.6e12).epsilon(1e-12));  // NVLink4 900 GB/s both ways
}
