// Kernel parameters from the technology database (see params_from_tech.hpp).
#include "chipdse/model/params_from_tech.hpp"

#include <string>

namespace chipdse::model {

namespace {

double value(const tech::TechDatabase& tech, const std::string& path) { return tech.at(path).value; }

}  // namespace

bool process_node_from_name(std::string_view name, ProcessNode& node) noexcept {
  for (std::size_t i = 0; i < kProcessNodeCount; ++i)
    if (kProcessNodeNames[i] == name) {
      node = static_cast<ProcessNode>(i);
      return true;
    }
  return false;
}

AreaParams area_params_from_tech(const tech::TechDatabase& tech) {
  AreaParams p;
  const double analog_scaling = value(tech, "process_node.common.analog_io_density_scaling_per_node");
  for (std::size_t i = 0; i < kProcessNodeCount; ++i) {
    const std::string node = "process_node." + std::string(kProcessNodeNames[i]) + ".";
    p.node[i].logic_density_rel_n7 = value(tech, node + "logic_density_chip_rel_n7");
    p.node[i].sram_macro_mm2_per_mb = value(tech, node + "sram_macro_area_mm2_per_mbyte");
    p.node[i].analog_area_rel_n7 = analog_area_rel_n7(analog_scaling, static_cast<ProcessNode>(i));
  }
  for (std::size_t i = 0; i < kHbmGenCount; ++i) {
    const std::string mem = "memory." + std::string(kHbmGenNames[i]) + ".";
    p.hbm[i].phy_mm2_n7 = value(tech, mem + "phy_area_mm2");
    p.hbm[i].ctrl_mm2_n7 = value(tech, mem + "controller_area_mm2");
    p.hbm[i].shoreline_mm = value(tech, mem + "shoreline_mm");
  }
  for (std::size_t i = 0; i < kD2dKindCount; ++i) {
    const std::string d2d = "d2d." + std::string(kD2dKindNames[i]) + ".";
    p.d2d[i].phy_mm2_per_tbps = value(tech, d2d + "phy_area_mm2_per_tbps");
    p.d2d[i].shoreline_tbps_per_mm = value(tech, d2d + "shoreline_bw_density_tbps_per_mm");
  }
  p.hybrid_bond_tbps_per_mm2 = value(tech, "d2d.hybrid_3d.areal_bw_density_tbps_per_mm2");
  p.sram_overhead_on_die_x = value(tech, "process_node.common.sram_llc_overhead_on_die_x");
  p.sram_overhead_cache_die_x = value(tech, "process_node.common.sram_overhead_stacked_cache_die_x");
  p.lr_serdes_mm2_per_tbps = value(tech, "d2d.lr_serdes_112g.phy_area_mm2_per_tbps");
  p.lr_serdes_shoreline_tbps_per_mm = value(tech, "d2d.lr_serdes_112g.shoreline_bw_density_tbps_per_mm");
  p.xsr_mm2_per_tbps = value(tech, "d2d.xsr_serdes.phy_area_mm2_per_tbps");
  p.xsr_shoreline_tbps_per_mm = value(tech, "link.cpo.shoreline_bw_density_tbps_per_mm");
  p.cpo_engine_tbps = value(tech, "link.cpo.module_bandwidth_tbps");
  p.cpo_engine_edge_density_tbps_per_mm = value(tech, "link.cpo.module_edge_density_tbps_per_mm");
  p.cpo_engine_footprint_mm2 = value(tech, "link.cpo.module_footprint_mm2");
  p.oio_engine_tbps = value(tech, "link.optical_io_chiplet.module_bandwidth_tbps");
  p.oio_engine_edge_density_tbps_per_mm = value(tech, "link.optical_io_chiplet.module_edge_density_tbps_per_mm");
  p.oio_engine_footprint_mm2 = value(tech, "link.optical_io_chiplet.module_footprint_mm2");
  p.misc_mm2_n7 = value(tech, "process_node.common.misc_area_n7_mm2");
  p.reticle_area_mm2 = value(tech, "process_node.common.reticle_area_mm2");
  p.reticle_width_mm = value(tech, "process_node.common.reticle_width_mm");
  p.reticle_length_mm = value(tech, "process_node.common.reticle_length_mm");
  return p;
}

CalibrationDie calibration_die_from_tech(const tech::TechDatabase& tech) {
  CalibrationDie c;
  c.node = ProcessNode::n5;  // compute.h100.node is "N4", an alias of N5 (process_node.N5.aliases)
  c.peak_dense_tflops_bf16 = value(tech, "compute.h100.peak_dense_tflops_bf16");
  c.tflops_per_mm2_bf16 = value(tech, "compute.common.h100_tflops_per_mm2");
  c.sram_mb = value(tech, "compute.h100.l2_physical_mbyte");
  c.hbm = HbmGen::hbm3;  // H100 SXM5 carries HBM3 (cal.nvidia_h100_sxm5_2022)
  c.hbm_phy_sites = static_cast<std::int32_t>(value(tech, "compute.h100.hbm_phy_sites"));
  // Host IO on long-reach SerDes, bidirectional Tbps: NVLink4 GB/s (bidirectional) x 8 bit / 1000, plus the
  // ConnectX-7 Gb/s (one direction) x 2 directions / 1000.
  c.offpkg_tbps_bidir =
      value(tech, "link.cluster.nvlink4_gb_per_s") * 8.0 / 1000.0 + value(tech, "link.cluster.cx7_gbps") * 2.0 / 1000.0;
  return c;
}

}  // namespace chipdse::model
