// The cost stage of the kernel (evaluate.hpp): known-good dies and 3D stacks, the package flow, HBM, optics and
// NRE, itemised. Equations: die_cost.hpp, package_cost.hpp, nre.hpp (Chiplet Actuary, CATCH, 3D-Carbon via
// shared/reference/cost_models.md); the choices made here are stated where they are made.
#include <algorithm>
#include <cmath>

#include "chipdse/model/evaluate.hpp"

namespace chipdse::model {

namespace {

constexpr std::size_t idx(ProcessNode n) noexcept { return static_cast<std::size_t>(n); }

// One die kind as manufactured. A die too large for one whole copy on the wafer is charged a whole wafer, so its
// cost stays finite; the caller marks the point infeasible (die_not_on_wafer).
DieSpec die_spec(const DieArea& d, const KernelParams& p, bool& not_on_wafer) noexcept {
  const NodeCostParams& n = p.node[idx(d.node)];
  DieSpec s;
  s.wafer_cost_usd = n.wafer_cost_usd;
  s.dies_per_wafer = dies_per_wafer(p.wafer, d.width_mm, d.height_mm);
  if (!(s.dies_per_wafer >= 1.0)) {
    not_on_wafer = true;
    s.dies_per_wafer = 1.0;
  }
  s.yield = die_yield(n.defects, d.area_mm2);
  s.test = p.die_test;
  return s;
}

DieReport report(const DieArea& d, const DieSpec& s, const DieCost& c) noexcept {
  return DieReport{d.count, d.area_mm2, s.dies_per_wafer, s.yield, c};
}

// NRE of one die design (Actuary module.py / chip.py with spec.py's split, cost_models.md §1.2): the die's blocks
// are its modules (D2D PHYs excluded: they are interface designs, paid per node below), the chip integration
// scales with die area, and the fixed share carries the mask set, which is itemised out of it (IBS's design cost
// includes the first mask set, so the mask is never added on top).
void add_die_design(NreReport& nre, const DieArea& d, const KernelParams& p) noexcept {
  if (d.count <= 0) return;
  const NodeCostParams& n = p.node[idx(d.node)];
  const double module_area = std::max(0.0, d.area_mm2 - d.blocks.d2d_phy_mm2);
  const double fixed = (1.0 - p.nre.module_fraction - p.nre.chip_fraction) * n.design_nre_usd;
  const double mask = std::min(n.mask_set_usd, std::max(0.0, fixed));
  nre.module_usd += module_nre_usd(module_area, n.design_nre_usd, p.nre);
  nre.chip_usd += chip_nre_usd(d.area_mm2, n.design_nre_usd, p.nre) - mask;
  nre.mask_usd += mask;
}

// Interface designs (D2D PHY and 3D bond interface), once per (kind, node): identical chiplets and an IO die on
// the compute node share one design (Actuary D2D.NRE: a 20 mm²-equivalent module per node).
double interface_nre_usd(const AreaResult& a, const KernelParams& p) noexcept {
  std::array<bool, kProcessNodeCount> d25{}, d3{};
  const bool compute_d2d = a.compute.count > 1 || a.io.count > 0;
  if (compute_d2d) d25[idx(a.compute.node)] = true;
  if (a.io.count > 0) d25[idx(a.io.node)] = true;
  if (a.cache.count > 0) {
    d3[idx(a.compute.node)] = true;
    d3[idx(a.cache.node)] = true;
  }
  double sum = 0.0;
  for (std::size_t i = 0; i < kProcessNodeCount; ++i) {
    if (d25[i]) sum += d2d_nre_usd(p.node[i].design_nre_usd, p.nre);
    if (d3[i]) sum += d2d_nre_usd(p.node[i].design_nre_usd, p.nre);
  }
  return sum;
}

}  // namespace

void evaluate_cost(const DesignChoice& choice, const KernelParams& p, const AreaResult& area,
                   const Geometry& geometry, Metrics& out, EvaluationDetail* detail) noexcept {
  const PackagingChoiceParams& pk = p.packaging[static_cast<std::size_t>(choice.packaging)];
  bool not_on_wafer = false;

  PackageSpec spec;
  spec.kind = pk.kind;
  DieReport compute{}, io{}, cache{};
  std::size_t kinds = 0;
  if (area.compute.count > 0) {
    const DieSpec cs = die_spec(area.compute, p, not_on_wafer);
    DieCost c{};
    if (area.cache.count > 0) {
      // The cache die is bonded on its compute die (SoIC, die-to-wafer) and the stack tested as a whole: the pair
      // is placed like one die with the compute die's footprint (die_cost.hpp stack_cost_3d).
      StackSpec st;
      st.flow = p.cache_bond_flow;
      st.layers[0] = cs;
      st.layers[1] = die_spec(area.cache, p, not_on_wafer);
      st.layer_count = 2;
      st.bond_yield = p.cache_bond_yield;
      st.bond_cost_usd = p.cache_bond_cost_usd;
      st.stack_test = p.die_test;
      c = stack_cost_3d(st);
      cache = report(area.cache, st.layers[1], die_cost(st.layers[1]));
    } else {
      c = die_cost(cs);
    }
    compute = report(area.compute, cs, c);
    spec.dies[kinds++] = PlacedDie{c, area.compute.area_mm2, area.compute.count};
  }
  if (area.io.count > 0) {
    const DieSpec is = die_spec(area.io, p, not_on_wafer);
    const DieCost c = die_cost(is);
    io = report(area.io, is, c);
    spec.dies[kinds++] = PlacedDie{c, area.io.area_mm2, area.io.count};
  }
  spec.die_kind_count = kinds;
  const HbmParams& hbm = p.hbm[static_cast<std::size_t>(choice.hbm)];
  spec.hbm_count = choice.hbm_stacks;
  spec.hbm_price_usd = hbm.price_usd;
  spec.hbm_area_mm2 = hbm.footprint.edge_mm * hbm.footprint.depth_mm;
  spec.d2d_edges = geometry.die_adjacencies + (pk.bridges_for_hbm ? choice.hbm_stacks : 0);
  // The substrate: the Actuary rule (x4 of interposer or die area, validated) unless the placed outline, a lower
  // bound, is larger. The interposer / carrier: the placed outline (it holds the HBM columns and their gaps).
  spec.package_area_mm2 = std::max(geometry.substrate_area_mm2, geometry.substrate_scaled_area_mm2);
  spec.interposer_area_mm2 = has_interposer(geometry.carrier) ? geometry.interposer_area_mm2 : 0.0;
  const PackageCost pc = package_cost(spec, pk.cost);

  // Optics: this package's end of each link, per direction of port bandwidth (an 800G module carries 800 Gb/s
  // each way). The far end (switch) belongs to the network, not to the package.
  const double up_gbps = p.scale_up_tbps_bidir / 2.0 * 1000.0;
  const double out_gbps = p.scale_out_tbps_bidir / 2.0 * 1000.0;
  const double optics = up_gbps * p.link_usd_per_gbps[static_cast<std::size_t>(choice.scale_up_link)] +
                        out_gbps * p.link_usd_per_gbps[static_cast<std::size_t>(choice.scale_out_link)];

  // NRE: die and interface designs of a chiplet partitioning are shared by `reuse_products` products of equal
  // volume (nre.hpp amortise_nre for identical products: NRE / (R V)); a monolithic die is its product's own.
  NreReport nre;
  add_die_design(nre, area.compute, p);
  add_die_design(nre, area.io, p);
  add_die_design(nre, area.cache, p);
  nre.d2d_usd = interface_nre_usd(area, p);
  NreParams package_nre = p.nre;
  package_nre.bridge_carrier_usd_per_mm2 = pk.bridge_carrier_nre_usd_per_mm2;
  package_nre.bridge_fixed_usd = pk.bridge_nre_fixed_usd;
  nre.package_usd = package_nre_usd(pk.kind, pc, package_nre, pk.cost.organic);
  const double designs = nre.module_usd + nre.chip_usd + nre.mask_usd + nre.d2d_usd;
  nre.total_usd = designs + nre.package_usd;
  const double shared_by = choice.partitioning == Partitioning::monolithic ? 1.0 : p.economics.reuse_products;
  nre.per_unit_usd = designs / (p.economics.volume_units * shared_by) + nre.package_usd / p.economics.volume_units;

  CostBreakdown& b = out.cost;
  b.raw_dies_usd = pc.re.raw_chips_usd;
  b.defect_scrap_usd = pc.re.defect_chips_usd;
  b.test_usd = pc.re.test_chips_usd;
  b.raw_package_usd = pc.re.raw_package_usd;
  b.package_scrap_usd = pc.re.defect_package_usd;
  b.assembly_scrap_usd = pc.re.wasted_chips_usd;
  b.hbm_usd = pc.re.hbm_usd;
  b.optics_usd = optics;
  b.nre_per_unit_usd = nre.per_unit_usd;
  b.total_usd = b.raw_dies_usd + b.defect_scrap_usd + b.test_usd + b.raw_package_usd + b.package_scrap_usd +
                b.assembly_scrap_usd + b.hbm_usd + b.optics_usd + b.nre_per_unit_usd;
  out.cost_usd = b.total_usd;
  if (not_on_wafer) out.infeasible |= infeasible::die_not_on_wafer;

  if (detail != nullptr) {
    detail->package = pc;
    detail->compute = compute;
    detail->io = io;
    detail->cache = cache;
    detail->nre = nre;
  }
}

}  // namespace chipdse::model
