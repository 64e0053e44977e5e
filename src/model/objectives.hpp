// chipdse/model/objectives.hpp — the objectives a deck may choose (DESIGN.md §2 table), each defined once: its name
// (as in objectives.list), unit, sense, and the Metrics member it reads; and every scalar column of a result row.
// model/: never includes MPI, PETSc, HDF5 or toml++.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "chipdse/model/evaluate.hpp"

namespace chipdse::model {

enum class Sense : std::uint8_t { minimise, maximise };

/// One scalar of a result row: name, unit and how to read it from Metrics.
struct MetricColumn {
  std::string_view name;
  std::string_view unit;
  double (*get)(const Metrics&) noexcept;
};

/// One objective: a metric with a sense.
struct ObjectiveDef {
  std::string_view name;
  std::string_view unit;
  Sense sense;
  double (*get)(const Metrics&) noexcept;
};

/// The objectives of DESIGN.md §2, with the deck's names (schema row objectives.list).
inline constexpr std::array<ObjectiveDef, 9> kObjectives = {{
    {"cost_usd", "USD", Sense::minimise, [](const Metrics& m) noexcept { return m.cost_usd; }},
    {"power_w", "W", Sense::minimise, [](const Metrics& m) noexcept { return m.power_w; }},
    {"throughput", "tokens/s", Sense::maximise, [](const Metrics& m) noexcept { return m.throughput_tokens_per_s; }},
    {"latency_s", "s", Sense::minimise, [](const Metrics& m) noexcept { return m.latency_s; }},
    {"silicon_area_mm2", "mm2", Sense::minimise, [](const Metrics& m) noexcept { return m.silicon_area_mm2; }},
    {"perf_per_w", "tokens/s/W", Sense::maximise, [](const Metrics& m) noexcept { return m.perf_per_w; }},
    {"perf_per_usd", "tokens/s/USD", Sense::maximise, [](const Metrics& m) noexcept { return m.perf_per_usd; }},
    {"tco_usd_per_mtoken", "USD/Mtoken", Sense::minimise,
     [](const Metrics& m) noexcept { return m.tco_usd_per_mtoken; }},
    {"goodput", "tokens/s", Sense::maximise, [](const Metrics& m) noexcept { return m.goodput_tokens_per_s; }},
}};

/// The index of objective `name` in kObjectives, or kObjectives.size().
constexpr std::size_t objective_index(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kObjectives.size(); ++i)
    if (kObjectives[i].name == name) return i;
  return kObjectives.size();
}

/// The value to MINIMISE for objective `o` (a maximised objective is negated), for archives and dominance.
inline double minimised(const ObjectiveDef& o, const Metrics& m) noexcept {
  return o.sense == Sense::minimise ? o.get(m) : -o.get(m);
}

/// Every scalar metric of a result row (/pareto and /points columns, `evaluate --json`), in output order.
inline constexpr std::array<MetricColumn, 47> kMetricColumns = {{
    {"cost_usd", "USD", [](const Metrics& m) noexcept { return m.cost_usd; }},
    {"power_w", "W", [](const Metrics& m) noexcept { return m.power_w; }},
    {"throughput", "tokens/s", [](const Metrics& m) noexcept { return m.throughput_tokens_per_s; }},
    {"latency_s", "s", [](const Metrics& m) noexcept { return m.latency_s; }},
    {"mfu", "fraction", [](const Metrics& m) noexcept { return m.mfu; }},
    {"ttft_s", "s", [](const Metrics& m) noexcept { return m.ttft_s; }},
    {"tpot_s", "s", [](const Metrics& m) noexcept { return m.tpot_s; }},
    {"energy_pj_per_flop", "pJ/FLOP", [](const Metrics& m) noexcept { return m.energy_pj_per_flop; }},
    {"effective_clock_ghz", "GHz", [](const Metrics& m) noexcept { return m.effective_clock_ghz; }},
    {"silicon_area_mm2", "mm2", [](const Metrics& m) noexcept { return m.silicon_area_mm2; }},
    {"perf_per_w", "tokens/s/W", [](const Metrics& m) noexcept { return m.perf_per_w; }},
    {"perf_per_usd", "tokens/s/USD", [](const Metrics& m) noexcept { return m.perf_per_usd; }},
    {"tco_usd_per_mtoken", "USD/Mtoken", [](const Metrics& m) noexcept { return m.tco_usd_per_mtoken; }},
    {"package_area_mm2", "mm2", [](const Metrics& m) noexcept { return m.package_area_mm2; }},
    {"interposer_area_mm2", "mm2", [](const Metrics& m) noexcept { return m.interposer_area_mm2; }},
    {"cost_raw_dies_usd", "USD", [](const Metrics& m) noexcept { return m.cost.raw_dies_usd; }},
    {"cost_defect_scrap_usd", "USD", [](const Metrics& m) noexcept { return m.cost.defect_scrap_usd; }},
    {"cost_test_usd", "USD", [](const Metrics& m) noexcept { return m.cost.test_usd; }},
    {"cost_raw_package_usd", "USD", [](const Metrics& m) noexcept { return m.cost.raw_package_usd; }},
    {"cost_package_scrap_usd", "USD", [](const Metrics& m) noexcept { return m.cost.package_scrap_usd; }},
    {"cost_assembly_scrap_usd", "USD", [](const Metrics& m) noexcept { return m.cost.assembly_scrap_usd; }},
    {"cost_hbm_usd", "USD", [](const Metrics& m) noexcept { return m.cost.hbm_usd; }},
    {"cost_optics_usd", "USD", [](const Metrics& m) noexcept { return m.cost.optics_usd; }},
    {"cost_nre_per_unit_usd", "USD", [](const Metrics& m) noexcept { return m.cost.nre_per_unit_usd; }},
    {"power_compute_w", "W", [](const Metrics& m) noexcept { return m.power.compute_w; }},
    {"power_sram_w", "W", [](const Metrics& m) noexcept { return m.power.sram_w; }},
    {"power_hbm_w", "W", [](const Metrics& m) noexcept { return m.power.hbm_w; }},
    {"power_d2d_w", "W", [](const Metrics& m) noexcept { return m.power.d2d_w; }},
    {"power_links_w", "W", [](const Metrics& m) noexcept { return m.power.links_w; }},
    {"power_leakage_w", "W", [](const Metrics& m) noexcept { return m.power.leakage_w; }},
    {"power_links_off_package_w", "W", [](const Metrics& m) noexcept { return m.power.links_off_package_w; }},
    {"power_package_w", "W", [](const Metrics& m) noexcept { return m.power.package_w; }},
    {"batch_sequences", "sequences", [](const Metrics& m) noexcept { return m.batch_sequences; }},
    {"time_compute_share", "fraction", [](const Metrics& m) noexcept { return m.time_compute_share; }},
    {"time_hbm_share", "fraction", [](const Metrics& m) noexcept { return m.time_hbm_share; }},
    {"time_d2d_share", "fraction", [](const Metrics& m) noexcept { return m.time_d2d_share; }},
    {"time_scale_up_share", "fraction", [](const Metrics& m) noexcept { return m.time_scale_up_share; }},
    {"time_scale_out_share", "fraction", [](const Metrics& m) noexcept { return m.time_scale_out_share; }},
    {"time_bubble_share", "fraction", [](const Metrics& m) noexcept { return m.time_bubble_share; }},
    {"hbm_tb_per_s", "TB/s", [](const Metrics& m) noexcept { return m.hbm_tb_per_s; }},
    {"hbm_reread_fraction", "fraction", [](const Metrics& m) noexcept { return m.hbm_reread_fraction; }},
    {"tj_bound_c", "C", [](const Metrics& m) noexcept { return m.tj_bound_c; }},
    {"tj_solved_c", "C", [](const Metrics& m) noexcept { return m.tj_solved_c; }},
    {"hbm_solved_c", "C", [](const Metrics& m) noexcept { return m.hbm_solved_c; }},
    {"optical_engine_solved_c", "C", [](const Metrics& m) noexcept { return m.optical_engine_solved_c; }},
    {"goodput", "tokens/s", [](const Metrics& m) noexcept { return m.goodput_tokens_per_s; }},
    {"job_mtbf_h", "h", [](const Metrics& m) noexcept { return m.job_mtbf_h; }},
}};

}  // namespace chipdse::model
