// A list of designs through the kernel (see batch_evaluation.hpp).
#include "chipdse/search/batch_evaluation.hpp"

#include <cmath>
#include <cstring>

#include "chipdse/core/error.hpp"
#include "chipdse/model/evaluate.hpp"
#include "chipdse/model/objectives.hpp"

namespace chipdse::search {

void evaluate_batch(const ChoiceDecoder& decoder, const model::KernelParams& params,
                    const std::vector<std::size_t>& objective_ids, std::span<const std::uint64_t> indices,
                    double* objectives, std::uint32_t* infeasible, int threads,
                    const model::SolvedGeometries* solved) {
  const auto n = static_cast<std::int64_t>(indices.size());
  const auto k = static_cast<std::int64_t>(objective_ids.size());
  int nan_count = 0;
  // Each iteration writes its own slots, so the values do not depend on the schedule. Chunks of 32: a kernel call
  // costs a few microseconds (chunk_evaluator.cpp's grain).
#pragma omp parallel for num_threads(threads) schedule(dynamic, 32) reduction(+ : nan_count)
  for (std::int64_t i = 0; i < n; ++i) {
    const model::Metrics m = model::evaluate_verified(decoder.choice(indices[static_cast<std::size_t>(i)]), params, solved);
    infeasible[i] = m.infeasible;
    for (std::int64_t j = 0; j < k; ++j) {
      const double v = m.infeasible != 0 ? 0.0
                                         : model::minimised(model::kObjectives[objective_ids[static_cast<std::size_t>(j)]], m);
      if (std::isnan(v)) ++nan_count;
      objectives[i * k + j] = v;
    }
  }
  if (nan_count > 0) throw Error(std::to_string(nan_count) + " objective value(s) are NaN in a batch of designs");
}

}  // namespace chipdse::search
