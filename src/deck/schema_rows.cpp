// The rows of the deck schema registry (see schema.hpp). Physical defaults cite a row id of
// shared/reference/tech_data.json or a publication; software settings say "chipdse policy" and why.
#include <limits>

#include "chipdse/deck/schema.hpp"

namespace chipdse::deck {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
using K = ValueKind;

// clang-format off
constexpr SchemaRow kRows[] = {
  // key, kind, unit, min, max, default, required, choices, doc, source, group
  {"study.name", K::text, "", 0, 0, "", true, "", "Name of the study; names the output file results/<name>.h5 (letters, digits, '_' and '-').", "", ""},
  {"study.description", K::text, "", 0, 0, "\"\"", false, "", "Free text describing the question the study answers.", "", ""},

  {"reference.peak_dense_tflops", K::real, "TFLOPS", 1e-3, 1e6, "", true, "", "Peak dense throughput of the whole reference package at `reference.precision` and `reference.clock_ghz`: the compute every partitioning must provide.", "", ""},
  {"reference.precision", K::choice, "", 0, 0, "\"bf16\"", false, "fp8|bf16|fp16|fp32", "Precision of `peak_dense_tflops` and of the workload's matrix operations.", "compute.fp8_vs_bf16_throughput (FP8 = 2x BF16 rate)", ""},
  {"reference.node", K::choice, "", 0, 0, "", true, "@process_node", "Process node at which the reference compute was built; area and energy scale from it.", "", ""},
  {"reference.clock_ghz", K::real, "GHz", 0.1, 6.0, "", true, "", "Clock at which `peak_dense_tflops` is quoted.", "", ""},
  {"reference.sram_mb", K::real, "MB", 0, 1e5, "", true, "", "On-chip SRAM (last-level cache and scratchpads) of the reference design.", "", ""},
  {"reference.hbm_capacity_gb", K::real, "GB", 0, 1e5, "", true, "", "Minimum HBM capacity per package; designs with less are infeasible.", "", ""},
  {"reference.scale_up_gb_per_s", K::real, "GB/s", 0, 1e6, "900.0", false, "", "Scale-up bandwidth per package (bidirectional), e.g. NVLink.", "optics.scale_up_bw_per_gpu_nvlink4_nvlink5 (NVLink4: 900 GB/s)", ""},
  {"reference.compute_units", K::integer, "-", 1, 1e6, "132", false, "", "Streaming multiprocessors / compute units of the reference; a matrix product's output tiles run in waves over them (wave quantisation).", "cite: NVIDIA H100 Tensor Core GPU Architecture whitepaper (2022): 132 SMs on H100 SXM5", ""},
  {"reference.scale_up_domain_packages", K::integer, "-", 1, 1e6, "8", false, "", "Packages joined by one scale-up network (an NVLink domain): data-parallel ranks inside it reduce over scale-up first (hierarchical all-reduce).", "cite: NVIDIA DGX H100 user guide (2023): 8 H100 per NVSwitch domain; GB200 NVL72: 72", ""},
  {"reference.scale_out_gbps", K::real, "Gbps", 0, 1e6, "400.0", false, "", "Scale-out bandwidth per package (NIC), e.g. InfiniBand/Ethernet.", "optics.scale_out_bw_per_gpu_cx7_cx8 (ConnectX-7: 400 Gb/s)", ""},

  {"space.partitioning", K::choice_list, "", 0, 0, "[\"monolithic\", \"chiplets\", \"chiplets_io\"]", false, "monolithic|chiplets|chiplets_io|chiplets_io_cache", "How the package is split: one die; k identical compute chiplets; compute chiplets + a separate IO die; compute + IO + a 3D-stacked SRAM cache die. Each kind is one variant of the sum-of-products encoding.", "DESIGN.md §1", ""},
  {"space.chiplet_count", K::integer_list, "-", 2, 64, "[2, 4, 8]", false, "", "Number of identical compute chiplets.", "DESIGN.md §1 (k = 2, 4, 8, 16)", "chiplets, chiplets_io, chiplets_io_cache"},
  {"space.compute_node", K::choice_list, "", 0, 0, "[\"N5\", \"N3\", \"N2\"]", false, "@process_node", "Process node of the compute die(s).", "DESIGN.md §1", ""},
  {"space.io_node", K::choice_list, "", 0, 0, "[\"N6\"]", false, "@process_node", "Process node of the IO die.", "DESIGN.md §1 (IO die: N16/N12, N7, N6/N5)", "chiplets_io, chiplets_io_cache"},
  {"space.cache_node", K::choice_list, "", 0, 0, "[\"N5\"]", false, "@process_node", "Process node of the 3D-stacked cache die.", "DESIGN.md §1 (cache die: N7, N5, N3)", "chiplets_io_cache"},
  {"space.packaging", K::choice_list, "", 0, 0, "[\"organic_mcm\", \"cowos_s\", \"cowos_l\"]", false, "@packaging:packaging", "2.5D packaging / integration of the dies and HBM.", "DESIGN.md §1", ""},
  {"space.d2d", K::choice_list, "", 0, 0, "[\"ucie_s\", \"ucie_a\"]", false, "@d2d:d2d", "Die-to-die interface between dies side by side.", "DESIGN.md §1", "chiplets, chiplets_io, chiplets_io_cache"},
  {"space.d2d_bandwidth_tbps", K::real_list, "Tbps", 0.01, 1000, "[4.0]", false, "", "D2D bandwidth provisioned per compute chiplet, each direction (sets lanes and PHY area).", "d2d.ucie_s_shoreline_bw_density_at_32gt_s (UCIe shoreline density bounds what is buildable)", "chiplets, chiplets_io, chiplets_io_cache"},
  {"space.hbm", K::choice_list, "", 0, 0, "[\"hbm3e\", \"hbm4\"]", false, "@memory:hbm", "HBM generation.", "DESIGN.md §1", ""},
  {"space.hbm_stacks", K::integer_list, "-", 1, 16, "[4, 6, 8]", false, "", "HBM stacks per package.", "cal.nvidia_h100_sxm5_2022 (5 active stacks), cal.amd_instinct_mi300x_2023 (8)", ""},
  {"space.scale_up_link", K::choice_list, "", 0, 0, "[\"copper\", \"cpo\"]", false, "@link:link", "Link technology of the scale-up network ports.", "DESIGN.md §1", ""},
  {"space.scale_out_link", K::choice_list, "", 0, 0, "[\"pluggable_dsp\", \"lpo\", \"cpo\"]", false, "@link:link", "Link technology of the scale-out network ports.", "DESIGN.md §1", ""},
  {"space.clock_ghz", K::real_list, "GHz", 0.1, 6.0, "[1.6, 1.98]", false, "", "Compute clock levels (operating points); NLopt refines per chiplet later.", "cite: NVIDIA H100 Tensor Core GPU Architecture whitepaper (2022): 1.98 GHz boost (SXM5)", ""},
  {"space.sram_mb", K::real_list, "MB", 0.0, 4096.0, "", false, "", "On-chip SRAM per package (physical MB), an axis of the space: it is split evenly over the compute dies (on them, or on their stacked cache dies), costs area, and sets the tile the matrix products reuse, so less SRAM means more HBM traffic (tiling bound, shared/reference/perf_models.md §6.2). Absent: every design has reference.sram_mb.", "cite: NVIDIA H100 (60 MB physical L2, compute.h100.l2_physical_mbyte); AMD MI300X (256 MB Infinity Cache, cal.amd_instinct_mi300x_2023)", ""},
  {"space.mapping", K::mapping_tables, "", 0, 0, "", false, "", "Alternative parallel mappings of the workload, an axis of the space (at most 16): each [[space.mapping]] names one and sets any of the workload's tensor_parallel, pipeline_parallel, expert_parallel and *_tier keys; the keys it leaves out come from [workload]. Absent: the [workload] mapping is fixed.", "cite: Narayanan et al., Megatron-LM SC21 (the mapping of TP, PP and DP onto the network decides throughput)", ""},

  {"workload.kind", K::choice, "", 0, 0, "\"training\"", false, "training|inference", "A transformer training step, or inference (prefill then decode).", "", ""},
  {"workload.layers", K::integer, "-", 1, 1000, "80", false, "", "Transformer layers.", "cite: Touvron et al., Llama 2, arXiv:2307.09288 (2023), 70B config", ""},
  {"workload.d_model", K::integer, "-", 64, 1e6, "8192", false, "", "Hidden size.", "cite: Touvron et al., Llama 2, arXiv:2307.09288 (2023), 70B config", ""},
  {"workload.heads", K::integer, "-", 1, 4096, "64", false, "", "Attention (query) heads.", "cite: Touvron et al., Llama 2, arXiv:2307.09288 (2023), 70B config", ""},
  {"workload.kv_heads", K::integer, "-", 1, 4096, "8", false, "", "Key/value heads (grouped-query attention); divides `heads`.", "cite: Touvron et al., Llama 2, arXiv:2307.09288 (2023), 70B config", ""},
  {"workload.ffn_hidden", K::integer, "-", 1, 1e7, "28672", false, "", "Feed-forward hidden size (per expert for MoE).", "cite: Touvron et al., Llama 2, arXiv:2307.09288 (2023), 70B config", ""},
  {"workload.vocab", K::integer, "-", 1, 1e7, "32000", false, "", "Vocabulary size.", "cite: Touvron et al., Llama 2, arXiv:2307.09288 (2023)", ""},
  {"workload.experts", K::integer, "-", 1, 4096, "1", false, "", "MoE experts per layer (1 = dense).", "", ""},
  {"workload.top_k", K::integer, "-", 1, 4096, "1", false, "", "Experts each token is routed to; at most `experts`.", "", ""},
  {"workload.sequence_length", K::integer, "-", 1, 1e7, "4096", false, "", "Training sequence length, or inference prompt (context) length.", "cite: Touvron et al., Llama 2, arXiv:2307.09288 (2023): 4k context", ""},
  {"workload.global_batch_sequences", K::integer, "-", 1, 1e9, "1024", false, "", "Training: sequences per optimizer step (4M tokens at 4k).", "cite: Touvron et al., Llama 2, arXiv:2307.09288 (2023): 4M-token batches", ""},
  {"workload.output_tokens", K::integer, "-", 1, 1e7, "256", false, "", "Inference: tokens generated per request.", "", ""},
  {"workload.precision", K::choice, "", 0, 0, "\"bf16\"", false, "fp8|bf16|fp16|fp32", "Precision of weights and activations in the workload.", "", ""},
  {"workload.cluster_packages", K::integer, "-", 1, 1e7, "1024", false, "", "Identical packages in the cluster running the workload.", "", ""},
  {"workload.tensor_parallel", K::integer, "-", 1, 4096, "8", false, "", "Tensor-parallel degree.", "cite: Narayanan et al., Megatron-LM SC21 (TP within a node of 8)", ""},
  {"workload.pipeline_parallel", K::integer, "-", 1, 4096, "4", false, "", "Pipeline-parallel stages.", "", ""},
  {"workload.expert_parallel", K::integer, "-", 1, 4096, "1", false, "", "Expert-parallel degree (MoE).", "", ""},
  {"workload.micro_batch_sequences", K::integer, "-", 1, 1e6, "1", false, "", "Training: sequences per micro-batch. Inference: sequences in flight per pipeline stage (batch_policy = \"fixed\"), or the serving engine's largest batch (\"fill_memory\", \"slo\").", "", ""},
  {"workload.batch_policy", K::choice, "", 0, 0, "\"fixed\"", false, "fixed|fill_memory|slo", "Inference: fixed runs micro_batch_sequences (a design whose HBM cannot hold them is infeasible); fill_memory runs as many sequences as the design's HBM holds, at most micro_batch_sequences, so HBM capacity becomes throughput; slo runs the largest batch, up to that, whose TTFT and TPOT meet constraints.ttft_slo_s and tpot_slo_s (throughput at the SLO, DESIGN.md §2).", "cite: NVIDIA MLPerf Inference v4.1 closed/NVIDIA/configs/llama2-70b/Offline (gpu_batch_size is the engine's largest batch; TensorRT-LLM sizes the KV cache to a fraction of the free memory)", ""},
  {"workload.kv_cache_memory_fraction", K::real, "fraction", 0.05, 1.0, "0.9", false, "", "Inference, batch_policy = \"fill_memory\" or \"slo\": share of the HBM the weights leave that holds the KV cache (the rest: activations, workspace).", "cite: NVIDIA MLPerf Inference v4.0/v4.1 closed/NVIDIA/configs/llama2-70b/Offline (kvcache_free_gpu_mem_frac = 0.90)", ""},
  {"workload.iteration_token_budget", K::integer, "-", 0, 1e7, "0", false, "", "Inference: tokens one serving-engine iteration may carry (TensorRT-LLM max_num_tokens, vLLM max_num_batched_tokens): one per decoding sequence, the rest for chunks of waiting prompts. With it the prompts queue for that room (M/G/1 in tokens, Poisson arrivals): TTFT = TPOT (half an iteration + the whole iterations until its prompt's last chunk ends), its percentile under the mixture over the number in flight (Poisson, or wider as the iteration grows with it), and the batch stays below what the budget sustains, batch (1 + sequence_length / output_tokens) < budget. 0: no budget (a prompt runs in the iteration it joins).", "chipdse policy: 0 = no budget; cite: NVIDIA MLPerf Inference v5.0 llama2-70b-interactive H200_SXM_141GBx1 config max_num_tokens = 256 (as quoted in closed/HPE/configs/llama2-70b-interactive/Server/custom.py)", ""},
  {"workload.sequence_length_cv", K::real, "-", 0, 10, "0.0", false, "", "Inference, with iteration_token_budget: coefficient of variation (standard deviation / mean) of the prompt lengths, whose mean is sequence_length; it sets the queue's mean wait (Pollaczek-Khinchine).", "chipdse policy: 0 = prompts of one length; MLPerf Llama-2-70B (OpenOrca, 24,576 prompts): 0.771", ""},
  {"workload.activation_recompute", K::choice, "", 0, 0, "\"none\"", false, "none|full", "Training: full activation recomputation runs the forward pass of every layer again in the backward pass (4 instead of 3 forward-pass equivalents of FLOPs per step; MFU still counts 3).", "cite: Narayanan et al., Megatron-LM SC21, arXiv:2104.04473, eq. (3) and §3.5 (activation recomputation)", ""},
  {"workload.tensor_tier", K::choice, "", 0, 0, "\"scale_up\"", false, "package|scale_up|scale_out", "Network tier that carries the tensor-parallel collectives. package: the ranks are the compute dies of one package, reducing over D2D (a design whose compute-die count differs from tensor_parallel is infeasible, package_tp_not_dies); the ranks then add no packages to a model replica.", "", ""},
  {"workload.pipeline_tier", K::choice, "", 0, 0, "\"scale_out\"", false, "scale_up|scale_out", "Tier that carries pipeline point-to-point traffic.", "", ""},
  {"workload.data_tier", K::choice, "", 0, 0, "\"scale_out\"", false, "scale_up|scale_out", "Tier that carries the data-parallel gradient reduction.", "", ""},
  {"workload.expert_tier", K::choice, "", 0, 0, "\"scale_up\"", false, "scale_up|scale_out", "Tier that carries expert-parallel all-to-all.", "", ""},

  {"constraints.tj_max_c", K::real, "C", 40, 150, "105.0", false, "", "Maximum junction temperature.", "thermal.max_junction_temperature", ""},
  {"constraints.cooling", K::choice, "", 0, 0, "\"liquid\"", false, "air|liquid", "Cooling: sets the heat-transfer coefficient and the die heat-flux limit.", "thermal.default_h_air_heatsink_effective_fin_enhanced_base_liquid_co", ""},
  {"constraints.tdp_w", K::real, "W", 1, 1e6, "", false, "", "Package power limit; absent means no limit beyond the thermal one.", "", ""},
  {"constraints.tdp_policy", K::choice, "", 0, 0, "\"infeasible\"", false, "infeasible|dvfs", "What a design above `tdp_w` does: it is infeasible, or its compute clock is lowered until it fits (power-bound; the effective clock is reported).", "cite: shared/reference/perf_models.md §6.4 (thermal/TDP clamp: f' = f ((TDP - P_static) / P_dyn)^(1/gamma))", ""},
  {"constraints.max_die_area_mm2", K::real, "mm2", 1, 1e4, "858.0", false, "", "Largest die (reticle field, low-NA EUV: 26 x 33 mm).", "node.reticle_field_low_na", ""},
  {"constraints.ttft_slo_s", K::real, "s", 1e-4, 1e4, "", false, "", "Inference: time-to-first-token limit.", "cite: MLPerf Inference Llama-2-70B interactive scenario (450 ms TTFT)", ""},
  {"constraints.tpot_slo_s", K::real, "s", 1e-5, 1e3, "", false, "", "Inference: time-per-output-token limit.", "cite: MLPerf Inference Llama-2-70B interactive scenario (40 ms TPOT)", ""},
  {"constraints.slo_percentile", K::real, "%", 50.0, 99.99, "", false, "", "Inference: the percentile the TTFT and TPOT limits bind, under Poisson arrivals (unset: the means). The requests in flight then fluctuate about the batch, their mean, with variance F x mean: F = 1 / (1 - e), e the TPOT's elasticity in the batch (Poisson, F = 1, if the iteration did not grow with it; no steady state, limits missed, at e >= 0.99). TPOT is checked at the batch's percentile averaged over a request's life, mean + z sqrt(2 F mean / 3), TTFT at its instantaneous percentile, mean + z sqrt(F mean), or under a token budget over the mixture of prompt queues.", "cite: MLPerf Inference rules: Llama-2-70B Interactive limits are 99th-percentile TTFT and TPOT under Poisson arrivals", ""},

  {"economics.volume_units", K::real, "-", 1, 1e10, "500000.0", false, "", "Packages produced; NRE is amortised over it.", "cite: Feng & Ma, Chiplet Actuary, DAC 2022 (500k-unit case)", ""},
  {"economics.reuse_products", K::integer, "-", 1, 1000, "1", false, "", "Products of the family sharing each chiplet design (its NRE is paid once).", "cite: Feng & Ma, Chiplet Actuary, DAC 2022 (reuse across systems)", ""},
  {"economics.lifetime_years", K::real, "year", 0.5, 20, "4.0", false, "", "Service life for TCO (capex is spread over it).", "cite: chipdse policy: 4-year accelerator depreciation, stated so TCO can be compared", ""},
  {"economics.electricity_usd_per_kwh", K::real, "USD/kWh", 0, 10, "0.08", false, "", "Electricity price for TCO, including cooling overhead through `pue`.", "cite: chipdse policy: round US industrial price, sweep it", ""},
  {"economics.pue", K::real, "x", 1, 5, "1.2", false, "", "Data-centre power usage effectiveness.", "cite: chipdse policy: modern liquid-cooled hall, sweep it", ""},

  {"objectives.list", K::choice_list, "", 0, 0, "[\"cost_usd\", \"power_w\", \"throughput\", \"silicon_area_mm2\"]", false, "cost_usd|power_w|throughput|latency_s|silicon_area_mm2|perf_per_w|perf_per_usd|tco_usd_per_mtoken|goodput", "The 2 to 6 objectives of the Pareto front (definitions: DESIGN.md §2).", "DESIGN.md §2", ""},

  {"output.store", K::choice, "", 0, 0, "\"front\"", false, "front|feasible|sample|all", "Which points /points holds: the front, every feasible point, a sample, or all.", "chipdse policy: the front is what a study needs; the others can be large", ""},
  {"output.sample_points", K::integer, "-", 1, 1e9, "10000", false, "", "Points kept when store = \"sample\" (every N/sample-th index).", "chipdse policy", ""},
  {"output.max_points", K::integer, "-", 1, 1e12, "10000000", false, "", "Refuse a store option that could write more points than this (about 1 GB at 100 bytes per row).", "chipdse policy: a typo must not fill a file system", ""},

  {"search.method", K::choice, "", 0, 0, "\"auto\"", false, "auto|exhaustive|nsga2", "Exhaustive enumeration, NSGA-II, or exhaustive when the space has at most `max_exhaustive_points`.", "chipdse policy", ""},
  {"search.max_exhaustive_points", K::integer, "-", 1, 1e15, "1000000000", false, "", "Largest space enumerated exhaustively (auto) or accepted (exhaustive).", "chipdse policy: ~1e9 analytic evaluations is minutes on a cluster", ""},
  {"search.chunk_size", K::integer, "-", 1, 1e9, "4096", false, "", "Indices per work chunk handed to a rank (the result does not depend on it).", "chipdse policy", ""},
  {"search.seed", K::integer, "-", 0, 4294967295.0, "20261123", false, "", "Seed of every random choice (NSGA-II, sampling); recorded in the output.", "chipdse policy: fixed so runs repeat", ""},
  {"search.nsga2_population", K::integer, "-", 8, 1e6, "96", false, "", "NSGA-II population size (a multiple of 4).", "cite: Deb et al., NSGA-II, IEEE TEC 2002", ""},
  {"search.nsga2_generations", K::integer, "-", 1, 1e6, "200", false, "", "NSGA-II generations.", "chipdse policy", ""},
  {"search.checkpoint_interval_s", K::real, "s", 1, 1e6, "300.0", false, "", "Seconds between checkpoints (a killed run loses at most this).", "chipdse policy", ""},
  {"search.checkpoint_interval_chunks", K::integer, "-", 0, 1e15, "0", false, "", "Also checkpoint after this many chunks were handed out since the last checkpoint (0: by time only).", "chipdse policy", ""},
  {"search.checkpoint_interval_generations", K::integer, "-", 0, 1e6, "0", false, "", "NSGA-II: also checkpoint after this many generations since the last checkpoint (0: by time only).", "chipdse policy", ""},
  {"search.hypervolume_ideal", K::real_point, "-", -1e30, 1e30, "", false, "", "With search.hypervolume_reference: the box's ideal corner, one value per objectives.list entry in that objective's own unit (USD, W, tokens/s, ...); /stats then records the front's hypervolume in the box, every objective scaled to [0, 1] (1: the front reaches the ideal corner).", "chipdse policy: a box fixed by the deck, so that runs and sweep cases compare (DESIGN.md §4)", ""},
  {"search.hypervolume_reference", K::real_point, "-", -1e30, 1e30, "", false, "", "The hypervolume's reference (worst) corner, one value per objectives.list entry in that objective's unit; each must be worse than search.hypervolume_ideal's (larger for a minimised objective, smaller for a maximised one).", "cite: Zitzler & Thiele, IEEE TEC 3(4), 1999 (the S metric)", ""},
  {"search.thermal_verification", K::choice, "", 0, 0, "\"off\"", false, "off|rounds", "Verification rounds (DESIGN.md §3): \"rounds\" solves the package of every front design with PETSc (one solve per placed die), settles every design of a solved package at its solved junction (leakage at that temperature, the DVFS clamp redone; above constraints.tj_max_c it is infeasible) and re-enumerates until the front holds no unsolved package, so the front is exact for the solved temperatures. Exhaustive search only.", "chipdse policy: off by default, as each package costs seconds of solves and the air stack's rows are of low confidence", ""},
  {"search.thermal_verification_cells", K::integer, "-", 8, 512, "32", false, "", "In-plane cells per side of the verification solves (evaluate --thermal defaults to 64); a package with more intervals between die edges on an axis gets about twice that many.", "chipdse policy: at 32 cells a solve takes about 0.17 s on one core, at most 5 a package (README, Fronts verified by the thermal solver)", ""},
  {"search.thermal_verification_max_rounds", K::integer, "-", 1, 100000, "100", false, "", "Most verification rounds before the run fails (exit 1) with a front still holding unsolved packages.", "chipdse policy", ""},

  {"thermal.petsc", K::petsc_table, "", 0, 0, "", false, "", "PETSc options of the thermal solver, without dash or prefix: ksp_rtol = 1e-10 becomes -chipdse_thermal_ksp_rtol 1e-10. The command line after `--` and PETSC_OPTIONS take precedence.", "", ""},
  {"overrides", K::override_table, "", 0, 0, "", false, "", "Replace technology values or deck numbers: \"process_node.N2.wafer_cost_usd\" = 32000.0. The key must exist.", "", ""},
  {"sweep.mode", K::choice, "", 0, 0, "\"grid\"", false, "grid|zip", "How [sweep.values] lists combine into cases: every combination, or element by element.", "", ""},
  {"sweep.values", K::sweep_table, "", 0, 0, "", false, "", "Key path = [values...]: each case overrides those keys; `chipdse sweep DECK --list` prints the cases.", "", ""},
};
// clang-format on

}  // namespace

std::span<const SchemaRow> deck_schema() noexcept { return kRows; }

}  // namespace chipdse::deck
