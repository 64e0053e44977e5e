// chipdse/model/step_time.hpp — the time model of the performance stage (shared/reference/perf_models.md §6.3),
// itemised: each operator's ceilings and the collectives, for the training step or the prefill and decode step of
// inference. The kernel uses the totals (perf_stage.cpp); `evaluate` prints the items. Equations at the top of
// step_time.cpp. model/: pure, noexcept, no allocation.
#pragma once

#include <array>

#include "chipdse/model/area.hpp"
#include "chipdse/model/design_choice.hpp"
#include "chipdse/model/kernel_params.hpp"
#include "chipdse/model/prompt_queue.hpp"

namespace chipdse::model {

/// One operator on one pipeline stage of one package: its three ceilings and its time, max + (1 - omega) (sum - max).
struct OperatorTime {
  double compute_s = 0.0;  ///< F / (P_peak eta_gemm u_tile)
  double hbm_s = 0.0;      ///< HBM bytes (operands once + the buffer's re-reads) / HBM bandwidth
  double d2d_s = 0.0;      ///< the HBM bytes that cross dies / D2D bandwidth
  double time_s = 0.0;
};

/// Where the time of a step goes (s). Training: one micro-batch of one stage, then the 1F1B step. Inference: the
/// prefill of one batch on one stage and one decode step (TPOT = PP of them + the stage sends); a request's TTFT.
/// Invariants (tested): micro_batch_s = local + tp + pp + ep; step_s = micro_batches x micro_batch_s + bubble +
/// dp_exposed + optimizer (training); batch_prefill_s = PP (prefill local + tp + ep) + prefill_sends, decode_step_s =
/// PP (gemm + attention + decode tp + decode ep) + decode_sends, step_s = batch_prefill_s + output tokens x
/// decode_step_s, tpot_s = decode_step_s + prefill_per_iteration_s = step_s / output tokens, ttft_s = decode_step_s +
/// max(request_prefill_s, prefill_per_iteration_s) (inference), or under a token budget with a stable prompt queue
/// tpot_s x mean_ttft_iterations (prompt_queue.hpp).
struct StepTimes {
  bool valid = false;  ///< false when the design has no compute, HBM or needed D2D bandwidth (no throughput)
  OperatorTime local;  ///< training micro-batch (executed FLOPs) or inference prefill
  double tp_s = 0.0, pp_s = 0.0, ep_s = 0.0;  ///< per micro-batch or prefill: TP all-reduces, PP sends, MoE all-to-alls
  // Training
  double micro_batch_s = 0.0;
  double micro_batches_s = 0.0;  ///< m x micro_batch_s
  double bubble_s = 0.0;         ///< (PP - 1) x micro_batch_s
  double dp_exposed_s = 0.0;     ///< the DP gradient sync not hidden under the backward pass
  /// The DP gradient sync by the tier it runs on (package, scale_up, scale_out; a hierarchical all-reduce has a
  /// scale-up and a scale-out part); they add up to the whole sync up to rounding; dp_exposed_s is its unhidden part.
  std::array<double, 3> dp_by_tier_s{};
  double optimizer_s = 0.0;
  // Inference (one stage of the pipeline; the sends are all the stage boundaries')
  double prefill_sends_s = 0.0;
  double batch_prefill_s = 0.0;  ///< the batch's prompts through every stage: the step's share for prefill
  /// One request's prompt alone through every stage (its own ceilings, collectives and sends). With in-flight
  /// batching a request is prefilled in the iteration it joins, beside the running batch's decode step (Yu et al.,
  /// Orca, OSDI 2022: iteration-level scheduling), so its TTFT is this plus one TPOT.
  OperatorTime request_local;
  double request_prefill_s = 0.0;
  OperatorTime decode_gemm, decode_attention;  ///< per decode step
  double decode_tp_s = 0.0, decode_ep_s = 0.0, decode_sends_s = 0.0;
  double decode_step_s = 0.0;  ///< one decode iteration of the running batch through every stage, without prompts
  /// In-flight batching interleaves the prompts of the requests that join with the running batch's decode steps: in
  /// steady state each of the batch's sequences lives output_tokens iterations, so batch / output_tokens prompts join
  /// per iteration and each iteration also carries batch_prefill_s / output_tokens of prefill (the "generation
  /// stalls" of Agrawal et al., Sarathi-Serve, OSDI 2024; chunked prefill spreads them evenly but keeps the work).
  double prefill_per_iteration_s = 0.0;
  /// What a user sees between tokens: decode_step_s + prefill_per_iteration_s (= step_s / output tokens; MLPerf's TPOT
  /// is a request's (latency - TTFT) / (tokens - 1)). A request's TTFT: the iteration it joins, the running batch's
  /// decode step plus the prompts joining with it, at least its own; under a token budget (workload.
  /// iteration_token_budget) the prompts queue for the budget's room: 1/2 + E[ceil(W + S)] iterations of TPOT.
  double ttft_s = 0.0, tpot_s = 0.0;
  bool prompt_budget = false;  ///< the deck sets a token budget per iteration
  PromptQueue prompt_queue;    ///< with it: the prompts' queue at this batch (TTFT as above when stable)
  double step_s = 0.0;  ///< training step, or one request batch from prompt to last token
  // HBM bytes (for the power stage)
  double hbm_micro_batch_bytes = 0.0, reread_micro_batch_bytes = 0.0;  ///< per micro-batch or prefill, one stage
  double hbm_decode_bytes = 0.0, reread_decode_bytes = 0.0;            ///< matrix products of one decode step
  double cross_share = 0.0;  ///< of the HBM bytes, what crosses dies (D2D)
  double peak_flops = 0.0;   ///< the design's peak at the workload precision and this clock
};

/// What the step waits on, as shares of it (they add up to 1; all 0 without a step). Each operator's time goes to its
/// binding ceiling, and what the overlap leaves unhidden, (1 - omega) (sum - max), to the other two in proportion to
/// theirs; the optimizer pass is HBM time; the TP, PP and EP collectives, the stage sends and the exposed DP sync go
/// to the tier they run on: the package tier's to D2D (they ride the D2D fabric), scale-up's and scale-out's to
/// their own (the exposed part of a hierarchical DP all-reduce in proportion to its two parts); the bubble is the
/// 1F1B pipeline's fill and drain, (PP - 1) micro-batches (training only).
struct TimeShares {
  double compute = 0.0, hbm = 0.0, d2d = 0.0, scale_up = 0.0, scale_out = 0.0, bubble = 0.0;
};
TimeShares time_shares(const StepTimes& t, const WorkloadDemand& d, double overlap) noexcept;

/// The TTFT and TPOT limits against step `t` of demand `d` at `clock_ghz`: the means, or with a percentile
/// (PerfParams::slo_z) the steps at the percentile's batch, mean n = d.batch_sequences: TPOT at n + z sqrt(2 F n / 3),
/// TTFT at n + z sqrt(F n) (perf_params.hpp). Under a token budget the TTFT limit is checked on the prompt queue
/// instead: its mean at n, or with a percentile P(TTFT > limit) <= 1 - percentile under the mixture of queues over the
/// number in flight (prompt_queue.hpp). Without limits, met.
/// F, the number in flight's variance over its mean: requests arrive at lambda = n / (O TPOT(n)) and leave at
/// mu(n) = n / (O TPOT(n)), so when the iteration grows with the batch a surge slows every sequence and the number
/// wanders further. Linearised about n (the linear-noise approximation, van Kampen, Stochastic Processes in Physics
/// and Chemistry, 1981, ch. X), Var = (lambda + mu) / (2 mu'(n)) = n / (1 - e), e = n TPOT'(n) / TPOT(n) the TPOT's
/// elasticity (the slope between the TPOTs at the whole batches within n -+ z sqrt(n); F = 1 where it does not
/// grow). A discrete-event simulation of the engine (scripts/simulate_prompt_queue.py) gives 1.65, 1.91, 6.9 and 10.4
/// where this gives 1.63, 1.89, 6.7 and 11.1 (the MLPerf runs of docs/calibration.md). At e >= 0.99 (F >= 100) the
/// batch has no steady state worth the name (at e >= 1 none: a surge lowers the rate sequences finish at); the
/// limits are then missed.
inline constexpr double kMaxTpotElasticity = 0.99;  ///< e at and above which SloCheck::steady is false
struct SloCheck {
  bool met = true;
  bool steady = true;                     ///< the number in flight has a steady state (e < 0.99)
  double tpot_elasticity = 0.0;           ///< e = n TPOT'(n) / TPOT(n), >= 0
  double in_flight_variance_factor = 1.0; ///< F = 1 / (1 - e)
  double tpot_batch = 0.0, tpot_s = 0.0;  ///< the batch TPOT is checked at, and the TPOT there
  double ttft_batch = 0.0, ttft_s = 0.0;  ///< without a budget; with one: the mean batch and the mean TTFT there
  bool ttft_queued = false;               ///< the TTFT limit was checked on the prompt queue
  /// With a budget and a percentile: the mixture checked (its P(TTFT > limit): ttft_tail_probability, its
  /// percentile: ttft_quantile_s; the check decides with ttft_tail_within).
  TtftMixture ttft_mixture;
};
/// With `verdict_only` (the kernel) it returns as soon as `met` is known: a missed TPOT skips the TTFT.
SloCheck slo_check(const DesignChoice& c, const KernelParams& k, const AreaResult& area, const WorkloadDemand& d,
                   double clock_ghz, const StepTimes& t, bool verdict_only = false) noexcept;

/// The step of design `c` running demand `d` (point_demand(c)) at compute clock `clock_ghz`.
StepTimes step_times(const DesignChoice& c, const KernelParams& k, const AreaResult& area, const WorkloadDemand& d,
                     double clock_ghz) noexcept;

}  // namespace chipdse::model
