// Chiplet Actuary's parameter set from the technology table `actuary` (see actuary_params.hpp).
#include "chipdse/model/actuary_params.hpp"

#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "chipdse/core/error.hpp"
#include "chipdse/core/suggest.hpp"

namespace chipdse::model {

namespace {

constexpr double kUsdPerMusd = 1.0e6;

// Reads one `actuary.` entry and checks what the struct member assumes about it. The loader already guarantees a
// finite value inside its range; these checks catch a file that is well-formed but means something else (a value in
// another unit, a yield above 1), which would otherwise give silently wrong costs.
class Reader {
 public:
  explicit Reader(const tech::TechDatabase& tech) : m_tech(tech) {}

  /// The value at `actuary.<path>`, which must be written in `unit`.
  double value(const std::string& path, std::string_view unit) const {
    const tech::TechEntry& e = entry(path);
    if (e.unit != unit)
      throw InputError(e.where, e.path, "written in another unit than chipdse reads it in", "\"" + e.unit + "\"",
                       "\"" + std::string(unit) + "\"");
    return e.value;
  }
  /// A size or price: > 0.
  double positive(const std::string& path, std::string_view unit) const {
    const double v = value(path, unit);
    if (!(v > 0.0)) refuse(path, "must be positive", "> 0");
    return v;
  }
  /// A defect density: >= 0.
  double non_negative(const std::string& path, std::string_view unit) const {
    const double v = value(path, unit);
    if (!(v >= 0.0)) refuse(path, "must not be negative", ">= 0");
    return v;
  }
  /// A share or a yield: in [0, 1] (a yield of 0 is refused: every cost divides by it).
  double fraction(const std::string& path, bool zero_allowed) const {
    const double v = value(path, "fraction");
    if (!(v <= 1.0 && (zero_allowed ? v >= 0.0 : v > 0.0)))
      refuse(path, "is not a share in " + std::string(zero_allowed ? "[0, 1]" : "(0, 1]"),
             zero_allowed ? "0 <= value <= 1" : "0 < value <= 1");
    return v;
  }
  /// A money entry in MUSD, as USD.
  double musd_as_usd(const std::string& path) const { return positive(path, "MUSD") * kUsdPerMusd; }

  [[noreturn]] void refuse(const std::string& path, const std::string& problem, const std::string& allowed) const {
    const tech::TechEntry& e = entry(path);
    throw InputError(e.where, e.path, problem, number_text(e.value), allowed);
  }

 private:
  const tech::TechEntry& entry(const std::string& path) const { return m_tech.at("actuary." + path); }
  const tech::TechDatabase& m_tech;
};

// package.py: an interposer's yield is NB over its area with its own D0 and critical level; no critical-area ratio.
DefectModel interposer_defects(const Reader& r, const std::string& table) {
  DefectModel d;
  d.model = YieldModel::negative_binomial;
  d.d0_per_cm2 = r.non_negative(table + ".defect_density_per_cm2", "defects/cm2");
  d.alpha = r.positive(table + ".yield_alpha", "-");
  return d;
}

}  // namespace

ActuaryParameters actuary_parameters_from_tech(const tech::TechDatabase& tech) {
  const Reader r(tech);
  ActuaryParameters a;
  a.wafer = WaferSpec{r.positive("manufacture.wafer_diameter_mm", "mm"), r.value("manufacture.edge_loss_mm", "mm"),
                      r.value("manufacture.scribe_lane_mm", "mm"), DpwMethod::actuary_formula};
  if (a.wafer.edge_loss_mm < 0.0) r.refuse("manufacture.edge_loss_mm", "must not be negative", ">= 0");
  if (a.wafer.scribe_mm < 0.0) r.refuse("manufacture.scribe_lane_mm", "must not be negative", ">= 0");
  a.die_alpha = r.positive("manufacture.die_yield_alpha", "-");

  for (std::size_t i = 0; i < kActuaryNodesNm.size(); ++i) {
    const std::string node = "node.n" + std::to_string(kActuaryNodesNm[i]) + ".";
    a.nodes[i] = ActuaryNode{kActuaryNodesNm[i], r.non_negative(node + "defect_density_per_cm2", "defects/cm2"),
                             r.positive(node + "wafer_cost_usd", "USD/wafer"), r.musd_as_usd(node + "nre_musd")};
  }

  // [OS] and package.py's layer-count factor: one component -> single die factor, else the first tier whose bound
  // the package area does not exceed (the last tier has none).
  OrganicParams& os = a.packaging.organic;
  os.area_scale = r.positive("os.area_scale", "x");
  os.usd_per_mm2 = r.positive("os.cost_usd_per_mm2", "USD/mm2");
  os.bond_yield = r.fraction("os.bond_yield_per_die", false);
  os.c4_bump_usd_per_mm2 = r.positive("os.c4_bump_cost_usd_per_mm2", "USD/mm2");
  os.single_die_layer_factor = r.positive("os.single_die_layer_factor", "x");
  os.tier_max_area_mm2 = {r.positive("os.small_package_max_area_mm2", "mm2"),
                          r.positive("os.medium_package_max_area_mm2", "mm2"), std::numeric_limits<double>::infinity()};
  if (!(os.tier_max_area_mm2[0] < os.tier_max_area_mm2[1]))
    r.refuse("os.medium_package_max_area_mm2", "must exceed actuary.os.small_package_max_area_mm2",
             "> " + number_text(os.tier_max_area_mm2[0]));
  os.tier_layer_factor = {r.positive("os.small_package_layer_factor", "x"),
                          r.positive("os.medium_package_layer_factor", "x"),
                          r.positive("os.large_package_layer_factor", "x")};

  // [SI] first: spec.py takes the micro-bump rate of FO from [SI] too, and the interposer wafer from a node.
  const double si_node_value = r.value("si.process_node_nm", "-");
  const ActuaryNode* si_node = std::nearbyint(si_node_value) == si_node_value
                                   ? a.node(static_cast<int>(si_node_value))
                                   : nullptr;
  if (!si_node) {
    std::vector<std::string> nodes;
    for (int nm : kActuaryNodesNm) nodes.push_back(std::to_string(nm));
    r.refuse("si.process_node_nm", "is not a node of actuary.node", join_names(nodes));
  }
  const double ubump_usd_per_mm2 = r.positive("si.ubump_cost_usd_per_mm2", "USD/mm2");

  InterposerParams& fo = a.packaging.fanout;  // reticle_area 0, stitch_yield 1: Actuary never stitches
  fo.area_scale = r.positive("fo.area_scale", "x");
  fo.wafer_cost_usd = r.positive("fo.wafer_cost_usd", "USD/wafer");
  fo.wafer = a.wafer;  // package.py N_package_total: the die formula and wafer
  fo.defects = interposer_defects(r, "fo");
  fo.bond_yield = r.fraction("fo.bond_yield_per_die", false);
  fo.ubump_usd_per_mm2 = ubump_usd_per_mm2;

  InterposerParams& si = a.packaging.silicon;
  si.area_scale = r.positive("si.area_scale", "x");
  si.wafer_cost_usd = si_node->wafer_cost_usd;
  si.wafer = a.wafer;
  si.defects = interposer_defects(r, "si");
  si.bond_yield = r.fraction("si.bond_yield_per_die", false);
  si.ubump_usd_per_mm2 = ubump_usd_per_mm2;

  NreParams& nre = a.nre;
  nre.module_fraction = r.fraction("nre.module_fraction", true);
  nre.chip_fraction = r.fraction("nre.chip_fraction", true);
  if (nre.module_fraction + nre.chip_fraction > 1.0)
    r.refuse("nre.chip_fraction", "plus actuary.nre.module_fraction exceeds 1 (the fixed part would be negative)",
             "<= " + number_text(1.0 - nre.module_fraction));
  nre.reference_chip_area_mm2 = r.positive("nre.reference_chip_area_mm2", "mm2");
  nre.d2d_equivalent_area_mm2 = r.positive("nre.d2d_equivalent_area_mm2", "mm2");
  nre.organic_usd_per_mm2 = r.positive("os.nre_usd_per_mm2", "USD/mm2");
  nre.organic_fixed_usd = r.positive("os.nre_fixed_usd", "USD");
  nre.fanout_reference_usd = r.musd_as_usd("fo.nre_musd");
  nre.fanout_fraction = r.fraction("fo.nre_fraction", true);
  nre.interposer_node_nre_usd = si_node->nre_usd;
  nre.interposer_nre_scale = r.positive("si.nre_scale", "x");
  return a;
}

}  // namespace chipdse::model
