// Where the link power is dissipated (model/perf_params_from_deck.cpp, perf_stage.cpp): a pluggable module (DSP or
// linear) sits in a faceplate cage and CPO's external laser source is a faceplate module too, so their power counts in
// the package's power objective (the system power of its links) but not against the package's own power limit or on
// its thermal map. Expectations are written out from the link rows of inputs/tech, not read back from the model.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "chipdse/core/error.hpp"
#include "chipdse/deck/deck.hpp"
#include "chipdse/model/area.hpp"
#include "chipdse/model/evaluate.hpp"
#include "chipdse/model/thermal_bound.hpp"
#include "default_kernel.hpp"

using namespace chipdse;
using namespace chipdse::model;

namespace {

const KernelParams& params() { return test::default_params(); }
double tv(const std::string& key) { return test::default_deck().tech.at(key).value; }

DesignChoice design(LinkTech scale_up, LinkTech scale_out) {
  return test::monolithic_n5(HbmGen::hbm3e, 6, 1.83, scale_up, scale_out);
}

// pJ/bit of `tech` dissipated off the package, from its rows: the module (pluggable DSP, LPO), the external laser
// source's share (CPO), none (copper: host SerDes only; optical I/O chiplet: its row does not split out a laser).
double off_package_pj(LinkTech tech) {
  switch (tech) {
    case LinkTech::pluggable_dsp: return tv("link.pluggable_dsp.energy_module_pj_per_bit");
    case LinkTech::lpo: return tv("link.lpo.energy_module_pj_per_bit");
    case LinkTech::cpo: return tv("link.cpo.laser_power_fraction") * tv("link.cpo.energy_pj_per_bit");
    default: return 0.0;
  }
}

constexpr LinkTech kTechs[] = {LinkTech::copper, LinkTech::pluggable_dsp, LinkTech::lpo, LinkTech::cpo,
                               LinkTech::optical_io_chiplet};

}  // namespace

TEST_CASE("link power off the package: pluggable modules and CPO's external laser, written out from the rows",
          "[perf][links]") {
  const PerfParams& p = params().perf;
  for (const LinkTech up : kTechs)
    for (const LinkTech out : kTechs) {
      const Metrics m = evaluate(design(up, out), params());
      INFO("scale-up " << static_cast<int>(up) << ", scale-out " << static_cast<int>(out));
      const double expected_w =
          (p.scale_up_bytes_per_s * off_package_pj(up) + p.scale_out_bytes_per_s * off_package_pj(out)) * 8.0 * 1e-12;
      CHECK(m.power.links_off_package_w == Approx(expected_w).epsilon(1e-12).margin(1e-12));
      CHECK(m.power.links_off_package_w <= m.power.links_w);
      CHECK(m.power.package_w == Approx(m.power.total_w - expected_w).epsilon(1e-12));
      CHECK(m.power_w == m.power.total_w);  // the objective keeps the system power of the links
    }
  // Copper has nothing off the package; a DSP pluggable leaves only its host SerDes on it.
  const Metrics cu = evaluate(design(LinkTech::copper, LinkTech::copper), params());
  CHECK(cu.power.package_w == cu.power.total_w);
  const double host_serdes_pj = tv("link.pluggable_dsp.energy_pj_per_bit") - tv("link.pluggable_dsp.energy_module_pj_per_bit");
  CHECK(host_serdes_pj > 0.0);
  CHECK(host_serdes_pj < tv("link.pluggable_dsp.energy_pj_per_bit"));
}

TEST_CASE("the package power limit binds the package, not the pluggable modules it drives", "[perf][links][dvfs]") {
  const DesignChoice c = design(LinkTech::copper, LinkTech::pluggable_dsp);
  const Metrics free = evaluate(c, params());
  REQUIRE(free.power.links_off_package_w > 0.0);
  // A limit between the package's own power and the system power: it does not bind.
  KernelParams k = params();
  k.perf.tdp_w = free.power.package_w + 0.5 * free.power.links_off_package_w;
  for (const bool dvfs : {false, true}) {
    k.perf.tdp_dvfs = dvfs;
    const Metrics m = evaluate(c, k);
    CHECK((m.infeasible & infeasible::power_over_tdp) == 0);
    CHECK(m.effective_clock_ghz == c.clock_ghz);
    CHECK(m.throughput_tokens_per_s == free.throughput_tokens_per_s);
    CHECK(m.power_w > k.perf.tdp_w);  // the system power is over the limit, the package is not
  }
  // Below the package's own power it binds: the strict policy rejects the point, DVFS brings the package to the limit.
  k.perf.tdp_w = 0.9 * free.power.package_w;
  k.perf.tdp_dvfs = false;
  CHECK((evaluate(c, k).infeasible & infeasible::power_over_tdp) != 0);
  k.perf.tdp_dvfs = true;
  const Metrics clamped = evaluate(c, k);
  CHECK(clamped.effective_clock_ghz < c.clock_ghz);
  CHECK(clamped.power.package_w <= k.perf.tdp_w);
  CHECK(clamped.power.package_w == Approx(k.perf.tdp_w).epsilon(1e-6));
}

TEST_CASE("CPO's optical engines on the thermal map carry their power without the external laser", "[perf][links][thermal]") {
  const PerfParams& p = params().perf;
  const double on_package_pj = (1.0 - tv("link.cpo.laser_power_fraction")) * tv("link.cpo.energy_pj_per_bit");
  CHECK(cpo_engine_power_w(design(LinkTech::copper, LinkTech::cpo), params()) ==
        Approx(p.scale_out_bytes_per_s * on_package_pj * 8.0 * 1e-12).epsilon(1e-12));
  CHECK(cpo_engine_power_w(design(LinkTech::cpo, LinkTech::optical_io_chiplet), params()) ==
        Approx((p.scale_up_bytes_per_s * on_package_pj + p.scale_out_bytes_per_s * tv("link.optical_io_chiplet.energy_pj_per_bit")) *
               8.0 * 1e-12)
            .epsilon(1e-12));
  CHECK(cpo_engine_power_w(design(LinkTech::copper, LinkTech::pluggable_dsp), params()) == 0.0);
}

TEST_CASE("a link whose energy is below its off-package part is refused with the key and both values", "[perf][links][input]") {
  const std::string text = test::h100_deck_head("link_power_bad") +
                           "[overrides]\n\"link.lpo.energy_module_pj_per_bit\" = 30.0\n[workload]\nkind = \"training\"\n";
  const deck::Deck d =
      deck::load_deck_text(text, std::filesystem::path(CHIPDSE_SOURCE_DIR) / "inputs" / "link_power_test.toml");
  try {
    (void)kernel_params_from_deck(d);
    FAIL("no error for an LPO module above the link's energy");
  } catch (const InputError& e) {
    CHECK(e.key() == "link.lpo.energy_pj_per_bit");
    CHECK(e.value() == "17");
    CHECK(e.allowed() == "at least 30 pJ/bit");
    CHECK(std::string(e.what()).find("off the package") != std::string::npos);
  }
}
