// Support for the tests of tests/validation (header-only): loading cost_cases.json, comparing every output number with
// the case's own tolerance (see the note on printed precision below), the parameter set under test (Chiplet Actuary's,
// read from inputs/tech/chiplet_actuary_2022.toml) and, to check that set, the Actuary cases' `inputs.defaults` in
// chipdse's parameter structs.
//
// Expected values are printed with a fixed number of decimals (6 for yields, 4 for dollars); when a value is small,
// that rounding alone exceeds the relative tolerance (e.g. 7.1e-05 for 2.6^-10 = 7.0838e-05). Such a key passes if
// the actual value, rounded to the decimals the case printed, is within the tolerance; the raw relative error is
// always reported and the per-case summary line counts those keys.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <nlohmann/json.hpp>
#include <regex>
#include <stdexcept>
#include <string>

#include "chipdse/model/actuary_params.hpp"
#include "chipdse/model/die_cost.hpp"
#include "chipdse/model/nre.hpp"
#include "chipdse/model/package_cost.hpp"
#include "chipdse/model/wafer.hpp"
#include "chipdse/model/yield.hpp"
#include "chipdse/tech/tech_loader.hpp"

namespace cost_validation {

using namespace chipdse::model;
using json = nlohmann::json;

inline const json& all_cases() {
  static const json j = [] {
    std::ifstream in(std::string(CHIPDSE_VALIDATION_DATA) + "/cost_cases.json");
    return json::parse(in);
  }();
  return j;
}

inline const json& find_case(const std::string& name) {
  for (const auto& c : all_cases().at("cases"))
    if (c.at("name") == name) return c;
  FAIL("case " << name << " is not in cost_cases.json");
  throw std::logic_error("unreachable");
}

// Digits after the decimal point of the shortest text that round-trips `x` (how the case wrote it).
inline int printed_decimals(double x) {
  const std::string s = json(x).dump();
  const auto e = s.find_first_of("eE");
  const std::string mant = s.substr(0, e);
  const auto dot = mant.find('.');
  int dec = dot == std::string::npos ? 0 : static_cast<int>(mant.size() - dot - 1);
  if (e != std::string::npos) dec -= std::stoi(s.substr(e + 1));
  return std::max(dec, 0);
}

inline double rel_err(double expected, double actual) {
  return expected == 0.0 ? std::abs(actual) : std::abs(actual - expected) / std::abs(expected);
}

// One case's comparison record and its summary line.
struct Tally {
  std::string name;
  double tolerance = 0.0;
  int keys = 0;
  int at_printed_precision = 0;
  double worst = 0.0;
  std::string worst_key;

  explicit Tally(const json& c) : name(c.at("name")), tolerance(c.at("tolerance").at("relative").get<double>()) {}
  ~Tally() {
    std::cout << "[cost validation] " << name << ": " << keys << " keys, worst relative error " << worst << " ("
              << worst_key << "), tolerance " << tolerance << ", " << at_printed_precision
              << " keys matched at the case's printed precision\n";
  }

  void check(const std::string& key, double expected, double actual) {
    const double err = rel_err(expected, actual);
    bool ok = err <= tolerance;
    const int dec = printed_decimals(expected);
    const double scale = std::pow(10.0, dec);
    const double rounded = std::round(actual * scale) / scale;
    const bool printed_ok = !ok && rel_err(expected, rounded) <= tolerance;
    INFO("case " << name << ", key " << key << ": expected " << expected << ", actual " << actual
                 << ", relative error " << err << " (tolerance " << tolerance << "); actual at the case's " << dec
                 << " decimals " << rounded);
    CHECK((ok || printed_ok));
    ++keys;
    at_printed_precision += printed_ok ? 1 : 0;
    if (err >= worst) worst = err, worst_key = key;
  }

  // Walks every numeric leaf of `expected`; a leaf missing from `actual` fails (every number must be reproduced).
  void check_tree(const json& expected, const json& actual, const std::string& path) {
    for (auto it = expected.begin(); it != expected.end(); ++it) {
      const std::string key = path.empty() ? it.key() : path + "." + it.key();
      if (!actual.contains(it.key())) {
        FAIL_CHECK("case " << name << ": output " << key << " is not computed by the test");
        continue;
      }
      if (it->is_object())
        check_tree(*it, actual.at(it.key()), key);
      else
        check(key, it->get<double>(), actual.at(it.key()).get<double>());
    }
  }
};

inline double number_after(const std::string& text, const std::string& pattern) {
  std::smatch m;
  REQUIRE(std::regex_search(text, m, std::regex(pattern)));
  return std::stod(m[1]);
}

// --- The parameter set under test, and the one the cases state ------------------------------------------------------

inline std::filesystem::path actuary_toml_path() {
  return std::filesystem::path(CHIPDSE_SOURCE_DIR) / "inputs" / "tech" / "chiplet_actuary_2022.toml";
}

/// Chiplet Actuary's shipped parameters as chipdse reads them: inputs/tech/chiplet_actuary_2022.toml through the
/// technology loader and actuary_parameters_from_tech(). Every actuary_* case is computed from these.
inline const ActuaryParameters& toml_parameters() {
  static const ActuaryParameters p =
      actuary_parameters_from_tech(chipdse::tech::load_tech_database(actuary_toml_path()));
  return p;
}

/// The row of `node_nm`; fails the test when the set has none.
inline const ActuaryNode& node_of(const ActuaryParameters& p, int node_nm) {
  const ActuaryNode* n = p.node(node_nm);
  INFO("Actuary node " << node_nm << " nm");
  REQUIRE(n != nullptr);
  return *n;
}

/// A case's `inputs.defaults` in the same struct, built only from the JSON: nodes the case does not list keep
/// node_nm = 0, and nre.fanout_fraction (spec.py's 0.5, which no case states) stays 0. Used to check the TOML set.
inline ActuaryParameters stated_parameters(const json& c) {
  const json& d = c.at("inputs").at("defaults");
  ActuaryParameters p;
  std::size_t k = 0;
  for (const int nm : kActuaryNodesNm) {  // spec.py order, as actuary_parameters_from_tech fills it
    const std::string key = std::to_string(nm);
    if (!d.at("nodes").contains(key)) continue;
    const json& n = d.at("nodes").at(key);
    p.nodes[k++] = ActuaryNode{nm, n.at("D0_per_cm2"), n.at("wafer_usd"), n.at("NRE_usd_300mm2_chip")};
  }
  p.wafer = WaferSpec{d.at("wafer_diameter_mm"), d.at("edge_loss_mm"), d.at("scribe_lane_mm"),
                      DpwMethod::actuary_formula};
  p.die_alpha = d.at("critical_level_alpha_die");
  const json& os = d.at("OS");
  OrganicParams& o = p.packaging.organic;
  o.area_scale = os.at("area_scale");
  o.usd_per_mm2 = os.at("RE_usd_per_mm2");
  o.bond_yield = os.at("bonding_yield_per_chip");
  o.c4_bump_usd_per_mm2 = os.at("c4_bump_usd_per_mm2");
  const std::string tiers = os.at("layer_factor");  // "1 (single die) | 1.5 (<=17x17mm) | 1.75 (<=30x30) | 2 (>30x30)"
  o.single_die_layer_factor = number_after(tiers, R"(^([\d.]+) \(single die\))");
  o.tier_layer_factor = {number_after(tiers, R"(\| ([\d.]+) \(<=17)"), number_after(tiers, R"(\| ([\d.]+) \(<=30)"),
                         number_after(tiers, R"(\| ([\d.]+) \(>30)")};
  const double t1 = number_after(tiers, R"(<=(\d+)x)"), t2 = number_after(tiers, R"(<=\d+x\d+mm\) \| [\d.]+ \(<=(\d+)x)");
  o.tier_max_area_mm2 = {t1 * t1, t2 * t2, std::numeric_limits<double>::infinity()};
  const json& fo = d.at("FO");
  const json& si = d.at("SI");
  for (InterposerParams* ip : {&p.packaging.fanout, &p.packaging.silicon}) {
    const json& j = ip == &p.packaging.fanout ? fo : si;
    ip->area_scale = j.at("area_scale");
    ip->wafer = p.wafer;
    ip->defects = DefectModel{YieldModel::negative_binomial, j.at("D0_per_cm2"), j.at("alpha"), 10, 1.0};
    ip->bond_yield = j.at("bonding_yield_per_chip");
    ip->ubump_usd_per_mm2 = si.at("ubump_usd_per_mm2");  // spec.py: one u_bump factor ([SI]) for FO and SI
  }
  p.packaging.fanout.wafer_cost_usd = fo.at("wafer_usd");
  const std::string si_wafer = si.at("wafer");  // "55nm wafer 1937 usd"
  const std::string si_node = std::to_string(static_cast<int>(number_after(si_wafer, R"((\d+)nm)")));
  p.packaging.silicon.wafer_cost_usd = d.at("nodes").at(si_node).at("wafer_usd");
  REQUIRE(p.packaging.silicon.wafer_cost_usd == number_after(si_wafer, R"(wafer (\d+) usd)"));
  NreParams& n = p.nre;
  n.module_fraction = d.at("NRE_split").at("module_fraction");
  n.chip_fraction = d.at("NRE_split").at("chip_fraction");
  REQUIRE(1.0 - n.module_fraction - n.chip_fraction ==
          Approx(d.at("NRE_split").at("fixed_fraction").get<double>()).epsilon(1e-12));
  // The node key itself states the reference area: "NRE_usd_300mm2_chip".
  REQUIRE(d.at("nodes").begin()->contains("NRE_usd_300mm2_chip"));
  n.reference_chip_area_mm2 = 300.0;
  n.d2d_equivalent_area_mm2 = number_after(d.at("D2D"), R"(D2D NRE = ([\d.]+) mm2)");
  n.organic_usd_per_mm2 = os.at("NRE_usd_per_mm2");
  n.organic_fixed_usd = os.at("NRE_fixed_usd");
  n.fanout_reference_usd = fo.at("NRE_usd");
  const std::string si_nre = si.at("NRE");  // "1.2 x 55nm chip NRE factors"
  n.interposer_nre_scale = number_after(si_nre, R"(^([\d.]+) x)");
  n.interposer_node_nre_usd = d.at("nodes").at(std::to_string(static_cast<int>(number_after(si_nre, R"(x (\d+)nm)"))))
                                  .at("NRE_usd_300mm2_chip");
  return p;
}

// A die of `area_mm2` at `node_nm`, priced the Actuary way (closed-form DPW, NB yield, perfect KGD test).
inline PlacedDie actuary_die(const ActuaryParameters& p, int node_nm, double area_mm2, int count) {
  const ActuaryNode& n = node_of(p, node_nm);
  DieSpec s;
  s.wafer_cost_usd = n.wafer_cost_usd;
  s.dies_per_wafer = dies_per_wafer_actuary(area_mm2, p.wafer.diameter_mm, p.wafer.edge_loss_mm, p.wafer.scribe_mm);
  s.yield = yield_negative_binomial(area_mm2, n.d0_per_cm2, p.die_alpha);
  return PlacedDie{die_cost_actuary(s), area_mm2, count};
}

inline json re_json(const ReBreakdown& re) {
  return {{"raw_chips", re.raw_chips_usd},         {"defect_chips", re.defect_chips_usd},
          {"raw_package", re.raw_package_usd},     {"defect_package", re.defect_package_usd},
          {"wasted_chips", re.wasted_chips_usd},   {"total_RE", re.total_re_usd}};
}

}  // namespace cost_validation
