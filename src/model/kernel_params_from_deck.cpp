// Kernel parameters from a checked deck and its technology database (see kernel_params.hpp). Runs once per run;
// every technology path it reads is named here, next to the member it feeds.
#include <cmath>
#include <string>

#include "chipdse/core/error.hpp"
#include "chipdse/deck/deck.hpp"
#include "chipdse/model/kernel_params.hpp"
#include "chipdse/model/params_from_tech.hpp"

namespace chipdse::model {

namespace {

class TechReader {
 public:
  explicit TechReader(const tech::TechDatabase& tech) : m_tech(tech) {}
  double operator()(const std::string& path) const { return m_tech.at(path).value; }
  std::string attribute(const std::string& path) const {
    const tech::TechAttribute* a = m_tech.find_attribute(path);
    if (a == nullptr) throw Error("technology attribute '" + path + "' is missing (inputs/tech/packaging.toml)");
    return a->text;
  }

 private:
  const tech::TechDatabase& m_tech;
};

void resolve_nodes(KernelParams& k, const TechReader& v) {
  for (std::size_t i = 0; i < kProcessNodeCount; ++i) {
    const std::string n = "process_node." + std::string(kProcessNodeNames[i]) + ".";
    NodeCostParams& c = k.node[i];
    c.wafer_cost_usd = v(n + "wafer_cost_usd");
    c.defects.model = YieldModel::negative_binomial;
    c.defects.d0_per_cm2 = v(n + "defect_density_per_cm2");
    c.defects.alpha = v(n + "yield_cluster_alpha");
    c.design_nre_usd = v(n + "design_nre_musd") * 1e6;
    c.mask_set_usd = v(n + "mask_set_cost_musd") * 1e6;
  }
  k.wafer.diameter_mm = v("process_node.common.wafer_diameter_mm");
  k.wafer.edge_loss_mm = v("process_node.common.edge_exclusion_mm");
  k.wafer.scribe_mm = v("process_node.common.scribe_width_mm");
  // The exact count of whole dies on the wafer (CATCH's grid fill, cost_models.md §7 item 3): the dies of this
  // space are >= ~40 mm², where the count costs well under 1 µs (few rows), and it honours the die's shape.
  k.wafer.method = DpwMethod::geometric_grid;
}

// Organic laminate, fan-out RDL and Si interposer rules: Chiplet Actuary's OS / FO / SI with the sourced values.
PackagingParams base_packaging(const TechReader& v, const KernelParams& k) {
  PackagingParams p;
  OrganicParams& o = p.organic;
  o.area_scale = v("packaging.organic_mcm.substrate_area_scale");
  o.usd_per_mm2 = v("packaging.organic_mcm.substrate_cost_usd_per_mm2");
  o.bond_yield = v("packaging.organic_mcm.bond_yield_per_die");
  o.c4_bump_usd_per_mm2 = v("packaging.organic_mcm.bump_cost_usd_per_mm2");
  // Layer-count tiers of Actuary's OS.cost_raw_package (cost_models.md §1.2): 1 component -> 1x; several:
  // <= 17x17 mm -> 1.5x, <= 30x30 mm -> 1.75x, larger -> 2x. Structural constants of that rule, not data.
  o.single_die_layer_factor = 1.0;
  o.tier_max_area_mm2 = {17.0 * 17.0, 30.0 * 30.0, INFINITY};
  o.tier_layer_factor = {1.5, 1.75, 2.0};

  InterposerParams& fo = p.fanout;
  fo.area_scale = v("packaging.info.area_scale");
  fo.wafer_cost_usd = v("packaging.info.wafer_cost_usd");
  fo.defects = DefectModel{YieldModel::negative_binomial, v("packaging.info.defect_density_per_cm2"),
                           v("packaging.info.yield_cluster_alpha"), 10, 1.0};
  fo.bond_yield = v("packaging.info.bond_yield_per_die");
  fo.ubump_usd_per_mm2 = v("packaging.cowos_s.ubump_cost_usd_per_mm2");  // Actuary prices FO bumps at SI's rate
  fo.wafer = k.wafer;
  fo.reticle_area_mm2 = 0.0;  // RDL is not reticle-stitched
  fo.stitch_yield = 1.0;

  InterposerParams& si = p.silicon;
  si.area_scale = v("packaging.cowos_s.area_scale");
  si.wafer_cost_usd = v("packaging.cowos_s.interposer_wafer_cost_usd");
  si.defects = DefectModel{YieldModel::negative_binomial, v("packaging.cowos_s.defect_density_per_cm2"),
                           v("packaging.cowos_s.yield_cluster_alpha"), 10, 1.0};
  si.bond_yield = v("packaging.cowos_s.bond_yield_per_die");
  si.ubump_usd_per_mm2 = v("packaging.cowos_s.ubump_cost_usd_per_mm2");
  si.wafer = k.wafer;
  si.reticle_area_mm2 = v("process_node.common.reticle_area_mm2");
  si.stitch_yield = v("packaging.cowos_s.stitching_yield_per_stitch");
  return p;
}

// A known-good LSI / EMIB bridge die: a small passive-Si die made like a Si interposer (55/65 nm class wafer,
// the interposer's defect statistics), tested with the KGD test.
DieCost bridge_die(const TechReader& v, const KernelParams& k) {
  const double area = v("packaging.common.bridge_die_area_mm2");
  const double side = std::sqrt(area);
  DieSpec s;
  s.wafer_cost_usd = v("packaging.cowos_s.interposer_wafer_cost_usd");
  s.dies_per_wafer = dies_per_wafer(k.wafer, side, side);
  s.yield = die_yield(DefectModel{YieldModel::negative_binomial, v("packaging.cowos_s.defect_density_per_cm2"),
                                  v("packaging.cowos_s.yield_cluster_alpha"), 10, 1.0},
                      area);
  s.test = k.die_test;
  return die_cost(s);
}

GeometryRules rules_for(const TechReader& v, const std::string& kind, Carrier carrier) {
  GeometryRules r;
  const std::string p = "packaging." + kind + ".";
  r.die_gap_mm = v(p + "die_gap_mm");
  r.die_hbm_gap_mm = v(p + "die_hbm_gap_mm");
  if (has_interposer(carrier)) r.interposer_edge_mm = v(p + "interposer_edge_clearance_mm");
  // Every packaging kind sits on an organic substrate: its component gap and edge clearance (CATCH organic).
  r.substrate_gap_mm = v("packaging.organic_mcm.die_gap_mm");
  r.substrate_edge_mm = v("packaging.organic_mcm.substrate_edge_clearance_mm");
  r.reticle_width_mm = v("process_node.common.reticle_width_mm");
  r.reticle_length_mm = v("process_node.common.reticle_length_mm");
  r.reticle_area_mm2 = v("process_node.common.reticle_area_mm2");
  r.max_package_area_mm2 = v("packaging.organic_mcm.max_package_area_mm2");
  r.hbm_max_reach_mm = v("packaging.common.hbm_max_interconnect_mm");
  r.substrate_area_scale = v("packaging.organic_mcm.substrate_area_scale");
  if (kind == "info") r.interposer_area_scale = v("packaging.info.area_scale");
  if (kind == "cowos_s") {
    r.interposer_area_scale = v("packaging.cowos_s.area_scale");
    r.max_interposer_area_mm2 = v("packaging.cowos_s.max_interposer_area_mm2");
    r.max_interposer_reticles = v("packaging.cowos_s.max_interposer_reticles");
  }
  if (kind == "cowos_l") {
    // The RDL carrier is sized like InFO's RDL; its size limit is TSMC's roadmap for the current year (2026).
    r.interposer_area_scale = v("packaging.info.area_scale");
    r.max_interposer_reticles = v("packaging.cowos_l.max_interposer_reticles_2026");
  }
  return r;
}

void resolve_packaging(KernelParams& k, const TechReader& v) {
  const PackagingParams base = base_packaging(v, k);
  const DieCost bridge = bridge_die(v, k);
  const double hbm_pitch_um = v("memory.common.hbm_microbump_pitch_um");
  for (std::size_t i = 0; i < kPackagingCount; ++i) {
    const std::string name(kPackagingNames[i]);
    PackagingChoiceParams& c = k.packaging[i];
    c.rules = rules_for(v, name, kPackagingCarrier[i]);
    c.cost = base;
    c.fine_pitch = true;
    c.bridges_for_hbm = false;
    c.bridge_carrier_nre_usd_per_mm2 = 0.0;
    c.bridge_nre_fixed_usd = 0.0;
    switch (static_cast<Packaging>(i)) {
      case Packaging::organic_mcm:
        c.kind = PackageKind::organic_mcm;
        // An HBM bus needs micro-bump routing; laminate C4 is far coarser (130 vs 55 µm).
        c.fine_pitch = v("packaging.organic_mcm.bump_pitch_um") <= hbm_pitch_um;
        break;
      case Packaging::info: {
        const std::string flow = v.attribute("packaging.info.flow");
        if (flow != "chip_last" && flow != "chip_first")
          throw Error("technology attribute 'packaging.info.flow' is \"" + flow + "\"; allowed: chip_last, chip_first");
        c.kind = flow == "chip_first" ? PackageKind::fanout_chip_first : PackageKind::fanout_chip_last;
        break;
      }
      case Packaging::cowos_s: c.kind = PackageKind::silicon_interposer; break;
      case Packaging::cowos_l:
      case Packaging::emib: {
        c.kind = PackageKind::bridge;
        c.bridges_for_hbm = true;
        BridgeParams& b = c.cost.bridge;
        b.bridge = bridge;
        b.bridges_per_edge = static_cast<int>(v("packaging.common.bridges_per_adjacency"));
        b.bridge_embed_yield = v("packaging.common.bridge_embed_yield");
        b.ubump_usd_per_mm2 = v("packaging.cowos_s.ubump_cost_usd_per_mm2");
        if (static_cast<Packaging>(i) == Packaging::cowos_l) {
          // CoWoS-L: an RDL interposer (InFO's RDL process and defects) carrying LSI bridges, on a substrate.
          b.carrier_area_scale = v("packaging.info.area_scale");
          b.carrier_usd_per_mm2 = v("packaging.cowos_l.interposer_cost_usd_per_mm2");
          b.carrier_defects = base.fanout.defects;
          b.chip_bond_yield = v("packaging.cowos_l.bond_yield_per_die");
          b.substrate_area_scale = v("packaging.organic_mcm.substrate_area_scale");
          b.substrate_attach_yield = v("packaging.organic_mcm.bond_yield_per_die");
          // The carrier is designed like InFO's RDL (Actuary FO NRE rule: 0.5 x 15 M$ per 300 mm², 0.5 x 15 M$).
          c.bridge_carrier_nre_usd_per_mm2 = k.nre.fanout_fraction * k.nre.fanout_reference_usd /
                                             k.nre.reference_chip_area_mm2;
          c.bridge_nre_fixed_usd = k.nre.fanout_fraction * k.nre.fanout_reference_usd;
        } else {
          // EMIB: the bridges sit in the organic substrate itself (no carrier, no separate attach).
          b.carrier_area_scale = v("packaging.organic_mcm.substrate_area_scale");
          b.carrier_usd_per_mm2 = v("packaging.emib.carrier_cost_usd_per_mm2");
          b.carrier_defects = DefectModel{YieldModel::negative_binomial, 0.0, 10.0, 10, 1.0};
          b.chip_bond_yield = v("packaging.emib.bond_yield_per_die");
          b.substrate_area_scale = 0.0;
          b.substrate_attach_yield = 1.0;
          // Designed like an organic package (Actuary OS NRE rule).
          c.bridge_carrier_nre_usd_per_mm2 = k.nre.organic_usd_per_mm2;
          c.bridge_nre_fixed_usd = k.nre.organic_fixed_usd;
        }
        break;
      }
    }
  }
}

void resolve_nre(KernelParams& k, const TechReader& v) {
  NreParams& n = k.nre;
  n.module_fraction = v("process_node.common.nre_module_fraction");
  n.chip_fraction = v("process_node.common.nre_chip_fraction");
  n.reference_chip_area_mm2 = v("process_node.common.nre_reference_chip_area_mm2");
  n.d2d_equivalent_area_mm2 = v("process_node.common.d2d_nre_equivalent_area_mm2");
  n.organic_usd_per_mm2 = v("packaging.organic_mcm.nre_usd_per_mm2");
  n.organic_fixed_usd = v("packaging.organic_mcm.nre_fixed_usd");
  n.fanout_reference_usd = v("packaging.info.nre_musd") * 1e6;
  n.fanout_fraction = n.module_fraction;  // spec.py: FO NRE per mm² = 0.5 x NRE / 300 mm², the module share
  n.interposer_node_nre_usd = v("packaging.cowos_s.interposer_node_nre_musd") * 1e6;
  n.interposer_nre_scale = v("packaging.cowos_s.interposer_nre_scale");
}

double precision_rate_vs_bf16(const deck::Deck& deck, const TechReader& v) {
  const std::string& p = deck.reference.precision;
  if (p == "fp8") return v("compute.common.fp8_speedup_vs_bf16");
  // Dense FP16 and BF16 tensor rates are equal on every accelerator of the database (H100: 989 TFLOPS both).
  if (p == "bf16" || p == "fp16") return 1.0;
  throw InputError(deck.values.where("reference.precision"), "reference.precision",
                   "no dense-rate ratio to BF16 in the technology database for this precision", p,
                   "fp8, bf16, fp16");
}

}  // namespace

KernelParams kernel_params_from_deck(const deck::Deck& deck) {
  const TechReader v(deck.tech);
  KernelParams k;
  k.area = area_params_from_tech(deck.tech);

  ReferenceSpec ref;
  if (!process_node_from_name(deck.reference.node, ref.node))
    throw InputError(deck.values.where("reference.node"), "reference.node", "the area model has no such node",
                     deck.reference.node, "N16, N7, N6, N5, N3, N2, A16");
  ref.peak_dense_tflops = deck.reference.peak_dense_tflops;
  ref.precision_rate_vs_bf16 = precision_rate_vs_bf16(deck, v);
  ref.sram_mb = deck.reference.sram_mb;
  ref.hbm = HbmGen::hbm3;
  ref.hbm_stacks = static_cast<std::int32_t>(std::ceil(deck.reference.hbm_capacity_gb / v("memory.hbm3.capacity_gb")));
  k.scale_up_tbps_bidir = deck.reference.scale_up_gb_per_s * 8.0 / 1000.0;  // GB/s (both directions) -> Tbps
  k.scale_out_tbps_bidir = deck.reference.scale_out_gbps * 2.0 / 1000.0;    // Gb/s each way -> Tbps both ways
  ref.offpkg_tbps_bidir = k.scale_up_tbps_bidir + k.scale_out_tbps_bidir;
  k.reference = calibrate_reference(calibration_die_from_tech(deck.tech), ref, k.area);
  if (k.reference.issues != 0)
    throw InputError(deck.values.where("reference.peak_dense_tflops"), "reference",
                     "the area calibration on the H100 die failed (area_issue bits " +
                         std::to_string(k.reference.issues) + ")");
  k.sram_mb = deck.reference.sram_mb;
  k.max_die_area_mm2 = deck.constraints.max_die_area_mm2;
  k.hbm_capacity_gb = deck.reference.hbm_capacity_gb;

  resolve_nodes(k, v);
  k.die_test.coverage = v("packaging.common.kgd_test_coverage");
  k.die_test.cost_usd_per_part = v("packaging.common.kgd_tester_cost_usd_per_s") * v("packaging.common.kgd_test_time_s");
  for (std::size_t i = 0; i < kHbmGenCount; ++i) {
    const std::string m = "memory." + std::string(kHbmGenNames[i]) + ".";
    HbmParams& h = k.hbm[i];
    h.price_usd = v(m + "cost_usd_per_stack");
    h.capacity_gb = v(m + "capacity_gb");
    h.footprint.edge_mm = v(m + "shoreline_mm");
    h.footprint.depth_mm = v(m + "footprint_mm2") / h.footprint.edge_mm;
  }
  resolve_nre(k, v);
  resolve_packaging(k, v);
  k.cache_bond_flow = BondFlow::die_to_wafer;  // SoIC is chip-on-wafer: known-good dies bonded to the base wafer
  k.cache_bond_yield = v("packaging.soic.bond_yield_per_die");
  k.cache_bond_cost_usd = 0.0;
  for (std::size_t i = 0; i < kLinkTechCount; ++i)
    k.link_usd_per_gbps[i] = v("link." + std::string(kLinkTechNames[i]) + ".cost_usd_per_gbps");
  k.economics.volume_units = deck.economics.volume_units;
  k.economics.reuse_products = static_cast<double>(deck.economics.reuse_products);
  resolve_perf_params(k, deck);
  resolve_thermal_bound_params(k, deck);
  resolve_goodput_params(k, deck);  // reads k.perf.demand (the model's parameter count)
  return k;
}

}  // namespace chipdse::model
