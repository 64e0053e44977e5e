// MPI property test of the provable thermal lower bound (model/thermal_bound.hpp, DESIGN.md §2 step 6): for design
// points of inputs/default.toml, the kernel's own placed geometry and the power map of the kernel's power breakdown
// (model::rect_power_w, the map the bound uses) are solved by the finite-volume solver on the package stack of the
// technology database (thermal::package_stack_from_tech), and the bound must not exceed the solved peak temperature
// of the logic dies (compute, IO, cache). Run under mpiexec -n 1 and -n 2 with the other thermal tests; each rank
// solves every case of the default test on PETSC_COMM_SELF, so the ranks must agree bit for bit.
// A wider, opt-in sweep (hidden tag): mpiexec -n 2 build/tests/test_thermal "[sweep]" (ranks share the points).
#include <catch2/catch.hpp>
#include <mpi.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "same_on_all_ranks.hpp"
#include "chipdse/deck/deck.hpp"
#include "chipdse/model/evaluate.hpp"
#include "chipdse/model/kernel_params.hpp"
#include "chipdse/search/choice_decoder.hpp"
#include "chipdse/search/space_from_deck.hpp"
#include "chipdse/thermal/case_from_geometry.hpp"
#include "chipdse/thermal/fv_solver.hpp"
#include "chipdse/thermal/stack_from_tech.hpp"

using namespace chipdse;

namespace {

constexpr double kCelsiusToKelvin = 273.15;
constexpr int kCellsXy = 48;  // in-plane cells before snapping (the influence-matrix tests use 32-64)

int rank_of_world() {
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

const deck::Deck& the_deck() {
  static const deck::Deck d = deck::load_deck(std::filesystem::path(CHIPDSE_SOURCE_DIR) / "inputs" / "default.toml");
  return d;
}

const model::KernelParams& the_params() {
  static const model::KernelParams p = model::kernel_params_from_deck(the_deck());
  return p;
}

/// A logic die block of the FV case: "compute<i>", "io", "cache<i>" (not the bump, shim or HBM blocks).
bool is_logic_block(const std::string& name) {
  if (name.find('.') != std::string::npos) return false;
  return name.rfind("compute", 0) == 0 || name.rfind("cache", 0) == 0 || name.rfind("io", 0) == 0;
}

struct Outcome {
  double bound_c = 0, fv_c = 0, sink_c = 0, power_w = 0;
  double kernel_bound_c = 0;  ///< what evaluate() reported (equal to bound_c for the deck's own cooling)
};

/// The bound and the FV peak logic-die temperature of `choice` with cooling `cooling` and board path `h_bottom`.
Outcome bound_and_fv(const model::DesignChoice& choice, thermal::Cooling cooling, double h_bottom_w_m2k) {
  thermal::PackageStack stack = thermal::package_stack_from_tech(the_deck().tech, cooling);
  stack.htc_bottom_w_m2k = h_bottom_w_m2k;
  // The bound's constants for the same cooling and board path (the deck's own resolution is checked below).
  model::KernelParams p = the_params();
  p.thermal_bound.h_top_w_per_m2k = stack.htc_top_w_m2k;
  p.thermal_bound.h_bottom_w_per_m2k = stack.htc_bottom_w_m2k;
  p.thermal_bound.sink_temperature_c = stack.ambient_k - kCelsiusToKelvin;

  model::EvaluationDetail d;
  const model::Metrics m = model::evaluate(choice, p, &d);
  const auto q = model::rect_power_w(d.geometry, m.power, model::cpo_engine_power_w(choice, p));
  Outcome o;
  o.power_w = m.power_w;
  o.kernel_bound_c = m.tj_bound_c;
  o.sink_c = p.thermal_bound.sink_temperature_c;
  o.bound_c = model::tj_lower_bound_c(d.geometry, q, p.thermal_bound);
  const thermal::CaseResult r = thermal::solve_case(
      thermal::case_from_geometry(d.geometry, std::span<const double>(q.data(), d.geometry.rect_count), stack, kCellsXy));
  double tj_k = 0.0;
  for (const auto& b : r.blocks)
    if (is_logic_block(b.name)) tj_k = std::max(tj_k, b.t.max_k);
  o.fv_c = tj_k - kCelsiusToKelvin;
  return o;
}

model::DesignChoice point(model::Partitioning part, int k, model::ProcessNode node, model::Packaging pkg,
                          model::HbmGen hbm, int stacks, model::LinkTech up, model::LinkTech out, double clock_ghz) {
  model::DesignChoice c;
  c.partitioning = part;
  c.compute_count = k;
  c.compute_node = node;
  c.io_node = model::ProcessNode::n6;
  c.cache_node = model::ProcessNode::n5;
  c.packaging = pkg;
  c.d2d = model::D2dKind::ucie_a;
  c.d2d_tbps_per_direction = 4.0;
  c.hbm = hbm;
  c.hbm_stacks = stacks;
  c.scale_up_link = up;
  c.scale_out_link = out;
  c.clock_ghz = clock_ghz;
  return c;
}

}  // namespace

TEST_CASE("thermal bound <= the FV solver's peak logic-die temperature on default-deck points",
          "[thermal][bound][mpi]") {
  using model::HbmGen, model::LinkTech, model::Packaging, model::Partitioning, model::ProcessNode;
  using thermal::Cooling;
  struct Case {
    const char* label;
    model::DesignChoice choice;
    Cooling cooling = Cooling::liquid;  // the default deck's constraints.cooling
    double h_bottom_w_m2k = 0.0;        // thermal.cooling.h_package_bottom_w_per_m2k (0) or the board side (25)
  };
  const std::vector<Case> cases = {
      {"monolithic N5 CoWoS-S 5xHBM3", point(Partitioning::monolithic, 1, ProcessNode::n5, Packaging::cowos_s,
                                             HbmGen::hbm3, 5, LinkTech::copper, LinkTech::pluggable_dsp, 1.98)},
      {"4 chiplets N3 CoWoS-L 6xHBM3E CPO/CPO", point(Partitioning::chiplets, 4, ProcessNode::n3, Packaging::cowos_l,
                                                      HbmGen::hbm3e, 6, LinkTech::cpo, LinkTech::cpo, 1.8)},
      {"8 chiplets + IO N2 InFO 8xHBM4", point(Partitioning::chiplets_io, 8, ProcessNode::n2, Packaging::info,
                                               HbmGen::hbm4, 8, LinkTech::copper, LinkTech::lpo, 1.6)},
      {"4 chiplets + IO + 3D cache N3 CoWoS-S", point(Partitioning::chiplets_io_cache, 4, ProcessNode::n3,
                                                      Packaging::cowos_s, HbmGen::hbm3e, 6, LinkTech::cpo,
                                                      LinkTech::pluggable_dsp, 1.98)},
      {"16 chiplets + IO N3 CoWoS-L 8xHBM3E", point(Partitioning::chiplets_io, 16, ProcessNode::n3, Packaging::cowos_l,
                                                    HbmGen::hbm3e, 8, LinkTech::cpo, LinkTech::cpo, 1.98)},
      {"2 chiplets N5 EMIB 4xHBM3, air", point(Partitioning::chiplets, 2, ProcessNode::n5, Packaging::emib,
                                               HbmGen::hbm3, 4, LinkTech::copper, LinkTech::pluggable_dsp, 1.98),
       Cooling::air},
      {"2 chiplets N5 organic MCM, air", point(Partitioning::chiplets, 2, ProcessNode::n5, Packaging::organic_mcm,
                                               HbmGen::hbm3, 4, LinkTech::copper, LinkTech::pluggable_dsp, 1.6),
       Cooling::air},
      {"monolithic N5 CoWoS-S, air, board path h_b 25", point(Partitioning::monolithic, 1, ProcessNode::n5,
                                                              Packaging::cowos_s, HbmGen::hbm3, 5, LinkTech::copper,
                                                              LinkTech::pluggable_dsp, 1.98),
       Cooling::air, 25.0},
  };

  // The deck's own resolution describes the solver's stack (liquid cooling, adiabatic bottom).
  const thermal::PackageStack liquid = thermal::package_stack_from_tech(the_deck().tech, Cooling::liquid);
  const model::ThermalBoundParams& tb = the_params().thermal_bound;
  CHECK(tb.h_top_w_per_m2k == liquid.htc_top_w_m2k);
  CHECK(tb.h_bottom_w_per_m2k == liquid.htc_bottom_w_m2k);
  CHECK(tb.sink_temperature_c + kCelsiusToKelvin == Approx(liquid.ambient_k).epsilon(1e-15));
  CHECK(tb.tim_r_m2k_per_w * liquid.tim_k_w_mk == Approx(liquid.tim_thickness_m).epsilon(1e-12));

  for (const Case& c : cases) {
    INFO(c.label);
    const Outcome o = bound_and_fv(c.choice, c.cooling, c.h_bottom_w_m2k);
    if (rank_of_world() == 0)
      std::printf("[bound vs FV] %-46s P %6.1f W  bound %7.3f C  FV Tj max %7.3f C  rise ratio %.3f\n", c.label,
                  o.power_w, o.bound_c, o.fv_c, (o.bound_c - o.sink_c) / (o.fv_c - o.sink_c));
    REQUIRE(o.power_w > 0.0);
    if (c.cooling == Cooling::liquid && c.h_bottom_w_m2k == 0.0) CHECK(o.bound_c == o.kernel_bound_c);
    CHECK(o.bound_c > o.sink_c);
    CHECK(o.bound_c <= o.fv_c);
    CHECK(test::same_on_all_ranks(o.fv_c));
  }
}

TEST_CASE("thermal bound <= FV on every 97th point of the default space, liquid and air", "[.][sweep][bound]") {
  const search::DesignSpace space = search::design_space_from_deck(the_deck());
  const search::ChoiceDecoder decoder(space);
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const int rank = rank_of_world();
  double worst_ratio = 0.0;
  int solved = 0;
  for (std::uint64_t i = 0, n = 0; i < space.size(); i += 97, ++n) {
    if (static_cast<int>(n % static_cast<std::uint64_t>(size)) != rank) continue;
    for (const thermal::Cooling cooling : {thermal::Cooling::liquid, thermal::Cooling::air}) {
      const Outcome o = bound_and_fv(decoder.choice(i), cooling, 0.0);
      if (!(o.power_w > 0.0)) continue;
      INFO("point " << i << (cooling == thermal::Cooling::air ? " air" : " liquid") << ": bound " << o.bound_c
                    << " C, FV " << o.fv_c << " C");
      CHECK(o.bound_c <= o.fv_c);
      worst_ratio = std::max(worst_ratio, (o.bound_c - o.sink_c) / (o.fv_c - o.sink_c));
      ++solved;
    }
  }
  std::printf("[bound sweep] rank %d: %d solves, largest bound/FV rise ratio %.3f\n", rank, solved, worst_ratio);
}
