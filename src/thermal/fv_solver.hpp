// chipdse/thermal/fv_solver.hpp — steady package temperatures with PETSc: one assembled conductance matrix and
// one preconditioner set-up per geometry, any number of power maps (solves) and the influence matrix (one
// column per heat source). PETSc types stay in fv_solver.cpp; this header includes neither PETSc nor MPI.
//
// Parallel use: a Solver lives on PETSC_COMM_SELF; under mpiexec each rank solves its own geometries.
// PETSc is not thread-safe in the Debian build: never create or use a Solver inside an OpenMP region.
// An InfluenceMatrix, once built, is plain data: read it from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "chipdse/thermal/fv_case.hpp"
#include "chipdse/thermal/fv_mesh.hpp"

namespace chipdse::thermal {

/// Defaults of the linear solve; every PETSc option with the prefix `chipdse_thermal_` overrides them (command
/// line after `--`, PETSC_OPTIONS), e.g. -chipdse_thermal_ksp_rtol 1e-10 -chipdse_thermal_pc_type icc.
/// Options Database Keys: -chipdse_thermal_ksp_type (cg), -chipdse_thermal_pc_type (gamg),
/// -chipdse_thermal_ksp_rtol, -chipdse_thermal_ksp_atol, -chipdse_thermal_ksp_max_it, and any KSP/PC option.
struct SolverSettings {
  double rtol = 1e-8;          ///< on ||q - G theta||_2 / ||q||_2 (unpreconditioned residual), in (0, 1)
  double atol_w = 1e-9;        ///< on ||q - G theta||_2, W, > 0
  int max_iterations = 10000;  ///< >= 1
};

/// One steady solve. theta is the temperature rise over ambient per unknown (FvMesh numbering), K.
struct Solution {
  std::vector<double> theta_k;
  int iterations = 0;
  std::string converged_reason;  ///< PETSc's KSPConvergedReason name, e.g. CONVERGED_RTOL
  double residual_norm_w = 0;    ///< final ||q - G theta||_2 as the KSP measured it, W
  double solve_time_s = 0;       ///< KSPSolve only (the preconditioner was set up by the Solver)
  double power_in_w = 0;         ///< sum of the cell powers, W
  double heat_out_w = 0;         ///< heat through the Robin faces, sum of G_robin * theta, W
};

/// A conductance matrix assembled and a preconditioner set up once; solve() then reuses both.
/// Keeps a reference to `mesh`, which must outlive it. Not copyable; not thread-safe (PETSc).
class Solver {
 public:
  /// Assembles G (MATSEQAIJ, preallocated, flagged SPD) on PETSC_COMM_SELF, creates the KSP (CG + GAMG,
  /// zero initial guess, options prefix chipdse_thermal_, then KSPSetFromOptions) and sets it up.
  /// @throws Error for a PETSc failure (with PETSc's message) or bad settings.
  explicit Solver(const FvMesh& mesh, const SolverSettings& settings = {});
  ~Solver();
  Solver(const Solver&) = delete;
  Solver& operator=(const Solver&) = delete;

  /// theta for cell powers `power_w` (one per unknown, W, each >= 0), from a zero initial guess.
  /// @throws Error with the reason when the KSP diverges or stops without converging, or when the result is
  ///         non-physical: not finite, below ambient anywhere by more than 1e-6 of the peak rise (+1e-9 K; the
  ///         maximum principle forbids it for non-negative power), or heat out differing from power in by more
  ///         than 1e-3 relative.
  Solution solve(std::span<const double> power_w);

  const FvMesh& mesh() const noexcept;
  const std::string& ksp_type() const noexcept;
  const std::string& pc_type() const noexcept;
  double assembly_time_s() const noexcept;
  double setup_time_s() const noexcept;  ///< KSPSetUp: the preconditioner set-up (GAMG hierarchy)

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

/// Forwards a deck's `[thermal.petsc]` table to PETSc: each (key, value) becomes `-chipdse_thermal_<key> <value>`
/// in PETSc's global options database, unless that option is already set (the command line after `--` and
/// PETSC_OPTIONS take precedence over the deck). Keys come without dash or prefix, e.g. {"ksp_rtol", "1e-10"}.
/// Affects every Solver created afterwards. Call between PetscInitialize and PetscFinalize, outside OpenMP.
/// @throws InputError for a key that is empty or holds characters other than [A-Za-z0-9_] (`where` names the
///         deck table); Error for a PETSc failure.
void set_petsc_options(const std::vector<std::pair<std::string, std::string>>& options,
                       const std::string& where = "[thermal.petsc]");

/// Temperature rise per watt of each heat source at the cells of every block: one solve per source, one
/// preconditioner set-up for all. For a power map P (W per source) T = ambient + R P at those cells.
struct InfluenceMatrix {
  double ambient_k = 0;
  std::vector<std::size_t> sources;            ///< block index of each column
  std::vector<std::int32_t> rows;              ///< observed unknowns: every block's cells, ascending
  std::vector<std::vector<std::int32_t>> block_rows;  ///< per block: positions in `rows`
  std::vector<double> rise_k_per_w;            ///< rows.size() x sources.size(), row-major, K/W
  int iterations = 0;                          ///< summed over the columns
  double solve_time_s = 0;                     ///< summed over the columns (set-up excluded)

  /// T - ambient at every observed row for the source powers `power_w` (W, one per column).
  std::vector<double> rise_k(std::span<const double> power_w) const;
  /// Statistics over a block's cells for the source powers `power_w`.
  TemperatureStats block_stats(std::size_t block, std::span<const double> power_w) const;
};

/// The influence matrix of `solver`'s geometry for heat sources `source_blocks` (block indices; each column
/// is 1 W spread as the block's power would be). @throws Error as Solver::solve does.
InfluenceMatrix influence_matrix(Solver& solver, std::span<const std::size_t> source_blocks);

/// Everything `chipdse thermal` prints for one case.
struct CaseResult {
  struct Named {
    std::string name;
    std::string layer;
    double power_w = 0;
    TemperatureStats t;
  };
  std::vector<Named> blocks;  ///< in case order
  std::vector<Named> layers;  ///< bottom first (name == layer)
  Solution solution;
  std::size_t unknowns = 0;
  int nx = 0, ny = 0, nz = 0;
  std::string ksp_type, pc_type;
  double mesh_time_s = 0, assembly_time_s = 0, setup_time_s = 0;
};

/// Meshes, assembles, solves and summarises `c`. @throws InputError from build_mesh, Error from the solver.
CaseResult solve_case(const FvCase& c, const SolverSettings& settings = {});

}  // namespace chipdse::thermal
