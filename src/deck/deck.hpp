// chipdse/deck/deck.hpp — a study deck, checked against the schema registry and resolved into plain
// structs: the reference design, the design-space axes, workload, constraints, economics, objectives,
// output, search settings, technology overrides and sweep. Must not include MPI, PETSc or HDF5.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "chipdse/deck/deck_values.hpp"
#include "chipdse/tech/tech_database.hpp"

namespace chipdse::deck {

/// One file of a deck as given.
struct DeckFile {
  std::string path;
  std::string text;
};

/// [reference]: the compute, memory and IO every candidate package must provide.
struct ReferenceDesign {
  double peak_dense_tflops = 0;
  std::string precision;
  std::string node;
  double clock_ghz = 0;
  double sram_mb = 0;
  double hbm_capacity_gb = 0;
  double scale_up_gb_per_s = 0;
  double scale_out_gbps = 0;
  std::int64_t compute_units = 0;  ///< SMs / CUs the matrix tiles are spread over (wave quantisation)
  std::int64_t scale_up_domain_packages = 0;  ///< packages joined by one scale-up network (NVLink domain)
};

/// One parallel mapping of the workload onto the cluster: the degrees and the tier each dimension's collectives
/// run on (package = across chiplets over D2D, scale_up, scale_out).
struct Mapping {
  std::string name;  ///< the [[space.mapping]] name; "workload" for the fixed mapping of [workload]
  std::int64_t tensor_parallel = 1, pipeline_parallel = 1, expert_parallel = 1;
  std::int64_t data_parallel = 1;  ///< derived: cluster_packages / (tensor_parallel [1 on the package tier] * pipeline_parallel)
  std::string tensor_tier, pipeline_tier, data_tier, expert_tier;

  /// Packages the tensor-parallel group spans: 1 on the package tier, whose ranks are one package's compute dies.
  std::int64_t tensor_packages() const { return tensor_tier == "package" ? 1 : tensor_parallel; }
};

/// [space]: the values of each axis (DESIGN.md §1). Which axes exist depends on the partitioning.
struct SpaceAxes {
  std::vector<std::string> partitioning;
  std::vector<std::int64_t> chiplet_count;
  std::vector<std::string> compute_node, io_node, cache_node, packaging, d2d;
  std::vector<double> d2d_bandwidth_tbps;
  std::vector<std::string> hbm;
  std::vector<std::int64_t> hbm_stacks;
  std::vector<std::string> scale_up_link, scale_out_link;
  std::vector<double> clock_ghz;
  std::vector<double> sram_mb;  ///< space.sram_mb; empty: no axis (every design has reference.sram_mb)
  std::vector<Mapping> mapping;  ///< [[space.mapping]]; empty: the [workload] mapping is fixed (no mapping axis)
};

/// [workload]: the transformer and how it is mapped onto the cluster.
struct Workload {
  std::string kind;  ///< "training" or "inference"
  std::int64_t layers = 0, d_model = 0, heads = 0, kv_heads = 0, ffn_hidden = 0, vocab = 0;
  std::int64_t experts = 1, top_k = 1;
  std::int64_t sequence_length = 0, global_batch_sequences = 0, output_tokens = 0, micro_batch_sequences = 1;
  std::string precision;
  std::int64_t cluster_packages = 1, tensor_parallel = 1, pipeline_parallel = 1, expert_parallel = 1;
  std::int64_t data_parallel = 1;  ///< derived: cluster_packages / (tensor_parallel [1 on the package tier] * pipeline_parallel)
  std::string tensor_tier, pipeline_tier, data_tier, expert_tier;
  std::string activation_recompute;  ///< "none" | "full" (one extra forward pass per micro-batch)
  std::string batch_policy;          ///< inference: "fixed" | "fill_memory" (as many sequences as the HBM holds)
  double kv_cache_memory_fraction = 0.9;  ///< inference, fill_memory: share of what the weights leave for the KV cache
  std::int64_t iteration_token_budget = 0;  ///< inference: tokens per serving-engine iteration, 0 = none
  double sequence_length_cv = 0.0;          ///< inference: coefficient of variation of the prompt lengths

  /// The mapping of [workload] as a Mapping named "workload".
  Mapping mapping() const;
  /// With iteration_token_budget: the largest whole batch whose prompts the budget starts as fast as the batch
  /// finishes them (model/prompt_queue.hpp load < 1): batch (1 + sequence_length / output_tokens) < budget; 0 if
  /// none. Without a budget: no limit (0 as well; test iteration_token_budget).
  std::int64_t budget_sustained_batch() const;
};

/// [constraints]
struct Constraints {
  double tj_max_c = 0;
  std::string cooling;
  std::optional<double> tdp_w;
  double max_die_area_mm2 = 0;
  std::optional<double> ttft_slo_s, tpot_slo_s;
  std::string tdp_policy;  ///< "infeasible" | "dvfs" (lower the clock until the package meets tdp_w)
  std::optional<double> slo_percentile;  ///< the percentile the SLOs bind (unset: the means)
};

/// [economics]
struct Economics {
  double volume_units = 0;
  std::int64_t reuse_products = 1;
  double lifetime_years = 0, electricity_usd_per_kwh = 0, pue = 1;
};

/// [output]
struct OutputSpec {
  std::string store;
  std::int64_t sample_points = 0, max_points = 0;
};

/// [search]
struct SearchSpec {
  std::string method;
  std::int64_t max_exhaustive_points = 0, chunk_size = 0, seed = 0, nsga2_population = 0, nsga2_generations = 0;
  double checkpoint_interval_s = 0;
};

/// A loaded, checked deck.
struct Deck {
  std::string path;               ///< the top deck file as named by the user
  std::vector<DeckFile> files;    ///< the top file and every include, as given
  std::string resolved_toml;      ///< the merged document, rendered as TOML
  tech::TechDatabase tech;        ///< the technology database after [overrides]
  std::string study_name, study_description;
  ReferenceDesign reference;
  SpaceAxes space;
  Workload workload;
  Constraints constraints;
  Economics economics;
  std::vector<std::string> objectives;
  OutputSpec output;
  SearchSpec search;
  std::vector<Override> overrides;  ///< as written, applied
  std::string sweep_mode;
  std::vector<SweepAxis> sweep;
  std::vector<std::pair<std::string, std::string>> thermal_petsc;  ///< [thermal.petsc], for set_petsc_options
  DeckValues values;                ///< every checked key with where it was written
};

/// The mappings the kernel evaluates, in axis order: [[space.mapping]] when given, else the [workload] mapping.
std::vector<Mapping> deck_mappings(const Deck& deck);

/// Loads a deck and its includes, checks every key against the schema registry, applies [overrides] and
/// then `extra` overrides (a sweep case, command-line settings), and checks the relations between keys.
/// @throws InputError naming file, line, key, bad value and what is allowed; unknown keys are errors.
Deck load_deck(const std::filesystem::path& path, const std::vector<Override>& extra = {});

/// As load_deck, with the top file's text given (`path` names it and anchors its includes).
Deck load_deck_text(const std::string& text, const std::filesystem::path& path, const std::vector<Override>& extra = {});

}  // namespace chipdse::deck
