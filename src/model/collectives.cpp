// Alpha-beta collective time models (see collectives.hpp for the equations and their sources).
#include "chipdse/model/collectives.hpp"

#include <algorithm>

namespace chipdse::model {

namespace {

// (p - 1) alpha + (p - 1) / p M / beta: the ring's p - 1 steps, each moving one M / p block per rank.
// Shared by reduce-scatter, all-gather and pairwise all-to-all, which differ in what a block is, not its size.
double ring_pass_s(double bytes, int p, const LinkAlphaBeta& link) noexcept {
  if (p <= 1 || !(bytes > 0.0)) return 0.0;
  const double steps = static_cast<double>(p - 1);
  return steps * link.alpha_s + steps / static_cast<double>(p) * bytes / link.beta_bytes_per_s;
}

}  // namespace

int ceil_log2(int p) noexcept {
  int depth = 0;
  // Doubling instead of std::log2: exact at powers of two, where a rounded log2 could add a step.
  for (long long reach = 1; reach < p; reach *= 2) ++depth;
  return depth;
}

double reduce_scatter_s(double bytes, int p, const LinkAlphaBeta& link) noexcept {
  return ring_pass_s(bytes, p, link);
}

double all_gather_s(double bytes, int p, const LinkAlphaBeta& link) noexcept { return ring_pass_s(bytes, p, link); }

double ring_all_reduce_s(double bytes, int p, const LinkAlphaBeta& link) noexcept {
  // Written as RS + AG so the identity the tests check holds bit for bit, not only to rounding.
  return reduce_scatter_s(bytes, p, link) + all_gather_s(bytes, p, link);
}

double all_to_all_s(double bytes, int p, const LinkAlphaBeta& link, double bisection_bytes_per_s) noexcept {
  const double switched = ring_pass_s(bytes, p, link);
  if (switched == 0.0 || !(bisection_bytes_per_s > 0.0)) return switched;
  const double bisection_bound = bytes * static_cast<double>(p) / (4.0 * bisection_bytes_per_s);
  return std::max(switched, bisection_bound);
}

double tree_all_reduce_s(double bytes, int p, const LinkAlphaBeta& link) noexcept {
  if (p <= 1 || !(bytes > 0.0)) return 0.0;
  return 2.0 * static_cast<double>(ceil_log2(p)) * link.alpha_s + 2.0 * bytes / link.beta_bytes_per_s;
}

double hierarchical_all_reduce_s(double bytes, int p1, const LinkAlphaBeta& l1, int p2,
                                 const LinkAlphaBeta& l2) noexcept {
  if (!(bytes > 0.0)) return 0.0;
  // p1 <= 1: no tier-1 phase, and the whole M goes to tier 2 (the shard of a group of one is the buffer).
  const double shard = p1 > 1 ? bytes / static_cast<double>(p1) : bytes;
  return reduce_scatter_s(bytes, p1, l1) + ring_all_reduce_s(shard, p2, l2) + all_gather_s(bytes, p1, l1);
}

HierarchicalAllReduce hierarchical_all_reduce(double bytes, int p1, const LinkAlphaBeta& l1, int p2,
                                              const LinkAlphaBeta& l2) noexcept {
  if (!(bytes > 0.0)) return {};
  const double shard = p1 > 1 ? bytes / static_cast<double>(p1) : bytes;
  return {reduce_scatter_s(bytes, p1, l1) + all_gather_s(bytes, p1, l1), ring_all_reduce_s(shard, p2, l2)};
}

double algorithm_bandwidth(double bytes, double time_s) noexcept {
  if (!(bytes > 0.0) || !(time_s > 0.0)) return 0.0;
  return bytes / time_s;
}

double all_reduce_bus_bandwidth(double bytes, double time_s, int p) noexcept {
  if (p <= 1) return 0.0;
  const double pd = static_cast<double>(p);
  return algorithm_bandwidth(bytes, time_s) * 2.0 * (pd - 1.0) / pd;
}

}  // namespace chipdse::model
