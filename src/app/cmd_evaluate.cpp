// chipdse evaluate: one design point, every metric and the itemised breakdown, as a table or JSON (issue #4).
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <iostream>
#include <optional>
#include <nlohmann/json.hpp>

#include "chipdse/core/error.hpp"
#include "chipdse/core/suggest.hpp"
#include "chipdse/deck/deck.hpp"
#include "chipdse/model/evaluate.hpp"
#include "chipdse/model/objectives.hpp"
#include "chipdse/parallel/environment.hpp"
#include "chipdse/search/choice_decoder.hpp"
#include "chipdse/search/space_from_deck.hpp"
#include "chipdse/thermal/fv_solver.hpp"
#include "commands.hpp"
#include "evaluate_thermal.hpp"
#include "evaluate_time.hpp"

namespace chipdse::app {

namespace {

using json = nlohmann::ordered_json;

bool parse_number(const std::string& s, double& x) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), x);
  return ec == std::errc() && end == s.data() + s.size();
}

// The value of `values` that `text` names: the same text, or for a numeric axis the same number ("4.0" = "4").
std::size_t find_value(const std::vector<std::string>& values, const std::string& text) {
  for (std::size_t i = 0; i < values.size(); ++i)
    if (values[i] == text) return i;
  double want = 0.0, have = 0.0;
  if (parse_number(text, want))
    for (std::size_t i = 0; i < values.size(); ++i)
      if (parse_number(values[i], have) && have == want) return i;
  return values.size();
}

std::string list(const std::vector<std::string>& names) { return join_names(names); }

/// The point named by the --set arguments; unset axes take their first value (listed in `defaulted`).
search::DesignPoint point_from_sets(const search::DesignSpace& space, const std::vector<std::string>& sets,
                                    std::vector<std::string>& defaulted) {
  std::vector<std::pair<std::string, std::string>> kv;
  std::string variant;
  for (const std::string& s : sets) {
    const auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0)
      throw InputError(SourceLocation{"command line"}, "--set", "expected axis=value", s, "e.g. --set hbm_stacks=6");
    std::string key = s.substr(0, eq), value = s.substr(eq + 1);
    if (key == "partitioning") {
      if (!variant.empty())
        throw InputError(SourceLocation{"command line"}, "--set partitioning", "set twice", value);
      variant = value;
      continue;
    }
    for (const auto& [k, v] : kv)
      if (k == key) throw InputError(SourceLocation{"command line"}, "--set " + key, "axis set twice", value);
    kv.emplace_back(std::move(key), std::move(value));
  }
  std::vector<std::string> variants;
  for (std::size_t v = 0; v < space.variant_count(); ++v) variants.push_back(space.variant(v).name);
  if (variant.empty()) {
    variant = variants.front();
    defaulted.push_back("partitioning");
  }
  const std::size_t vi = space.variant_index(variant);
  if (vi == search::DesignSpace::npos) {
    throw InputError(SourceLocation{"command line"}, "--set partitioning", "not a partitioning of this deck's space",
                     variant, allowed_names(variant, variants));
  }
  const search::Variant& var = space.variant(vi);
  std::vector<std::string> axis_names;
  for (const auto& a : var.axes) axis_names.push_back(a.name);
  std::vector<std::pair<std::string, std::string>> settings;
  for (const auto& [key, value] : kv) {
    const std::size_t a = space.axis_index(vi, key);
    if (a == search::DesignSpace::npos) {
      axis_names.insert(axis_names.begin(), "partitioning");
      InputError e(SourceLocation{"command line"}, "--set " + key, "no such axis for partitioning '" + var.name + "'",
                   key, allowed_names(key, axis_names));
      if (!defaulted.empty() && defaulted.front() == "partitioning")
        e.add_context("  partitioning was not set and took its first value; other partitionings may have this axis: "
                      "--set partitioning=" + list(variants));
      throw e;
    }
    const auto& values = var.axes[a].values;
    const std::size_t i = find_value(values, value);
    if (i == values.size()) {
      double ignored = 0.0;  // a misspelt number is not a typo of another number: no "did you mean" for those
      throw InputError(SourceLocation{"command line"}, "--set " + key, "value not on this axis of the deck's space",
                       value, parse_number(value, ignored) ? list(values) : allowed_names(value, values));
    }
    settings.emplace_back(key, values[i]);
  }
  for (const auto& a : var.axes) {
    bool set = false;
    for (const auto& [k, v] : settings) set = set || k == a.name;
    if (!set) {
      settings.emplace_back(a.name, a.values.front());
      defaulted.push_back(a.name);
    }
  }
  return space.find_point(var.name, settings);
}

std::vector<std::string> reasons(std::uint32_t bits) {
  std::vector<std::string> out;
  for (std::uint32_t b = 0; b < model::infeasible::count; ++b)
    if (bits & (1u << b)) out.emplace_back(model::infeasibility_name(1u << b));
  return out;
}

json die_json(const char* kind, const model::DieArea& a, const model::DieReport& r) {
  const auto node = model::kProcessNodeNames[static_cast<std::size_t>(a.node)];
  return json{{"kind", kind},
              {"count", a.count},
              {"node", node},
              {"area_mm2", a.area_mm2},
              {"width_mm", a.width_mm},
              {"height_mm", a.height_mm},
              {"blocks_mm2",
               {{"logic", a.blocks.logic_mm2}, {"sram", a.blocks.sram_mm2}, {"hbm_phy", a.blocks.hbm_phy_mm2},
                {"offpkg_io", a.blocks.offpkg_io_mm2}, {"d2d_phy", a.blocks.d2d_phy_mm2}, {"misc", a.blocks.misc_mm2}}},
              {"shoreline_growth_mm2", a.growth_mm2},
              {"hbm_phy_sites", a.hbm_phy_sites},
              {"dies_per_wafer", r.dies_per_wafer},
              {"yield", r.yield},
              {"test_pass_yield", r.cost.pass_yield},
              {"shipped_quality", r.cost.quality},
              {"cost_per_shipped_die_usd", r.cost.shipped_usd}};
}

// The scalar metrics of a result row (model/objectives.hpp kMetricColumns), without the itemised cost and power
// columns (those are the breakdown sections): the names are the /pareto column names.
bool is_breakdown(std::string_view name) {
  return (name.starts_with("cost_") && name != "cost_usd") || (name.starts_with("power_") && name != "power_w");
}

json metrics_json(const model::Metrics& m) {
  json j = json::object();
  for (const auto& c : model::kMetricColumns)
    if (!is_breakdown(c.name)) j[std::string(c.name)] = c.get(m);
  return j;
}

json units_json() {
  json j = json::object();
  for (const auto& c : model::kMetricColumns)
    if (!is_breakdown(c.name)) j[std::string(c.name)] = std::string(c.unit);
  return j;
}

// One collective step's latency on a cluster tier, itemised (ns): what the link technology choice changes.
json step_latency_json(const model::PerfParams& p, bool scale_up, model::LinkTech tech) {
  const model::StepLatency s = model::step_latency(p, scale_up, tech);
  return json{{"link", std::string(model::kLinkTechNames[static_cast<std::size_t>(tech)])},
              {"software", s.software_s * 1e9}, {"switch", s.switch_s * 1e9}, {"time_of_flight", s.flight_s * 1e9},
              {"interfaces", s.interface_s * 1e9}, {"fec", s.fec_s * 1e9}, {"dsp_retimer", s.dsp_s * 1e9},
              {"total", s.total_s * 1e9}};
}

json to_json(const deck::Deck& deck, const search::DesignSpace& space, const search::DesignPoint& point,
             std::uint64_t index, const std::vector<std::string>& defaulted, const model::DesignChoice& choice,
             const model::Metrics& m, const model::EvaluationDetail& d, const model::KernelParams& params) {
  json design = json::object();
  const search::Variant& var = space.variant(point.variant);
  design["partitioning"] = var.name;
  for (std::size_t a = 0; a < var.axes.size(); ++a) design[var.axes[a].name] = var.axes[a].values[point.value[a]];
  const model::CostBreakdown& c = m.cost;
  json dies = json::array();
  if (d.area.compute.count > 0) dies.push_back(die_json("compute", d.area.compute, d.compute));
  if (d.area.io.count > 0) dies.push_back(die_json("io", d.area.io, d.io));
  if (d.area.cache.count > 0) dies.push_back(die_json("cache", d.area.cache, d.cache));
  const model::Geometry& g = d.geometry;
  // The parallel mapping of this design (the kernel's index into deck_mappings: the axis value, or the fixed one).
  const deck::Mapping mp = deck::deck_mappings(deck).at(choice.mapping);
  const model::WorkloadDemand demand =
      model::run_demand(params.perf, choice.mapping, choice.hbm, choice.hbm_stacks, m.batch_sequences);
  const int compute_dies = std::max(1, d.area.compute.count);
  const double sram_mb = model::package_sram_mb(choice, params);
  const model::StepTimes steps = model::step_times(choice, params, d.area, demand, m.effective_clock_ghz);
  return json{
      {"deck", deck.path},
      {"index", index},
      {"design", design},
      {"defaulted_axes", defaulted},
      {"feasible", m.infeasible == 0},
      {"infeasible", reasons(m.infeasible)},
      {"metrics", metrics_json(m)},
      {"units", units_json()},
      {"mapping",
       {{"name", mp.name}, {"tensor_parallel", mp.tensor_parallel}, {"pipeline_parallel", mp.pipeline_parallel},
        {"data_parallel", mp.data_parallel}, {"expert_parallel", mp.expert_parallel}, {"tensor_tier", mp.tensor_tier},
        {"pipeline_tier", mp.pipeline_tier}, {"data_tier", mp.data_tier}, {"expert_tier", mp.expert_tier}}},
      {"batch_sequences", demand.batch_sequences},
      {"on_chip_buffer",
       {{"sram_mb_per_compute_die", sram_mb / compute_dies},
        {"output_tile", model::buffer_tile(demand.tiling, sram_mb, compute_dies)},
        {"hbm_tb_per_s", m.hbm_tb_per_s},
        {"reread_fraction", m.hbm_reread_fraction}}},
      {"batch_policy", deck.workload.batch_policy},
      // The largest batch the token budget per iteration sustains (deck::Workload::budget_sustained_batch); null
      // without a budget.
      {"budget_sustained_batch", deck.workload.iteration_token_budget > 0
                                     ? json(deck.workload.budget_sustained_batch())
                                     : json(nullptr)},
      {"collective_step_latency_ns",
       {{"scale_up", step_latency_json(params.perf, true, choice.scale_up_link)},
        {"scale_out", step_latency_json(params.perf, false, choice.scale_out_link)}}},
      {"time_breakdown_s", time_json(steps, demand)},
      {"slo", slo_json(choice, params, d.area, demand, m.effective_clock_ghz, steps)},
      {"overlap_bounds_s", overlap_bounds_json(choice, params, d.area, demand, m.effective_clock_ghz)},
      {"leakage_junction_c", m.power.leakage_tj_c},
      {"power_breakdown_w",
       {{"compute", m.power.compute_w}, {"sram", m.power.sram_w}, {"hbm", m.power.hbm_w}, {"d2d", m.power.d2d_w},
        {"links", m.power.links_w}, {"leakage", m.power.leakage_w}, {"total", m.power.total_w}}},
      {"power_limit_w",
       {{"links_off_package", m.power.links_off_package_w}, {"package", m.power.package_w}, {"tdp", params.perf.tdp_w}}},
      {"cost_breakdown_usd",
       {{"raw_dies", c.raw_dies_usd}, {"defect_scrap", c.defect_scrap_usd}, {"test", c.test_usd},
        {"raw_package", c.raw_package_usd}, {"package_scrap", c.package_scrap_usd},
        {"assembly_scrap", c.assembly_scrap_usd}, {"hbm", c.hbm_usd}, {"optics", c.optics_usd},
        {"nre_per_unit", c.nre_per_unit_usd}, {"total", c.total_usd}}},
      {"nre_usd",
       {{"module", d.nre.module_usd}, {"chip", d.nre.chip_usd}, {"masks", d.nre.mask_usd}, {"d2d", d.nre.d2d_usd},
        {"package", d.nre.package_usd}, {"total", d.nre.total_usd}, {"per_unit", d.nre.per_unit_usd},
        {"volume_units", deck.economics.volume_units}, {"reuse_products", deck.economics.reuse_products}}},
      {"dies", dies},
      {"package",
       {{"substrate_placed_mm2", g.substrate_area_mm2},
        {"substrate_costed_mm2", d.package.package_area_mm2},
        {"interposer_mm2", d.package.interposer_area_mm2},
        {"interposer_yield", d.package.interposer_yield},
        {"assembly_yield", d.package.assembly_yield},
        {"organic_layer_factor", d.package.layer_factor},
        {"components", d.package.component_count},
        {"bridges", d.package.bridge_count},
        {"hbm_phy_dark_sites", d.area.hbm_phy_dark},
        {"optical_engines", d.area.engines.count}}},
      {"geometry",
       {{"grid", fmt::format("{}x{}", g.rows, g.cols)},
        {"d2d_max_mm", g.d2d_max_mm},
        {"io_link_max_mm", g.io_link_max_mm},
        {"hbm_reach_max_mm", g.hbm_reach_max_mm},
        {"key", fmt::format("{:016x}", g.key)}}}};
}

void print_table(const json& j) {
  std::cout << "design " << j["index"].get<std::uint64_t>() << " of " << j["deck"].get<std::string>() << '\n';
  for (const auto& [k, v] : j["design"].items()) std::cout << fmt::format("  {:<20} {}\n", k, v.get<std::string>());
  if (!j["defaulted_axes"].empty())
    std::cout << "  (first value taken for: " << list(j["defaulted_axes"].get<std::vector<std::string>>()) << ")\n";
  std::cout << (j["feasible"].get<bool>() ? "feasible\n"
                                          : "INFEASIBLE: " + list(j["infeasible"].get<std::vector<std::string>>()) + "\n");
  std::cout << "metrics\n";
  for (const auto& [k, v] : j["metrics"].items())
    std::cout << fmt::format("  {:<20} {:>14.6g} {}\n", k, v.get<double>(), j["units"][k].get<std::string>());
  const json& mp = j["mapping"];
  std::cout << fmt::format("mapping {}: TP {} on {}, PP {} on {}, DP {} on {}, EP {} on {}\n", mp["name"].get<std::string>(),
                           mp["tensor_parallel"].get<std::int64_t>(), mp["tensor_tier"].get<std::string>(),
                           mp["pipeline_parallel"].get<std::int64_t>(), mp["pipeline_tier"].get<std::string>(),
                           mp["data_parallel"].get<std::int64_t>(), mp["data_tier"].get<std::string>(),
                           mp["expert_parallel"].get<std::int64_t>(), mp["expert_tier"].get<std::string>());
  const std::string budget = j["budget_sustained_batch"].is_null()
                                 ? std::string()
                                 : fmt::format("; at most what the token budget sustains, {}",
                                               j["budget_sustained_batch"].get<std::int64_t>());
  if (j["batch_policy"].get<std::string>() == "fill_memory")
    std::cout << fmt::format("batch: {:.0f} sequences per pipeline stage (fill_memory: what the HBM holds, at most "
                             "micro_batch_sequences{})\n", j["batch_sequences"].get<double>(), budget);
  if (j["batch_policy"].get<std::string>() == "slo")
    std::cout << fmt::format("batch: {:.0f} sequences per pipeline stage (slo: the one with the most throughput whose TTFT "
                             "and TPOT meet the SLOs, at most what the HBM holds and micro_batch_sequences{})\n",
                             j["batch_sequences"].get<double>(), budget);
  std::cout << "collective step latency (ns; two links per step, package to switch to package)\n";
  for (const auto& [tier, l] : j["collective_step_latency_ns"].items())
    std::cout << fmt::format("  {:<10} {:<18} software {:.0f} + switch {:.0f} + flight {:.0f} + interfaces {:.0f} + FEC {:.1f} + "
                             "DSP {:.0f} = {:.1f}\n",
                             tier, l["link"].get<std::string>(), l["software"].get<double>(), l["switch"].get<double>(),
                             l["time_of_flight"].get<double>(), l["interfaces"].get<double>(), l["fec"].get<double>(),
                             l["dsp_retimer"].get<double>(), l["total"].get<double>());
  print_time(j["time_breakdown_s"], j["overlap_bounds_s"]);
  print_slo(j["slo"]);
  std::cout << fmt::format("power per package (W; leakage at a junction of {:.1f} C)\n", j["leakage_junction_c"].get<double>());
  for (const auto& [k, v] : j["power_breakdown_w"].items())
    std::cout << fmt::format("  {:<20} {:>14.2f}\n", k, v.get<double>());
  const json& lim = j["power_limit_w"];
  const double tdp_w = lim["tdp"].get<double>();
  std::cout << fmt::format("  of the links, off the package (pluggable modules, external lasers): {:.2f}; the package "
                           "draws {:.2f} ({})\n",
                           lim["links_off_package"].get<double>(), lim["package"].get<double>(),
                           tdp_w > 0.0 ? fmt::format("limit {:.0f}", tdp_w) : std::string("no limit"));
  const json& buf = j["on_chip_buffer"];
  std::cout << fmt::format("on-chip buffer: {:.3g} MB of SRAM per compute die, output tiles of {:.0f} x {:.0f}; HBM traffic "
                           "{:.3g} TB/s, {:.1f}% of it re-read through the buffer\n",
                           buf["sram_mb_per_compute_die"].get<double>(), buf["output_tile"].get<double>(),
                           buf["output_tile"].get<double>(), buf["hbm_tb_per_s"].get<double>(),
                           100.0 * buf["reread_fraction"].get<double>());
  std::cout << "cost per package (USD)\n";
  for (const auto& [k, v] : j["cost_breakdown_usd"].items())
    std::cout << fmt::format("  {:<20} {:>14.2f}\n", k, v.get<double>());
  std::cout << "NRE (USD, one-off)\n";
  for (const auto& [k, v] : j["nre_usd"].items()) std::cout << fmt::format("  {:<20} {:>14.6g}\n", k, v.get<double>());
  std::cout << "dies\n";
  for (const auto& die : j["dies"])
    std::cout << fmt::format("  {:<8} {} x {:<4} {:>8.2f} mm2 ({:.2f} x {:.2f} mm)  {:>6.1f} per wafer  yield {:.4f}  "
                             "{:>10.2f} USD per shipped die\n",
                             die["kind"].get<std::string>(), die["count"].get<int>(), die["node"].get<std::string>(),
                             die["area_mm2"].get<double>(), die["width_mm"].get<double>(),
                             die["height_mm"].get<double>(), die["dies_per_wafer"].get<double>(),
                             die["yield"].get<double>(), die["cost_per_shipped_die_usd"].get<double>());
  std::cout << "package\n";
  for (const auto& [k, v] : j["package"].items()) std::cout << fmt::format("  {:<22} {}\n", k, v.dump());
  std::cout << "geometry\n";
  for (const auto& [k, v] : j["geometry"].items()) std::cout << fmt::format("  {:<22} {}\n", k, v.dump());
}

}  // namespace

ExitCode evaluate_command(const EvaluateOptions& opt) {
  const deck::Deck deck = deck::load_deck(opt.deck);
  const search::DesignSpace space = search::design_space_from_deck(deck);
  std::vector<std::string> defaulted;
  const search::DesignPoint point = point_from_sets(space, opt.sets, defaulted);
  const std::uint64_t index = space.encode(point);
  const search::ChoiceDecoder decoder(space);
  const model::KernelParams params = model::kernel_params_from_deck(deck);
  model::EvaluationDetail detail;
  const model::DesignChoice choice = decoder.choice(point);
  const model::Metrics m = model::evaluate(choice, params, &detail);
  json j = to_json(deck, space, point, index, defaulted, choice, m, detail, params);
  // With --thermal, MPI and PETSc come up only after the deck and the point are known good (a bad deck exits 2
  // without them); one process solves (PETSC_COMM_SELF).
  std::optional<parallel::Environment> env;
  if (opt.thermal) {
    env.emplace(opt.petsc_options);
    // The deck's [thermal.petsc] as `run` applies it: below the command line's options after `--`.
    thermal::set_petsc_options(deck.thermal_petsc, deck.path + " [thermal.petsc]");
    const bool rounds = deck.values.text("search.thermal_verification") == "rounds";
    const int cells = opt.thermal_cells > 0 ? opt.thermal_cells
                      : rounds             ? static_cast<int>(deck.values.integer("search.thermal_verification_cells"))
                                           : 64;
    j["thermal"] = thermal_json(deck, choice, params, m, detail, cells, opt.thermal_case);
    // The point as a run with verification rounds has it once its package is solved: its /pareto row.
    const model::Metrics v = verified_metrics(deck, choice, params, detail, cells);
    j["thermal"]["verified"] = json{{"cells_xy", cells},
                                    {"feasible", v.infeasible == 0},
                                    {"infeasible", reasons(v.infeasible)},
                                    {"metrics", metrics_json(v)}};
  }
  if (opt.json) {
    std::cout << j.dump(2) << '\n';
  } else {
    print_table(j);
    if (opt.thermal) {
      print_thermal(j["thermal"]);
      const json& v = j["thermal"]["verified"];
      const json& vm = v["metrics"];
      std::cout << fmt::format("verified (as `run` with search.thermal_verification = \"rounds\" at {} cells a side): "
                               "junction {:.2f} C (HBM {:.1f} C, optical engines {:.1f} C; 0: none), {:.1f} W, {:.6g} tokens/s at "
                               "{:.4g} GHz; {}\n",
                               v["cells_xy"].get<int>(), vm["tj_solved_c"].get<double>(), vm["hbm_solved_c"].get<double>(),
                               vm["optical_engine_solved_c"].get<double>(), vm["power_w"].get<double>(),
                               vm["throughput"].get<double>(), vm["effective_clock_ghz"].get<double>(),
                               v["feasible"].get<bool>() ? std::string("feasible")
                                                         : "infeasible: " + join_names(v["infeasible"].get<std::vector<std::string>>()));
    }
  }
  return ExitCode::ok;
}

}  // namespace chipdse::app
