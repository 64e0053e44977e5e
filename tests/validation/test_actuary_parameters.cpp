// The parameter set the cost validation runs on: inputs/tech/chiplet_actuary_2022.toml read by
// actuary_parameters_from_tech() is, field by field, what every actuary_* case of cost_cases.json states in its
// inputs.defaults, and what shared/reference/cost_models.md §1.3 tabulates for all nine nodes; a broken file is
// refused with the path of the entry at fault.
#include <regex>

#include "cost_case_support.hpp"

using namespace cost_validation;
namespace tech = chipdse::tech;

namespace {

void check_same_wafer(const WaferSpec& a, const WaferSpec& b) {
  CHECK(a.diameter_mm == b.diameter_mm);
  CHECK(a.edge_loss_mm == b.edge_loss_mm);
  CHECK(a.scribe_mm == b.scribe_mm);
  CHECK(a.method == b.method);
}

// The TOML-loaded database with `edit` applied to a copy of its entries.
template <typename Edit>
tech::TechDatabase edited(Edit edit) {
  const tech::TechDatabase db = tech::load_tech_database(actuary_toml_path());
  std::vector<tech::TechEntry> entries = db.entries();
  edit(entries);
  return tech::TechDatabase(std::move(entries), db.attributes());
}

tech::TechEntry& entry(std::vector<tech::TechEntry>& entries, const std::string& path) {
  const auto it = std::find_if(entries.begin(), entries.end(), [&](const auto& e) { return e.path == path; });
  REQUIRE(it != entries.end());
  return *it;
}

// The message (and context lines) of the error actuary_parameters_from_tech throws for `db`.
std::string error_of(const tech::TechDatabase& db) {
  try {
    (void)actuary_parameters_from_tech(db);
  } catch (const chipdse::Error& e) {
    std::string m = e.what();
    for (const auto& line : e.context()) m += "\n" + line;
    return m;
  }
  return "no error";
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("inputs/tech/chiplet_actuary_2022.toml is the parameter set the actuary cases state", "[validation][cost]") {
  const ActuaryParameters& f = toml_parameters();
  for (const char* name : {"actuary_die_yield_dpw_kgd", "actuary_800mm2_5nm_n4_distinct",
                           "actuary_800mm2_5nm_n4_identical", "actuary_amd_epyc_64core"}) {
    INFO(name);
    const json& c = find_case(name);
    const ActuaryParameters j = stated_parameters(c);
    check_same_wafer(f.wafer, j.wafer);
    CHECK(f.die_alpha == j.die_alpha);
    std::size_t listed = 0;
    for (const auto& [nm, row] : c.at("inputs").at("defaults").at("nodes").items()) {
      INFO("node " << nm);
      const ActuaryNode& fn = node_of(f, std::stoi(nm));
      const ActuaryNode& jn = node_of(j, std::stoi(nm));
      CHECK(fn.d0_per_cm2 == jn.d0_per_cm2);
      CHECK(fn.wafer_cost_usd == jn.wafer_cost_usd);
      CHECK(fn.nre_usd == jn.nre_usd);  // MUSD in the file: 542 * 1e6 == 5.42e8 exactly
      ++listed;
    }
    CHECK(listed >= 6);
    const OrganicParams &a = f.packaging.organic, &b = j.packaging.organic;
    CHECK(a.area_scale == b.area_scale);
    CHECK(a.usd_per_mm2 == b.usd_per_mm2);
    CHECK(a.bond_yield == b.bond_yield);
    CHECK(a.c4_bump_usd_per_mm2 == b.c4_bump_usd_per_mm2);
    CHECK(a.single_die_layer_factor == b.single_die_layer_factor);
    CHECK(a.tier_max_area_mm2 == b.tier_max_area_mm2);
    CHECK(a.tier_layer_factor == b.tier_layer_factor);
    for (const auto& [x, y] : {std::pair{&f.packaging.fanout, &j.packaging.fanout},
                               std::pair{&f.packaging.silicon, &j.packaging.silicon}}) {
      CHECK(x->area_scale == y->area_scale);
      CHECK(x->wafer_cost_usd == y->wafer_cost_usd);
      check_same_wafer(x->wafer, y->wafer);
      CHECK(x->defects.model == y->defects.model);
      CHECK(x->defects.d0_per_cm2 == y->defects.d0_per_cm2);
      CHECK(x->defects.alpha == y->defects.alpha);
      CHECK(x->defects.critical_area_ratio == y->defects.critical_area_ratio);
      CHECK(x->bond_yield == y->bond_yield);
      CHECK(x->ubump_usd_per_mm2 == y->ubump_usd_per_mm2);
      CHECK(x->reticle_area_mm2 == y->reticle_area_mm2);  // 0: Actuary never stitches an interposer
      CHECK(x->stitch_yield == y->stitch_yield);
    }
    CHECK(f.nre.module_fraction == j.nre.module_fraction);
    CHECK(f.nre.chip_fraction == j.nre.chip_fraction);
    CHECK(f.nre.reference_chip_area_mm2 == j.nre.reference_chip_area_mm2);
    CHECK(f.nre.d2d_equivalent_area_mm2 == j.nre.d2d_equivalent_area_mm2);
    CHECK(f.nre.organic_usd_per_mm2 == j.nre.organic_usd_per_mm2);
    CHECK(f.nre.organic_fixed_usd == j.nre.organic_fixed_usd);
    CHECK(f.nre.fanout_reference_usd == j.nre.fanout_reference_usd);
    CHECK(f.nre.interposer_node_nre_usd == j.nre.interposer_node_nre_usd);
    CHECK(f.nre.interposer_nre_scale == j.nre.interposer_nre_scale);
    CHECK(f.nre.bridge_carrier_usd_per_mm2 == 0.0);  // no bridge package in Actuary
    CHECK(f.nre.bridge_fixed_usd == 0.0);
  }
  // No case states spec.py's FO NRE fraction (0.5); the FO package NRE of the 800 mm² cases depends on it and is
  // reproduced to 1e-4, so it is checked there.
  CHECK(f.nre.fanout_fraction == 0.5);
}

TEST_CASE("the Actuary set has cost_models.md §1.3's nine nodes, in spec.py order, with its numbers",
          "[validation][cost]") {
  // The cases list six nodes; the table lists all nine (20, 28 and 40 nm only here).
  std::ifstream in(std::string(CHIPDSE_SHARED_DIR) + "/reference/cost_models.md");
  REQUIRE(in.good());
  const std::regex row(R"(^\| (\d+) \| ([\d.]+) \| ([\d,]+) \| ([\d.e]+) \|$)");  // | 5 | 0.11 | 16,988 | 5.42e8 |
  const ActuaryParameters& f = toml_parameters();
  std::size_t rows = 0;
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (!std::regex_match(line, m, row)) continue;
    INFO(line);
    std::string wafer = m[3];
    wafer.erase(std::remove(wafer.begin(), wafer.end(), ','), wafer.end());
    REQUIRE(rows < f.nodes.size());
    const ActuaryNode& n = f.nodes[rows++];
    CHECK(n.node_nm == std::stoi(m[1]));
    CHECK(n.d0_per_cm2 == std::stod(m[2]));
    CHECK(n.wafer_cost_usd == std::stod(wafer));
    CHECK(n.nre_usd == std::stod(m[4]));
  }
  CHECK(rows == kActuaryNodesNm.size());
}

TEST_CASE("a broken Actuary file is refused with the path of the entry at fault", "[validation][cost]") {
  SECTION("a missing entry") {
    const auto m = error_of(edited([](auto& entries) {
      entries.erase(std::find_if(entries.begin(), entries.end(),
                                 [](const auto& e) { return e.path == "actuary.node.n20.wafer_cost_usd"; }));
    }));
    CHECK(contains(m, "no value 'actuary.node.n20.wafer_cost_usd'"));
  }
  SECTION("an entry in another unit: NRE in USD where MUSD is read") {
    const auto m = error_of(edited([](auto& entries) { entry(entries, "actuary.fo.nre_musd").unit = "USD"; }));
    CHECK(contains(m, "chiplet_actuary_2022.toml:"));
    CHECK(contains(m, "'actuary.fo.nre_musd'"));
    CHECK(contains(m, "\"MUSD\""));
  }
  SECTION("a yield above 1") {
    const auto m =
        error_of(edited([](auto& entries) { entry(entries, "actuary.si.bond_yield_per_die").value = 1.5; }));
    CHECK(contains(m, "'actuary.si.bond_yield_per_die'"));
    CHECK(contains(m, "(0, 1]"));
  }
  SECTION("an interposer node that is not an Actuary node") {
    const auto m = error_of(edited([](auto& entries) { entry(entries, "actuary.si.process_node_nm").value = 65.0; }));
    CHECK(contains(m, "'actuary.si.process_node_nm'"));
    CHECK(contains(m, "3, 5, 7, 10, 14, 20, 28, 40, 55"));
  }
  SECTION("NRE fractions above 1 in total") {
    const auto m = error_of(edited([](auto& entries) { entry(entries, "actuary.nre.chip_fraction").value = 0.6; }));
    CHECK(contains(m, "'actuary.nre.chip_fraction'"));
  }
}
