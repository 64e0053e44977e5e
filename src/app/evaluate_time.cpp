// The time part of `chipdse evaluate` (evaluate_time.hpp).
#include "evaluate_time.hpp"

#include <fmt/format.h>

#include <cmath>
#include <iostream>
#include <string>

namespace chipdse::app {

using json = nlohmann::ordered_json;

namespace {

json operator_json(const model::OperatorTime& o) {
  return json{{"compute", o.compute_s}, {"hbm", o.hbm_s}, {"d2d", o.d2d_s}, {"time", o.time_s}};
}

std::string operator_text(const json& o) {
  return fmt::format("{:.4g} (ceilings: compute {:.4g}, HBM {:.4g}, D2D {:.4g})", o["time"].get<double>(),
                     o["compute"].get<double>(), o["hbm"].get<double>(), o["d2d"].get<double>());
}

void print_time_items(const json& t) {
  std::cout << "time (s; at the clock the design runs at)\n";
  if (t.contains("step")) {
    const json& mb = t["micro_batch"];
    const json& st = t["step"];
    std::cout << fmt::format("  micro-batch (one stage)  {:.4g} = local {} + TP {:.4g} + PP {:.4g} + EP {:.4g}\n",
                             mb["total"].get<double>(), operator_text(mb["local"]), mb["tp"].get<double>(),
                             mb["pp"].get<double>(), mb["ep"].get<double>());
    std::cout << fmt::format("  step                     {:.4g} = micro-batches {:.4g} + pipeline bubble {:.4g} + DP sync "
                             "exposed {:.4g} + optimizer {:.4g}\n",
                             st["total"].get<double>(), st["micro_batches"].get<double>(), st["pipeline_bubble"].get<double>(),
                             st["dp_exposed"].get<double>(), st["optimizer"].get<double>());
    return;
  }
  const json& pf = t["prefill_per_stage"];
  const json& ds = t["decode_step_per_stage"];
  std::cout << fmt::format("  prefill (one stage)      local {} + TP {:.4g} + EP {:.4g}\n", operator_text(pf["local"]),
                           pf["tp"].get<double>(), pf["ep"].get<double>());
  std::cout << fmt::format("  batch prefill            {:.4g} = {} stage(s) + sends {:.4g}\n",
                           t["batch_prefill"]["total"].get<double>(), t["batch_prefill"]["stages"].get<double>(),
                           t["batch_prefill"]["sends"].get<double>());
  std::cout << fmt::format("  decode step (one stage)  matrix products {} + attention {} + TP {:.4g} + EP {:.4g}\n",
                           operator_text(ds["matrix_products"]), operator_text(ds["attention"]), ds["tp"].get<double>(),
                           ds["ep"].get<double>());
  std::cout << fmt::format("  decode step              {:.4g} = {} stage(s) + sends {:.4g}\n",
                           t["decode_step"]["total"].get<double>(), t["decode_step"]["stages"].get<double>(),
                           t["decode_step"]["sends"].get<double>());
  const json& tp = t["tpot"];
  std::cout << fmt::format("  TPOT (in-flight)         {:.4g} = decode step {:.4g} + the prompts interleaved per step {:.4g} "
                           "(batch prefill / output tokens)\n",
                           tp["total"].get<double>(), tp["decode_step"].get<double>(),
                           tp["prefill_per_iteration"].get<double>());
  const json& tf = t["ttft"];
  if (tf.contains("prompt_queue") && tf["prompt_queue"]["stable"].get<bool>()) {
    const json& q = tf["prompt_queue"];
    std::cout << fmt::format("  TTFT (one request)       {:.4g} = TPOT {:.4g} x {:.3g} iterations: half of one to its end, "
                             "then to the end of the iteration its prompt's last chunk runs in (mean wait {:.3g} + its "
                             "own chunks {:.3g}); the prompts queue for the {:.0f} tokens per iteration a budget of {:.0f} "
                             "leaves beside the decoding sequences (load {:.3g})\n",
                             tf["total"].get<double>(), tp["total"].get<double>(), q["mean_ttft_iterations"].get<double>(),
                             q["mean_wait_iterations"].get<double>(), q["mean_service_iterations"].get<double>(),
                             q["capacity_tokens"].get<double>(), q["budget_tokens"].get<double>(), q["load"].get<double>());
    return;
  }
  std::cout << fmt::format("  TTFT (one request)       {:.4g} = decode step {:.4g} + the larger of its prompt through the stages "
                           "{:.4g} (local {}) and the prompts per step {:.4g}\n",
                           tf["total"].get<double>(), tf["decode_step"].get<double>(), tf["request_prefill"].get<double>(),
                           operator_text(tf["request_local"]), tf["prefill_per_iteration"].get<double>());
  if (tf.contains("prompt_queue"))
    std::cout << fmt::format("                           without a steady state: a budget of {:.0f} tokens leaves {:.0f} "
                             "for prompts, load {:.3g} (at least 1)\n",
                             tf["prompt_queue"]["budget_tokens"].get<double>(),
                             tf["prompt_queue"]["capacity_tokens"].get<double>(), tf["prompt_queue"]["load"].get<double>());
}

}  // namespace

// Where the step goes (model/step_time.hpp), at the clock the design runs at.
json time_json(const model::StepTimes& t, const model::WorkloadDemand& d) {
  if (d.training)
    return json{{"micro_batch",
                 {{"local", operator_json(t.local)}, {"tp", t.tp_s}, {"pp", t.pp_s}, {"ep", t.ep_s}, {"total", t.micro_batch_s}}},
                {"step",
                 {{"micro_batches", t.micro_batches_s}, {"pipeline_bubble", t.bubble_s}, {"dp_exposed", t.dp_exposed_s},
                  {"optimizer", t.optimizer_s}, {"total", t.step_s}}}};
  json ttft{{"decode_step", t.decode_step_s}, {"request_prefill", t.request_prefill_s},
            {"request_local", operator_json(t.request_local)}, {"prefill_per_iteration", t.prefill_per_iteration_s},
            {"total", t.ttft_s}};
  if (t.prompt_budget) {
    const model::PromptQueue& q = t.prompt_queue;
    // A load of at least 1 has no finite mean wait: reported as null (the queue is then not stable).
    ttft["prompt_queue"] = json{{"budget_tokens", q.capacity_tokens + d.batch_sequences},
                                {"capacity_tokens", q.capacity_tokens},
                                {"arrivals_per_iteration", q.arrivals_per_iteration},
                                {"load", q.load},
                                {"stable", q.stable},
                                {"mean_wait_iterations", q.stable ? json(q.mean_wait_iterations) : json(nullptr)},
                                {"mean_service_iterations", q.mean_service_iterations},
                                {"mean_ttft_iterations", q.stable ? json(model::mean_ttft_iterations(q)) : json(nullptr)}};
  }
  return json{{"prefill_per_stage", {{"local", operator_json(t.local)}, {"tp", t.tp_s}, {"ep", t.ep_s}}},
              {"batch_prefill", {{"stages", d.pp}, {"sends", t.prefill_sends_s}, {"total", t.batch_prefill_s}}},
              {"decode_step_per_stage",
               {{"matrix_products", operator_json(t.decode_gemm)}, {"attention", operator_json(t.decode_attention)},
                {"tp", t.decode_tp_s}, {"ep", t.decode_ep_s}}},
              {"decode_step", {{"stages", d.pp}, {"sends", t.decode_sends_s}, {"total", t.decode_step_s}}},
              {"tpot", {{"decode_step", t.decode_step_s}, {"prefill_per_iteration", t.prefill_per_iteration_s},
                        {"total", t.tpot_s}}},
              {"ttft", ttft},
              {"request_batch", {{"output_tokens", d.output_tokens}, {"total", t.step_s}}}};
}

// The step (and TPOT) at the two ends of the overlap knob, at the same clock (perf_models.md §6.3: "report both
// bounds"): omega = 1 hides every operator's smaller ceilings under its largest (the roofline), omega = 0 runs them one
// after the other.
json overlap_bounds_json(const model::DesignChoice& choice, const model::KernelParams& params,
                         const model::AreaResult& area, const model::WorkloadDemand& demand, double clock_ghz) {
  model::KernelParams k = params;
  k.perf.overlap = 1.0;
  const model::StepTimes hidden = model::step_times(choice, k, area, demand, clock_ghz);
  k.perf.overlap = 0.0;
  const model::StepTimes serial = model::step_times(choice, k, area, demand, clock_ghz);
  json j{{"omega", params.perf.overlap}, {"step_all_hidden", hidden.step_s}, {"step_serial", serial.step_s}};
  if (!demand.training) {
    j["tpot_all_hidden"] = hidden.tpot_s;
    j["tpot_serial"] = serial.tpot_s;
  }
  return j;
}

json slo_json(const model::DesignChoice& choice, const model::KernelParams& params, const model::AreaResult& area,
              const model::WorkloadDemand& demand, double clock_ghz, const model::StepTimes& t) {
  const model::PerfParams& p = params.perf;
  if (demand.training || !t.valid || (!(p.ttft_slo_s > 0.0) && !(p.tpot_slo_s > 0.0))) return nullptr;
  const model::SloCheck r = model::slo_check(choice, params, area, demand, clock_ghz, t);
  const auto finite = [](double x) { return std::isfinite(x) ? json(x) : json(nullptr); };
  json ttft{{"limit", p.ttft_slo_s}, {"batch", r.ttft_batch}, {"time", r.ttft_s}, {"queued", r.ttft_queued}};
  if (r.ttft_queued && p.slo_z > 0.0) {
    // The percentile of the mixture of prompt queues (model/prompt_queue.hpp); null where the batches whose queue
    // has no steady state alone hold more than the rest of the distribution.
    const double q = model::ttft_quantile_s(r.ttft_mixture, p.slo_percentile / 100.0);
    ttft["time"] = finite(q);
    ttft["beyond_limit"] = model::ttft_tail_probability(r.ttft_mixture, p.ttft_slo_s);
  } else if (r.ttft_queued && !t.prompt_queue.stable) {
    ttft["time"] = nullptr;
  }
  if (!r.steady) ttft["time"] = ttft["batch"] = nullptr;
  json out{{"met", r.met},
           {"percentile", p.slo_percentile > 0.0 ? json(p.slo_percentile) : json(nullptr)},
           {"mean_batch", demand.batch_sequences},
           {"tpot", {{"limit", p.tpot_slo_s}, {"batch", finite(r.tpot_batch)}, {"time", finite(r.tpot_s)}}},
           {"ttft", ttft}};
  // How far the number in flight wanders (step_time.hpp, SloCheck): its variance over its mean, null without a
  // steady state.
  if (p.slo_z > 0.0)
    out["in_flight"] = {{"tpot_elasticity", r.tpot_elasticity},
                        {"variance_factor", finite(r.in_flight_variance_factor)},
                        {"steady", r.steady}};
  return out;
}

void print_slo(const json& slo) {
  if (slo.is_null()) return;
  const bool pct = !slo["percentile"].is_null();
  std::cout << fmt::format("SLOs ({}; {})\n", pct ? fmt::format("at the {:.4g}th percentile under Poisson arrivals",
                                                                  slo["percentile"].get<double>())
                                                  : std::string("on the means"),
                           slo["met"].get<bool>() ? "met" : "MISSED");
  if (slo.contains("in_flight")) {
    const json& f = slo["in_flight"];
    const double e = f["tpot_elasticity"].get<double>();
    std::cout << (f["steady"].get<bool>()
                      ? fmt::format("  in flight: variance {:.3g} x its mean {:.0f} (TPOT elasticity in it {:.3g})\n",
                                    f["variance_factor"].get<double>(), slo["mean_batch"].get<double>(), e)
                      : fmt::format("  in flight: no steady state at {:.0f} (TPOT elasticity in it {:.3g}, at least "
                                    "{:.3g}: a surge slows every sequence as much as it adds)\n",
                                    slo["mean_batch"].get<double>(), e, model::kMaxTpotElasticity));
  }
  for (const char* key : {"tpot", "ttft"}) {
    const json& x = slo[key];
    if (!(x["limit"].get<double>() > 0.0)) continue;
    const std::string time = x["time"].is_null() ? std::string("unbounded") : fmt::format("{:.4g} s", x["time"].get<double>());
    if (x.value("queued", false)) {
      std::cout << fmt::format("  TTFT  {} against {:.4g} s, from the prompt queue {}(mean {:.0f} in flight){}\n", time,
                               x["limit"].get<double>(), pct ? "over the number in flight " : "",
                               slo["mean_batch"].get<double>(),
                               x.contains("beyond_limit")
                                   ? fmt::format("; P(TTFT > limit) = {:.3g}", x["beyond_limit"].get<double>())
                                   : std::string());
      continue;
    }
    std::cout << fmt::format("  {}  {} against {:.4g} s, at {} sequences in flight (mean {:.0f})\n",
                             key == std::string("tpot") ? "TPOT" : "TTFT", time, x["limit"].get<double>(),
                             x["batch"].is_null() ? std::string("unbounded")
                                                  : fmt::format("{:.1f}", x["batch"].get<double>()),
                             slo["mean_batch"].get<double>());
  }
}

void print_time(const json& t, const json& ob) {
  print_time_items(t);
  std::cout << fmt::format("  overlap bounds           step {:.4g} with each operator's smaller ceilings hidden under its "
                           "largest (omega = 1) to {:.4g} with none hidden (omega = 0); this deck's omega {:.3g}\n",
                           ob["step_all_hidden"].get<double>(), ob["step_serial"].get<double>(), ob["omega"].get<double>());
  if (ob.contains("tpot_serial"))
    std::cout << fmt::format("                           TPOT {:.4g} to {:.4g}\n", ob["tpot_all_hidden"].get<double>(),
                             ob["tpot_serial"].get<double>());
}

}  // namespace chipdse::app
