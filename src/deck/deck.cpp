// Deck loading (see deck.hpp).
#include "chipdse/deck/deck.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "chipdse/core/suggest.hpp"
#include "chipdse/core/toml_file.hpp"
#include "chipdse/tech/tech_loader.hpp"

namespace chipdse::deck {

namespace {

/// Applies one override to the technology database or to a numeric deck key (with the registry's checks).
void apply_override(const Override& o, tech::TechDatabase& tech, DeckValues& dv) {
  const std::string key = o.table + "." + o.path;
  check_override_target(o.path, o.where, key, tech);
  if (const tech::TechEntry* e = tech.find(o.path)) {
    // A sourced quantity keeps its sign domain: a negative wafer price or a fraction above 1 is a typo,
    // not a scenario. Values outside the sourced range are allowed (that is what sweeps explore).
    if (e->range_lo >= 0.0 && o.value < 0.0)
      throw InputError(o.where, key, "must not be negative", number_text(o.value),
                       "a value >= 0 (sourced range [" + number_text(e->range_lo) + ", " + number_text(e->range_hi) + "] " + e->unit + ")");
    if (e->unit == "fraction" && o.value > 1.0)
      throw InputError(o.where, key, "a fraction above 1", number_text(o.value), "a value in [0, 1]");
    tech.set_value(o.path, o.value, "overridden at " + o.where.str());
    return;
  }
  const SchemaRow* row = find_schema_row(o.path);  // numeric by check_override_target
  if (o.value < row->min || o.value > row->max)
    throw InputError(o.where, key, "value out of range", number_text(o.value), describe_kind(*row));
  if (row->kind == ValueKind::integer) {
    if (o.value != std::floor(o.value))
      throw InputError(o.where, key, "not an integer", number_text(o.value), describe_kind(*row));
    dv.values[o.path] = DeckValue{row, static_cast<std::int64_t>(o.value), o.where, false};
  } else {
    dv.values[o.path] = DeckValue{row, o.value, o.where, false};
  }
}

std::optional<double> optional_real(const DeckValues& dv, const std::string& key) {
  if (!dv.has(key)) return std::nullopt;
  return dv.real(key);
}

/// The relations a parallel mapping must satisfy with the workload. `key_of` and `where_of` name and locate a
/// mapping key (tensor_parallel, ...) as the user wrote it, `rank_of` says how: 2 set by the mapping entry, 1 written
/// in [workload], 0 a default; `label` prefixes the problem for a named mapping.
template <typename KeyOf, typename WhereOf, typename RankOf>
void check_mapping(const Deck& d, const Mapping& m, KeyOf key_of, WhereOf where_of, RankOf rank_of,
                   const std::string& label) {
  const Workload& w = d.workload;
  const DeckValues& v = d.values;
  auto fail = [&](const std::string& k, const std::string& problem, std::int64_t value, const std::string& allowed) {
    throw InputError(where_of(k), key_of(k), label + problem, std::to_string(value), allowed);
  };
  if (m.expert_parallel > w.experts)
    fail("expert_parallel", "exceeds workload.experts = " + std::to_string(w.experts), m.expert_parallel,
         "at most the number of experts");
  const std::int64_t model_parallel = m.tensor_packages() * m.pipeline_parallel;  // packages one replica spans
  const std::string what = m.tensor_tier == "package" ? "pipeline_parallel (tensor_parallel runs inside the package)"
                                                      : "tensor_parallel x pipeline_parallel";
  if (w.cluster_packages % model_parallel != 0) {
    // With the [workload] mapping the cluster size is the key to fix; a named mapping's degrees are its own.
    const std::string problem = "workload.cluster_packages = " + std::to_string(w.cluster_packages) +
                                " is not a multiple of " + what + " = " + std::to_string(model_parallel);
    if (label.empty())
      throw InputError(v.where("workload.cluster_packages"), "workload.cluster_packages",
                       "is not a multiple of " + what + " = " + std::to_string(model_parallel),
                       std::to_string(w.cluster_packages), "a multiple of " + std::to_string(model_parallel));
    // Point at the degree the user wrote closest to the mapping (tensor_parallel on a tie).
    const bool pp = rank_of("pipeline_parallel") > rank_of("tensor_parallel");
    fail(pp ? "pipeline_parallel" : "tensor_parallel", problem, pp ? m.pipeline_parallel : m.tensor_parallel,
         "tensor_parallel x pipeline_parallel dividing " + std::to_string(w.cluster_packages));
  }
  // Expert-parallel groups are carved out of the data-parallel replicas (GShard / DeepSpeed-MoE convention): each
  // group of expert_parallel replicas shares one copy of the experts.
  if (m.data_parallel % m.expert_parallel != 0)
    fail("expert_parallel",
         "does not divide the data-parallel degree cluster_packages / (" + what + ") = " +
             std::to_string(m.data_parallel),
         m.expert_parallel, "a divisor of " + std::to_string(m.data_parallel));
  if (m.pipeline_parallel > w.layers)
    fail("pipeline_parallel", "more stages than layers (" + std::to_string(w.layers) + ")", m.pipeline_parallel,
         "at most workload.layers");
  if (w.kind == "training" && w.global_batch_sequences % (m.data_parallel * w.micro_batch_sequences) != 0) {
    const std::int64_t unit = m.data_parallel * w.micro_batch_sequences;
    throw InputError(v.where("workload.global_batch_sequences"), "workload.global_batch_sequences",
                     label + "is not a multiple of data_parallel x micro_batch_sequences = " + std::to_string(unit),
                     std::to_string(w.global_batch_sequences), "a multiple of " + std::to_string(unit));
  }
}

/// Relations between keys that no single row can check.
void check_relations(const Deck& d) {
  const DeckValues& v = d.values;
  const Workload& w = d.workload;
  auto fail = [&](const std::string& key, const std::string& problem, const std::string& value,
                  const std::string& allowed) { throw InputError(v.where(key), key, problem, value, allowed); };
  // When the key named first is a default the user never wrote, point at the related key they did write.
  auto written = [&](const std::string& a, const std::string& b) {
    return v.has(a) && v.at(a).from_default && v.has(b) && !v.at(b).from_default ? b : a;
  };
  if (w.heads % w.kv_heads != 0) {
    const std::string k = written("workload.kv_heads", "workload.heads");
    fail(k, "workload.kv_heads = " + std::to_string(w.kv_heads) + " does not divide workload.heads = " + std::to_string(w.heads),
         k == "workload.heads" ? std::to_string(w.heads) : std::to_string(w.kv_heads), "kv_heads a divisor of heads");
  }
  if (w.d_model % w.heads != 0) {
    const std::string k = written("workload.heads", "workload.d_model");
    fail(k, "workload.heads = " + std::to_string(w.heads) + " does not divide workload.d_model = " + std::to_string(w.d_model),
         k == "workload.d_model" ? std::to_string(w.d_model) : std::to_string(w.heads), "heads a divisor of d_model");
  }
  if (w.top_k > w.experts)
    fail("workload.top_k", "exceeds workload.experts = " + std::to_string(w.experts), std::to_string(w.top_k),
         "1 <= top_k <= experts");
  if (w.kind == "training" && w.batch_policy != "fixed")
    fail("workload.batch_policy", "chooses the batch only for inference (workload.kind = \"training\")",
         "\"" + w.batch_policy + "\"", "\"fixed\" for training");
  if (w.kind == "inference" && w.batch_policy == "slo" && !d.constraints.ttft_slo_s && !d.constraints.tpot_slo_s)
    fail("workload.batch_policy", "needs an SLO to meet: set constraints.ttft_slo_s or constraints.tpot_slo_s",
         "\"slo\"", "\"fixed\" or \"fill_memory\", or an SLO in [constraints]");
  if (w.iteration_token_budget > 0) {
    const std::string b = std::to_string(w.iteration_token_budget);
    if (w.kind != "inference")
      fail("workload.iteration_token_budget", "applies to inference only (workload.kind = \"" + w.kind + "\")", b,
           "0 for training");
    const std::int64_t most = w.budget_sustained_batch();
    std::ostringstream per_sequence;
    per_sequence << 1.0 + static_cast<double>(w.sequence_length) / static_cast<double>(w.output_tokens);
    if (most < 1)
      fail("workload.iteration_token_budget",
           "leaves no room for prompts: one sequence needs more than 1 + sequence_length / output_tokens = " +
               per_sequence.str() +
               " tokens per iteration",
           b, "a budget above 1 + sequence_length / output_tokens");
    if (w.batch_policy == "fixed" && w.micro_batch_sequences > most)
      fail("workload.micro_batch_sequences",
           "is more sequences than workload.iteration_token_budget = " + b + " sustains (" + std::to_string(most) +
               "): each iteration must start prompts as fast as the batch finishes them, batch x (1 + sequence_length "
               "/ output_tokens) < budget",
           std::to_string(w.micro_batch_sequences),
           "at most " + std::to_string(most) + ", a larger budget, or batch_policy \"fill_memory\" or \"slo\"");
  }
  if (d.space.mapping.empty()) {
    check_mapping(d, w.mapping(), [](const std::string& k) { return "workload." + k; },
                  [&](const std::string& k) { return v.where("workload." + k); },
                  [&](const std::string& k) { return v.at("workload." + k).from_default ? 0 : 1; }, "");
  } else {
    for (std::size_t i = 0; i < d.space.mapping.size(); ++i) {
      const MappingEntry& e = v.mappings[i];
      // A key the entry set is named as written; one it took from [workload] is named there.
      const auto key_of = [&](const std::string& k) {
        return e.values.count(k) ? "space.mapping[" + std::to_string(i) + "]." + k : "workload." + k;
      };
      const auto where_of = [&](const std::string& k) {
        if (const auto it = e.values.find(k); it != e.values.end()) return it->second.where;
        return v.at("workload." + k).from_default ? e.where : v.where("workload." + k);
      };
      const auto rank_of = [&](const std::string& k) { return e.values.count(k) ? 2 : v.at("workload." + k).from_default ? 0 : 1; };
      check_mapping(d, d.space.mapping[i], key_of, where_of, rank_of, "mapping '" + e.name + "': ");
    }
  }
  // A stacked cache die exists to hold the package's SRAM: with none to hold it would be an empty die.
  const auto& parts = d.space.partitioning;
  if (std::find(parts.begin(), parts.end(), "chiplets_io_cache") != parts.end()) {
    const bool axis = !d.space.sram_mb.empty();
    const std::vector<double> sizes = axis ? d.space.sram_mb : std::vector<double>{d.reference.sram_mb};
    for (const double mb : sizes)
      if (!(mb > 0.0))
        fail(axis ? "space.sram_mb" : "reference.sram_mb",
             "no SRAM for the cache dies of space.partitioning = \"chiplets_io_cache\" to hold", number_text(mb),
             "a positive size in MB, or drop \"chiplets_io_cache\" from space.partitioning");
  }
  if (d.objectives.size() < 2 || d.objectives.size() > 6)
    fail("objectives.list", "needs 2 to 6 objectives", std::to_string(d.objectives.size()) + " objective(s)",
         "2 to 6 names of DESIGN.md §2");
  if (d.search.nsga2_population % 4 != 0)
    fail("search.nsga2_population", "must be a multiple of 4 (NSGA-II pairs parents in fours)",
         std::to_string(d.search.nsga2_population), "a multiple of 4, at least 8");
}


Deck resolve_deck(TomlDocument doc, const std::filesystem::path& path, const std::vector<Override>& extra) {
  Deck d;
  d.path = path.string();
  std::vector<std::string> file_order;
  for (auto& f : doc.files) {
    file_order.push_back(f.path.string());
    d.files.push_back({f.path.string(), f.text});
  }
  d.tech = tech::build_tech_database(doc.root, file_order);
  DeckValues dv = check_deck_values(doc.root, d.tech, d.path);
  for (const auto& o : dv.overrides) apply_override(o, d.tech, dv);
  for (const auto& o : extra) apply_override(o, d.tech, dv);
  d.overrides = dv.overrides;
  d.overrides.insert(d.overrides.end(), extra.begin(), extra.end());
  d.sweep = dv.sweep;
  d.thermal_petsc = dv.thermal_petsc;

  d.study_name = dv.text("study.name");
  if (d.study_name.empty() ||
      !std::all_of(d.study_name.begin(), d.study_name.end(),
                   [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; }))
    throw InputError(dv.where("study.name"), "study.name", "not a usable study name", "\"" + d.study_name + "\"",
                     "letters, digits, '_' and '-' (it names the output file)");
  d.study_description = dv.text("study.description");

  d.reference = {dv.real("reference.peak_dense_tflops"), dv.text("reference.precision"), dv.text("reference.node"),
                 dv.real("reference.clock_ghz"),         dv.real("reference.sram_mb"),
                 dv.real("reference.hbm_capacity_gb"),   dv.real("reference.scale_up_gb_per_s"),
                 dv.real("reference.scale_out_gbps"),    dv.integer("reference.compute_units"),
                 dv.integer("reference.scale_up_domain_packages")};

  SpaceAxes& s = d.space;
  s.partitioning = dv.names("space.partitioning");
  s.chiplet_count = dv.integers("space.chiplet_count");
  s.compute_node = dv.names("space.compute_node");
  s.io_node = dv.names("space.io_node");
  s.cache_node = dv.names("space.cache_node");
  s.packaging = dv.names("space.packaging");
  s.d2d = dv.names("space.d2d");
  s.d2d_bandwidth_tbps = dv.reals("space.d2d_bandwidth_tbps");
  s.hbm = dv.names("space.hbm");
  s.hbm_stacks = dv.integers("space.hbm_stacks");
  s.scale_up_link = dv.names("space.scale_up_link");
  s.scale_out_link = dv.names("space.scale_out_link");
  s.clock_ghz = dv.reals("space.clock_ghz");
  if (dv.has("space.sram_mb")) s.sram_mb = dv.reals("space.sram_mb");

  Workload& w = d.workload;
  w.kind = dv.text("workload.kind");
  w.layers = dv.integer("workload.layers");
  w.d_model = dv.integer("workload.d_model");
  w.heads = dv.integer("workload.heads");
  w.kv_heads = dv.integer("workload.kv_heads");
  w.ffn_hidden = dv.integer("workload.ffn_hidden");
  w.vocab = dv.integer("workload.vocab");
  w.experts = dv.integer("workload.experts");
  w.top_k = dv.integer("workload.top_k");
  w.sequence_length = dv.integer("workload.sequence_length");
  w.global_batch_sequences = dv.integer("workload.global_batch_sequences");
  w.output_tokens = dv.integer("workload.output_tokens");
  w.micro_batch_sequences = dv.integer("workload.micro_batch_sequences");
  w.precision = dv.text("workload.precision");
  w.cluster_packages = dv.integer("workload.cluster_packages");
  w.tensor_parallel = dv.integer("workload.tensor_parallel");
  w.pipeline_parallel = dv.integer("workload.pipeline_parallel");
  w.expert_parallel = dv.integer("workload.expert_parallel");
  w.tensor_tier = dv.text("workload.tensor_tier");
  w.data_parallel = w.cluster_packages / (w.mapping().tensor_packages() * w.pipeline_parallel);
  w.activation_recompute = dv.text("workload.activation_recompute");
  w.batch_policy = dv.text("workload.batch_policy");
  w.kv_cache_memory_fraction = dv.real("workload.kv_cache_memory_fraction");
  w.iteration_token_budget = dv.integer("workload.iteration_token_budget");
  w.sequence_length_cv = dv.real("workload.sequence_length_cv");
  w.pipeline_tier = dv.text("workload.pipeline_tier");
  w.data_tier = dv.text("workload.data_tier");
  w.expert_tier = dv.text("workload.expert_tier");
  for (const MappingEntry& e : dv.mappings) {
    Mapping m = w.mapping();
    m.name = e.name;
    for (const auto& [k, val] : e.values) {
      if (k == "tensor_parallel") m.tensor_parallel = std::get<std::int64_t>(val.value);
      else if (k == "pipeline_parallel") m.pipeline_parallel = std::get<std::int64_t>(val.value);
      else if (k == "expert_parallel") m.expert_parallel = std::get<std::int64_t>(val.value);
      else if (k == "tensor_tier") m.tensor_tier = std::get<std::string>(val.value);
      else if (k == "pipeline_tier") m.pipeline_tier = std::get<std::string>(val.value);
      else if (k == "data_tier") m.data_tier = std::get<std::string>(val.value);
      else if (k == "expert_tier") m.expert_tier = std::get<std::string>(val.value);
    }
    // Integer division is exact once check_relations has passed; before that it only feeds the messages.
    m.data_parallel = w.cluster_packages / (m.tensor_packages() * m.pipeline_parallel);
    s.mapping.push_back(std::move(m));
  }

  d.constraints = {dv.real("constraints.tj_max_c"), dv.text("constraints.cooling"), optional_real(dv, "constraints.tdp_w"),
                   dv.real("constraints.max_die_area_mm2"), optional_real(dv, "constraints.ttft_slo_s"),
                   optional_real(dv, "constraints.tpot_slo_s"), dv.text("constraints.tdp_policy"),
                   optional_real(dv, "constraints.slo_percentile")};
  d.economics = {dv.real("economics.volume_units"), dv.integer("economics.reuse_products"),
                 dv.real("economics.lifetime_years"), dv.real("economics.electricity_usd_per_kwh"),
                 dv.real("economics.pue")};
  d.objectives = dv.names("objectives.list");
  d.output = {dv.text("output.store"), dv.integer("output.sample_points"), dv.integer("output.max_points")};
  d.search = {dv.text("search.method"), dv.integer("search.max_exhaustive_points"), dv.integer("search.chunk_size"),
              dv.integer("search.seed"), dv.integer("search.nsga2_population"), dv.integer("search.nsga2_generations"),
              dv.real("search.checkpoint_interval_s")};
  d.sweep_mode = dv.text("sweep.mode");
  d.values = std::move(dv);
  check_relations(d);

  std::ostringstream os;
  os << doc.root;
  d.resolved_toml = os.str();
  return d;
}

}  // namespace

Mapping Workload::mapping() const {
  return {"workload", tensor_parallel, pipeline_parallel, expert_parallel, data_parallel,
          tensor_tier, pipeline_tier, data_tier, expert_tier};
}

std::int64_t Workload::budget_sustained_batch() const {
  // n (O + s) < B O in whole tokens: n = floor((B O - 1) / (O + s)).
  if (iteration_token_budget <= 0 || output_tokens <= 0) return 0;
  return (iteration_token_budget * output_tokens - 1) / (output_tokens + sequence_length);
}

std::vector<Mapping> deck_mappings(const Deck& deck) {
  if (!deck.space.mapping.empty()) return deck.space.mapping;
  return {deck.workload.mapping()};
}

Deck load_deck(const std::filesystem::path& path, const std::vector<Override>& extra) {
  return resolve_deck(load_toml_with_includes(path), path, extra);
}

Deck load_deck_text(const std::string& text, const std::filesystem::path& path, const std::vector<Override>& extra) {
  return resolve_deck(load_toml_text_with_includes(text, path), path, extra);
}

}  // namespace chipdse::deck
