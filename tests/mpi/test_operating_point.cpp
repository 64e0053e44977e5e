// MPI tests of the operating point on the solved temperatures (thermal/operating_point.hpp): the influence matrix of
// a design's package against direct solves, the point settled at its solved temperature, and the fastest clock whose
// settled junction stays within a limit (NLopt COBYLA). Points of inputs/default.toml on the technology database's
// air stack; every rank computes the same and must agree bit for bit.
#include <catch2/catch.hpp>
#include <mpi.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "same_on_all_ranks.hpp"
#include "chipdse/deck/deck.hpp"
#include "chipdse/model/evaluate.hpp"
#include "chipdse/model/kernel_params.hpp"
#include "chipdse/model/solved_thermal.hpp"
#include "chipdse/model/thermal_bound.hpp"
#include "chipdse/thermal/case_from_geometry.hpp"
#include "chipdse/thermal/fv_mesh.hpp"
#include "chipdse/thermal/fv_solver.hpp"
#include "chipdse/thermal/operating_point.hpp"
#include "chipdse/thermal/stack_from_tech.hpp"

using namespace chipdse;
using namespace chipdse::thermal;

namespace {

constexpr double kZeroCelsiusK = 273.15;
constexpr int kCells = 32;

const deck::Deck& the_deck() {
  static const deck::Deck d = deck::load_deck(std::filesystem::path(CHIPDSE_SOURCE_DIR) / "inputs" / "default.toml");
  return d;
}

/// Four N3 chiplets and an N6 IO die on CoWoS-L with 6 HBM3E stacks and CPO scale-up (engines on the substrate).
model::DesignChoice chiplets_io_cpo() {
  model::DesignChoice c;
  c.partitioning = model::Partitioning::chiplets_io;
  c.compute_count = 4;
  c.compute_node = model::ProcessNode::n3;
  c.io_node = model::ProcessNode::n6;
  c.packaging = model::Packaging::cowos_l;
  c.d2d = model::D2dKind::ucie_a;
  c.d2d_tbps_per_direction = 4.0;
  c.hbm = model::HbmGen::hbm3e;
  c.hbm_stacks = 6;
  c.scale_up_link = model::LinkTech::cpo;
  c.scale_out_link = model::LinkTech::pluggable_dsp;
  c.clock_ghz = 1.98;
  return c;
}

/// The peak (K) of placed rectangle `r`'s block in a direct solve of its package; 0 (a failed check) without one.
double direct_peak_k(const CaseResult& direct, const model::PlacedRect& r) {
  const std::string name = rect_block_name(r);
  const auto it = std::find_if(direct.blocks.begin(), direct.blocks.end(), [&](const auto& b) { return b.name == name; });
  CHECK(it != direct.blocks.end());
  return it == direct.blocks.end() ? 0.0 : it->t.max_k;
}

}  // namespace

TEST_CASE("operating point: the influence matrix gives the direct solve's peaks, the settled point is a fixed point, "
          "and the sustained clock is the fastest that keeps the junction within the limit",
          "[thermal][operating_point]") {
  const model::KernelParams params = model::kernel_params_from_deck(the_deck());
  const model::DesignChoice c = chiplets_io_cpo();
  model::EvaluationDetail d;
  const model::Metrics kernel = model::evaluate(c, params, &d);
  const model::Geometry& g = d.geometry;
  const PackageStack stack = package_stack_from_tech(the_deck().tech, Cooling::air);
  const InfluenceMatrix im = rect_influence_matrix(g, stack, kCells);
  REQUIRE(im.sources.size() == g.rect_count);

  // 1. Superposition: the matrix-vector product equals the direct solve of the same map (the solver's rtol 1e-8 on a
  //    rise of tens of kelvin leaves ~1e-6 K), for the kernel's map.
  const auto q = model::rect_power_w(g, kernel.power, model::cpo_engine_power_w(c, params));
  const std::span<const double> qs(q.data(), g.rect_count);
  const CaseResult direct = solve_case(case_from_geometry(g, qs, stack, kCells));
  for (std::size_t i = 0; i < g.rect_count; ++i) {
    INFO(rect_block_name(g.rects[i]));
    CHECK(std::abs(im.block_stats(im.sources[i], qs).max_k - direct_peak_k(direct, g.rects[i])) <= 1e-5);
  }

  // 2. The settled point: the leakage's junction is the solved one, the fixed point rises above the kernel's (the
  //    bound is below the solve), and one more step stays put.
  const SettledPoint s = settle_on_solved(c, params, g, im);
  REQUIRE(s.converged);
  CHECK(std::abs(s.tj_c - s.leakage_tj_c) <= 0.05);
  CHECK(s.tj_c > kernel.tj_bound_c);
  CHECK(s.metrics.power.leakage_w > kernel.power.leakage_w);
  const model::Metrics again = model::evaluate_at_junction(c, params, s.tj_c);
  const auto q2 = model::rect_power_w(g, again.power, model::cpo_engine_power_w(c, params));
  CHECK(std::abs(hottest_logic_k(im, g, std::span<const double>(q2.data(), g.rect_count)) - kZeroCelsiusK - s.tj_c) <=
        0.1);
  CHECK(test::same_on_all_ranks(s.tj_c));

  // 3. Within a limit above the settled junction the design's clock stands; with the limit 5 K below it the clock
  //    falls to where the junction meets the limit (or the runaway edge below it), and 0.2 % more misses.
  const SustainedPoint free = sustained_point(c, params, g, im, s.tj_c + 5.0, 0.25);
  CHECK(free.found);
  CHECK(free.result == "DESIGN_CLOCK");
  CHECK(free.clock_ghz == c.clock_ghz);
  const double limit_c = s.tj_c - 5.0;
  const SustainedPoint held = sustained_point(c, params, g, im, limit_c, 0.25);
  INFO("clock " << held.clock_ghz << " GHz, Tj " << held.point.tj_c << " C, " << held.evaluations << " evaluations, "
                << held.result);
  REQUIRE(held.found);
  CHECK(held.clock_ghz < c.clock_ghz);
  CHECK(held.point.tj_c <= limit_c);
  CHECK(held.point.metrics.throughput_tokens_per_s < s.metrics.throughput_tokens_per_s);
  model::DesignChoice faster = c;
  faster.clock_ghz = held.clock_ghz * 1.002;
  const SettledPoint over = settle_on_solved(faster, params, g, im);
  CHECK((!over.converged || over.tj_c > limit_c));
  CHECK(test::same_on_all_ranks(held.clock_ghz));
}

TEST_CASE("verification rounds' solve: one column per die kind equals the per-die influence matrix summed by kind, "
          "and the verified point's junction is the direct solve of its own power map",
          "[thermal][operating_point][verification]") {
  const model::KernelParams params = model::kernel_params_from_deck(the_deck());
  const model::DesignChoice c = chiplets_io_cpo();
  model::EvaluationDetail d;
  const model::Metrics kernel = model::evaluate(c, params, &d);
  const model::Geometry& g = d.geometry;
  const PackageStack stack = package_stack_from_tech(the_deck().tech, Cooling::air);

  // 1. Linearity: solving 1 W in every die of a kind at once gives the sum of the per-die columns (each solve to rtol
  //    1e-8 of rises of a few K/W), so the hottest logic die agrees for any power map: the kernel's, each kind alone,
  //    and mixes. (Both keep only the rows no other row bounds, which need not be the same rows when two are within
  //    the solver's tolerance of each other, hence the comparison through power maps.)
  const model::SolvedThermal by_kind = solve_logic_response(g, stack, kCells);
  const model::SolvedThermal summed = logic_response(rect_influence_matrix(g, stack, kCells), g);
  REQUIRE(by_kind.sources == model::SolvedThermal::kKinds);
  REQUIRE(by_kind.rows() > 0);
  CHECK(by_kind.ambient_c == summed.ambient_c);
  const auto q0 = model::rect_power_w(g, kernel.power, model::cpo_engine_power_w(c, params));
  std::vector<std::array<double, model::SolvedThermal::kKinds>> maps{model::kind_power_w(g, q0.data())};
  for (std::size_t k = 0; k < model::SolvedThermal::kKinds; ++k) {
    std::array<double, model::SolvedThermal::kKinds> e{};
    e[k] = 100.0;
    maps.push_back(e);
  }
  maps.push_back({50.0, 30.0, 0.0, 10.0, 5.0});
  maps.push_back({5.0, 300.0, 0.0, 1.0, 50.0});
  for (const auto& p : maps) CHECK(std::abs(hottest_logic_c(by_kind, p.data()) - hottest_logic_c(summed, p.data())) <= 1e-6);
  // Dropping bounded rows keeps the hottest cell: against every cell of the logic dies (the per-die matrix's rows).
  const InfluenceMatrix im = rect_influence_matrix(g, stack, kCells);
  for (const auto& p : maps) {
    std::vector<double> rect(g.rect_count);
    for (std::size_t i = 0; i < g.rect_count; ++i) rect[i] = p[static_cast<std::size_t>(g.rects[i].kind)];
    CHECK(std::abs(hottest_logic_k(im, g, rect) - kZeroCelsiusK - hottest_logic_c(summed, p.data())) <= 1e-9);
  }
  // Too few cells for the package's edges: the case takes about twice the fewest that put a line on every edge.
  {
    const std::vector<double> zero(g.rect_count, 0.0);
    const FvCase coarse = case_from_geometry(g, zero, stack, 4);
    const int fewest = fewest_cells_xy(coarse);
    REQUIRE(fewest > 4);
    int nx = 0, ny = 0;
    for (const auto& seg : coarse.x) nx += seg.cells;
    for (const auto& seg : coarse.y) ny += seg.cells;
    CHECK(std::max(nx, ny) >= 2 * fewest - 4);  // remesh rounds per interval: a few cells either way
    CHECK(std::min(nx, ny) >= fewest);
  }
  // The package has compute, IO, HBM and engines but no cache dies: that column is zero.
  for (std::size_t r = 0; r < by_kind.rows(); ++r)
    CHECK(by_kind.rise_k_per_w[r * model::SolvedThermal::kKinds + static_cast<std::size_t>(model::RectKind::cache)] == 0.0);

  // 2. The verified point (what a run with rounds reports once this package is solved): its junction is the peak of the
  //    direct solve of its own power map, a fixed point, not below the kernel's bound; its power not below the
  //    kernel's. Every rank gets the same bits.
  model::SolvedGeometries solved;
  REQUIRE(solved.insert(g.key, by_kind));
  const model::Metrics v = model::evaluate_verified(c, params, &solved);
  REQUIRE(v.tj_solved_c > 0.0);
  CHECK(v.tj_solved_c >= kernel.tj_bound_c);
  CHECK(v.power_w >= kernel.power_w);
  CHECK(std::abs(v.power.leakage_tj_c - v.tj_solved_c) <= model::kSettleToleranceK);
  const auto q = model::rect_power_w(g, v.power, model::cpo_engine_power_w(c, params));
  const CaseResult direct = solve_case(case_from_geometry(g, std::span<const double>(q.data(), g.rect_count), stack, kCells));
  double hottest_k = 0.0, hbm_k = 0.0, engine_k = 0.0;
  for (std::size_t i = 0; i < g.rect_count; ++i) {
    double& peak = is_logic_die(g.rects[i].kind) ? hottest_k : g.rects[i].kind == model::RectKind::hbm ? hbm_k : engine_k;
    peak = std::max(peak, direct_peak_k(direct, g.rects[i]));
  }
  CHECK(std::abs(hottest_k - kZeroCelsiusK - v.tj_solved_c) <= 1e-5);
  // The HBM stacks and the engines on the same solve, reported beside the junction.
  REQUIRE(hbm_k > 0.0);
  REQUIRE(engine_k > 0.0);
  CHECK(std::abs(hbm_k - kZeroCelsiusK - v.hbm_solved_c) <= 1e-5);
  CHECK(std::abs(engine_k - kZeroCelsiusK - v.optical_engine_solved_c) <= 1e-5);
  CHECK(test::same_on_all_ranks(v.tj_solved_c));
  CHECK(test::same_on_all_ranks(v.power_w));
}
