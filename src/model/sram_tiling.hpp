// chipdse/model/sram_tiling.hpp — the HBM traffic a finite on-chip buffer adds to a layer's matrix products
// (shared/reference/perf_models.md §6.2, tiling lower bound). model/: pure, noexcept, no allocation (hot loop).
//
// An M x N x K product (output M x N, reduction K) computed in square output tiles of T x T, each tile streaming its
// row panel of A (T x K) and column panel of B (K x T) through a buffer of S bytes that holds one tile of each
// operand and of the output, T = sqrt(S / (3 a_b)), moves
//     Q_gemm = a_b (M K ceil(N / T) + K N ceil(M / T) + M N)
// bytes to and from memory. The demand (perf_params_from_deck.cpp) already counts every operand once (weights read,
// activations written and read, Korthikanti et al.); what the buffer adds on top is the re-reads
//     R(M, N, K) = a_b (M K (ceil(N / T) - 1) + K N (ceil(M / T) - 1)),
// zero when one tile spans both M and N. Training runs each product three times per micro-batch (Narayanan et al.,
// SC21): forward (M, N, K), input gradient (M, K, N), weight gradient (K, N, M), plus the forward again under full
// activation recomputation. Attention's score and value products stay on chip (FlashAttention, Dao et al. 2022)
// and the decode KV stream is read once; neither is tiled here.
//
// S is one compute die's share of the package SRAM (reference.sram_mb / k dies: each die, or the cache die stacked
// on it, holds its slice; area.cpp places it so), so splitting a package into more chiplets shrinks the tile and
// raises the traffic by about sqrt(k) where the bound binds. T never falls below the GEMM tile the compute units hold
// on their own (compute.common.gemm_tile_m): a die with no SRAM still reuses operands within that tile.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>

namespace chipdse::model {

/// One matrix product of a transformer layer on one tensor-parallel rank (Megatron sharding: QKV and FFN up+gate
/// split N, the attention output and FFN down split K). Its M is the phase's token count, or for an expert product
/// the tokens routed to one expert.
struct LayerGemm {
  double n = 0.0, k = 0.0;
  bool expert = false;  ///< an MoE expert product (M = routed tokens; one per local expert)
};

/// What the tiling bound needs of a workload (set once per mapping; WorkloadDemand::tiling).
struct GemmTiling {
  std::array<LayerGemm, 4> gemms{};  ///< QKV, attention output, FFN up + gate, FFN down
  double experts_per_package = 1.0;     ///< expert products of each expert shape on this package (E / ep; 1 dense)
  double expert_tokens_per_token = 1.0; ///< rows an expert product gets per token of the phase (top_k ep / E; 1 dense)
  double rank_layers = 0.0;             ///< layers of the stage x tensor-parallel ranks on this package
  double tokens_per_sequence = 0.0;     ///< rows per sequence of a micro-batch or prefill (sequence_length)
  double recomputed_forwards = 0.0;     ///< training: forward passes run again in the backward (full recomputation: 1)
  double operand_bytes = 2.0;           ///< a_b
  double experts = 1.0, top_k = 1.0;    ///< workload.experts and workload.top_k (tile quantisation of expert products)
  double min_tile = 1.0;                ///< compute.common.gemm_tile_m
};

/// R(M, N, K): bytes re-read beyond one pass over each operand, output tile `tile` x `tile`.
inline double gemm_reread_bytes(double m, double n, double k, double tile, double ab) noexcept {
  return ab * (m * k * (std::ceil(n / tile) - 1.0) + k * n * (std::ceil(m / tile) - 1.0));
}

/// Bytes in a megabyte of SRAM (reference.sram_mb and space.sram_mb count binary megabytes; area.hpp: 1 MB = 8 Mib).
inline constexpr double kBytesPerSramMb = 1048576.0;

/// The output tile a die's buffer holds: sqrt(S_die / (3 a_b)), S_die = the package's `sram_mb` over its compute dies,
/// at least the compute units' own GEMM tile.
inline double buffer_tile(const GemmTiling& t, double sram_mb, int compute_dies) noexcept {
  const double s_die = std::max(0.0, sram_mb) * kBytesPerSramMb / static_cast<double>(std::max(1, compute_dies));
  return std::max(t.min_tile, std::sqrt(s_die / (3.0 * t.operand_bytes)));
}

/// Re-read bytes of one pass of the stage's layers on this package with `tokens` rows (micro-batch or prefill tokens;
/// decode: sequences in flight); with `training`, every product's forward, input-gradient and weight-gradient passes.
inline double layer_reread_bytes(const GemmTiling& t, double tokens, double tile, bool training) noexcept {
  const double ab = t.operand_bytes;
  double bytes = 0.0;
  for (const LayerGemm& g : t.gemms) {
    const double m = g.expert ? std::max(1.0, std::ceil(tokens * t.expert_tokens_per_token)) : tokens;
    const double count = g.expert ? t.experts_per_package : 1.0;
    double r = gemm_reread_bytes(m, g.n, g.k, tile, ab);
    if (training)
      r = (1.0 + t.recomputed_forwards) * r + gemm_reread_bytes(m, g.k, g.n, tile, ab) + gemm_reread_bytes(g.k, g.n, m, tile, ab);
    bytes += count * r;
  }
  return t.rank_layers * bytes;
}

/// The compute units' GEMM tile and how many tiles a wave runs (compute.common.gemm_tile_*, reference.compute_units).
struct GemmTileShape {
  double m = 0.0, n = 0.0, k = 0.0, units = 0.0;
};

namespace detail {
inline double padded_flops_with(double M, double N, double K, double tile_m, const GemmTileShape& t) noexcept {
  const double tiles = std::ceil(M / tile_m) * std::ceil(N / t.n);
  const double waves = std::ceil(tiles / t.units);
  return 2.0 * waves * t.units * tile_m * t.n * std::ceil(K / t.k) * t.k;
}
}  // namespace detail

/// Tile and wave quantisation (NVIDIA Deep Learning Performance Guide, "Matrix Multiplication Background"): an
/// M x N x K product runs ceil(M / Tm) ceil(N / Tn) output tiles, each over ceil(K / Tk) Tk, in ceil(tiles / units)
/// waves of `units` tiles. The library picks the tile per problem (the guide's cuBLAS heuristics): the better of the
/// full and the half-height tile, so a token count just above a multiple of the half tile does not pay a whole extra
/// row of full tiles. Returns the padded FLOPs.
inline double padded_flops(double M, double N, double K, const GemmTileShape& t) noexcept {
  return std::min(detail::padded_flops_with(M, N, K, t.m, t), detail::padded_flops_with(M, N, K, t.m / 2.0, t));
}

/// Useful / padded FLOPs over the layer's matrix products on one TP rank with M rows (tokens, or sequences in decode),
/// in (0, 1]; in an MoE layer each of the E expert products sees ceil(M top_k / E) rows.
inline double layer_tile_efficiency(const GemmTiling& g, double M, const GemmTileShape& t) noexcept {
  const double e = g.experts, k = g.top_k;
  const double m_ffn = e > 1.0 ? std::max(1.0, std::ceil(M * k / e)) : M;
  const double n_ffn = e > 1.0 ? e : 1.0;  // expert products per layer (each of m_ffn rows)
  double useful = 0.0, padded = 0.0;
  for (const LayerGemm& x : g.gemms) {
    const double m = x.expert ? m_ffn : M, count = x.expert ? n_ffn : 1.0;
    useful += count * 2.0 * m * x.n * x.k;
    padded += count * padded_flops(m, x.n, x.k, t);
  }
  return padded > 0.0 ? useful / padded : 1.0;
}

}  // namespace chipdse::model
