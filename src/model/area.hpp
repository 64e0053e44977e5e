// chipdse/model/area.hpp — die areas of a package by block type and partitioning (DESIGN.md §2 step 1, issue #4).
// model/: pure evaluation kernel; never includes MPI, PETSc, HDF5 or toml++. No allocation, no exceptions, no I/O.
//
// Sources of every constant: docs/research/area_sources.md and the entries of inputs/tech/*.toml named in
// kAreaParamSources / kCalibrationSources below. All areas in mm², lengths in mm, bandwidths in Tbps.
// "Bidirectional Tbps" (tbps_bidir) is TX + RX together, the unit every PHY area and shoreline density of the
// technology database is quoted in (UCIe module 1.024 Tbps = 16 lanes x 32 GT/s x 2 directions).
//
// 1. Blocks. A die is the sum of six block types, each scaled from N7 by its own rule (n = the die's node):
//      logic     = scale x L7 / D(n)                 D = chip-level (real-die) density relative to N7, NOT the peak
//                                                    logic claim: process_node.<n>.logic_density_chip_rel_n7
//      sram      = MB x M(n) x f                     M = SRAM macro mm²/MB; f = overhead of the SRAM's placement:
//                                                    on-die last-level cache (GPU L2: A100 2.49 mm²/MB = 7.7 x M)
//                                                    or a stacked cache die (AMD V-Cache 36 mm²/64 MB = 1.74 x M)
//      hbm_phy   = phys x (P7 x a(n) + C7 / D(n))    host PHY (bump-limited, analog) + memory controller (logic), per
//                                                    stack site, both measured at N7 on GA100 (LLMCompass)
//      offpkg_io = bw x (LR | XSR mm²/Tbps) x a(n)   pluggable DSP, LPO and copper need host long-reach SerDes
//                                                    (NVLink4 0.48 mm²/lane pair); CPO and the optical I/O chiplet
//                                                    need only XSR host lanes (IBM 113G XSR 0.22 mm²/lane, UCIe-
//                                                    class); the optical engines / chiplets are separate
//                                                    components on the substrate (OpticalEngines, not silicon here)
//      d2d_phy   = bw x UCIe mm²/Tbps x a(n)         per die side, bandwidth bidirectional; plus the 3D hybrid-bond
//                  + bw / (Tbps/mm² hybrid bond)     field of a stacked cache die (d2d.hybrid_3d areal density)
//      misc      = X7 x a(n)                         per-package PLLs, fuses, PCIe, media, test (GA100 "Other")
//    a(n) = analog_io_density_scaling_per_node ^ -(steps of n from N7) (kNodeStepsFromN7): analog/IO ~constant.
//    IO and PHY constants measured at N7, N5 or 4N are all used as N7-equivalent values (within one node step,
//    i.e. within 10%, inside their own L/M bands).
//
// 2. Calibration (calibrate_reference). The logic of the reference design comes from a MEASURED whole-die
//    throughput density, not from a per-block guess: the calibration die (H100 SXM5, 4N = N5 family) has area
//    A_cal = TFLOPS_cal / (TFLOPS/mm²)_cal = 989 / 1.22 = 810.66 mm² (published 814). Its non-logic blocks are
//    computed with the very block models above (60 MB physical L2, 6 HBM3 PHY sites, 900 GB/s NVLink4 + 400 Gb/s
//    host IO on LR SerDes, misc), and logic is the remainder:
//      logic_cal = A_cal - sram - hbm_phy - offpkg_io - misc;   L7 per BF16 TFLOPS = logic_cal x D(n_cal) / TF_cal.
//    Chosen over the measured A100 split because (a) the default reference IS an H100-class design, (b) the A100
//    split is an older architecture (Ampere does half Hopper's dense tensor FLOP per SM per clock, so its logic per
//    TFLOPS is ~2x Hopper's at iso-node, see test_area.cpp), and (c) the split supplies the per-block constants (L2
//    overhead, HBM PHY and controller, misc), so both measurements are used once each. With these constants the
//    H100 split comes out as logic 70%, L2 14%, HBM 9%, IO 2%, misc 4.5% — GA100 measured 67 / 14.5 / 11 / 2.5 / 5.
//    Calibration identity (tested to 1e-9): the calibration design evaluated monolithic at its own node gives A_cal.
//    The reference's logic is L7 = (L7 per TFLOPS) x reference TFLOPS / (reference precision rate vs BF16): the
//    reference's own SRAM, HBM and IO never enter its logic, so any reference (more SRAM, fewer stacks) is valid.
//
// 3. Partitionings (DESIGN.md §1), k = compute_count (1 for monolithic):
//    monolithic         one die at the compute node: all blocks, all HBM PHYs, all off-package host IO, misc.
//    chiplets           k identical compute dies, each logic/k, SRAM/k (on-die), ceil(stacks/k) HBM PHY sites
//                       (identical dies carry equal PHY counts: k x ceil - stacks sites stay dark, reported),
//                       off-package bandwidth/k, misc/k, and one D2D PHY for its provisioned bandwidth.
//    chiplets_io        compute dies keep logic/k + SRAM/k + D2D PHY; one IO die at the IO node holds all HBM PHYs
//                       (and their controllers), all host IO, misc, and one D2D PHY per compute die.
//    chiplets_io_cache  as chiplets_io, but the SRAM moves to k cache dies (one stacked on each compute die, at the
//                       cache node, stacked-cache overhead); compute and cache die each carry the hybrid-bond field
//                       of the provisioned compute<->cache bandwidth (in d2d_phy).
//
// 4. Shape and shoreline. Dies are square up to the reticle field width W (26 mm: side = sqrt(A)); larger dies are
//    W wide and A / W high (an 814 mm² die is 26 x 31.3 mm), so every die within 858 mm² fits the
//    26 x 33 field. The edge a die needs is the sum of: HBM sites x edge per stack (HBM3: 11 mm), off-package host
//    IO bandwidth / its shoreline density (LR SerDes 0.55 Tbps/mm — an estimate, no published figure; CPO XSR
//    1.0 Tbps/mm), 2.5D D2D bandwidth / UCIe shoreline density (UCIe-S 1.79, UCIe-A 10.5 Tbps/mm). 3D bonds use
//    area, not edge. The whole perimeter counts as usable (no per-side assignment: geometry.hpp places the dies).
//    If the need exceeds the perimeter the die GROWS to the smallest area whose perimeter suffices (recorded as
//    growth_mm2, never silently); a need beyond the largest perimeter inside the field, 2 (W + L) = 118 mm, cannot
//    be met by any die within the reticle: shoreline_unmet (and the grown die is over the reticle).
//
// 5. Infeasibility is a bitmask per die kind and for the package (area_issue); nothing is clipped: an infeasible
//    point still reports its areas, shapes and needs.
//
// All functions are pure, thread-safe and noexcept.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace chipdse::model {

// ── enumerations (index into the per-kind arrays of AreaParams) ─────────────────────────────────────────────────

/// Process nodes of the technology database, oldest first (process_node.<name>; N16 also N12, N5 also N4).
enum class ProcessNode : std::uint8_t { n16, n7, n6, n5, n3, n2, a16 };
inline constexpr std::size_t kProcessNodeCount = 7;
inline constexpr std::array<std::string_view, kProcessNodeCount> kProcessNodeNames = {"N16", "N7", "N6", "N5",
                                                                                      "N3",  "N2", "A16"};
/// Node steps from N7 for the analog/IO scaling (a(n) = s^-steps): N16 -> N10 -> N7 is two steps, N6 is an N7
/// variant, then one step per prev_node_for_gains link of process_nodes.toml (N5, N3, N2; A16 after N2/N2P).
inline constexpr std::array<int, kProcessNodeCount> kNodeStepsFromN7 = {-2, 0, 0, 1, 2, 3, 4};

/// HBM generations (memory.<name>).
enum class HbmGen : std::uint8_t { hbm2e, hbm3, hbm3e, hbm4 };
inline constexpr std::size_t kHbmGenCount = 4;
inline constexpr std::array<std::string_view, kHbmGenCount> kHbmGenNames = {"hbm2e", "hbm3", "hbm3e", "hbm4"};

/// 2.5D die-to-die interfaces (d2d.<name>); 3D stacking uses d2d.hybrid_3d (AreaParams::hybrid_bond_*).
enum class D2dKind : std::uint8_t { ucie_s, ucie_a };
inline constexpr std::size_t kD2dKindCount = 2;
inline constexpr std::array<std::string_view, kD2dKindCount> kD2dKindNames = {"ucie_s", "ucie_a"};

/// Off-package link technologies (link.<name>).
/// optical_io_chiplet: in-package optical I/O chiplet (Ayar TeraPHY / Intel OCI), appended so earlier indices keep.
enum class LinkTech : std::uint8_t { pluggable_dsp, lpo, cpo, copper, optical_io_chiplet };
inline constexpr std::size_t kLinkTechCount = 5;
inline constexpr std::array<std::string_view, kLinkTechCount> kLinkTechNames = {"pluggable_dsp", "lpo", "cpo",
                                                                                "copper", "optical_io_chiplet"};
/// True when the link puts optical engines on the package (CPO engines, optical I/O chiplets): components on the
/// substrate (OpticalEngines), whose power is the link power of their tiers.
constexpr bool has_package_engines(LinkTech t) noexcept {
  return t == LinkTech::cpo || t == LinkTech::optical_io_chiplet;
}
/// True when the link's host side is long-reach SerDes (pluggable DSP, LPO, copper); false for CPO and the optical
/// I/O chiplet, whose host side is a short-reach die-to-die interface (XSR / UCIe-class lanes).
constexpr bool needs_lr_serdes(LinkTech t) noexcept { return !has_package_engines(t); }

/// Partitionings (space.partitioning).
enum class Partitioning : std::uint8_t { monolithic, chiplets, chiplets_io, chiplets_io_cache };
inline constexpr std::size_t kPartitioningCount = 4;
inline constexpr std::array<std::string_view, kPartitioningCount> kPartitioningNames = {
    "monolithic", "chiplets", "chiplets_io", "chiplets_io_cache"};

/// Where an SRAM block sits: on a logic die as its last-level cache, or on a stacked SRAM-only cache die.
enum class SramPlacement : std::uint8_t { on_die_llc, cache_die };

// ── resolved parameters (filled once per run from the technology database, outside the kernel) ───────────────

/// Per-node area factors.
struct NodeAreaParams {
  double logic_density_rel_n7 = 0.0;   ///< chip-level (real-die) logic density / N7's (x, > 0)
  double sram_macro_mm2_per_mb = 0.0;  ///< HD SRAM macro incl. periphery, mm² per MB (1 MB = 8 Mib)
  double analog_area_rel_n7 = 0.0;     ///< analog/IO/PHY area / N7's = scaling^-kNodeStepsFromN7 (x, > 0)
};

/// Per-HBM-generation host-side blocks (per stack site), N7-equivalent.
struct HbmAreaParams {
  double phy_mm2_n7 = 0.0;   ///< host PHY per stack (analog, scales with a(n))
  double ctrl_mm2_n7 = 0.0;  ///< memory controller per stack at N7 (logic, scales with 1 / D(n))
  double shoreline_mm = 0.0;  ///< die edge one stack occupies (the DRAM package width)
};

/// Per-D2D-interface PHY area and shoreline density (per die side, bidirectional bandwidth).
struct D2dAreaParams {
  double phy_mm2_per_tbps = 0.0;       ///< mm² per bidirectional Tbps, N7-equivalent (scales with a(n))
  double shoreline_tbps_per_mm = 0.0;  ///< bidirectional Tbps per mm of die edge
};

/// Every constant of the area model, flat and index-addressed (see kAreaParamSources for the tech path of each).
/// Trivially copyable; zero means "missing" and is reported (area_issue::missing_parameter) when a point needs it.
struct AreaParams {
  std::array<NodeAreaParams, kProcessNodeCount> node{};  ///< index: ProcessNode
  std::array<HbmAreaParams, kHbmGenCount> hbm{};         ///< index: HbmGen
  std::array<D2dAreaParams, kD2dKindCount> d2d{};        ///< index: D2dKind
  double hybrid_bond_tbps_per_mm2 = 0.0;           ///< 3D hybrid-bond areal bandwidth density (bidirectional)
  double sram_overhead_on_die_x = 0.0;             ///< on-die LLC area / macro area (GPU L2: 7.7)
  double sram_overhead_cache_die_x = 0.0;          ///< stacked cache die area / macro area (V-Cache: 1.74)
  double lr_serdes_mm2_per_tbps = 0.0;             ///< host long-reach SerDes, mm² per bidirectional Tbps
  double lr_serdes_shoreline_tbps_per_mm = 0.0;    ///< its edge density (estimate: no published figure)
  double xsr_mm2_per_tbps = 0.0;                   ///< CPO host XSR lanes, mm² per bidirectional Tbps
  double xsr_shoreline_tbps_per_mm = 0.0;          ///< their die-edge density (Broadcom "1 Tbps/mm die edge")
  double cpo_engine_tbps = 0.0;                    ///< optical engine bandwidth per direction (OIF 3.2T module)
  double cpo_engine_edge_density_tbps_per_mm = 0.0;  ///< engine bandwidth per mm of substrate edge (OIF: 0.14)
  double cpo_engine_footprint_mm2 = 0.0;           ///< engine footprint on the substrate (OIF module ~20 x 20)
  double oio_engine_tbps = 0.0;                    ///< optical I/O chiplet bandwidth per direction (TeraPHY gen3: 4)
  double oio_engine_edge_density_tbps_per_mm = 0.0;  ///< its bandwidth per mm of edge along the core
  double oio_engine_footprint_mm2 = 0.0;           ///< its footprint on the substrate (assumption: no published size)
  double misc_mm2_n7 = 0.0;                        ///< per-package misc analog/IO at N7 (GA100 "Other" 40 mm²)
  double reticle_area_mm2 = 0.0;                   ///< exposure field area (858)
  double reticle_width_mm = 0.0;                   ///< field width (26): the die width limit of the shape rule
  double reticle_length_mm = 0.0;                  ///< field length (33)
};

/// A tech path and the AreaParams / CalibrationDie member it feeds. Path patterns: <node> runs over
/// kProcessNodeNames (index ProcessNode), <hbm> over kHbmGenNames, <d2d> over kD2dKindNames.
struct ParamSource {
  std::string_view tech_path;
  std::string_view member;
};

/// Which technology-database entry feeds each AreaParams member (for the loader outside src/model).
inline constexpr std::array<ParamSource, 24> kAreaParamSources = {{
    {"process_node.<node>.logic_density_chip_rel_n7", "node[<node>].logic_density_rel_n7"},
    {"process_node.<node>.sram_macro_area_mm2_per_mbyte", "node[<node>].sram_macro_mm2_per_mb"},
    {"process_node.common.analog_io_density_scaling_per_node",
     "node[<node>].analog_area_rel_n7 = analog_area_rel_n7(value, <node>) (area.cpp)"},
    {"memory.<hbm>.phy_area_mm2", "hbm[<hbm>].phy_mm2_n7"},
    {"memory.<hbm>.controller_area_mm2", "hbm[<hbm>].ctrl_mm2_n7"},
    {"memory.<hbm>.shoreline_mm", "hbm[<hbm>].shoreline_mm"},
    {"d2d.<d2d>.phy_area_mm2_per_tbps", "d2d[<d2d>].phy_mm2_per_tbps"},
    {"d2d.<d2d>.shoreline_bw_density_tbps_per_mm", "d2d[<d2d>].shoreline_tbps_per_mm"},
    {"d2d.hybrid_3d.areal_bw_density_tbps_per_mm2", "hybrid_bond_tbps_per_mm2"},
    {"process_node.common.sram_llc_overhead_on_die_x", "sram_overhead_on_die_x"},
    {"process_node.common.sram_overhead_stacked_cache_die_x", "sram_overhead_cache_die_x"},
    {"d2d.lr_serdes_112g.phy_area_mm2_per_tbps", "lr_serdes_mm2_per_tbps"},
    {"d2d.lr_serdes_112g.shoreline_bw_density_tbps_per_mm", "lr_serdes_shoreline_tbps_per_mm"},
    {"d2d.xsr_serdes.phy_area_mm2_per_tbps", "xsr_mm2_per_tbps"},
    {"link.cpo.shoreline_bw_density_tbps_per_mm", "xsr_shoreline_tbps_per_mm"},
    {"link.cpo.module_bandwidth_tbps", "cpo_engine_tbps"},
    {"link.cpo.module_edge_density_tbps_per_mm", "cpo_engine_edge_density_tbps_per_mm"},
    {"link.cpo.module_footprint_mm2", "cpo_engine_footprint_mm2"},
    {"link.optical_io_chiplet.module_bandwidth_tbps", "oio_engine_tbps"},
    {"link.optical_io_chiplet.module_edge_density_tbps_per_mm", "oio_engine_edge_density_tbps_per_mm"},
    {"link.optical_io_chiplet.module_footprint_mm2", "oio_engine_footprint_mm2"},
    {"process_node.common.misc_area_n7_mm2", "misc_mm2_n7"},
    {"process_node.common.reticle_area_mm2", "reticle_area_mm2"},
    {"process_node.common.reticle_width_mm / reticle_length_mm", "reticle_width_mm / reticle_length_mm"},
}};

/// The analog/IO area factor of `node` relative to N7: scaling_per_node ^ -kNodeStepsFromN7[node] (1.1 per node:
/// node.analog_io_density_scaling_per_node). For the loader; not called per point.
double analog_area_rel_n7(double scaling_per_node, ProcessNode node) noexcept;

// ── calibration and reference ───────────────────────────────────────────────────────────────────────────────

/// The measured die the logic density is calibrated on (default: H100 SXM5, see kCalibrationSources).
struct CalibrationDie {
  ProcessNode node = ProcessNode::n5;
  double peak_dense_tflops_bf16 = 0.0;  ///< dense BF16 TFLOPS of the whole die (989)
  double tflops_per_mm2_bf16 = 0.0;     ///< measured whole-die throughput density (1.22)
  double sram_mb = 0.0;                 ///< PHYSICAL on-die SRAM / L2 (60 MB; 50 enabled)
  HbmGen hbm = HbmGen::hbm3;
  std::int32_t hbm_phy_sites = 0;  ///< HBM PHY sites on the die (6; 5 populated)
  double offpkg_tbps_bidir = 0.0;  ///< host IO on LR SerDes (NVLink4 7.2 + scale-out 0.8 Tbps bidirectional)
};

/// Which technology-database entry feeds each CalibrationDie member.
inline constexpr std::array<ParamSource, 7> kCalibrationSources = {{
    {"compute.h100.node (N4 = alias of N5)", "node"},
    {"compute.h100.peak_dense_tflops_bf16", "peak_dense_tflops_bf16"},
    {"compute.common.h100_tflops_per_mm2", "tflops_per_mm2_bf16"},
    {"compute.h100.l2_physical_mbyte", "sram_mb"},
    {"(memory.hbm3: H100 carries HBM3)", "hbm"},
    {"compute.h100.hbm_phy_sites", "hbm_phy_sites"},
    {"link.cluster.nvlink4_gb_per_s x 8 / 1000 + link.cluster.cx7_gbps x 2 / 1000", "offpkg_tbps_bidir"},
}};

/// The deck's reference design ([reference]), as plain numbers.
struct ReferenceSpec {
  ProcessNode node = ProcessNode::n5;   ///< reference.node
  double peak_dense_tflops = 0.0;       ///< reference.peak_dense_tflops at reference.precision
  double precision_rate_vs_bf16 = 1.0;  ///< dense rate of that precision / BF16's (fp8: compute.common.fp8_speedup_vs_bf16)
  double sram_mb = 0.0;                 ///< reference.sram_mb (physical SRAM is what costs area)
  HbmGen hbm = HbmGen::hbm3;
  std::int32_t hbm_stacks = 0;          ///< HBM PHY sites of the reference die (no deck key yet: the caller decides)
  double offpkg_tbps_bidir = 0.0;       ///< reference.scale_up_gb_per_s x 8/1000 + reference.scale_out_gbps x 2/1000
};

/// The reference design decomposed into blocks at its own node, and the calibrated logic the kernel scales.
struct ReferenceBlocks {
  double logic_mm2_per_tflops_bf16_n7 = 0.0;  ///< calibrated logic area per dense BF16 TFLOPS at N7 density
  double logic_mm2_n7 = 0.0;                  ///< the reference's logic at N7 density (compute_scale = 1)
  ProcessNode node = ProcessNode::n5;         ///< the reference node
  double logic_mm2 = 0.0;                     ///< blocks at the reference node, monolithic
  double sram_mm2 = 0.0;
  double hbm_phy_mm2 = 0.0;
  double offpkg_io_mm2 = 0.0;
  double misc_mm2 = 0.0;
  double die_area_mm2 = 0.0;              ///< sum of the blocks (no shoreline growth)
  double calibration_die_area_mm2 = 0.0;  ///< A_cal = TFLOPS / (TFLOPS/mm²) of the calibration die
  double calibration_logic_fraction = 0.0;  ///< logic_cal / A_cal (sanity: GA100 measured 0.67)
  std::uint32_t issues = 0;               ///< area_issue bits (calibration_invalid, missing_parameter)
};

/// Calibrate the logic area per TFLOPS on `cal` and decompose `ref` (see the top of this file, §2).
ReferenceBlocks calibrate_reference(const CalibrationDie& cal, const ReferenceSpec& ref,
                                    const AreaParams& p) noexcept;

// ── one design point ─────────────────────────────────────────────────────────────────────────────────────────

/// The area-relevant choices of one design point (DESIGN.md §1).
struct AreaInput {
  Partitioning partitioning = Partitioning::monolithic;
  std::int32_t compute_count = 1;  ///< k (ignored for monolithic, which is 1)
  ProcessNode compute_node = ProcessNode::n5;
  ProcessNode io_node = ProcessNode::n6;     ///< chiplets_io, chiplets_io_cache
  ProcessNode cache_node = ProcessNode::n5;  ///< chiplets_io_cache
  double compute_scale = 1.0;  ///< MAC array relative to the reference's (1 = the reference compute)
  double sram_mb = 0.0;        ///< total SRAM of the package (physical)
  HbmGen hbm = HbmGen::hbm3;
  std::int32_t hbm_stacks = 0;
  D2dKind d2d = D2dKind::ucie_a;
  double d2d_tbps_per_direction = 0.0;    ///< provisioned per compute chiplet, each direction (space.d2d_bandwidth_tbps)
  double cache_tbps_per_direction = 0.0;  ///< compute die <-> its cache die, each direction (chiplets_io_cache)
  LinkTech scale_up_link = LinkTech::copper;
  LinkTech scale_out_link = LinkTech::pluggable_dsp;
  double scale_up_tbps_bidir = 0.0;   ///< per package, both directions (reference.scale_up_gb_per_s x 8 / 1000)
  double scale_out_tbps_bidir = 0.0;  ///< per package, both directions (reference.scale_out_gbps x 2 / 1000)
};

/// Block areas of one die (mm²).
struct BlockAreas {
  double logic_mm2 = 0.0;
  double sram_mm2 = 0.0;
  double hbm_phy_mm2 = 0.0;    ///< host PHYs and their memory controllers
  double offpkg_io_mm2 = 0.0;  ///< host LR SerDes or CPO XSR lanes
  double d2d_phy_mm2 = 0.0;    ///< 2.5D D2D PHYs and 3D hybrid-bond fields
  double misc_mm2 = 0.0;
  constexpr double sum_mm2() const noexcept {
    return logic_mm2 + sram_mm2 + hbm_phy_mm2 + offpkg_io_mm2 + d2d_phy_mm2 + misc_mm2;
  }
};

/// Die edge needed by one die, by consumer (mm).
struct Shoreline {
  double hbm_mm = 0.0;
  double offpkg_io_mm = 0.0;
  double d2d_mm = 0.0;  ///< 2.5D D2D only (3D bonds need area, not edge)
  constexpr double total_mm() const noexcept { return hbm_mm + offpkg_io_mm + d2d_mm; }
};

/// One kind of die of the package (count identical dies).
struct DieArea {
  std::int32_t count = 0;  ///< 0: this kind is absent
  ProcessNode node = ProcessNode::n5;
  BlockAreas blocks;
  double block_sum_mm2 = 0.0;     ///< blocks.sum_mm2()
  double growth_mm2 = 0.0;        ///< added so the perimeter carries the needed shoreline (>= 0)
  double area_mm2 = 0.0;          ///< block_sum_mm2 + growth_mm2: the die as manufactured
  double width_mm = 0.0;          ///< shape rule: square up to the field width, then field width x area / width
  double height_mm = 0.0;
  std::int32_t hbm_phy_sites = 0;  ///< per die
  Shoreline shoreline_needed;
  double perimeter_before_growth_mm = 0.0;  ///< perimeter of a die of block_sum_mm2
  double shoreline_available_mm = 0.0;      ///< perimeter of the final die
  std::uint32_t issues = 0;                 ///< area_issue bits of this die
};

/// Co-packaged optical engines and optical I/O chiplets (components on the substrate, placed by geometry.hpp; not
/// silicon of this model). Each kind's count is ceil(its bandwidth per direction / its engine bandwidth); a package
/// that mixes CPO and optical I/O chiplets (one per tier) places every engine with the larger edge and the larger
/// depth of the two kinds (geometry takes one footprint): conservative on substrate area.
struct OpticalEngines {
  std::int32_t count = 0;          ///< CPO engines + optical I/O chiplets
  double tbps_each = 0.0;          ///< per direction; with both kinds, cpo_tbps_per_direction / count (the mean)
  double edge_mm = 0.0;            ///< side along the substrate edge: engine bandwidth / edge density (22.9 mm)
  double depth_mm = 0.0;           ///< footprint / edge_mm
  double footprint_mm2 = 0.0;      ///< per engine (edge_mm x depth_mm)
  double cpo_tbps_per_direction = 0.0;  ///< carried by the engines (scale-up and scale-out CPO / optical I/O ports)
};

/// Infeasibility reasons (bitmask; 0 = feasible). Never clipped: the areas are still reported.
namespace area_issue {
inline constexpr std::uint32_t invalid_input = 1u << 0;  ///< k < 1, negative / non-finite size or bandwidth, bad enum
inline constexpr std::uint32_t missing_parameter = 1u << 1;  ///< a constant this point needs is <= 0 or not finite
inline constexpr std::uint32_t calibration_invalid = 1u << 2;  ///< the calibration left no positive logic area
inline constexpr std::uint32_t die_over_reticle = 1u << 3;     ///< a die exceeds the field (area or 26 x 33 shape)
/// the needed edge exceeds the perimeter of any die within the field, 2 (W + L): growth cannot meet it
inline constexpr std::uint32_t shoreline_unmet = 1u << 4;
inline constexpr std::uint32_t stacked_die_exceeds_base = 1u << 5;  ///< a cache die larger than its compute die
inline constexpr std::uint32_t count = 6;                           ///< number of reason bits
}  // namespace area_issue

/// Short name of one reason bit (for /stats "infeasible by reason"); "" for an unknown bit.
const char* area_issue_name(std::uint32_t bit) noexcept;

/// The areas of one design point. Trivially copyable, fixed size: return by value, no allocation.
struct AreaResult {
  DieArea compute;  ///< count k (1 for monolithic)
  DieArea io;       ///< count 1 with an IO die, else 0
  DieArea cache;    ///< count k with 3D cache dies, else 0
  OpticalEngines engines;
  double silicon_area_mm2 = 0.0;     ///< sum of count x area over the die kinds (the silicon_area_mm2 objective)
  std::int32_t hbm_phy_sites = 0;    ///< on all dies
  std::int32_t hbm_phy_dark = 0;     ///< sites with no stack (identical chiplets: k x ceil(stacks / k) - stacks)
  std::uint32_t issues = 0;          ///< OR of the dies' bits and the reference's
};

/// The per-point area model (see the top of this file). O(1), no allocation.
AreaResult evaluate_area(const AreaInput& in, const ReferenceBlocks& ref, const AreaParams& p) noexcept;

// ── block models (the terms of §1; exposed for the calibration, the tests and the power model) ─────────────────

/// Logic of `compute_scale` reference compute arrays at `node`: scale x ref.logic_mm2_n7 / D(node).
double logic_area_mm2(const ReferenceBlocks& ref, const AreaParams& p, ProcessNode node,
                      double compute_scale) noexcept;
/// SRAM of `mb` MB at `node`: mb x M(node) x (on-die LLC | cache-die) overhead.
double sram_area_mm2(const AreaParams& p, ProcessNode node, double mb, SramPlacement where) noexcept;
/// `sites` HBM host PHYs with their controllers at `node`: sites x (P7 a(node) + C7 / D(node)).
double hbm_phy_area_mm2(const AreaParams& p, ProcessNode node, HbmGen gen, double sites) noexcept;
/// Host side of `tbps_bidir` of off-package links of technology `tech` at `node` (LR SerDes or CPO XSR).
double offpkg_io_area_mm2(const AreaParams& p, ProcessNode node, LinkTech tech, double tbps_bidir) noexcept;
/// One 2.5D D2D PHY (one die side) for `tbps_bidir` at `node`.
double d2d_phy_area_mm2(const AreaParams& p, ProcessNode node, D2dKind kind, double tbps_bidir) noexcept;
/// The hybrid-bond field of `tbps_bidir` of 3D bandwidth (per die of the bonded pair).
double hybrid_bond_area_mm2(const AreaParams& p, double tbps_bidir) noexcept;
/// The per-package miscellaneous block at `node`.
double misc_area_mm2(const AreaParams& p, ProcessNode node) noexcept;

/// Width and height (mm) of a die of `area_mm2` under the shape rule (square up to the field width W, then W wide).
struct DieShape {
  double width_mm = 0.0;
  double height_mm = 0.0;
  constexpr double perimeter_mm() const noexcept { return 2.0 * (width_mm + height_mm); }
};
DieShape die_shape(double area_mm2, const AreaParams& p) noexcept;

/// The smallest die area whose shape-rule perimeter is at least `edge_mm` (inverse of die_shape's perimeter).
double min_area_for_edge_mm2(double edge_mm, const AreaParams& p) noexcept;

}  // namespace chipdse::model
