// chipdse/io/result_groups.hpp — the small groups of the run file that rank 0 writes alone (DESIGN.md §5): /space (the
// variants, their axes and value names), /stats (counts by reason, sizes, timings), and the units and descriptions
// of the result tables' columns.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <hdf5.h>

#include "chipdse/search/design_space.hpp"
#include "chipdse/search/result_rows.hpp"

namespace chipdse::io {

/// What /stats records.
struct RunStats {
  std::uint64_t designs = 0;
  std::uint64_t evaluated = 0;
  std::uint64_t feasible = 0;
  std::vector<std::pair<std::string, std::uint64_t>> infeasible_by_reason;  ///< every reason, zero counts too
  std::uint64_t front_size = 0;
  std::uint64_t points_rows = 0;
  std::uint64_t chunks = 0;
  std::uint64_t chunk_size = 0;
  std::uint64_t chunks_resumed = 0;    ///< chunks taken from a checkpoint (run --resume), not evaluated again
  std::uint64_t chunks_evaluated = 0;  ///< chunks this run evaluated (chunks_resumed + chunks_evaluated = chunks)
  std::uint64_t checkpoints = 0;       ///< checkpoints this run wrote
  std::uint64_t seed = 0;
  std::string method;  ///< "exhaustive" or "nsga2"
  /// NSGA-II only (method "nsga2"): its settings, generations done, evaluations (repeats included; `evaluated` counts
  /// distinct designs), and after each generation of this run the archive's front size and the distinct designs.
  struct Nsga2 {
    std::uint64_t population = 0, generations = 0, generations_resumed = 0, evaluations = 0;
    double crossover_probability = 0.0, crossover_distribution = 0.0, mutation_probability = 0.0,
           mutation_distribution = 0.0;
    std::vector<unsigned long long> front_size_by_generation, distinct_by_generation;
  } nsga2;
  std::vector<std::string> objectives;  ///< objectives.list, in order
  std::vector<std::string> senses;      ///< "min" or "max" per objective
  /// The front's hypervolume in the deck's box (search.hypervolume_ideal / _reference, as the deck gives them), when
  /// it gives one: the dominated share of the box with every objective scaled to [0, 1].
  struct HypervolumeStats {
    bool computed = false;
    double value = 0.0;
    std::uint64_t points_inside = 0;
    std::vector<double> ideal, reference;
  } hypervolume;
  /// DESIGN.md §3's verification rounds (search.thermal_verification = "rounds"): per round, the front it enumerated and the
  /// packages of that front without a solve (solved before the next round; 0 in the last round), and the solves.
  struct Verification {
    std::string mode = "off";  ///< search.thermal_verification
    std::uint64_t cells_xy = 0;
    std::vector<unsigned long long> front_size_by_round, unsolved_by_round;
    std::uint64_t geometries_solved = 0, thermal_solves = 0, solve_iterations = 0;
    double solve_s = 0.0;  ///< rank 0's wall time in the solves and their exchange
  } verification;
  std::string store;   ///< output.store
  int ranks = 1;
  int threads = 1;
  std::vector<std::pair<std::string, double>> timings_s;  ///< stage name -> seconds (rank 0's wall time)
};

/// /space: attributes designs and variant count; `variant_names` and `variant_offset` (first index of each
/// variant, then the size); one group per variant under /space/variants with its `axis_names` in enumeration order
/// (the last axis varies fastest) and one string dataset per axis with the value names.
void write_space_group(hid_t file, const search::DesignSpace& space);

/// /stats: the counts and settings as attributes, `infeasible_reason` / `infeasible_count` datasets (a point counts
/// under each of its reasons), and `time_<stage>_s` attributes.
void write_stats_group(hid_t file, const RunStats& stats);

/// Units and descriptions on the datasets of table `group` (written by ResultTableWriter) and its group
/// attributes `rows` and `description`.
void describe_result_table(hid_t file, const std::string& group, const search::ColumnLayout& layout,
                           std::uint64_t rows, const std::string& description);

}  // namespace chipdse::io
