// The prompt queue behind a serving engine's token budget (prompt_queue.hpp, equations there).

#include "chipdse/model/prompt_queue.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace chipdse::model {

PromptQueue prompt_queue(double budget_tokens, double sequences, double prompt_tokens, double prompt_cv,
                         double output_tokens) noexcept {
  PromptQueue q;
  q.capacity_tokens = budget_tokens - sequences;
  q.arrivals_per_iteration = output_tokens > 0.0 ? sequences / output_tokens : 0.0;
  if (!(q.capacity_tokens > 0.0) || !(prompt_tokens > 0.0)) return q;  // no room for prompts: unstable
  q.mean_service_iterations = prompt_tokens / q.capacity_tokens;
  q.load = q.arrivals_per_iteration * q.mean_service_iterations;
  if (!(q.load < 1.0)) return q;
  const double second_moment = q.mean_service_iterations * q.mean_service_iterations * (1.0 + prompt_cv * prompt_cv);
  q.mean_wait_iterations = q.arrivals_per_iteration * second_moment / (2.0 * (1.0 - q.load));
  q.stable = true;
  return q;
}

double wait_and_service_tail(const PromptQueue& q, double x) noexcept {
  if (!q.stable) return 1.0;
  if (!(x > 0.0)) return 1.0;
  const double mu = 1.0 / q.mean_service_iterations;
  if (!(q.load > 0.0) || !(q.mean_wait_iterations > 0.0)) return std::exp(-mu * x);
  const double rho = q.load, theta = rho / q.mean_wait_iterations;
  // W: 0 with probability 1 - rho, else exponential(theta); S exponential(mu). P(W + S > x) = (1 - rho) e^(-mu x) +
  // rho (e^(-theta x) + theta g), g = (e^(-theta x) - e^(-mu x)) / (mu - theta) = x e^(-min(theta, mu) x)
  // phi(|mu - theta| x), phi(z) = (1 - e^(-z)) / z: no cancellation when theta ~ mu and no overflow when apart.
  const double z = std::abs(mu - theta) * x;
  const double phi = z > 0.0 ? -std::expm1(-z) / z : 1.0;
  const double g = x * std::exp(-std::min(theta, mu) * x) * phi;
  const double tail = (1.0 - rho) * std::exp(-mu * x) + rho * (std::exp(-theta * x) + theta * g);
  return std::clamp(tail, 0.0, 1.0);
}

double ttft_tail_probability(const TtftMixture& m, double t_s) noexcept {
  const double mean = m.mean_sequences;
  if (!(mean > 0.0) || !(m.tpot_s > 0.0)) return 1.0;
  // Poisson weights by their ratios from the mode, w(k + 1) = w(k) mean / (k + 1), normalised over the window
  // mean -+ 7 sqrt(mean) (+ 10 above, for small means): the mass left out is below 1e-11.
  const double spread = 7.0 * std::sqrt(mean);
  const double lo = std::max(0.0, std::floor(mean - spread)), hi = std::ceil(mean + spread) + 10.0;
  const double mode = std::floor(mean);
  const auto tail_at = [&](double n) noexcept {
    const double tpot = std::max(m.tpot_s + m.tpot_slope_s * (n - mean), 1e-3 * m.tpot_s);
    const PromptQueue q = prompt_queue(m.budget_tokens, n, m.prompt_tokens, m.prompt_cv, m.output_tokens);
    return wait_and_service_tail(q, t_s / tpot - 1.0);
  };
  double mass = 0.0, tail = 0.0;
  double w = 1.0;
  for (double n = mode; n >= lo; n -= 1.0) {  // the mode and below
    mass += w;
    tail += w * tail_at(n);
    w *= n / mean;
  }
  w = mean / (mode + 1.0);
  for (double n = mode + 1.0; n <= hi; n += 1.0) {
    mass += w;
    tail += w * tail_at(n);
    w *= mean / (n + 1.0);
  }
  return std::clamp(tail / mass, 0.0, 1.0);
}

double ttft_quantile_s(const TtftMixture& m, double p) noexcept {
  const double beyond = 1.0 - p;
  constexpr double kInf = std::numeric_limits<double>::infinity();
  if (!(m.tpot_s > 0.0) || ttft_tail_probability(m, 1e9 * m.tpot_s) > beyond) return kInf;
  double lo = 0.0, hi = m.tpot_s;
  for (int i = 0; i < 200 && ttft_tail_probability(m, hi) > beyond; ++i) lo = hi, hi *= 2.0;
  for (int i = 0; i < 200 && hi - lo > 1e-9 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (ttft_tail_probability(m, mid) > beyond ? lo : hi) = mid;
  }
  return hi;
}

}  // namespace chipdse::model
