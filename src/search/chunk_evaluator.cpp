// The exhaustive search's inner loop (see chunk_evaluator.hpp).
#include "chipdse/search/chunk_evaluator.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <exception>

#include "chipdse/core/error.hpp"
#include "chipdse/model/evaluate.hpp"
#include "chipdse/model/solved_thermal.hpp"
#include "chipdse/model/objectives.hpp"

namespace chipdse::search {

namespace {

// Indices a thread takes at a time: a kernel call costs about a microsecond, so 32 keeps the scheduling
// overhead small while regions of different cost still spread over the threads.
constexpr std::int64_t kGrain = 32;

}  // namespace

EvaluationCounts& EvaluationCounts::operator+=(const EvaluationCounts& o) noexcept {
  evaluated += o.evaluated;
  feasible += o.feasible;
  for (std::size_t b = 0; b < kReasonSlots; ++b) by_reason[b] += o.by_reason[b];
  return *this;
}

std::vector<std::size_t> objective_indices(const std::vector<std::string>& names) {
  if (names.size() < static_cast<std::size_t>(ParetoArchive::kMinObjectives) ||
      names.size() > static_cast<std::size_t>(ParetoArchive::kMaxObjectives))
    throw Error("objectives.list has " + std::to_string(names.size()) + " objectives; the search needs 2 to 6");
  std::vector<std::size_t> out;
  for (const auto& n : names) {
    const std::size_t i = model::objective_index(n);
    if (i == model::kObjectives.size()) throw Error("objectives.list: '" + n + "' is not an objective");
    out.push_back(i);
  }
  return out;
}

ChunkEvaluator::ChunkEvaluator(const ChoiceDecoder& decoder, const model::KernelParams& params,
                               std::vector<std::size_t> objectives, int threads)
    : m_decoder(&decoder), m_params(&params), m_objectives(std::move(objectives)), m_threads(threads) {
  CHIPDSE_CHECK(threads >= 1, "threads = " << threads << " must be >= 1");
  CHIPDSE_CHECK(m_objectives.size() >= static_cast<std::size_t>(ParetoArchive::kMinObjectives) &&
                    m_objectives.size() <= static_cast<std::size_t>(ParetoArchive::kMaxObjectives),
                m_objectives.size() << " objectives; 2 to 6 allowed");
  for (std::size_t o : m_objectives)
    CHIPDSE_CHECK(o < model::kObjectives.size(), "objective index " << o << " out of range");
  m_slots.reserve(static_cast<std::size_t>(threads));
  for (int t = 0; t < threads; ++t) m_slots.emplace_back(objective_count());
}

EvaluationCounts ChunkEvaluator::evaluate(std::uint64_t begin, std::uint64_t end,
                                          std::vector<std::uint64_t>* feasible_out) {
  if (end <= begin) return {};
  const auto n = static_cast<std::int64_t>(end - begin);
  const int team = static_cast<int>(std::min<std::int64_t>(m_threads, (n + kGrain - 1) / kGrain));
  const bool keep = feasible_out != nullptr;
  const int k = objective_count();
  for (int t = 0; t < team; ++t) {
    m_slots[t].feasible.clear();
    m_slots[t].counts = EvaluationCounts{};
  }
  std::exception_ptr error;
  bool failed = false;

#pragma omp parallel num_threads(team)
  {
    const int t = omp_get_thread_num();
    ThreadSlot& slot = m_slots[static_cast<std::size_t>(t)];
    EvaluationCounts& c = slot.counts;
    ParetoArchive& archive = slot.archive;
    std::vector<std::uint64_t>& feasible = slot.feasible;
    double obj[ParetoArchive::kMaxObjectives];
    // Exceptions must not leave an OpenMP region: the first one is kept and rethrown after it. `nowait`: the
    // region's end is a barrier already; a second one only adds waiting.
#pragma omp for schedule(dynamic, kGrain) nowait
    for (std::int64_t i = 0; i < n; ++i) {
      const std::uint64_t index = begin + static_cast<std::uint64_t>(i);
      const model::Metrics m = model::evaluate_verified(m_decoder->choice(index), *m_params, m_solved);
      ++c.evaluated;
      if (m.infeasible != 0) {
        for (std::uint32_t mask = m.infeasible; mask != 0; mask &= mask - 1)
          ++c.by_reason[static_cast<std::size_t>(__builtin_ctz(mask))];
        continue;
      }
      ++c.feasible;
      for (int j = 0; j < k; ++j) obj[j] = model::minimised(model::kObjectives[m_objectives[j]], m);
      try {
        archive.add(index, obj);
      } catch (...) {
#pragma omp critical(chipdse_chunk_error)
        if (!failed) {
          failed = true;
          error = std::current_exception();
        }
      }
      if (keep) feasible.push_back(index);
    }
  }
  if (error) std::rethrow_exception(error);

  EvaluationCounts range;
  for (int t = 0; t < team; ++t) range += m_slots[t].counts;
  m_total += range;
  if (keep) {
    // Each thread's list ascends (dynamic scheduling hands out iterations in order); merged and sorted, the
    // result is the range's feasible indices in index order whatever the team did.
    const std::size_t first = feasible_out->size();
    for (int t = 0; t < team; ++t)
      feasible_out->insert(feasible_out->end(), m_slots[t].feasible.begin(), m_slots[t].feasible.end());
    std::sort(feasible_out->begin() + static_cast<std::ptrdiff_t>(first), feasible_out->end());
  }
  return range;
}

ParetoArchive ChunkEvaluator::front() const {
  ParetoArchive out(objective_count());
  for (const ThreadSlot& s : m_slots) out.merge(s.archive);
  out.finalize();
  return out;
}

}  // namespace chipdse::search
