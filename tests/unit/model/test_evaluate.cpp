// Tests of the evaluation kernel (model/evaluate) on the shipped default deck: every point of its space gives finite,
// itemised numbers with named reasons; the kernel allocates nothing; NRE scales as 1/volume and reuse shares
// only chiplet designs; infeasibility reasons fire where they must; and the chiplet break-even property of
// issue #4 holds on organic MCM at N7-N2 with the shipped technology data.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <iostream>
#include <set>
#include <string>

#include "alloc_counter.hpp"
#include "chipdse/deck/deck.hpp"
#include "default_kernel.hpp"
#include "chipdse/model/evaluate.hpp"
#include "chipdse/search/choice_decoder.hpp"
#include "chipdse/search/space_from_deck.hpp"

using namespace chipdse;
using namespace chipdse::model;

namespace {

using test::default_deck;
const KernelParams& params() { return test::default_params(); }
const search::DesignSpace& space() {
  static const search::DesignSpace s = search::design_space_from_deck(default_deck());
  return s;
}

bool finite_non_negative(double x) { return std::isfinite(x) && x >= 0.0; }

// The point of the default deck named by variant and axis values (every other axis: its first value).
DesignChoice choice_of(const std::string& variant, std::vector<std::pair<std::string, std::string>> sets) {
  const auto& s = space();
  const std::size_t v = s.variant_index(variant);
  for (const auto& a : s.variant(v).axes) {
    bool set = false;
    for (const auto& [k, val] : sets) set = set || k == a.name;
    if (!set) sets.emplace_back(a.name, a.values.front());
  }
  return search::ChoiceDecoder(s).choice(s.find_point(variant, sets));
}

}  // namespace

TEST_CASE("every point of the default space: finite numbers, the breakdown adds up, every reason has a name",
          "[model][evaluate]") {
  const search::ChoiceDecoder decoder(space());
  std::uint64_t feasible = 0;
  std::array<std::uint64_t, infeasible::count> by_reason{};
  for (std::uint64_t i = 0; i < space().size(); ++i) {
    const Metrics m = evaluate(decoder.choice(i), params());
    const CostBreakdown& b = m.cost;
    const bool finite = finite_non_negative(m.cost_usd) && finite_non_negative(m.silicon_area_mm2) &&
                        finite_non_negative(m.package_area_mm2) && finite_non_negative(m.interposer_area_mm2) &&
                        finite_non_negative(b.raw_dies_usd) && finite_non_negative(b.defect_scrap_usd) &&
                        finite_non_negative(b.test_usd) && finite_non_negative(b.raw_package_usd) &&
                        finite_non_negative(b.package_scrap_usd) && finite_non_negative(b.assembly_scrap_usd) &&
                        finite_non_negative(b.hbm_usd) && finite_non_negative(b.optics_usd) &&
                        finite_non_negative(b.nre_per_unit_usd) && finite_non_negative(m.throughput_tokens_per_s) &&
                        finite_non_negative(m.latency_s) && finite_non_negative(m.power_w) &&
                        finite_non_negative(m.perf_per_w) && finite_non_negative(m.perf_per_usd) &&
                        finite_non_negative(m.tco_usd_per_mtoken) && finite_non_negative(m.power.compute_w) &&
                        finite_non_negative(m.power.hbm_w) && finite_non_negative(m.power.leakage_w);
    if (!finite) FAIL("point " << i << " has a negative, NaN or infinite number");
    if (!(std::isfinite(m.tj_bound_c) && finite_non_negative(m.goodput_tokens_per_s) &&
          finite_non_negative(m.job_mtbf_h) && m.goodput_tokens_per_s <= m.throughput_tokens_per_s))
      FAIL("point " << i << ": thermal bound, goodput or MTBF not finite, or goodput above throughput");
    const double sum = b.raw_dies_usd + b.defect_scrap_usd + b.test_usd + b.raw_package_usd + b.package_scrap_usd +
                       b.assembly_scrap_usd + b.hbm_usd + b.optics_usd + b.nre_per_unit_usd;
    if (sum != b.total_usd || m.cost_usd != b.total_usd) FAIL("point " << i << ": items do not add up to the total");
    if (m.infeasible == 0) {
      ++feasible;
      if (!(m.cost_usd > 0.0 && m.silicon_area_mm2 > 0.0 && m.throughput_tokens_per_s > 0.0 && m.power_w > 0.0))
        FAIL("feasible point " << i << " has no cost, area, throughput or power");
    }
    for (std::uint32_t bit = 0; bit < infeasible::count; ++bit)
      if (m.infeasible & (1u << bit)) ++by_reason[bit];
    if (m.infeasible >> infeasible::count) FAIL("point " << i << " has an unnamed reason bit");
  }
  std::cout << "[evaluate] default space: " << space().size() << " points, " << feasible << " feasible\n";
  for (std::uint32_t bit = 0; bit < infeasible::count; ++bit)
    if (by_reason[bit] > 0) {
      CHECK(std::string(infeasibility_name(1u << bit)) != "");
      std::cout << "  " << infeasibility_name(1u << bit) << ": " << by_reason[bit] << '\n';
    }
  CHECK(feasible > 0);
  CHECK(feasible < space().size());  // organic MCM with HBM, at least, is not buildable
}

TEST_CASE("every point of the CPO vs pluggable example, optical I/O chiplet included, evaluates finite, and only "
          "copper is out of reach", "[model][evaluate]") {
  const deck::Deck d =
      deck::load_deck(std::filesystem::path(CHIPDSE_SOURCE_DIR) / "inputs" / "examples" / "cpo_vs_pluggable.toml");
  const KernelParams k = kernel_params_from_deck(d);
  const search::DesignSpace s = search::design_space_from_deck(d);
  const search::ChoiceDecoder decoder(s);
  std::uint64_t oio = 0;
  for (std::uint64_t i = 0; i < s.size(); ++i) {
    const DesignChoice c = decoder.choice(i);
    const Metrics m = evaluate(c, k);
    INFO("point " << i << ": " << kLinkTechNames[static_cast<std::size_t>(c.scale_up_link)] << " / "
                  << kLinkTechNames[static_cast<std::size_t>(c.scale_out_link)]);
    CHECK((finite_non_negative(m.cost_usd) && finite_non_negative(m.cost.optics_usd) &&
           finite_non_negative(m.power_w) && finite_non_negative(m.power.links_w) &&
           finite_non_negative(m.latency_s) && finite_non_negative(m.throughput_tokens_per_s) &&
           finite_non_negative(m.package_area_mm2) && finite_non_negative(m.goodput_tokens_per_s) &&
           finite_non_negative(m.job_mtbf_h) && std::isfinite(m.tj_bound_c)));
    // Reach: passive copper cannot span the scale-out tier; every optical technology can span both tiers.
    const bool copper_out = c.scale_out_link == LinkTech::copper;
    CHECK(((m.infeasible & infeasible::link_out_of_reach) != 0) == copper_out);
    if (c.scale_up_link == LinkTech::optical_io_chiplet || c.scale_out_link == LinkTech::optical_io_chiplet) ++oio;
  }
  CHECK(s.size() == kLinkTechCount * kLinkTechCount);
  CHECK(oio == 2 * kLinkTechCount - 1);
}

TEST_CASE("the kernel allocates nothing: 10^4 decodes and evaluations of default-space points", "[model][alloc]") {
  const search::ChoiceDecoder decoder(space());
  const KernelParams& p = params();
  const std::uint64_t n = space().size();
  double sink = 0.0;
  test::g_allocations = 0;
  test::g_counting = true;
  for (std::uint64_t i = 0; i < 10000; ++i) sink += evaluate(decoder.choice((i * 7919u) % n), p).cost_usd;
  test::g_counting = false;
  CHECK(test::g_allocations.load() == 0);
  CHECK(sink > 0.0);
}

TEST_CASE("evaluation is deterministic and does not depend on asking for the detail", "[model][evaluate]") {
  const search::ChoiceDecoder decoder(space());
  for (std::uint64_t i = 0; i < space().size(); i += 997) {
    const DesignChoice c = decoder.choice(i);
    EvaluationDetail d;
    const Metrics a = evaluate(c, params());
    const Metrics b = evaluate(c, params(), &d);
    CHECK(a.cost_usd == b.cost_usd);
    CHECK(a.infeasible == b.infeasible);
    CHECK(a.silicon_area_mm2 == b.silicon_area_mm2);
    CHECK(d.area.silicon_area_mm2 == a.silicon_area_mm2);
  }
}

TEST_CASE("HBM and optics are priced from the technology table, independent of the die", "[model][evaluate]") {
  const deck::Deck& dk = default_deck();
  const auto v = [&](const char* path) { return dk.tech.at(path).value; };
  const Metrics m = evaluate(choice_of("chiplets_io", {{"packaging", "cowos_s"}, {"hbm", "hbm3e"}, {"hbm_stacks", "6"},
                                                       {"scale_up_link", "cpo"}, {"scale_out_link", "lpo"}}),
                             params());
  CHECK(m.cost.hbm_usd == Approx(6 * v("memory.hbm3e.cost_usd_per_stack")).epsilon(1e-12));
  // NVLink-class scale-up: GB/s counts both directions, so a port carries GB/s x 8 / 2 Gb/s each way.
  const double up_gbps = dk.reference.scale_up_gb_per_s * 8.0 / 2.0;
  const double out_gbps = dk.reference.scale_out_gbps;
  CHECK(m.cost.optics_usd == Approx(up_gbps * v("link.cpo.cost_usd_per_gbps") +
                                    out_gbps * v("link.lpo.cost_usd_per_gbps")).epsilon(1e-12));
}

TEST_CASE("NRE per unit is exactly 1/volume, and reuse shares chiplet designs, not the package or a monolithic die",
          "[model][nre]") {
  const DesignChoice chiplets = choice_of("chiplets_io", {{"chiplet_count", "4"}, {"packaging", "cowos_l"}});
  const DesignChoice mono = choice_of("monolithic", {{"packaging", "cowos_s"}});
  KernelParams p = params();
  EvaluationDetail d1, d2;
  const double n1 = evaluate(chiplets, p, &d1).cost.nre_per_unit_usd;
  p.economics.volume_units *= 4.0;
  const double n4 = evaluate(chiplets, p).cost.nre_per_unit_usd;
  CHECK(n4 == Approx(n1 / 4.0).epsilon(1e-14));
  p = params();
  p.economics.reuse_products = 3.0;
  evaluate(chiplets, p, &d2);
  const double designs = d1.nre.total_usd - d1.nre.package_usd;
  CHECK(d2.nre.per_unit_usd ==
        Approx(designs / (3.0 * p.economics.volume_units) + d1.nre.package_usd / p.economics.volume_units)
            .epsilon(1e-12));
  CHECK(evaluate(mono, p).cost.nre_per_unit_usd == evaluate(mono, params()).cost.nre_per_unit_usd);
}

TEST_CASE("infeasibility reasons: HBM on laminate, too little HBM, a die over the deck's limit", "[model][evaluate]") {
  CHECK((evaluate(choice_of("monolithic", {{"packaging", "organic_mcm"}}), params()).infeasible &
         infeasible::hbm_needs_fine_pitch) != 0);
  DesignChoice c = choice_of("monolithic", {{"packaging", "cowos_s"}, {"compute_node", "N3"}});
  CHECK((evaluate(c, params()).infeasible & ~infeasible::hbm_capacity_short) == 0);
  c.hbm_stacks = 3;  // 3 x 24 GB HBM3 < the reference's 80 GB
  CHECK((evaluate(c, params()).infeasible & infeasible::hbm_capacity_short) != 0);
  KernelParams p = params();
  p.max_die_area_mm2 = 400.0;
  c.hbm_stacks = 6;
  const Metrics m = evaluate(c, p);
  CHECK((m.infeasible & infeasible::die_over_max_area) != 0);
  CHECK(m.cost_usd > 0.0);  // never clipped: the numbers are still reported
  DesignChoice bad = c;
  bad.compute_count = 17;
  bad.partitioning = Partitioning::chiplets;
  CHECK(evaluate(bad, params()).infeasible == infeasible::invalid_choice);
}

TEST_CASE("every infeasibility reason has a name of its own", "[model][evaluate]") {
  std::set<std::string> names;
  for (std::uint32_t bit = 0; bit < infeasible::count; ++bit) {
    const std::string name = infeasibility_name(1u << bit);
    if (name.empty()) continue;  // unused bits of the area and geometry ranges
    INFO("bit " << bit << ": " << name);
    CHECK(names.insert(name).second);
  }
  CHECK(names.count("invalid_input") == 1);
  CHECK(names.count("geometry_invalid_input") == 1);
}
