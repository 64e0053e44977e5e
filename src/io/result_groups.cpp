// The small groups of the run file that rank 0 writes (see result_groups.hpp).
#include "chipdse/io/result_groups.hpp"

#include "chipdse/io/h5_writer.hpp"
#include "chipdse/io/result_tables.hpp"
#include "chipdse/model/objectives.hpp"

namespace chipdse::io {

void write_space_group(hid_t file, const search::DesignSpace& space) {
  H5Id g = create_group(file, "space");
  write_attribute(g.get(), "designs", static_cast<long long>(space.size()));
  write_attribute(g.get(), "variant_count", static_cast<long long>(space.variant_count()));
  write_attribute(g.get(), "description",
                  std::string("the design space: variants (partitionings) concatenated in order, each the product of "
                              "its axes with the last axis varying fastest; a design's index is its position"));
  std::vector<std::string> names;
  std::vector<unsigned long long> offsets;
  for (std::size_t v = 0; v < space.variant_count(); ++v) {
    names.push_back(space.variant(v).name);
    offsets.push_back(space.variant_offset(v));
  }
  offsets.push_back(space.size());
  write_strings(g.get(), "variant_names", names);
  write_uint64s(g.get(), "variant_offset", offsets);
  H5Id variants = create_group(g.get(), "variants");
  for (std::size_t v = 0; v < space.variant_count(); ++v) {
    const search::Variant& var = space.variant(v);
    H5Id vg = create_group(variants.get(), var.name);
    write_attribute(vg.get(), "position", static_cast<long long>(v));
    write_attribute(vg.get(), "offset", static_cast<long long>(space.variant_offset(v)));
    write_attribute(vg.get(), "size", static_cast<long long>(space.variant_size(v)));
    std::vector<std::string> axes;
    for (const auto& a : var.axes) axes.push_back(a.name);
    write_strings(vg.get(), "axis_names", axes);
    for (const auto& a : var.axes) write_strings(vg.get(), a.name, a.values);
  }
}

void write_stats_group(hid_t file, const RunStats& s) {
  H5Id g = create_group(file, "stats");
  auto ll = [](std::uint64_t v) { return static_cast<long long>(v); };
  write_attribute(g.get(), "designs", ll(s.designs));
  write_attribute(g.get(), "evaluated", ll(s.evaluated));
  write_attribute(g.get(), "feasible", ll(s.feasible));
  write_attribute(g.get(), "infeasible", ll(s.evaluated - s.feasible));
  write_attribute(g.get(), "front_size", ll(s.front_size));
  write_attribute(g.get(), "points_rows", ll(s.points_rows));
  write_attribute(g.get(), "chunks", ll(s.chunks));
  write_attribute(g.get(), "chunk_size", ll(s.chunk_size));
  write_attribute(g.get(), "chunks_resumed", ll(s.chunks_resumed));
  write_attribute(g.get(), "chunks_evaluated", ll(s.chunks_evaluated));
  write_attribute(g.get(), "checkpoints", ll(s.checkpoints));
  write_attribute(g.get(), "seed", ll(s.seed));
  write_attribute(g.get(), "method", s.method);
  write_attribute(g.get(), "store", s.store);
  write_attribute(g.get(), "ranks", static_cast<long long>(s.ranks));
  write_attribute(g.get(), "threads", static_cast<long long>(s.threads));
  write_attribute(g.get(), "compression", std::string(deflate_available() ? "shuffle+deflate(4)" : "none"));
  std::vector<std::string> reasons;
  std::vector<unsigned long long> counts;
  for (const auto& [name, count] : s.infeasible_by_reason) {
    reasons.push_back(name);
    counts.push_back(count);
  }
  write_strings(g.get(), "infeasible_reason", reasons);
  write_uint64s(g.get(), "infeasible_count", counts);
  write_attribute(g.get(), "description",
                  std::string("infeasible_count[i]: points with reason infeasible_reason[i] (a point counts under each "
                              "of its reasons); bit i of a row's `infeasible` mask is infeasible_reason[i]; "
                              "time_*_s: wall time of each stage on rank 0"));
  for (const auto& [stage, seconds] : s.timings_s) write_attribute(g.get(), "time_" + stage + "_s", seconds);
  if (s.hypervolume.computed) {
    write_attribute(g.get(), "hypervolume", s.hypervolume.value);
    write_attribute(g.get(), "hypervolume_points_inside", ll(s.hypervolume.points_inside));
    write_attribute(g.get(), "hypervolume_ideal", s.hypervolume.ideal);
    write_attribute(g.get(), "hypervolume_reference", s.hypervolume.reference);
    write_attribute(g.get(), "hypervolume_description",
                    std::string("the share of the box between hypervolume_ideal and hypervolume_reference (the deck's, "
                                "in each objective's unit, in objectives order) that the front dominates, every "
                                "objective scaled to [0, 1] (pagmo2, exact); hypervolume_points_inside: front designs "
                                "better than the reference in every objective"));
  }
  write_attribute(g.get(), "verification", s.verification.mode);
  if (s.verification.mode == "rounds") {
    const RunStats::Verification& v = s.verification;
    write_attribute(g.get(), "verification_rounds", ll(v.front_size_by_round.size()));
    write_attribute(g.get(), "verification_cells_xy", ll(v.cells_xy));
    write_attribute(g.get(), "verification_geometries_solved", ll(v.geometries_solved));
    write_attribute(g.get(), "thermal_solves", ll(v.thermal_solves));
    write_attribute(g.get(), "thermal_solve_iterations", ll(v.solve_iterations));
    write_attribute(g.get(), "time_thermal_solves_s", v.solve_s);
    write_uint64s(g.get(), "verification_front_size", v.front_size_by_round);
    write_uint64s(g.get(), "verification_unsolved", v.unsolved_by_round);
    write_attribute(g.get(), "verification_description",
                    std::string("verification rounds (DESIGN.md §3): round i enumerated the space with every package "
                                "solved so far (a design of a solved package at its settled junction, tj_solved_c), "
                                "found a front of verification_front_size[i] designs whose packages included "
                                "verification_unsolved[i] without a solve, and solved those (one PETSc solve per placed "
                                "die, thermal_solves in all) before the next round; the last round has none unsolved, so "
                                "/pareto is the exact front of the space with every package solved"));
  }
  if (s.method != "nsga2") return;
  const RunStats::Nsga2& n = s.nsga2;
  write_attribute(g.get(), "nsga2_population", ll(n.population));
  write_attribute(g.get(), "nsga2_generations", ll(n.generations));
  write_attribute(g.get(), "nsga2_generations_resumed", ll(n.generations_resumed));
  write_attribute(g.get(), "nsga2_evaluations", ll(n.evaluations));
  write_attribute(g.get(), "nsga2_crossover_probability", n.crossover_probability);
  write_attribute(g.get(), "nsga2_crossover_distribution_index", n.crossover_distribution);
  write_attribute(g.get(), "nsga2_mutation_probability", n.mutation_probability);
  write_attribute(g.get(), "nsga2_mutation_distribution_index", n.mutation_distribution);
  write_uint64s(g.get(), "nsga2_front_size", n.front_size_by_generation);
  write_uint64s(g.get(), "nsga2_distinct_designs", n.distinct_by_generation);
  write_attribute(g.get(), "nsga2_description",
                  std::string("NSGA-II (pagmo2): `evaluated` counts distinct designs, nsga2_evaluations repeats too; "
                              "nsga2_front_size[i] and nsga2_distinct_designs[i]: the external archive's front and the "
                              "distinct designs after generation nsga2_generations_resumed + i (0: the initial "
                              "population); /pareto is the front of every feasible design evaluated, not a proof of "
                              "the space's front"));
}

void describe_result_table(hid_t file, const std::string& group, const search::ColumnLayout& layout,
                           std::uint64_t rows, const std::string& description) {
  H5Id g = open_group(file, group);
  write_attribute(g.get(), "rows", static_cast<long long>(rows));
  write_attribute(g.get(), "description", description);
  auto describe = [&](const std::string& name, const std::string& text, const std::string& unit) {
    H5Id ds = open_dataset(g.get(), name);
    write_attribute(ds.get(), "description", text);
    if (!unit.empty()) write_attribute(ds.get(), "unit", unit);
  };
  describe("index", "design index in the enumeration of /space (chipdse evaluate --set ... prints it)", "");
  describe("partitioning", "the variant (enum of /space/variant_names)", "");
  for (const auto& c : layout.design_columns())
    describe(c.name,
             "axis " + c.name + " (enum of its value names); '" + kNotApplicable +
                 "' when the row's partitioning has no such axis",
             "");
  for (const auto& m : model::kMetricColumns)
    describe(std::string(m.name), "metric " + std::string(m.name) + " as computed by the evaluation kernel",
             std::string(m.unit));
  describe("infeasible", "reason bit mask, 0 = feasible; bit i is /stats/infeasible_reason[i]", "");
}

}  // namespace chipdse::io
