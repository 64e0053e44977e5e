// chipdse/model/nre.cpp — NRE equations and amortisation; sources in nre.hpp.
#include "chipdse/model/nre.hpp"

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

}  // namespace chipdse::model
