// chipdse/model/nre.cpp — NRE equations, amortisation, and the Chiplet Actuary 2022 defaults; sources in nre.hpp.
#include "chipdse/model/nre.hpp"

#include <limits>

namespace chipdse::model {

namespace {

// spec.py: Module_NRE_Cost_Factor = module * NRE / 300, Chip_NRE_Cost_Factor = chip * NRE / 300,
// Chip_NRE_Cost_Fixed = (1 - module - chip) * NRE.
double module_factor(double node_nre_usd, const NreParams& p) noexcept {
  return p.module_fraction * node_nre_usd / p.reference_chip_area_mm2;
}
double chip_factor(double node_nre_usd, const NreParams& p) noexcept {
  return p.chip_fraction * node_nre_usd / p.reference_chip_area_mm2;
}
double chip_fixed(double node_nre_usd, const NreParams& p) noexcept {
  return (1.0 - p.module_fraction - p.chip_fraction) * node_nre_usd;
}

// Sum of uses * volume of design `id` over the family (its total instance count).
double family_uses(std::span<const ProductNre> family, std::int32_t id) noexcept {
  double u = 0.0;
  for (const ProductNre& q : family)
    for (std::size_t i = 0; i < q.item_count && i < kMaxNreItems; ++i)
      if (q.items[i].design_id == id) u += q.items[i].uses_per_unit * q.volume_units;
  return u;
}

}  // namespace

double module_nre_usd(double area_mm2, double node_nre_usd, const NreParams& p) noexcept {
  return module_factor(node_nre_usd, p) * area_mm2;
}

double chip_nre_usd(double chip_area_mm2, double node_nre_usd, const NreParams& p) noexcept {
  return chip_area_mm2 * chip_factor(node_nre_usd, p) + chip_fixed(node_nre_usd, p);
}

double d2d_nre_usd(double node_nre_usd, const NreParams& p) noexcept {
  return module_factor(node_nre_usd, p) * p.d2d_equivalent_area_mm2;
}

double package_nre_usd(PackageKind kind, const PackageCost& package, const NreParams& p, const OrganicParams& organic,
                       CostCompat compat) noexcept {
  if (kind == PackageKind::organic_mcm)
    return package.package_area_mm2 * p.organic_usd_per_mm2 * package.layer_factor + p.organic_fixed_usd;
  double factor = 0.0;
  double fixed = 0.0;
  switch (kind) {
    case PackageKind::fanout_chip_last:
    case PackageKind::fanout_chip_first:
      factor = p.fanout_fraction * p.fanout_reference_usd / p.reference_chip_area_mm2;
      fixed = compat.fo_fixed_nre_per_mm2_slip ? factor : p.fanout_fraction * p.fanout_reference_usd;
      break;
    case PackageKind::silicon_interposer:
      factor = chip_factor(p.interposer_node_nre_usd, p) * p.interposer_nre_scale;
      fixed = chip_fixed(p.interposer_node_nre_usd, p) * p.interposer_nre_scale;
      break;
    case PackageKind::bridge:
      factor = p.bridge_carrier_usd_per_mm2;
      fixed = p.bridge_fixed_usd;
      break;
    case PackageKind::organic_mcm: break;
  }
  // The substrate under the interposer / carrier: the tool charges its RE rate (issue #3); chipdse designs it like
  // an organic package carrying one component (layer factor of a single component).
  const double substrate = compat.substrate_nre_uses_re_rate
                               ? package.package_area_mm2 * organic.usd_per_mm2
                               : package.package_area_mm2 * p.organic_usd_per_mm2 * organic.single_die_layer_factor +
                                     p.organic_fixed_usd;
  return package.interposer_area_mm2 * factor + fixed + substrate;
}

NreResult amortise_nre(std::span<const ProductNre> family, std::size_t product) noexcept {
  NreResult r;
  if (product >= family.size()) return r;
  const ProductNre& p = family[product];
  const std::size_t n = p.item_count < kMaxNreItems ? p.item_count : kMaxNreItems;
  for (std::size_t i = 0; i < n; ++i) {
    const NreItem& item = p.items[i];
    bool seen = false;  // a design listed twice in one product is still one design
    for (std::size_t j = 0; j < i && !seen; ++j) seen = p.items[j].design_id == item.design_id;
    if (seen) continue;
    double uses = 0.0;
    for (std::size_t j = i; j < n; ++j)
      if (p.items[j].design_id == item.design_id) uses += p.items[j].uses_per_unit;
    switch (item.kind) {
      case NreKind::module: r.module_usd += item.nre_usd; break;
      case NreKind::chip: r.chip_usd += item.nre_usd; break;
      case NreKind::d2d: r.d2d_usd += item.nre_usd; break;
      case NreKind::package: r.package_usd += item.nre_usd; break;
    }
    r.per_unit_usd += item.nre_usd * uses / family_uses(family, item.design_id);
  }
  r.total_usd = r.module_usd + r.chip_usd + r.d2d_usd + r.package_usd;
  return r;
}

ActuaryParameters actuary_2022_parameters() noexcept {
  // Chiplet Actuary parameter.ini @ 2c91fb9, as tabulated in cost_models.md §1.3 and in the inputs.defaults of the
  // actuary_* cases of cost_cases.json; spec.py derives the FO/SI factors from these.
  constexpr double kInf = std::numeric_limits<double>::infinity();
  ActuaryParameters a;
  a.wafer = WaferSpec{300.0, 5.0, 0.2, DpwMethod::actuary_formula};  // [Manufacture]
  a.die_alpha = 10.0;                                                // [Manufacture] critical_level
  a.nodes = {{{3, 0.20, 30000.0, 1.0e9},
              {5, 0.11, 16988.0, 5.42e8},
              {7, 0.09, 9346.0, 2.98e8},
              {10, 0.08, 5992.0, 1.74e8},
              {14, 0.08, 3984.0, 1.06e8},
              {20, 0.07, 3677.0, 7.0e7},
              {28, 0.07, 2891.0, 5.1e7},
              {40, 0.07, 2274.0, 3.8e7},
              {55, 0.07, 1937.0, 2.8e7}}};
  OrganicParams& os = a.packaging.organic;  // [OS]; layer tiers from package.py OS.cost_raw_package
  os.area_scale = 4.0;
  os.usd_per_mm2 = 0.005;
  os.bond_yield = 0.99;
  os.c4_bump_usd_per_mm2 = 0.005;
  os.single_die_layer_factor = 1.0;
  os.tier_max_area_mm2 = {17.0 * 17.0, 30.0 * 30.0, kInf};
  os.tier_layer_factor = {1.5, 1.75, 2.0};
  InterposerParams& fo = a.packaging.fanout;  // [FO]; micro-bump rate is [SI] bump_cost_factor (spec.py)
  fo.area_scale = 1.2;
  fo.wafer_cost_usd = 1200.0;
  fo.wafer = a.wafer;
  fo.defects = DefectModel{YieldModel::negative_binomial, 0.05, 3.0, 10, 1.0};
  fo.bond_yield = 0.98;
  fo.ubump_usd_per_mm2 = 0.01;
  InterposerParams& si = a.packaging.silicon;  // [SI]; wafer = the 55 nm wafer (spec.py cost_wafer_si)
  si.area_scale = 1.1;
  si.wafer_cost_usd = 1937.0;
  si.wafer = a.wafer;
  si.defects = DefectModel{YieldModel::negative_binomial, 0.06, 6.0, 10, 1.0};
  si.bond_yield = 0.95;
  si.ubump_usd_per_mm2 = 0.01;
  NreParams& nre = a.nre;  // [NRE], [OS], [FO]; D2D 20 mm² from module.py D2D.NRE; SI 1.2 x 55 nm from spec.py
  nre.module_fraction = 0.5;
  nre.chip_fraction = 0.3;
  nre.reference_chip_area_mm2 = 300.0;
  nre.d2d_equivalent_area_mm2 = 20.0;
  nre.organic_usd_per_mm2 = 3000.0;
  nre.organic_fixed_usd = 3.0e5;
  nre.fanout_reference_usd = 1.5e7;
  nre.fanout_fraction = 0.5;
  nre.interposer_node_nre_usd = 2.8e7;
  nre.interposer_nre_scale = 1.2;
  return a;
}

}  // namespace chipdse::model
