// Tests of model/params_from_tech: the kernel's area parameters come from the shipped technology database,
// every one present and positive, and the calibration identity holds with the database's own numbers.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>

#include "chipdse/model/params_from_tech.hpp"
#include "chipdse/tech/tech_loader.hpp"

using namespace chipdse;
using namespace chipdse::model;

namespace {
const tech::TechDatabase& shipped() {
  static const tech::TechDatabase db =
      tech::load_tech_database(std::filesystem::path(CHIPDSE_SOURCE_DIR) / "inputs" / "tech" / "tech.toml");
  return db;
}
bool usable(double v) { return std::isfinite(v) && v > 0.0; }
}  // namespace

TEST_CASE("every area parameter is read from the shipped database and is positive", "[area][tech]") {
  const AreaParams p = area_params_from_tech(shipped());
  for (std::size_t i = 0; i < kProcessNodeCount; ++i) {
    INFO(kProcessNodeNames[i]);
    CHECK(usable(p.node[i].logic_density_rel_n7));
    CHECK(usable(p.node[i].sram_macro_mm2_per_mb));
    CHECK(usable(p.node[i].analog_area_rel_n7));
  }
  CHECK(p.node[static_cast<std::size_t>(ProcessNode::n7)].logic_density_rel_n7 == 1.0);  // the ratio's reference
  for (const auto& h : p.hbm) CHECK((usable(h.phy_mm2_n7) && usable(h.ctrl_mm2_n7) && usable(h.shoreline_mm)));
  for (const auto& d : p.d2d) CHECK((usable(d.phy_mm2_per_tbps) && usable(d.shoreline_tbps_per_mm)));
  for (double v : {p.hybrid_bond_tbps_per_mm2, p.sram_overhead_on_die_x, p.sram_overhead_cache_die_x,
                   p.lr_serdes_mm2_per_tbps, p.lr_serdes_shoreline_tbps_per_mm, p.xsr_mm2_per_tbps,
                   p.xsr_shoreline_tbps_per_mm, p.cpo_engine_tbps, p.cpo_engine_edge_density_tbps_per_mm,
                   p.cpo_engine_footprint_mm2, p.oio_engine_tbps, p.oio_engine_edge_density_tbps_per_mm,
                   p.oio_engine_footprint_mm2, p.misc_mm2_n7, p.reticle_area_mm2, p.reticle_width_mm,
                   p.reticle_length_mm})
    CHECK(usable(v));
  // The field is 26 x 33 mm (node.reticle_field_low_na): its sides and its area agree.
  CHECK(p.reticle_width_mm * p.reticle_length_mm == Approx(p.reticle_area_mm2).epsilon(1e-12));
}

TEST_CASE("the calibration identity holds with the database's own H100 numbers", "[area][tech]") {
  const auto& db = shipped();
  const AreaParams p = area_params_from_tech(db);
  const CalibrationDie cal = calibration_die_from_tech(db);
  // Expected, straight from the database: A_cal = dense BF16 TFLOPS / measured TFLOPS per mm2.
  const double expected_mm2 =
      db.at("compute.h100.peak_dense_tflops_bf16").value / db.at("compute.common.h100_tflops_per_mm2").value;
  ReferenceSpec ref;
  ref.node = cal.node;
  ref.peak_dense_tflops = cal.peak_dense_tflops_bf16;
  ref.sram_mb = cal.sram_mb;
  ref.hbm = cal.hbm;
  ref.hbm_stacks = cal.hbm_phy_sites;
  ref.offpkg_tbps_bidir = cal.offpkg_tbps_bidir;
  const ReferenceBlocks blocks = calibrate_reference(cal, ref, p);
  CHECK(blocks.issues == 0);
  CHECK(blocks.calibration_die_area_mm2 == Approx(expected_mm2).epsilon(1e-12));
  CHECK(blocks.die_area_mm2 == Approx(expected_mm2).epsilon(1e-9));
  // The published die is 814 mm2 (compute.h100.die_area_mm2): the density-derived area is within 1 %.
  CHECK(expected_mm2 == Approx(db.at("compute.h100.die_area_mm2").value).epsilon(0.01));
}

TEST_CASE("a missing technology value is an error naming its path", "[area][tech]") {
  const tech::TechDatabase empty;
  try {
    (void)area_params_from_tech(empty);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("process_node.common.analog_io_density_scaling_per_node") != std::string::npos);
  }
}

TEST_CASE("node names map to the kernel's nodes", "[area][tech]") {
  ProcessNode n = ProcessNode::n7;
  CHECK(process_node_from_name("A16", n));
  CHECK(n == ProcessNode::a16);
  CHECK(process_node_from_name("N16", n));
  CHECK(n == ProcessNode::n16);
  CHECK_FALSE(process_node_from_name("N4", n));  // an alias: the deck layer resolves it to N5 first
}
