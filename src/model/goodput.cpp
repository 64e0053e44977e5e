// Reliability -> goodput (see goodput.hpp for the model, its assumptions and perf_models.md §6.5).
#include "chipdse/model/goodput.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "chipdse/core/error.hpp"
#include "chipdse/deck/deck.hpp"
#include "chipdse/model/evaluate.hpp"
#include "chipdse/model/kernel_params.hpp"

namespace chipdse::model {

namespace {

constexpr double kFitPerHour = 1e-9;          // 1 FIT = one failure per 1e9 device-hours
constexpr double kPortBitsPerS = 1.6e12;      // the 1.6T port the laser and engine counts are quoted for
constexpr double kStateBytesPerParam = 16.0;  // mixed-precision Adam state (Rajbhandari et al., ZeRO, SC20)

double nonneg(double x) noexcept { return std::isfinite(x) && x > 0.0 ? x : 0.0; }

}  // namespace

double young_daly_waste(double checkpoint_write_h, double mtbf_h, double mean_restart_h) noexcept {
  if (!(mtbf_h > 0.0) || !std::isfinite(mtbf_h)) return 0.0;
  const double delta = nonneg(checkpoint_write_h);
  // delta / tau* + tau* / (2 M) with tau* = sqrt(2 delta M) is 2 sqrt(delta / (2 M)) = sqrt(2 delta / M): written
  // without the division by tau*, so delta = 0 (no checkpoint cost) gives 0 rather than 0 / 0.
  return std::sqrt(2.0 * delta / mtbf_h) + nonneg(mean_restart_h) / mtbf_h;
}

FailureRates package_failure_rates(const GoodputParams& g, double silicon_area_mm2, std::int32_t hbm_stacks,
                                   LinkTech up, LinkTech out) noexcept {
  FailureRates r;
  double pkg_fit = nonneg(g.die_fit_per_mm2) * nonneg(silicon_area_mm2) +
                   static_cast<double>(std::max<std::int32_t>(hbm_stacks, 0)) * nonneg(g.hbm_stack_fit) +
                   nonneg(g.host_fit);
  double fru_fit = 0.0;
  const auto tier = [&](LinkTech t, double ports) noexcept {
    const std::size_t i = static_cast<std::size_t>(t);
    if (i >= kLinkTechCount) return;
    const double p = nonneg(ports);
    // Lasers are field-replaceable for every tech: in the pluggable module, or the external laser source of CPO or
    // the optical I/O chiplet.
    fru_fit += p * nonneg(g.lasers_per_port[i]) * nonneg(g.laser_fit[i]);
    (g.engine_serviceable[i] ? fru_fit : pkg_fit) += p * nonneg(g.engine_fit_per_port[i]);
  };
  tier(up, g.scale_up_ports);
  tier(out, g.scale_out_ports);
  r.package_level_per_h = pkg_fit * kFitPerHour;
  r.field_replaceable_per_h = fru_fit * kFitPerHour;
  return r;
}

GoodputResult goodput_of(const GoodputParams& g, const FailureRates& rates, double throughput_tokens_per_s,
                         std::size_t mapping) noexcept {
  GoodputResult out;
  const double n = nonneg(g.job_packages[mapping]);
  const double job_rate = n * nonneg(rates.total_per_h());
  const double throughput = nonneg(throughput_tokens_per_s);
  if (!(job_rate > 0.0) || !std::isfinite(job_rate)) {  // nothing can fail: no waste
    out.goodput_tokens_per_s = throughput;
    return out;
  }
  out.job_mtbf_h = 1.0 / job_rate;
  const double restart = nonneg(g.restart_h);
  // n sum_c lambda_c R_c = R_mean / M.
  const double lost_per_h = n * (nonneg(rates.package_level_per_h) * (restart + nonneg(g.package_replacement_h)) +
                                 nonneg(rates.field_replaceable_per_h) * (restart + nonneg(g.fru_swap_h)));
  const double delta = g.training ? nonneg(g.checkpoint_write_h) : 0.0;
  out.checkpoint_interval_h = g.training ? std::sqrt(2.0 * delta * out.job_mtbf_h) : 0.0;
  const double waste = young_daly_waste(delta, out.job_mtbf_h, lost_per_h * out.job_mtbf_h);
  out.waste_fraction = std::isfinite(waste) ? std::clamp(waste, 0.0, 1.0) : 1.0;
  out.goodput_tokens_per_s = throughput * (1.0 - out.waste_fraction);
  return out;
}

void evaluate_goodput(const DesignChoice& c, const KernelParams& k, const AreaResult& area, Metrics& out) noexcept {
  const FailureRates r =
      package_failure_rates(k.goodput, area.silicon_area_mm2, c.hbm_stacks, c.scale_up_link, c.scale_out_link);
  const GoodputResult g = goodput_of(k.goodput, r, out.throughput_tokens_per_s, c.mapping);
  out.goodput_tokens_per_s = g.goodput_tokens_per_s;
  out.job_mtbf_h = g.job_mtbf_h;
}

void resolve_goodput_params(KernelParams& k, const deck::Deck& deck) {
  const auto v = [&](const std::string& path) { return deck.tech.at(path).value; };
  GoodputParams& g = k.goodput;
  const deck::Workload& w = deck.workload;
  g.training = w.kind == "training";
  const double packages = static_cast<double>(w.cluster_packages);
  const std::vector<deck::Mapping> mappings = deck::deck_mappings(deck);
  for (std::size_t i = 0; i < mappings.size() && i < kMaxMappings; ++i) {
    const double replicas = std::max<double>(1.0, static_cast<double>(mappings[i].data_parallel));
    g.job_packages[i] = g.training ? packages : std::max(1.0, packages / replicas);
  }
  g.die_fit_per_mm2 = v("compute.h100.die_failure_rate_fit") / v("compute.h100.die_area_mm2");
  g.hbm_stack_fit = v("memory.common.hbm_stack_failure_rate_fit");
  g.host_fit = v("compute.common.host_failure_rate_fit");
  for (std::size_t i = 0; i < kLinkTechCount; ++i) {
    const std::string l = "link." + std::string(kLinkTechNames[i]) + ".";
    g.lasers_per_port[i] = v(l + "lasers_per_1600g_port");
    g.laser_fit[i] = g.lasers_per_port[i] > 0.0 ? v(l + "laser_failure_rate_fit") : 0.0;
    g.engine_fit_per_port[i] = v(l + "engine_failure_rate_fit");
    const tech::TechAttribute* s = deck.tech.find_attribute(l + "serviceable");
    if (s == nullptr || (s->text != "true" && s->text != "false"))
      throw Error("technology attribute '" + l + "serviceable' is missing or not true/false (inputs/tech/links.toml); "
                  "the goodput model needs it");
    g.engine_serviceable[i] = s->text == "true";
  }
  // Per direction, as perf_params_from_deck.cpp: NVLink GB/s counts both directions, scale-out Gb/s is one way.
  g.scale_up_ports = deck.reference.scale_up_gb_per_s * 1e9 / 2.0 * 8.0 / kPortBitsPerS;
  g.scale_out_ports = deck.reference.scale_out_gbps * 1e9 / kPortBitsPerS;
  g.restart_h = v("compute.common.job_restart_h");
  g.fru_swap_h = v("link.cluster.field_replaceable_unit_swap_h");
  g.package_replacement_h = v("compute.common.package_replacement_h");
  // delta = the model's training state / the job's storage bandwidth (storage scales with the cluster, as measured
  // per GPU on the Llama 3 cluster: compute.common.checkpoint_storage_gb_per_s_per_package).
  g.checkpoint_write_h = 0.0;
  if (g.training) {
    const double state_bytes = kStateBytesPerParam * k.perf.demands[0].params;
    const double storage_bytes_per_s = v("compute.common.checkpoint_storage_gb_per_s_per_package") * 1e9 * packages;
    if (storage_bytes_per_s > 0.0) g.checkpoint_write_h = state_bytes / storage_bytes_per_s / 3600.0;
  }
}

}  // namespace chipdse::model
