// The prompt queue behind a serving engine's token budget (prompt_queue.hpp, equations there).

#include "chipdse/model/prompt_queue.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace chipdse::model {

PromptQueue prompt_queue(double budget_tokens, double sequences, double prompt_tokens, double prompt_cv,
                         double output_tokens) noexcept {
  return prompt_queue_arriving(budget_tokens, sequences, output_tokens > 0.0 ? sequences / output_tokens : 0.0,
                               prompt_tokens, prompt_cv);
}

PromptQueue prompt_queue_arriving(double budget_tokens, double sequences, double arrivals_per_iteration,
                                  double prompt_tokens, double prompt_cv) noexcept {
  PromptQueue q;
  q.capacity_tokens = budget_tokens - sequences;
  q.arrivals_per_iteration = arrivals_per_iteration;
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
  // phi(|mu - theta| x), phi(z) = (1 - e^(-z)) / z: no cancellation when theta ~ mu and no overflow when apart. Two
  // exponentials: e^(-min x) is the larger of them and e^(-z) their ratio (phi by its series below z = 1e-3, where the
  // ratio's rounding would dominate; the series' error z^3 / 24 is below 5e-11).
  const double e_mu = std::exp(-mu * x), e_theta = std::exp(-theta * x);
  const double slow = std::max(e_mu, e_theta);
  if (!(slow > 0.0)) return 0.0;
  const double z = std::abs(mu - theta) * x;
  const double phi = z < 1e-3 ? 1.0 - z * (0.5 - z / 6.0) : (1.0 - std::min(e_mu, e_theta) / slow) / z;
  const double tail = (1.0 - rho) * e_mu + rho * (e_theta + theta * x * slow * phi);
  return std::clamp(tail, 0.0, 1.0);
}

namespace {

// sum_k>=0 e^(-a k) = 1 / (1 - e^(-a)), and the divided difference (h(b) - h(a)) / (a - b) of h(a) = 1 / (1 - e^(-a)),
// by the derivative at the midpoint where a ~ b.
double geometric_sum(double a) noexcept { return -1.0 / std::expm1(-a); }
double geometric_divided_difference(double a, double b) noexcept {
  if (std::abs(a - b) <= 1e-6 * std::max(a, b)) {
    const double m = 0.5 * (a + b), e = std::expm1(-m);
    return std::exp(-m) / (e * e);
  }
  return (geometric_sum(b) - geometric_sum(a)) / (a - b);
}

}  // namespace

double mean_ttft_iterations(const PromptQueue& q) noexcept {
  if (!q.stable) return std::numeric_limits<double>::infinity();
  const double mu = 1.0 / q.mean_service_iterations;
  // sum_k>=0 P(W + S > k) with P(W + S > x) = (1 - rho) e^(-mu x) + rho (e^(-theta x) + theta (e^(-theta x) -
  // e^(-mu x)) / (mu - theta)) (wait_and_service_tail), summed term by term.
  if (!(q.load > 0.0) || !(q.mean_wait_iterations > 0.0)) return 0.5 + geometric_sum(mu);
  const double rho = q.load, theta = rho / q.mean_wait_iterations;
  return 0.5 + (1.0 - rho) * geometric_sum(mu) +
         rho * (geometric_sum(theta) + theta * geometric_divided_difference(mu, theta));
}

double ttft_tail_iterations(const PromptQueue& q, double y) noexcept {
  if (!q.stable) return 1.0;
  const double j = std::floor(y), f = y - j;
  return f * wait_and_service_tail(q, j) + (1.0 - f) * wait_and_service_tail(q, j - 1.0);
}

namespace {

// The window of the mixture's number in flight: Poisson with the batch as its mean (variance factor F = 1) or, when
// the iteration grows with the batch, negative binomial with the same mean and variance F x mean (TtftMixture). Its
// weights by their ratios from the mode, w(k + 1) / w(k) = (mean / F + k (1 - 1 / F)) / (k + 1) (F = 1: mean / (k + 1),
// Poisson's), normalised over the window: mean -+ 6 sd (+ 8 above, for small means, and 18.5 (F - 1) for the
// negative binomial's geometric tail, whose ratio tends to 1 - 1 / F), so the left-out mass is below 1e-8, far below
// the percentiles' 1 - p. The mode is the largest k with w(k) / w(k - 1) >= 1, floor(mean - (F - 1)).
struct InFlightWindow {
  double lo = 0.0, hi = 0.0, mode = 0.0, mean = 0.0, factor = 1.0;
  // w(k + 1) / w(k) and w(k - 1) / w(k); Poisson's written as such.
  double up(double k) const noexcept {
    return factor == 1.0 ? mean / (k + 1.0) : (mean / factor + k * (1.0 - 1.0 / factor)) / (k + 1.0);
  }
  double down(double k) const noexcept {
    return factor == 1.0 ? k / mean : k / (mean / factor + (k - 1.0) * (1.0 - 1.0 / factor));
  }
};
InFlightWindow in_flight_window(double mean, double factor) noexcept {
  const double f = std::max(1.0, factor);
  const double spread = 6.0 * std::sqrt(mean * f);
  return {std::max(0.0, std::floor(mean - spread)), std::ceil(mean + spread) + 8.0 + std::ceil(18.5 * (f - 1.0)),
          std::max(0.0, std::floor(mean - (f - 1.0))), mean, f};
}

// Visits the window's n outward from the mode, heaviest first, with their weights relative to the mode's:
// visit(n, weight, below_mode) returns false to stop.
template <class Visit>
void walk_outward(const InFlightWindow& win, Visit&& visit) noexcept {
  double down = win.mode, up = win.mode + 1.0;              // next n each way
  double w_down = 1.0, w_up = win.up(win.mode);             // their weights
  while (down >= win.lo || up <= win.hi) {
    if (down >= win.lo && (up > win.hi || w_down >= w_up)) {
      if (!visit(down, w_down, true)) return;
      w_down *= win.down(down);
      down -= 1.0;
    } else {
      if (!visit(up, w_up, false)) return;
      w_up *= win.up(up);
      up += 1.0;
    }
  }
}

// The queue's tail at n in flight, at its own iteration time.
double tail_at(const TtftMixture& m, double n, double t_s) noexcept {
  const double tpot = std::max(m.tpot_s + m.tpot_slope_s * (n - m.mean_sequences), 1e-3 * m.tpot_s);
  // Requests arrive at the batch's rate per second, mean / (O TPOT(mean)), whatever the number in flight: per
  // iteration of TPOT(n) that is mean / O x TPOT(n) / TPOT(mean).
  const double arrivals = m.output_tokens > 0.0 ? m.mean_sequences / m.output_tokens * (tpot / m.tpot_s) : 0.0;
  const PromptQueue q = prompt_queue_arriving(m.budget_tokens, n, arrivals, m.prompt_tokens, m.prompt_cv);
  return ttft_tail_iterations(q, t_s / tpot);
}

}  // namespace

double ttft_tail_probability(const TtftMixture& m, double t_s) noexcept {
  const double mean = m.mean_sequences;
  if (!(mean > 0.0) || !(m.tpot_s > 0.0)) return 1.0;
  double mass = 0.0, tail = 0.0;
  walk_outward(in_flight_window(mean, m.in_flight_variance_factor), [&](double n, double w, bool) noexcept {
    mass += w;
    tail += w * tail_at(m, n, t_s);
    return true;
  });
  return std::clamp(tail / mass, 0.0, 1.0);
}

bool ttft_tail_within(const TtftMixture& m, double t_s, double beyond) noexcept {
  const double mean = m.mean_sequences;
  if (!(mean > 0.0) || !(m.tpot_s > 0.0)) return false;
  const InFlightWindow win = in_flight_window(mean, m.in_flight_variance_factor);
  // The window's mass below (the mode included) and above the mode, in the mode's weight.
  double below = 0.0, above = 0.0;
  walk_outward(win, [&](double, double w, bool down) noexcept {
    (down ? below : above) += w;
    return true;
  });
  const double limit = beyond * (below + above);
  // With the tails rising in n (a slope that is not negative) the unseen terms below the lowest seen n add at most its
  // tail per unit mass, those above at most 1; stop as soon as the seen terms and these bounds settle it.
  const bool rising = m.tpot_slope_s >= 0.0;
  double seen = 0.0, lowest_tail = 1.0;
  int verdict = 0;  // +1 within, -1 beyond, 0 undecided
  walk_outward(win, [&](double n, double w, bool down) noexcept {
    const double x = tail_at(m, n, t_s);
    seen += w * x;
    if (down) {
      below -= w;
      lowest_tail = rising ? x : 1.0;
    } else {
      above -= w;
    }
    if (seen > limit) verdict = -1;
    else if (seen + lowest_tail * std::max(below, 0.0) + std::max(above, 0.0) <= limit) verdict = 1;
    return verdict == 0;
  });
  return verdict == 0 ? seen <= limit : verdict > 0;
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
