// Validation of the cost/yield kernel against tests/data/validation/cost_cases.json (a copy of
// shared/validation/cost_cases.json; README there): every output number of every case, with the case's own tolerance
// (comparison rules in cost_case_support.hpp). The Actuary parameters (node table, packaging, NRE) are chipdse's data
// file inputs/tech/chiplet_actuary_2022.toml read by actuary_parameters_from_tech(); test_actuary_parameters.cpp
// checks that they are what each case's inputs.defaults state. Areas, volumes and the system come from each case's
// JSON; only what a case does not state is taken from the cited tool (named where used).
#include <sstream>

#include "cost_case_support.hpp"

using namespace cost_validation;

namespace {

// --- 800 mm² at 5 nm: SoC vs 4 chiplets (cases actuary_800mm2_5nm_n4_*) ---------------------------------------------

struct Option {
  PackageCost pkg;
  NreResult nre;
  double die_mm2 = 0.0;
};

// Builds the case's `inputs.system`: "800 mm2 of 5nm logic; SoC = one 800 mm2 die on OS. Chiplet option = 4 chiplets
// of 800/4 mm2 module + 10% D2D area each; each chiplet a distinct design | one chiplet design replicated n times".
Option evaluate_800(const ActuaryParameters& p, const json& c, PackageKind kind, bool soc, CostCompat compat) {
  const std::string system = c.at("inputs").at("system");
  const double logic_mm2 = number_after(system, R"((\d+) mm2 of)");
  const int node = static_cast<int>(number_after(system, R"(mm2 of (\d+)nm)"));
  const int n = static_cast<int>(number_after(system, R"(Chiplet option = (\d+) chiplets)"));
  const double d2d_fraction = number_after(system, R"(\+ (\d+)% D2D)") / 100.0;
  const bool distinct = system.find("distinct design") != std::string::npos;
  const double node_nre = node_of(p, node).nre_usd;
  const double module_mm2 = soc ? logic_mm2 : logic_mm2 / n;
  const double d2d_mm2 = soc ? 0.0 : module_mm2 * d2d_fraction;  // Chiplet(module, D2D_area) adds it to the die

  Option o;
  o.die_mm2 = module_mm2 + d2d_mm2;
  PackageSpec spec;
  spec.kind = kind;
  ProductNre product;
  product.volume_units = 1.0;  // NRE at volume 1 = the one-off total; divided by each case volume below
  const int kinds = soc || !distinct ? 1 : n;
  const int per_kind = soc ? 1 : (distinct ? 1 : n);
  for (int k = 0; k < kinds; ++k) {
    spec.dies[spec.die_kind_count++] = actuary_die(p, node, o.die_mm2, per_kind);
    product.add({10 + k, NreKind::module, module_nre_usd(module_mm2, node_nre, p.nre), 1.0 * per_kind});
    product.add({20 + k, NreKind::chip, chip_nre_usd(o.die_mm2, node_nre, p.nre), 1.0 * per_kind});
    if (!soc) product.add({30, NreKind::d2d, d2d_nre_usd(node_nre, p.nre), 1.0 * per_kind});  // once per node
  }
  o.pkg = package_cost(spec, p.packaging, compat);
  product.add({40, NreKind::package, package_nre_usd(kind, o.pkg, p.nre, p.packaging.organic, compat), 1.0});
  o.nre = amortise_nre(std::span(&product, 1), 0);
  return o;
}

json option_json(const Option& o, const json& c, bool soc) {
  json j;
  j["RE"] = re_json(o.pkg.re);
  j["NRE_total"] = o.nre.total_usd;
  j["NRE_parts"] = {{"module", o.nre.module_usd}, {"chip", o.nre.chip_usd}, {"package", o.nre.package_usd}};
  if (!soc) {
    j["NRE_parts"]["d2d"] = o.nre.d2d_usd;
    j["chiplet_area_each"] = o.die_mm2;
  }
  j["package_area"] = o.pkg.package_area_mm2;
  j["interposer_area"] = o.pkg.interposer_area_mm2;
  j["interposer_yield"] = o.pkg.interposer_yield;
  for (const auto& v : c.at("inputs").at("volumes")) {
    ProductNre one;  // the same designs at the case's volume: per-unit NRE = total / V
    one.volume_units = v.get<double>();
    one.add({1, NreKind::package, o.nre.total_usd, 1.0});
    const NreResult at_v = amortise_nre(std::span(&one, 1), 0);
    j["total_per_unit"][std::to_string(v.get<long long>())] = total_per_unit_usd(o.pkg, at_v);
  }
  return j;
}

const std::vector<std::pair<std::string, PackageKind>> kOptions = {{"SoC_OS", PackageKind::organic_mcm},
                                                                   {"OS", PackageKind::organic_mcm},
                                                                   {"FO_chip_last", PackageKind::fanout_chip_last},
                                                                   {"FO_chip_first", PackageKind::fanout_chip_first},
                                                                   {"SI", PackageKind::silicon_interposer}};

void check_800_case(const std::string& name) {
  const json& c = find_case(name);
  const ActuaryParameters& p = toml_parameters();
  Tally t(c);
  for (const auto& [key, kind] : kOptions) {
    const bool soc = key == "SoC_OS";
    t.check_tree(c.at("outputs").at(key), option_json(evaluate_800(p, c, kind, soc, actuary_compat()), c, soc), key);
  }
}

}  // namespace

TEST_CASE("actuary_die_yield_dpw_kgd: NB yield, closed-form DPW, raw and KGD cost", "[validation][cost]") {
  const json& c = find_case("actuary_die_yield_dpw_kgd");
  const ActuaryParameters& p = toml_parameters();
  Tally t(c);
  for (const auto& [key, expected] : c.at("outputs").items()) {  // "3nm_50mm2"
    const int node = std::stoi(key.substr(0, key.find("nm")));
    const double area = number_after(key, R"(_(\d+)mm2)");
    const PlacedDie d = actuary_die(p, node, area, 1);
    const json actual = {{"yield", d.cost.true_yield},
                         {"dies_per_wafer", dies_per_wafer_actuary(area, p.wafer.diameter_mm, p.wafer.edge_loss_mm,
                                                                   p.wafer.scribe_mm)},
                         {"raw_die_cost", d.cost.raw_usd},
                         {"KGD_cost", d.cost.shipped_usd}};
    t.check_tree(expected, actual, key);
  }
}

TEST_CASE("actuary_800mm2_5nm_n4_distinct: SoC vs 4 distinct chiplets, RE, NRE, per unit", "[validation][cost]") {
  check_800_case("actuary_800mm2_5nm_n4_distinct");
}

TEST_CASE("actuary_800mm2_5nm_n4_identical: reused chiplet in tool mode, and the corrected mode differs by exactly the u-bump bug",
          "[validation][cost]") {
  check_800_case("actuary_800mm2_5nm_n4_identical");
  const json& c = find_case("actuary_800mm2_5nm_n4_identical");
  const ActuaryParameters& p = toml_parameters();
  const double ubump = c.at("inputs").at("defaults").at("SI").at("ubump_usd_per_mm2");
  for (const auto& [key, kind] : kOptions) {
    if (kind == PackageKind::organic_mcm) continue;
    const Option tool = evaluate_800(p, c, kind, false, actuary_compat());
    CostCompat fixed_bumps = actuary_compat();
    fixed_bumps.ubump_once_per_kind = false;
    const Option fixed = evaluate_800(p, c, kind, false, fixed_bumps);
    // By hand: 4 identical chiplets of 220 mm² each should pay micro-bumps 4 times; the tool pays once.
    const double count = 4.0, chiplet_mm2 = c.at("outputs").at(key).at("chiplet_area_each");
    const double bug_usd = (count - 1.0) * chiplet_mm2 * ubump;  // 3 * 220 * 0.01 = 6.6 $
    INFO(key << ": corrected raw_chips " << fixed.pkg.re.raw_chips_usd << ", tool " << tool.pkg.re.raw_chips_usd);
    CHECK(fixed.pkg.re.raw_chips_usd - tool.pkg.re.raw_chips_usd == Approx(bug_usd).epsilon(1e-12));
    CHECK(fixed.pkg.re.defect_chips_usd == tool.pkg.re.defect_chips_usd);
    CHECK(fixed.pkg.re.raw_package_usd == tool.pkg.re.raw_package_usd);
    CHECK(fixed.pkg.re.defect_package_usd == tool.pkg.re.defect_package_usd);
    // The wasted-KGD base includes the bumps, so it grows by the bug times the scrap factor, nothing more.
    CHECK(fixed.pkg.re.wasted_chips_usd - tool.pkg.re.wasted_chips_usd ==
          Approx(bug_usd * (1.0 / fixed.pkg.assembly_yield - 1.0)).epsilon(1e-9));
    // With distinct chiplets (count 1 per kind) the bug does not bite: both modes agree exactly.
    const json& cd = find_case("actuary_800mm2_5nm_n4_distinct");
    CHECK(evaluate_800(p, cd, kind, false, fixed_bumps).pkg.re.raw_chips_usd ==
          evaluate_800(p, cd, kind, false, actuary_compat()).pkg.re.raw_chips_usd);
  }
  // Corrected NRE: FO fixed part 0.5 * NRE_FO instead of 25 k$, substrate designed as an organic package (issue #3).
  const json& d = c.at("inputs").at("defaults");
  const Option tool = evaluate_800(p, c, PackageKind::fanout_chip_last, false, actuary_compat());
  const Option fixed = evaluate_800(p, c, PackageKind::fanout_chip_last, false, CostCompat{});
  const double fo_nre = d.at("FO").at("NRE_usd"), pkg_mm2 = tool.pkg.package_area_mm2;
  const double expected = tool.nre.package_usd - fo_nre * 0.5 / 300.0 + fo_nre * 0.5 -
                          pkg_mm2 * d.at("OS").at("RE_usd_per_mm2").get<double>() +
                          pkg_mm2 * d.at("OS").at("NRE_usd_per_mm2").get<double>() +
                          d.at("OS").at("NRE_fixed_usd").get<double>();
  CHECK(fixed.nre.package_usd == Approx(expected).epsilon(1e-12));
}

TEST_CASE("actuary_amd_epyc_64core: 8 CCD + IOD MCM vs monolithic, absolute and normalised", "[validation][cost]") {
  const json& c = find_case("actuary_amd_epyc_64core");
  const ActuaryParameters& p = toml_parameters();
  Tally t(c);
  // "8 x CCD (7nm, 67 mm2 CCX + 7 mm2 D2D) + 1 x IOD (14nm, 360 mm2 IO + 56 mm2 D2D) on OS vs monolithic 7nm die of
  // 8x67+360 = 896 mm2 on OS"; lower core counts as exploration.AMD_cost: cores / 8 CCDs, dummies of the CCX area
  // (dummy(67): no cost, but bumps and bonding yield) up to 8 sites, SoC = CCX * cores / 8 + IO at 7 nm.
  const std::string s = c.at("inputs").at("system");
  const int ccd_node = static_cast<int>(number_after(s, R"(CCD \((\d+)nm)"));
  const int iod_node = static_cast<int>(number_after(s, R"(IOD \((\d+)nm)"));
  const double ccx = number_after(s, R"((\d+) mm2 CCX)"), ccd_d2d = number_after(s, R"(CCX \+ (\d+) mm2 D2D)");
  const double io = number_after(s, R"((\d+) mm2 IO \+)"), iod_d2d = number_after(s, R"(IO \+ (\d+) mm2 D2D)");
  const int sites = static_cast<int>(number_after(s, R"((\d+) x CCD)"));
  auto mcm = [&](int ccds) {
    PackageSpec spec;
    spec.dies[0] = actuary_die(p, ccd_node, ccx + ccd_d2d, ccds);
    spec.dies[1] = actuary_die(p, iod_node, io + iod_d2d, 1);
    spec.dies[2] = PlacedDie{DieCost{}, ccx, sites - ccds};
    spec.die_kind_count = ccds < sites ? 3 : 2;
    return package_cost(spec, p.packaging, actuary_compat());
  };
  auto soc = [&](int ccds) {
    PackageSpec spec;
    spec.dies[0] = actuary_die(p, ccd_node, ccx * ccds + io, 1);
    spec.die_kind_count = 1;
    return package_cost(spec, p.packaging, actuary_compat());
  };
  const PackageCost m64 = mcm(sites), s64 = soc(sites);
  auto dies = [](const PackageCost& r) { return r.re.raw_chips_usd + r.re.defect_chips_usd; };
  auto packaging = [](const PackageCost& r) {
    return r.re.raw_package_usd + r.re.defect_package_usd + r.re.wasted_chips_usd;  // Package.cost_package
  };
  const json absolute = {{"ccd_area", ccx + ccd_d2d},
                         {"iod_area", io + iod_d2d},
                         {"ccd_KGD", actuary_die(p, ccd_node, ccx + ccd_d2d, 1).cost.shipped_usd},
                         {"iod_KGD", actuary_die(p, iod_node, io + iod_d2d, 1).cost.shipped_usd},
                         {"mcm_RE", re_json(m64.re)},
                         {"soc_area", ccx * sites + io},
                         {"soc_RE", re_json(s64.re)},
                         {"soc_over_mcm_total_RE", s64.re.total_re_usd / m64.re.total_re_usd},
                         {"soc_over_mcm_die_cost", dies(s64) / dies(m64)}};
  t.check_tree(c.at("outputs").at("absolute_64core"), absolute, "absolute_64core");
  json table;
  for (const auto& [cores, unused] : c.at("outputs").at("normalized_table_all_core_counts").at("mcm raw chips").items()) {
    const int ccds = std::stoi(cores) / 8;
    const PackageCost m = mcm(ccds), so = soc(ccds);
    const double norm = dies(m64);
    table["mcm raw chips"][cores] = m.re.raw_chips_usd / norm;
    table["mcm defect chips"][cores] = m.re.defect_chips_usd / norm;
    table["mcm packaging"][cores] = packaging(m) / norm;
    table["soc raw chips"][cores] = so.re.raw_chips_usd / norm;
    table["soc defect chips"][cores] = so.re.defect_chips_usd / norm;
    table["soc packaging"][cores] = packaging(so) / norm;
  }
  t.check_tree(c.at("outputs").at("normalized_table_all_core_counts"), table, "normalized");
}

TEST_CASE("formula_dies_per_wafer: closed forms and CATCH grid / no-grid counts", "[validation][wafer]") {
  const json& c = find_case("formula_dies_per_wafer");
  Tally t(c);
  constexpr double kGoogleEdgeMm = 3.0;  // the tool's (d - 6): cost_models.md §4
  for (const auto& [die, outputs] : c.at("outputs").items()) {  // "25mm2_square"
    const double area = number_after(die, R"(^(\d+)mm2)"), side = std::sqrt(area);
    for (const auto& [key, expected] : outputs.items()) {
      const double d = number_after(key, R"(_d(\d+))");
      double actual = -1.0;
      if (key.rfind("actuary_formula", 0) == 0) {
        actual = dies_per_wafer_actuary(area, d, number_after(key, R"(_e([\d.]+))"), number_after(key, R"(_s([\d.]+)$)"));
      } else if (key.rfind("deVries", 0) == 0) {
        actual = dies_per_wafer_de_vries(area, d);
      } else if (key.rfind("google_formula", 0) == 0) {
        actual = dies_per_wafer_google(side, side, number_after(key, R"(_ss([\d.]+)$)"), d, kGoogleEdgeMm);
      } else if (key.rfind("catch_", 0) == 0) {
        // "geometric counts are integers: exact" (the case's tolerance note): compared for equality.
        const double usable = d - 2.0 * number_after(key, R"(_edge([\d.]+))");
        const double dice = number_after(key, R"(_dice([\d.]+)$)");
        const bool grid = key.rfind("catch_grid", 0) == 0;
        const auto n = grid ? dies_per_wafer_grid(side, side, usable, dice) : dies_per_wafer_nogrid(side, side, usable, dice);
        INFO(die << " " << key << ": expected " << expected << ", actual " << n);
        CHECK(n == expected.get<std::int64_t>());
        actual = static_cast<double>(n);
      } else {
        FAIL_CHECK("unhandled output key " << key);
      }
      t.check(die + "." + key, expected.get<double>(), actual);
    }
  }
}

TEST_CASE("formula_yield_models: Poisson, Murphy, Seeds, NB, Bose-Einstein", "[validation][yield]") {
  const json& c = find_case("formula_yield_models");
  Tally t(c);
  for (const double area : c.at("inputs").at("areas_mm2")) {
    for (const double d0 : c.at("inputs").at("D0_per_cm2")) {
      std::ostringstream key;
      key << "A" << area << "_D" << d0;  // "A100_D0.07"
      const json actual = {{"poisson", yield_poisson(area, d0)},
                           {"murphy", yield_murphy(area, d0)},
                           {"seeds_exp_sqrt", yield_seeds_exp_sqrt(area, d0)},
                           {"seeds_1_over_1px", yield_seeds_hyperbolic(area, d0)},
                           {"negbin_a1", yield_negative_binomial(area, d0, 1.0)},
                           {"negbin_a2", yield_negative_binomial(area, d0, 2.0)},
                           {"negbin_a3", yield_negative_binomial(area, d0, 3.0)},
                           {"negbin_a10", yield_negative_binomial(area, d0, 10.0)},
                           {"bose_einstein_N10_google", yield_bose_einstein(area, d0, 10)}};
      REQUIRE(c.at("outputs").contains(key.str()));
      t.check_tree(c.at("outputs").at(key.str()), actual, key.str());
    }
  }
  CHECK(t.keys == static_cast<int>(c.at("outputs").size() * 9));
}

TEST_CASE("published_amd_naples_mcm: 4 x 213 mm2 vs 777 mm2 at 14 nm, die cost ratio", "[validation][published]") {
  // chipdse-style die cost for 14 nm: the Actuary 14 nm row and wafer geometry (inputs/tech/chiplet_actuary_2022.toml:
  // D0 0.08 /cm², wafer 3984 $, NB alpha 10, 300 mm wafer, 5 mm edge, 0.2 mm scribe), an exact geometric grid count
  // instead of the closed form, and reticle-limited die shapes (26 x 33 mm field, cost_models.md §2.1 CATCH
  // wafer_process / DESIGN.md §2.1): a 213 mm² Zeppelin as a square, the 777 mm² die 26 mm wide. Perfect KGD test.
  const json& c = find_case("published_amd_naples_mcm");
  const ActuaryParameters& p = toml_parameters();
  const std::string s = c.at("inputs").at("system");
  const double die_mm2 = number_after(s, R"(x (\d+) mm2 14nm)"), mono_mm2 = number_after(s, R"((\d+) mm2 monolithic)");
  const int n = static_cast<int>(number_after(s, R"(: (\d+) x)"));
  const ActuaryNode& node = node_of(p, static_cast<int>(number_after(s, R"((\d+)nm Zeppelin)")));
  constexpr double kReticleWidthMm = 26.0;
  WaferSpec wafer = p.wafer;
  wafer.method = DpwMethod::geometric_grid;
  auto kgd = [&](double area) {
    const double w = std::min(std::sqrt(area), kReticleWidthMm);
    DieSpec d;
    d.wafer_cost_usd = node.wafer_cost_usd;
    d.dies_per_wafer = dies_per_wafer(wafer, w, area / w);
    d.yield = yield_negative_binomial(area, node.d0_per_cm2, p.die_alpha);
    return die_cost(d).shipped_usd;
  };
  const double ratio = n * kgd(die_mm2) / kgd(mono_mm2);
  wafer.method = DpwMethod::actuary_formula;  // for comparison only: the Actuary closed form gives a lower ratio
  const double closed_form_ratio = n * kgd(die_mm2) / kgd(mono_mm2);
  std::cout << "[cost validation] Naples: ratio " << ratio << " (grid count, reticle-shaped die; Actuary closed form "
            << closed_form_ratio << ")\n";
  Tally t(c);
  t.check_tree(c.at("outputs"), {{"area_overhead", n * die_mm2 / mono_mm2 - 1.0}, {"mcm_cost_over_monolithic", ratio}},
               "");
}
