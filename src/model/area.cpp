// chipdse/model/area.cpp — block areas, calibration and per-die areas of a design point; equations and sources in
// area.hpp (§1 blocks, §2 calibration, §3 partitionings, §4 shape and shoreline). Fixed order of operations: equal
// inputs give bit-identical results on every rank and thread.
#include "chipdse/model/area.hpp"

#include <algorithm>
#include <cmath>

namespace chipdse::model {

namespace {

bool positive_finite(double v) noexcept { return std::isfinite(v) && v > 0.0; }
bool non_negative_finite(double v) noexcept { return std::isfinite(v) && v >= 0.0; }

// A limit is exceeded only beyond rounding of the block sums (relative slack 1e-9), as in geometry.cpp.
bool exceeds(double value, double limit) noexcept { return value > limit + 1e-9 * std::max(1.0, limit); }

template <class E>
constexpr std::size_t idx(E e) noexcept {
  return static_cast<std::size_t>(e);
}

bool valid_node(ProcessNode n) noexcept { return idx(n) < kProcessNodeCount; }
bool valid_hbm(HbmGen g) noexcept { return idx(g) < kHbmGenCount; }
bool valid_d2d(D2dKind d) noexcept { return idx(d) < kD2dKindCount; }
bool valid_link(LinkTech t) noexcept { return idx(t) < kLinkTechCount; }
bool valid_partitioning(Partitioning x) noexcept { return idx(x) < kPartitioningCount; }

// The constants a die at `n` needs for logic-scaled (D) and analog-scaled (a) blocks; SRAM (M) only when it has SRAM.
bool node_ok(const AreaParams& p, ProcessNode n, bool needs_sram) noexcept {
  const NodeAreaParams& q = p.node[idx(n)];
  return positive_finite(q.logic_density_rel_n7) && positive_finite(q.analog_area_rel_n7) &&
         (!needs_sram || positive_finite(q.sram_macro_mm2_per_mb));
}

bool hbm_ok(const AreaParams& p, HbmGen g) noexcept {
  const HbmAreaParams& h = p.hbm[idx(g)];
  return positive_finite(h.phy_mm2_n7) && non_negative_finite(h.ctrl_mm2_n7) && positive_finite(h.shoreline_mm);
}

bool link_ok(const AreaParams& p, LinkTech t) noexcept {
  return needs_lr_serdes(t) ? positive_finite(p.lr_serdes_mm2_per_tbps) && positive_finite(p.lr_serdes_shoreline_tbps_per_mm)
                            : positive_finite(p.xsr_mm2_per_tbps) && positive_finite(p.xsr_shoreline_tbps_per_mm);
}

bool shape_ok(const AreaParams& p) noexcept {
  return positive_finite(p.reticle_area_mm2) && positive_finite(p.reticle_width_mm) &&
         positive_finite(p.reticle_length_mm) && p.reticle_width_mm <= p.reticle_length_mm;
}

// Edge (mm) of `tbps_bidir` of host IO of technology `t`.
double offpkg_shoreline_mm(const AreaParams& p, LinkTech t, double tbps_bidir) noexcept {
  return tbps_bidir / (needs_lr_serdes(t) ? p.lr_serdes_shoreline_tbps_per_mm : p.xsr_shoreline_tbps_per_mm);
}

// Completes a die whose blocks, shoreline need, count and node are set: block sum, shoreline growth (§4), shape,
// reticle and shoreline reasons. Growth: the smallest area whose shape-rule perimeter carries the need.
void finish_die(DieArea& d, const AreaParams& p) noexcept {
  d.block_sum_mm2 = d.blocks.sum_mm2();
  d.perimeter_before_growth_mm = die_shape(d.block_sum_mm2, p).perimeter_mm();
  const double need_mm = d.shoreline_needed.total_mm();
  d.area_mm2 = d.block_sum_mm2;
  if (exceeds(need_mm, d.perimeter_before_growth_mm)) {
    d.area_mm2 = std::max(d.block_sum_mm2, min_area_for_edge_mm2(need_mm, p));
  }
  d.growth_mm2 = d.area_mm2 - d.block_sum_mm2;
  const DieShape s = die_shape(d.area_mm2, p);
  d.width_mm = s.width_mm;
  d.height_mm = s.height_mm;
  d.shoreline_available_mm = s.perimeter_mm();
  // The largest perimeter of any die inside the W x L field is the field's own, 2 (W + L).
  if (exceeds(need_mm, 2.0 * (p.reticle_width_mm + p.reticle_length_mm))) d.issues |= area_issue::shoreline_unmet;
  if (exceeds(d.area_mm2, p.reticle_area_mm2) || exceeds(d.width_mm, p.reticle_width_mm) ||
      exceeds(d.height_mm, p.reticle_length_mm))
    d.issues |= area_issue::die_over_reticle;
}

}  // namespace

double analog_area_rel_n7(double scaling_per_node, ProcessNode node) noexcept {
  // node.analog_io_density_scaling_per_node: analog/IO density grows by this factor per node step (1.0-1.1), so the
  // area of a fixed analog block shrinks by its inverse per step from N7 (kNodeStepsFromN7).
  return std::pow(scaling_per_node, -static_cast<double>(kNodeStepsFromN7[idx(node)]));
}

const char* area_issue_name(std::uint32_t bit) noexcept {
  switch (bit) {
    case area_issue::invalid_input: return "invalid_input";
    case area_issue::missing_parameter: return "missing_parameter";
    case area_issue::calibration_invalid: return "calibration_invalid";
    case area_issue::die_over_reticle: return "die_over_reticle";
    case area_issue::shoreline_unmet: return "shoreline_unmet";
    case area_issue::stacked_die_exceeds_base: return "stacked_die_exceeds_base";
    default: return "";
  }
}

// ── block models (area.hpp §1) ──────────────────────────────────────────────────────────────────────────────

double logic_area_mm2(const ReferenceBlocks& ref, const AreaParams& p, ProcessNode node,
                      double compute_scale) noexcept {
  // Logic scales with the chip-level (real-die) density ratio, process_node.<n>.logic_density_chip_rel_n7.
  return compute_scale * ref.logic_mm2_n7 / p.node[idx(node)].logic_density_rel_n7;
}

double sram_area_mm2(const AreaParams& p, ProcessNode node, double mb, SramPlacement where) noexcept {
  // Macro mm²/MB (process_node.<n>.sram_macro_area_mm2_per_mbyte) x the placement's overhead: a large on-die L2
  // (GA100: 2.49 mm²/MB = 7.7 x macro) or a stacked cache die (V-Cache: 36 mm² / 64 MB = 1.74 x macro).
  const double overhead = where == SramPlacement::on_die_llc ? p.sram_overhead_on_die_x : p.sram_overhead_cache_die_x;
  return mb * p.node[idx(node)].sram_macro_mm2_per_mb * overhead;
}

double hbm_phy_area_mm2(const AreaParams& p, ProcessNode node, HbmGen gen, double sites) noexcept {
  // GA100 (LLMCompass): per stack 9.67 mm² PHY (IO/bump-limited: analog scaling) + 5.30 mm² controller at N7 (logic).
  const HbmAreaParams& h = p.hbm[idx(gen)];
  const NodeAreaParams& q = p.node[idx(node)];
  return sites * (h.phy_mm2_n7 * q.analog_area_rel_n7 + h.ctrl_mm2_n7 / q.logic_density_rel_n7);
}

double offpkg_io_area_mm2(const AreaParams& p, ProcessNode node, LinkTech tech, double tbps_bidir) noexcept {
  // Pluggable DSP, LPO and copper: host long-reach SerDes (NVLink4 0.48 mm² per 100G lane pair = 2.4 mm²/Tbps);
  // CPO and the optical I/O chiplet: XSR (UCIe-class) host lanes only (IBM 113G XSR 0.22 mm² per lane = 1.1 mm²/Tbps). Analog scaling.
  const double per_tbps = needs_lr_serdes(tech) ? p.lr_serdes_mm2_per_tbps : p.xsr_mm2_per_tbps;
  return tbps_bidir * per_tbps * p.node[idx(node)].analog_area_rel_n7;
}

double d2d_phy_area_mm2(const AreaParams& p, ProcessNode node, D2dKind kind, double tbps_bidir) noexcept {
  // UCIe module area per die side / module bandwidth (d2d.<kind>.phy_area_mm2_per_tbps). Analog scaling.
  return tbps_bidir * p.d2d[idx(kind)].phy_mm2_per_tbps * p.node[idx(node)].analog_area_rel_n7;
}

double hybrid_bond_area_mm2(const AreaParams& p, double tbps_bidir) noexcept {
  // UCIe-3D hybrid bonding: 300 TB/s per mm² = 2400 Tbps/mm² (d2d.hybrid_3d.areal_bw_density_tbps_per_mm2).
  return tbps_bidir / p.hybrid_bond_tbps_per_mm2;
}

double misc_area_mm2(const AreaParams& p, ProcessNode node) noexcept {
  // GA100 "Other" 40 mm² at N7 (LLMCompass), analog scaling.
  return p.misc_mm2_n7 * p.node[idx(node)].analog_area_rel_n7;
}

DieShape die_shape(double area_mm2, const AreaParams& p) noexcept {
  // Square up to the field width W; beyond, W wide and area / W high (the long side along the field length).
  const double w = p.reticle_width_mm;
  if (area_mm2 <= w * w) {
    const double side = std::sqrt(std::max(0.0, area_mm2));
    return {side, side};
  }
  return {w, area_mm2 / w};
}

double min_area_for_edge_mm2(double edge_mm, const AreaParams& p) noexcept {
  // Inverse of die_shape's perimeter: 4 sqrt(A) up to A = W², then 2 (W + A / W).
  const double w = p.reticle_width_mm;
  const double e = std::max(0.0, edge_mm);
  if (e <= 4.0 * w) return (e / 4.0) * (e / 4.0);
  return w * (e / 2.0 - w);
}

// ── calibration (area.hpp §2) ───────────────────────────────────────────────────────────────────────────────

ReferenceBlocks calibrate_reference(const CalibrationDie& cal, const ReferenceSpec& ref,
                                    const AreaParams& p) noexcept {
  ReferenceBlocks r;
  r.node = ref.node;
  const bool inputs_ok = valid_node(cal.node) && valid_node(ref.node) && valid_hbm(cal.hbm) && valid_hbm(ref.hbm) &&
                         positive_finite(cal.peak_dense_tflops_bf16) && positive_finite(cal.tflops_per_mm2_bf16) &&
                         non_negative_finite(cal.sram_mb) && cal.hbm_phy_sites >= 0 &&
                         non_negative_finite(cal.offpkg_tbps_bidir) && positive_finite(ref.peak_dense_tflops) &&
                         positive_finite(ref.precision_rate_vs_bf16) && non_negative_finite(ref.sram_mb) &&
                         ref.hbm_stacks >= 0 && non_negative_finite(ref.offpkg_tbps_bidir);
  if (!inputs_ok) {
    r.issues |= area_issue::invalid_input;
    return r;
  }
  const bool params_ok =
      node_ok(p, cal.node, cal.sram_mb > 0.0) && node_ok(p, ref.node, ref.sram_mb > 0.0) &&
      (cal.hbm_phy_sites == 0 || hbm_ok(p, cal.hbm)) && (ref.hbm_stacks == 0 || hbm_ok(p, ref.hbm)) &&
      ((cal.sram_mb == 0.0 && ref.sram_mb == 0.0) || positive_finite(p.sram_overhead_on_die_x)) &&
      ((cal.offpkg_tbps_bidir == 0.0 && ref.offpkg_tbps_bidir == 0.0) || link_ok(p, LinkTech::pluggable_dsp)) &&
      non_negative_finite(p.misc_mm2_n7);
  if (!params_ok) {
    r.issues |= area_issue::missing_parameter;
    return r;
  }

  // The measured whole-die area: TFLOPS / (TFLOPS/mm²) (compute.common.h100_tflops_per_mm2 = 1.22 for 989 TFLOPS).
  r.calibration_die_area_mm2 = cal.peak_dense_tflops_bf16 / cal.tflops_per_mm2_bf16;
  // Its non-logic blocks by the same block models; the host IO of the calibration die is electrical (LR SerDes).
  const double non_logic_mm2 = sram_area_mm2(p, cal.node, cal.sram_mb, SramPlacement::on_die_llc) +
                               hbm_phy_area_mm2(p, cal.node, cal.hbm, static_cast<double>(cal.hbm_phy_sites)) +
                               offpkg_io_area_mm2(p, cal.node, LinkTech::pluggable_dsp, cal.offpkg_tbps_bidir) +
                               misc_area_mm2(p, cal.node);
  const double logic_cal_mm2 = r.calibration_die_area_mm2 - non_logic_mm2;
  r.calibration_logic_fraction = logic_cal_mm2 / r.calibration_die_area_mm2;
  if (!(logic_cal_mm2 > 0.0)) {
    r.issues |= area_issue::calibration_invalid;
    return r;
  }
  // Logic per BF16 TFLOPS at N7 density, then the reference's logic (its TFLOPS in BF16-equivalent compute).
  r.logic_mm2_per_tflops_bf16_n7 =
      logic_cal_mm2 * p.node[idx(cal.node)].logic_density_rel_n7 / cal.peak_dense_tflops_bf16;
  r.logic_mm2_n7 = r.logic_mm2_per_tflops_bf16_n7 * (ref.peak_dense_tflops / ref.precision_rate_vs_bf16);

  // The reference decomposed at its own node, monolithic (what evaluate_area gives for it before any growth).
  r.logic_mm2 = logic_area_mm2(r, p, ref.node, 1.0);
  r.sram_mm2 = sram_area_mm2(p, ref.node, ref.sram_mb, SramPlacement::on_die_llc);
  r.hbm_phy_mm2 = hbm_phy_area_mm2(p, ref.node, ref.hbm, static_cast<double>(ref.hbm_stacks));
  r.offpkg_io_mm2 = offpkg_io_area_mm2(p, ref.node, LinkTech::pluggable_dsp, ref.offpkg_tbps_bidir);
  r.misc_mm2 = misc_area_mm2(p, ref.node);
  r.die_area_mm2 = r.logic_mm2 + r.sram_mm2 + r.hbm_phy_mm2 + r.offpkg_io_mm2 + r.misc_mm2;
  return r;
}

// ── one design point (area.hpp §3-§5) ───────────────────────────────────────────────────────────────────────

AreaResult evaluate_area(const AreaInput& in, const ReferenceBlocks& ref, const AreaParams& p) noexcept {
  AreaResult out;
  // 0. Input and parameter checks: a point that cannot be evaluated says why and reports zero areas.
  const bool inputs_ok =
      valid_partitioning(in.partitioning) && valid_node(in.compute_node) && valid_node(in.io_node) &&
      valid_node(in.cache_node) && valid_hbm(in.hbm) && valid_d2d(in.d2d) && valid_link(in.scale_up_link) &&
      valid_link(in.scale_out_link) && (in.partitioning == Partitioning::monolithic || in.compute_count >= 1) &&
      non_negative_finite(in.compute_scale) && non_negative_finite(in.sram_mb) && in.hbm_stacks >= 0 &&
      non_negative_finite(in.d2d_tbps_per_direction) && non_negative_finite(in.cache_tbps_per_direction) &&
      non_negative_finite(in.scale_up_tbps_bidir) && non_negative_finite(in.scale_out_tbps_bidir);
  if (!inputs_ok) {
    out.issues = area_issue::invalid_input;
    return out;
  }
  if (ref.issues != 0 || !positive_finite(ref.logic_mm2_n7)) {
    out.issues = ref.issues != 0 ? ref.issues : area_issue::calibration_invalid;
    return out;
  }

  const Partitioning part = in.partitioning;
  const bool mono = part == Partitioning::monolithic;
  const bool has_io = part == Partitioning::chiplets_io || part == Partitioning::chiplets_io_cache;
  const bool has_cache = part == Partitioning::chiplets_io_cache;
  const std::int32_t k = mono ? 1 : in.compute_count;
  const double kd = static_cast<double>(k);
  const bool has_sram = in.sram_mb > 0.0;
  const bool has_hbm = in.hbm_stacks > 0;
  const double d2d_bidir = 2.0 * in.d2d_tbps_per_direction;    // per compute chiplet
  const double cache_bidir = 2.0 * in.cache_tbps_per_direction;  // per compute <-> cache pair
  const bool has_up = in.scale_up_tbps_bidir > 0.0;
  const bool has_out = in.scale_out_tbps_bidir > 0.0;
  const bool has_cpo = (has_up && in.scale_up_link == LinkTech::cpo) || (has_out && in.scale_out_link == LinkTech::cpo);
  const bool has_oio = (has_up && in.scale_up_link == LinkTech::optical_io_chiplet) ||
                       (has_out && in.scale_out_link == LinkTech::optical_io_chiplet);

  const bool params_ok =
      shape_ok(p) && node_ok(p, in.compute_node, has_sram && !has_cache) && (!has_io || node_ok(p, in.io_node, false)) &&
      (!has_cache || node_ok(p, in.cache_node, has_sram)) && (!has_hbm || hbm_ok(p, in.hbm)) &&
      (!has_sram || positive_finite(has_cache ? p.sram_overhead_cache_die_x : p.sram_overhead_on_die_x)) &&
      (mono || d2d_bidir == 0.0 ||
       (positive_finite(p.d2d[idx(in.d2d)].phy_mm2_per_tbps) && positive_finite(p.d2d[idx(in.d2d)].shoreline_tbps_per_mm))) &&
      (!has_cache || cache_bidir == 0.0 || positive_finite(p.hybrid_bond_tbps_per_mm2)) &&
      (!has_up || link_ok(p, in.scale_up_link)) && (!has_out || link_ok(p, in.scale_out_link)) &&
      (!has_cpo || (positive_finite(p.cpo_engine_tbps) && positive_finite(p.cpo_engine_edge_density_tbps_per_mm) &&
                    positive_finite(p.cpo_engine_footprint_mm2))) &&
      (!has_oio || (positive_finite(p.oio_engine_tbps) && positive_finite(p.oio_engine_edge_density_tbps_per_mm) &&
                    positive_finite(p.oio_engine_footprint_mm2))) &&
      non_negative_finite(p.misc_mm2_n7);
  if (!params_ok) {
    out.issues = area_issue::missing_parameter;
    return out;
  }

  // Package-level quantities, at the node of the die that carries them.
  const ProcessNode host_node = has_io ? in.io_node : in.compute_node;  // HBM PHYs, host IO and misc live here
  const double offpkg_mm2 = offpkg_io_area_mm2(p, host_node, in.scale_up_link, in.scale_up_tbps_bidir) +
                            offpkg_io_area_mm2(p, host_node, in.scale_out_link, in.scale_out_tbps_bidir);
  const double offpkg_edge_mm = offpkg_shoreline_mm(p, in.scale_up_link, in.scale_up_tbps_bidir) +
                                offpkg_shoreline_mm(p, in.scale_out_link, in.scale_out_tbps_bidir);
  const double hbm_edge_per_site_mm = has_hbm ? p.hbm[idx(in.hbm)].shoreline_mm : 0.0;
  const double d2d_edge_mm = mono || d2d_bidir == 0.0 ? 0.0 : d2d_bidir / p.d2d[idx(in.d2d)].shoreline_tbps_per_mm;
  const double d2d_mm2 = mono || d2d_bidir == 0.0 ? 0.0 : d2d_phy_area_mm2(p, in.compute_node, in.d2d, d2d_bidir);
  const double bond_mm2 = has_cache && cache_bidir > 0.0 ? hybrid_bond_area_mm2(p, cache_bidir) : 0.0;

  // 1. Compute dies: logic / k always; the rest by partitioning (area.hpp §3).
  DieArea& c = out.compute;
  c.count = k;
  c.node = in.compute_node;
  c.blocks.logic_mm2 = logic_area_mm2(ref, p, in.compute_node, in.compute_scale) / kd;
  if (!has_cache && has_sram) c.blocks.sram_mm2 = sram_area_mm2(p, in.compute_node, in.sram_mb, SramPlacement::on_die_llc) / kd;
  if (!has_io) {
    // Identical dies carry equal PHY counts: ceil(stacks / k) sites each.
    c.hbm_phy_sites = (in.hbm_stacks + k - 1) / k;
    if (c.hbm_phy_sites > 0)
      c.blocks.hbm_phy_mm2 = hbm_phy_area_mm2(p, in.compute_node, in.hbm, static_cast<double>(c.hbm_phy_sites));
    c.blocks.offpkg_io_mm2 = offpkg_mm2 / kd;
    c.blocks.misc_mm2 = misc_area_mm2(p, in.compute_node) / kd;
    c.shoreline_needed.hbm_mm = static_cast<double>(c.hbm_phy_sites) * hbm_edge_per_site_mm;
    c.shoreline_needed.offpkg_io_mm = offpkg_edge_mm / kd;
  }
  c.blocks.d2d_phy_mm2 = d2d_mm2 + bond_mm2;
  c.shoreline_needed.d2d_mm = d2d_edge_mm;
  finish_die(c, p);

  // 2. IO die: all HBM PHYs and controllers, all host IO, misc, one D2D PHY per compute die.
  if (has_io) {
    DieArea& io = out.io;
    io.count = 1;
    io.node = in.io_node;
    io.hbm_phy_sites = in.hbm_stacks;
    if (has_hbm) io.blocks.hbm_phy_mm2 = hbm_phy_area_mm2(p, in.io_node, in.hbm, static_cast<double>(in.hbm_stacks));
    io.blocks.offpkg_io_mm2 = offpkg_mm2;
    io.blocks.misc_mm2 = misc_area_mm2(p, in.io_node);
    if (d2d_bidir > 0.0) io.blocks.d2d_phy_mm2 = kd * d2d_phy_area_mm2(p, in.io_node, in.d2d, d2d_bidir);
    io.shoreline_needed.hbm_mm = static_cast<double>(in.hbm_stacks) * hbm_edge_per_site_mm;
    io.shoreline_needed.offpkg_io_mm = offpkg_edge_mm;
    io.shoreline_needed.d2d_mm = kd * d2d_edge_mm;
    finish_die(io, p);
  }

  // 3. Cache dies: the SRAM at the cache node with the stacked-cache overhead, one per compute die, plus its bonds.
  if (has_cache) {
    DieArea& ca = out.cache;
    ca.count = k;
    ca.node = in.cache_node;
    if (has_sram) ca.blocks.sram_mm2 = sram_area_mm2(p, in.cache_node, in.sram_mb, SramPlacement::cache_die) / kd;
    ca.blocks.d2d_phy_mm2 = bond_mm2;
    finish_die(ca, p);
    if (exceeds(ca.area_mm2, c.area_mm2)) ca.issues |= area_issue::stacked_die_exceeds_base;
  }

  // 4. Optical engines: enough CPO engines for the CPO bandwidth per direction (OIF 3.2T module by default), and
  //    enough optical I/O chiplets for the optical I/O bandwidth per direction (TeraPHY gen3: 4 Tbps), each kind
  //    with its own footprint; a mixed package places all with the larger edge and depth (OpticalEngines).
  if (has_cpo || has_oio) {
    OpticalEngines& e = out.engines;
    const auto kind = [&](LinkTech t, double engine_tbps, double density, double footprint_mm2) noexcept {
      const double tbps = (in.scale_up_link == t ? in.scale_up_tbps_bidir / 2.0 : 0.0) +
                          (in.scale_out_link == t ? in.scale_out_tbps_bidir / 2.0 : 0.0);
      const double q = tbps / engine_tbps;
      const std::int32_t n = static_cast<std::int32_t>(std::ceil(q - 1e-9 * q));  // 3.2 Tbps on 3.2 Tbps: one
      if (n <= 0) return;
      const double edge = engine_tbps / density;
      const double depth = footprint_mm2 / edge;
      if (e.count == 0) {
        e.tbps_each = engine_tbps;
        e.edge_mm = edge;
        e.depth_mm = depth;
        e.footprint_mm2 = footprint_mm2;
      } else {
        e.edge_mm = std::max(e.edge_mm, edge);
        e.depth_mm = std::max(e.depth_mm, depth);
      }
      e.count += n;
      e.cpo_tbps_per_direction += tbps;
    };
    if (has_cpo)
      kind(LinkTech::cpo, p.cpo_engine_tbps, p.cpo_engine_edge_density_tbps_per_mm, p.cpo_engine_footprint_mm2);
    if (has_oio)
      kind(LinkTech::optical_io_chiplet, p.oio_engine_tbps, p.oio_engine_edge_density_tbps_per_mm,
           p.oio_engine_footprint_mm2);
    if (has_cpo && has_oio && e.count > 0) {
      e.tbps_each = e.cpo_tbps_per_direction / static_cast<double>(e.count);
      e.footprint_mm2 = e.edge_mm * e.depth_mm;
    }
  }

  // 5. Package totals.
  out.silicon_area_mm2 = static_cast<double>(c.count) * c.area_mm2 + static_cast<double>(out.io.count) * out.io.area_mm2 +
                         static_cast<double>(out.cache.count) * out.cache.area_mm2;
  out.hbm_phy_sites = c.count * c.hbm_phy_sites + out.io.count * out.io.hbm_phy_sites;
  out.hbm_phy_dark = out.hbm_phy_sites - in.hbm_stacks;
  out.issues = c.issues | out.io.issues | out.cache.issues;
  return out;
}

}  // namespace chipdse::model
