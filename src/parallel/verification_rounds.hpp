// chipdse/parallel/verification_rounds.hpp — DESIGN.md §3's verification rounds over MPI: the packages of the front's
// designs that have no solve yet, each solved on one rank with PETSc (one solve per placed die, on PETSC_COMM_SELF,
// outside OpenMP regions, from a zero initial guess), reduced to the logic dies' response and shared with every rank.
// The rounds themselves (enumerate, solve, re-enumerate) are driven by the caller with exhaustive_search().
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include <mpi.h>

#include "chipdse/model/kernel_params.hpp"
#include "chipdse/model/solved_thermal.hpp"
#include "chipdse/search/choice_decoder.hpp"
#include "chipdse/thermal/case_from_geometry.hpp"

namespace chipdse::parallel {

/// One package to solve: its geometry key and the lowest design index of the front that places it (the design whose
/// geometry is meshed; designs of one key differ by less than the key's 10 um quantum).
struct UnsolvedGeometry {
  std::uint64_t key = 0;
  std::uint64_t design = 0;
};

/// The distinct geometries of `front` (design indices, ascending) that `solved` does not hold, in ascending order of
/// their lowest design. Every rank computes the same list from the same front. OpenMP over the front.
std::vector<UnsolvedGeometry> unsolved_geometries(std::span<const std::uint64_t> front,
                                                  const search::ChoiceDecoder& decoder,
                                                  const model::KernelParams& params,
                                                  const model::SolvedGeometries& solved, int threads);

/// What solve_geometries() did, for /stats.
struct SolveReport {
  std::uint64_t solved = 0;      ///< geometries added
  std::uint64_t sources = 0;     ///< PETSc solves (one per die kind present), over all ranks
  std::uint64_t iterations = 0;  ///< Krylov iterations of those solves, over all ranks
  double wall_s = 0.0;           ///< this rank's wall time: its solves and the exchange
};

/// Solves `unsolved` (list position i on rank i modulo the rank count: which rank solved a package never changes its
/// response) in stack `stack` at `cells_xy` in-plane cells, and adds every response to `solved` on every rank.
/// Collective; every rank passes the same list. PETSc: call outside OpenMP regions.
/// @throws Error on every rank when a solve failed on any (the failing rank's message, elsewhere a pointer to it).
SolveReport solve_geometries(MPI_Comm comm, std::span<const UnsolvedGeometry> unsolved, const search::ChoiceDecoder& decoder,
                             const model::KernelParams& params, const thermal::PackageStack& stack, int cells_xy,
                             model::SolvedGeometries& solved);

}  // namespace chipdse::parallel
