// chipdse/search/batch_evaluation.hpp — a list of designs through the kernel on the rank's OpenMP threads: NSGA-II's
// batches (the exhaustive search evaluates ranges instead, chunk_evaluator.hpp). Must not include MPI, PETSc, HDF5 or
// toml++.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "chipdse/model/kernel_params.hpp"
#include "chipdse/model/solved_thermal.hpp"
#include "chipdse/search/choice_decoder.hpp"

namespace chipdse::search {

/// For each indices[i]: objectives[i * k + j] = model::minimised of objective objective_ids[j] (k = their count) and
/// infeasible[i] = the kernel's infeasibility mask. Objectives of infeasible designs are set to 0 (unread).
/// Call from one thread, outside OpenMP regions; each design's values do not depend on the thread count.
/// @throws Error if a feasible design has a NaN objective (the kernel never gives one; dominance would break).
void evaluate_batch(const ChoiceDecoder& decoder, const model::KernelParams& params,
                    const std::vector<std::size_t>& objective_ids, std::span<const std::uint64_t> indices,
                    double* objectives, std::uint32_t* infeasible, int threads,
                    const model::SolvedGeometries* solved = nullptr);

}  // namespace chipdse::search
