// chipdse/model/prompt_queue.hpp — prompts waiting for a serving engine's per-iteration token budget (chunked
// prefill), for the time to first token of in-flight batching. model/: pure, noexcept, no allocation.
//
// A serving engine with a token budget B per iteration (TensorRT-LLM max_num_tokens, vLLM max_num_batched_tokens)
// spends one token of it on each of the n decoding sequences and the rest, C = B - n, on chunks of the prompts
// waiting to start (Agrawal et al., Sarathi-Serve, OSDI 2024: chunked prefill under a token budget). Requests
// arrive as a Poisson stream; in steady state as many start per iteration as finish, lambda = n / output tokens.
// The prompts are then an M/G/1 queue of work in tokens served at C tokens per iteration: service S = L / C
// iterations for a prompt of L tokens (mean L, coefficient of variation cv), load rho = lambda E[S], and by
// Pollaczek-Khinchine the mean wait E[W] = lambda E[S^2] / (2 (1 - rho)), E[S^2] = E[S]^2 (1 + cv^2)
// (Kleinrock, Queueing Systems I, 1975, ch. 5). Its tail is taken exponential with the exact atom at zero and the
// exact mean, P(W > w) = rho exp(-theta w), theta = rho / E[W]: exact for exponential service, and the limit of any
// service in heavy traffic (Kingman, Proc. Camb. Phil. Soc. 57, 1961). The request's
// own prompt is taken exponential with mean E[S] (the MLPerf Llama-2-70B prompts: cv 0.77, right-skewed), so
// W + S has a closed-form tail.
// A request's TTFT in iterations of the in-flight step (TPOT): it arrives at a uniform phase of an iteration and waits
// for its end, 1 - u; its prompt then finishes, fluidly, W + S iterations later, and its first token comes at the end
// of that iteration: TTFT = (1 - u) + ceil(W + S). So E[TTFT] = 1/2 + sum_k>=0 P(W + S > k), a geometric sum in
// closed form, and P(TTFT > j + f) = f P(W + S > j) + (1 - f) P(W + S > j - 1) for whole j and f in [0, 1): at least
// one whole iteration even for a prompt far smaller than the room (server-like budgets), about 1 + E[W] + E[S] for
// prompts that take several.
// rho >= 1 (or C <= 0): the budget cannot start prompts as fast as the batch finishes them; no steady state
// (deck::Workload::budget_sustained_batch: the largest batch below that).
#pragma once

namespace chipdse::model {

/// The prompt queue of one engine instance at n sequences in flight.
struct PromptQueue {
  bool stable = false;                 ///< load < 1 with room for prompts (C > 0)
  double capacity_tokens = 0.0;        ///< C = budget - n, prompt tokens per iteration
  double arrivals_per_iteration = 0.0; ///< lambda = n / output tokens
  double load = 0.0;                   ///< rho = lambda E[S]
  double mean_wait_iterations = 0.0;   ///< E[W] (Pollaczek-Khinchine)
  double mean_service_iterations = 0.0;///< E[S] = mean prompt / C
};

/// The queue at `sequences` in flight under `budget_tokens` per iteration, prompts of `prompt_tokens` mean and
/// coefficient of variation `prompt_cv`, requests of `output_tokens`.
PromptQueue prompt_queue(double budget_tokens, double sequences, double prompt_tokens, double prompt_cv,
                         double output_tokens) noexcept;

/// The same with the arrivals per iteration given (the mixture's queues, whose arrivals do not follow their n).
PromptQueue prompt_queue_arriving(double budget_tokens, double sequences, double arrivals_per_iteration,
                                  double prompt_tokens, double prompt_cv) noexcept;

/// P(W + S > x), x in iterations (1 for x <= 0); 1 for an unstable queue.
double wait_and_service_tail(const PromptQueue& q, double x_iterations) noexcept;

/// E[TTFT] in iterations, 1/2 + sum_k>=0 P(W + S > k); +infinity for an unstable queue.
double mean_ttft_iterations(const PromptQueue& q) noexcept;

/// P(TTFT > y), y in iterations: the tail of W + S on the whole iterations either side of y - 1, interpolated.
double ttft_tail_iterations(const PromptQueue& q, double y_iterations) noexcept;

/// The TTFT distribution when the number in flight fluctuates: under Poisson arrivals it is Poisson with the batch as
/// its mean (M/G/infinity) while the iteration time does not depend on it; when it does, its variance is F times the
/// mean (in_flight_variance_factor, step_time.hpp) and it is taken negative binomial with that mean and variance
/// (F = 1: Poisson). It moves slowly against the queue (a request lives output-token iterations, the queue forgets in
/// a few), so the TTFT tail is the mixture over n of each queue's, each at its own iteration time, taken linear in n
/// through the batch's TPOT and the TPOT at a second batch (tpot_at(n) >= 1e-3 of the batch's).
struct TtftMixture {
  double budget_tokens = 0.0, prompt_tokens = 0.0, prompt_cv = 0.0, output_tokens = 0.0;
  double mean_sequences = 0.0;        ///< the batch, the mean number in flight
  double tpot_s = 0.0;                ///< the in-flight iteration at the batch
  double tpot_slope_s = 0.0;          ///< d TPOT / d n
  double in_flight_variance_factor = 1.0;  ///< F: the number in flight's variance over its mean (>= 1)
};

/// P(TTFT > t_s) under the mixture.
double ttft_tail_probability(const TtftMixture& m, double t_s) noexcept;

/// Whether P(TTFT > t_s) <= beyond, deciding from the heaviest terms as soon as bounds on the rest settle it (the
/// kernel's SLO check: a few dozen of the window's queues instead of all). The same answer as
/// ttft_tail_probability(m, t_s) <= beyond except within rounding of the boundary.
bool ttft_tail_within(const TtftMixture& m, double t_s, double beyond) noexcept;

/// The TTFT at percentile `p` (0 < p < 1) under the mixture, by bisection to 1e-9 relative; +infinity when the
/// unstable batches alone hold more than 1 - p of the mass.
double ttft_quantile_s(const TtftMixture& m, double p) noexcept;

}  // namespace chipdse::model
