// chipdse/app/evaluate_thermal.hpp — `chipdse evaluate --thermal`: the design point's package solved with the PETSc
// finite-volume model (DESIGN.md §3) at the power map the kernel settled on, beside the kernel's provable lower bound.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "chipdse/deck/deck.hpp"
#include "chipdse/model/design_choice.hpp"
#include "chipdse/model/evaluate.hpp"
#include "chipdse/model/kernel_params.hpp"
#include "chipdse/thermal/case_from_geometry.hpp"

namespace chipdse::app {

/// Solves the package of `detail.geometry` with the per-rectangle powers of `m` (model::rect_power_w: the kernel's
/// power breakdown, its leakage taken at the bound's junction temperature) on about `cells_xy` x `cells_xy` in-plane
/// cells, in the stack of the deck's cooling (inputs/tech thermal.toml). Needs MPI and PETSc initialised
/// (parallel::Environment); one solve on PETSC_COMM_SELF. Returns every die's temperatures (C), the hottest logic
/// die against the bound and the deck's junction limit, and the solver's figures.
/// With `case_path` non-empty the first solve's case (the kernel's power map) is also written there in the `.fv`
/// format, whole or not at all: `chipdse thermal` on it gives the same temperatures.
/// @throws InputError for a deck without a known cooling or an unwritable case_path, Error from the solver.
nlohmann::ordered_json thermal_json(const deck::Deck& deck, const model::DesignChoice& choice,
                                    const model::KernelParams& params, const model::Metrics& m,
                                    const model::EvaluationDetail& detail, int cells_xy,
                                    const std::string& case_path = {});

/// The package stack of the deck's cooling (constraints.cooling) from its technology database.
/// @throws InputError for a cooling the stack does not know, Error for a missing technology row.
thermal::PackageStack deck_package_stack(const deck::Deck& deck);

/// The point as a run with verification rounds evaluates it once its package is solved (model::evaluate_verified on
/// thermal::solve_logic_response at `cells_xy`): a /pareto row of such a run is this, bit for bit. PETSc as above.
model::Metrics verified_metrics(const deck::Deck& deck, const model::DesignChoice& choice,
                                const model::KernelParams& params, const model::EvaluationDetail& detail, int cells_xy);

/// Prints it as evaluate's text report does.
void print_thermal(const nlohmann::ordered_json& thermal);

}  // namespace chipdse::app
