// chipdse/model/package_cost.cpp — package RE flows; equations and sources in package_cost.hpp.
// Expressions keep Chiplet Actuary's order of operations (package.py @ 2c91fb9) where they reproduce it, so the
// actuary_* validation cases match to rounding; chipdse's extra factors (escapes, HBM, test, stitching) are exactly
// 1 or 0 in that configuration and so never perturb those numbers.
#include "chipdse/model/package_cost.hpp"

#include <cmath>

#include "chipdse/model/yield.hpp"

namespace chipdse::model {

namespace {

// What the placed components add up to.
struct Components {
  std::int32_t count = 0;       // dies (every kind, dummies included) + HBM stacks: Actuary chip_num()
  double area_mm2 = 0.0;        // sum of footprints: Actuary total_module_area()
  double defect_usd = 0.0;      // sum of per-die defect cost
  double test_usd = 0.0;        // sum of per-die test cost
  double quality = 1.0;         // prod Q_i^count: probability that no test escape is in the package
};

Components sum_components(const PackageSpec& spec) noexcept {
  Components c;
  for (std::size_t i = 0; i < spec.die_kind_count && i < kMaxDieKinds; ++i) {
    const PlacedDie& d = spec.dies[i];
    const double n = static_cast<double>(d.count);
    c.count += d.count;
    c.area_mm2 += d.area_mm2 * n;
    c.defect_usd += d.cost.defect_usd * n;
    c.test_usd += d.cost.test_usd * n;
    c.quality *= yield_repeated(d.cost.quality, d.count);
  }
  c.count += spec.hbm_count;
  c.area_mm2 += spec.hbm_area_mm2 * static_cast<double>(spec.hbm_count);
  return c;
}

// Raw dies plus their bumps: per die on organic (OS: `(raw + area * c4) * num`), or Actuary's Advanced form
// `raw * num + area * ubump` where the bump term is per kind in compat mode and per die otherwise.
double raw_chips_usd(const PackageSpec& spec, double bump_usd_per_mm2, bool bump_per_die_in_sum,
                     bool bump_once_per_kind) noexcept {
  double sum = 0.0;
  for (std::size_t i = 0; i < spec.die_kind_count && i < kMaxDieKinds; ++i) {
    const PlacedDie& d = spec.dies[i];
    const double n = static_cast<double>(d.count);
    if (bump_per_die_in_sum)
      sum += (d.cost.raw_usd + d.area_mm2 * bump_usd_per_mm2) * n;
    else
      sum += d.cost.raw_usd * n + d.area_mm2 * bump_usd_per_mm2 * (bump_once_per_kind ? 1.0 : n);
  }
  return sum;
}

// Interposer dies per wafer: Actuary dices the interposer with the die formula on its area (Advanced
// N_package_total); geometric rules use a square of that area. The closed form turns negative above ~10,500 mm²
// (300 mm wafer, 5 mm edge) and the counts reach 0: such interposers are infeasible (DESIGN.md §2.1) and rejected by
// the geometry step, but their cost must stay finite, so at least a whole wafer is charged (never hit by the cases).
double interposer_dpw(const WaferSpec& wafer, double area_mm2) noexcept {
  const double side = std::sqrt(area_mm2);
  const double n = wafer.method == DpwMethod::actuary_formula
                       ? dies_per_wafer_actuary(area_mm2, wafer.diameter_mm, wafer.edge_loss_mm, wafer.scribe_mm)
                       : dies_per_wafer(wafer, side, side);
  return n > 1.0 ? n : 1.0;
}

// Stitch lines of an interposer larger than one exposure field (one per extra field; cost_models.md §7.2, §7.4).
int stitches(double area_mm2, double reticle_area_mm2) noexcept {
  if (reticle_area_mm2 <= 0.0 || area_mm2 <= reticle_area_mm2) return 0;
  return static_cast<int>(std::ceil(area_mm2 / reticle_area_mm2)) - 1;
}

void finish(PackageCost& out, const PackageSpec& spec, const Components& c, double raw_chips) noexcept {
  ReBreakdown& re = out.re;
  re.raw_chips_usd = raw_chips;
  re.defect_chips_usd = c.defect_usd;
  re.test_chips_usd = c.test_usd;
  re.hbm_usd = spec.hbm_price_usd * static_cast<double>(spec.hbm_count);
  out.component_count = c.count;
}

// Base of the wasted term: every shipped die (raw + defect + test) and the purchased HBM stacks.
double at_risk_usd(const ReBreakdown& re) noexcept {
  return re.raw_chips_usd + re.defect_chips_usd + re.test_chips_usd + re.hbm_usd;
}

void total(ReBreakdown& re) noexcept {
  re.total_re_usd = re.raw_chips_usd + re.defect_chips_usd + re.raw_package_usd + re.defect_package_usd +
                    re.wasted_chips_usd + re.test_chips_usd + re.hbm_usd;
}

// Actuary OS.cost_RE: substrate = area * $/mm² * layer factor; every die is lost with probability 1 - y_b^n.
void organic_flow(PackageCost& out, const PackageSpec& spec, const Components& c, const OrganicParams& o) noexcept {
  out.package_area_mm2 = spec.package_area_mm2 > 0.0 ? spec.package_area_mm2 : c.area_mm2 * o.area_scale;
  out.layer_factor = organic_layer_factor(o, c.count, out.package_area_mm2);
  finish(out, spec, c, raw_chips_usd(spec, o.c4_bump_usd_per_mm2, true, false));
  ReBreakdown& re = out.re;
  re.raw_package_usd = out.package_area_mm2 * o.usd_per_mm2 * out.layer_factor;
  out.assembly_yield = std::pow(o.bond_yield, static_cast<double>(c.count)) * c.quality;
  const double scrap = 1.0 / out.assembly_yield - 1.0;
  re.defect_package_usd = re.raw_package_usd * scrap;
  re.wasted_chips_usd = at_risk_usd(re) * scrap;
}

// Actuary Advanced.cost_RE (FO and SI): y1 interposer, y2 = y_bond^n (dies bonded), y3 = substrate attach.
// Chip-last: the interposer is tested before dies are bonded, so y1 scraps only the interposer.
// Chip-first: the RDL is built over the dies, so y1 scraps every die; there is no bump bonding (no y2).
void interposer_flow(PackageCost& out, const PackageSpec& spec, const Components& c, const OrganicParams& o,
                     const InterposerParams& ip, bool chip_first, CostCompat compat) noexcept {
  const double a_int = spec.interposer_area_mm2 > 0.0 ? spec.interposer_area_mm2 : c.area_mm2 * ip.area_scale;
  out.interposer_area_mm2 = a_int;
  out.package_area_mm2 = spec.package_area_mm2 > 0.0 ? spec.package_area_mm2 : a_int * o.area_scale;
  finish(out, spec, c, raw_chips_usd(spec, ip.ubump_usd_per_mm2, false, compat.ubump_once_per_kind));
  const double interposer_usd = ip.wafer_cost_usd / interposer_dpw(ip.wafer, a_int) + a_int * o.c4_bump_usd_per_mm2;
  const double substrate_usd = out.package_area_mm2 * o.usd_per_mm2;
  const double y1 =
      die_yield(ip.defects, a_int) * yield_repeated(ip.stitch_yield, stitches(a_int, ip.reticle_area_mm2));
  const double y2 = std::pow(ip.bond_yield, static_cast<double>(c.count)) * c.quality;
  const double y3 = o.bond_yield;
  out.interposer_yield = y1;
  ReBreakdown& re = out.re;
  re.raw_package_usd = interposer_usd + substrate_usd;
  if (!chip_first) {
    re.defect_package_usd = interposer_usd * (1.0 / (y1 * y2 * y3) - 1.0) + substrate_usd * (1.0 / y3 - 1.0);
    out.assembly_yield = y2 * y3;
  } else {
    // Escapes (quality < 1) still fail the finished package: they multiply the chip-first yield too.
    const double y13 = y1 * y3 * c.quality;
    re.defect_package_usd = interposer_usd * (1.0 / y13 - 1.0) + substrate_usd * (1.0 / y3 - 1.0);
    out.assembly_yield = y13;
  }
  re.wasted_chips_usd = at_risk_usd(re) * (1.0 / out.assembly_yield - 1.0);
}

// CoWoS-L / EMIB: chip-last on a carrier with embedded bridges (cost_models.md §7.4). The carrier with its bridges
// is tested before the dies are bonded, so its yield y1 (carrier defects, bridge embedding, bridge escapes) scraps
// only carrier and bridges; bonding y2 and substrate attach y3 scrap the dies, as in Actuary's chip-last rule.
void bridge_flow(PackageCost& out, const PackageSpec& spec, const Components& c, const OrganicParams& o,
                 const BridgeParams& b) noexcept {
  const double a_car = spec.interposer_area_mm2 > 0.0 ? spec.interposer_area_mm2 : c.area_mm2 * b.carrier_area_scale;
  const std::int32_t n_bridges = spec.d2d_edges * b.bridges_per_edge;
  const double a_sub = spec.package_area_mm2 > 0.0 ? spec.package_area_mm2 : a_car * b.substrate_area_scale;
  out.interposer_area_mm2 = a_car;
  out.package_area_mm2 = a_sub > 0.0 ? a_sub : a_car;  // EMIB: the carrier is the package substrate
  out.bridge_count = n_bridges;
  finish(out, spec, c, raw_chips_usd(spec, b.ubump_usd_per_mm2, true, false));
  // Known-good bridges are bought in at their shipped cost (their own scrap and test included).
  const double carrier_usd = a_car * b.carrier_usd_per_mm2 + b.bridge.shipped_usd * static_cast<double>(n_bridges);
  const double substrate_usd = a_sub * o.usd_per_mm2;
  const double y1 = die_yield(b.carrier_defects, a_car) * yield_repeated(b.bridge_embed_yield, n_bridges) *
                    yield_repeated(b.bridge.quality, n_bridges);
  const double y2 = std::pow(b.chip_bond_yield, static_cast<double>(c.count)) * c.quality;
  const double y3 = b.substrate_attach_yield;
  out.interposer_yield = y1;
  out.assembly_yield = y2 * y3;
  ReBreakdown& re = out.re;
  re.raw_package_usd = carrier_usd + substrate_usd;
  re.defect_package_usd = carrier_usd * (1.0 / (y1 * y2 * y3) - 1.0) + substrate_usd * (1.0 / y3 - 1.0);
  re.wasted_chips_usd = at_risk_usd(re) * (1.0 / out.assembly_yield - 1.0);
}

}  // namespace

double organic_layer_factor(const OrganicParams& organic, std::int32_t component_count,
                            double package_area_mm2) noexcept {
  if (component_count == 1) return organic.single_die_layer_factor;
  for (std::size_t i = 0; i < organic.tier_max_area_mm2.size(); ++i)
    if (package_area_mm2 <= organic.tier_max_area_mm2[i]) return organic.tier_layer_factor[i];
  return organic.tier_layer_factor.back();
}

PackageCost package_cost(const PackageSpec& spec, const PackagingParams& params, CostCompat compat) noexcept {
  const Components c = sum_components(spec);
  PackageCost out;
  switch (spec.kind) {
    case PackageKind::organic_mcm: organic_flow(out, spec, c, params.organic); break;
    case PackageKind::fanout_chip_last:
      interposer_flow(out, spec, c, params.organic, params.fanout, false, compat);
      break;
    case PackageKind::fanout_chip_first:
      interposer_flow(out, spec, c, params.organic, params.fanout, true, compat);
      break;
    case PackageKind::silicon_interposer:
      interposer_flow(out, spec, c, params.organic, params.silicon, false, compat);
      break;
    case PackageKind::bridge: bridge_flow(out, spec, c, params.organic, params.bridge); break;
  }
  total(out.re);
  return out;
}

}  // namespace chipdse::model
