// chipdse/model/collectives.hpp — alpha-beta time models of collective communication (shared/reference/
// perf_models.md §6.3 "Collectives"). Pure functions over plain structs: noexcept, no allocation, SI units
// (bytes, bytes/s, seconds). model/: never includes MPI, PETSc, HDF5 or toml++.
//
// Notation: p ranks; M = the full buffer per rank in bytes (the all-reduce's vector, the all-gather's result,
// the reduce-scatter's input, the all-to-all's send buffer); beta = per-rank injection bandwidth per direction
// (bytes/s, protocol efficiency already applied: §6.3 "beta = per-rank injection BW x eta_proto"); alpha = the
// latency of one algorithm step (s). The reduction arithmetic (Thakur et al.'s gamma term) is not modelled: on
// accelerators it overlaps the transfers and is far faster than the links.
//
//   ring all-reduce            2 (p - 1) alpha + 2 (p - 1) / p  M / beta
//   reduce-scatter, all-gather   (p - 1) alpha +   (p - 1) / p  M / beta
//   all-to-all (full bisection)  (p - 1) alpha +   (p - 1) / p  M / beta
//   all-to-all (torus / mesh)  max(the above, M p / (4 BW_bisection))
//   tree all-reduce            2 ceil(log2 p) alpha + 2 M / beta
//   hierarchical all-reduce    RS_1(M) + AR_2(M / p1) + AG_1(M)      (p = p1 p2)
//
// Sources: Thakur, Rabenseifner & Gropp, "Optimization of Collective Communication Operations in MPICH",
// IJHPCA 19(1), 2005 (ring all-gather, reduce-scatter, RS + AG all-reduce, binomial-tree latency); Patarasuk &
// Yuan, "Bandwidth optimal all-reduce algorithms for clusters of workstations", JPDC 69(2), 2009 (the ring's
// 2 (p - 1) / p M / beta is the lower bound on the bandwidth term); nccl-tests doc/PERFORMANCE.md (busBW).
//
// Every function returns 0 for p <= 1 (nothing to exchange) or M <= 0, before any division. Precondition:
// beta > 0 (a link without bandwidth is not a link; callers select links from the technology database).
// Under it every result is finite for finite inputs.
#pragma once

namespace chipdse::model {

/// One network tier as the alpha-beta model sees it.
struct LinkAlphaBeta {
  double alpha_s = 0.0;           ///< latency of one algorithm step (s)
  double beta_bytes_per_s = 0.0;  ///< per-rank injection bandwidth per direction (bytes/s); must be > 0
};

/// Ring all-reduce of M bytes over p ranks: a ring reduce-scatter followed by a ring all-gather
/// (Patarasuk & Yuan 2009; Thakur et al. 2005 §4.4): 2 (p - 1) alpha + 2 (p - 1) / p M / beta.
double ring_all_reduce_s(double bytes, int p, const LinkAlphaBeta& link) noexcept;

/// Ring reduce-scatter of an M-byte input, leaving M / p reduced bytes per rank (Thakur et al. 2005):
/// (p - 1) alpha + (p - 1) / p M / beta.
double reduce_scatter_s(double bytes, int p, const LinkAlphaBeta& link) noexcept;

/// Ring all-gather to an M-byte result from M / p bytes per rank (Thakur et al. 2005 §4.1):
/// (p - 1) alpha + (p - 1) / p M / beta.
double all_gather_s(double bytes, int p, const LinkAlphaBeta& link) noexcept;

/// All-to-all of an M-byte send buffer per rank (M / p to each peer) with pairwise exchange (Thakur et al.
/// 2005 §4.5): (p - 1) alpha + (p - 1) / p M / beta on a full-bisection switched network. On a torus or mesh
/// with bisection bandwidth B (bytes/s per direction across the cut) it is at least M p / (4 B): each of the
/// p / 2 ranks of one half sends half its buffer, M / 2, across the cut (perf_models.md §6.3). B <= 0 means
/// full bisection (no such bound).
double all_to_all_s(double bytes, int p, const LinkAlphaBeta& link, double bisection_bytes_per_s = 0.0) noexcept;

/// Pipelined double-binary-tree all-reduce (NCCL's tree; Sanders, Speck & Träff, "Two-tree algorithms for
/// full bandwidth broadcast, reduction and scan", Parallel Computing 35(12), 2009): 2 ceil(log2 p) alpha +
/// 2 M / beta. Latency: a reduction up and a broadcast down a tree of depth ceil(log2 p). Bandwidth: each
/// tree carries M / 2; a rank is inner node (two children) of one tree and leaf of the other, so it receives
/// 2 x M/2 (reduce, inner) + M/2 (broadcast, inner) + M/2 (broadcast, leaf) = 2M and sends as much, per
/// direction: 2 M / beta, which is the ring's 2 (p - 1) / p M / beta as p grows (NCCL's "full bandwidth"
/// claim). In-switch reduction (NVLS/SHARP, §6.3: 2 alpha_sw + M / beta) is a different model, not this one.
double tree_all_reduce_s(double bytes, int p, const LinkAlphaBeta& link) noexcept;

/// Two-tier all-reduce over p = p1 x p2 ranks: reduce-scatter of M within each tier-1 group of p1 (fast
/// link l1), all-reduce of the M / p1 shard across the p2 groups (slow link l2, ring), all-gather of M within
/// each group: RS_1(M) + AR_2(M / p1) + AG_1(M) (perf_models.md §6.3; the RS + AG decomposition is
/// Rabenseifner's, Thakur et al. 2005 §4.4). p1 = 1 gives the flat ring on l2; p2 = 1 the ring on l1.
double hierarchical_all_reduce_s(double bytes, int p1, const LinkAlphaBeta& l1, int p2,
                                 const LinkAlphaBeta& l2) noexcept;

/// The same all-reduce by tier: tier 1 (RS_1 + AG_1 on l1) and tier 2 (AR_2 on l2); they add up to
/// hierarchical_all_reduce_s up to rounding (what a step waits on, by tier).
struct HierarchicalAllReduce {
  double tier1_s = 0.0, tier2_s = 0.0;
};
HierarchicalAllReduce hierarchical_all_reduce(double bytes, int p1, const LinkAlphaBeta& l1, int p2,
                                              const LinkAlphaBeta& l2) noexcept;

/// Algorithm bandwidth M / T (nccl-tests doc/PERFORMANCE.md); 0 for M <= 0 or T <= 0.
double algorithm_bandwidth(double bytes, double time_s) noexcept;

/// All-reduce bus bandwidth algBW x 2 (p - 1) / p (nccl-tests doc/PERFORMANCE.md): the per-rank link
/// bandwidth a bandwidth-optimal all-reduce achieved, comparable to beta. 0 for p <= 1, M <= 0 or T <= 0.
double all_reduce_bus_bandwidth(double bytes, double time_s, int p) noexcept;

/// ceil(log2 p) for p >= 1, exactly (integer arithmetic); 0 for p <= 1.
int ceil_log2(int p) noexcept;

}  // namespace chipdse::model
