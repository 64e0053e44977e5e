// chipdse/app/evaluate_time.hpp — the time part of `chipdse evaluate`: where the step goes (model/step_time.hpp) as
// JSON and as text, and the step at both ends of the overlap knob.
#pragma once

#include <nlohmann/json.hpp>

#include "chipdse/model/area.hpp"
#include "chipdse/model/design_choice.hpp"
#include "chipdse/model/kernel_params.hpp"
#include "chipdse/model/step_time.hpp"

namespace chipdse::app {

/// Where the step goes, at the clock the design runs at: the training micro-batch and step, or the inference prefill,
/// decode step, TPOT, TTFT and request batch, each item with its ceilings.
nlohmann::ordered_json time_json(const model::StepTimes& t, const model::WorkloadDemand& d);

/// The step (and TPOT) at omega = 1 and omega = 0, at the same clock.
nlohmann::ordered_json overlap_bounds_json(const model::DesignChoice& choice, const model::KernelParams& params,
                                           const model::AreaResult& area, const model::WorkloadDemand& demand,
                                           double clock_ghz);

/// The TTFT and TPOT limits against the step (model::slo_check): the limits, the percentile, the batch each time is
/// checked at and the time there; null without limits or for training.
nlohmann::ordered_json slo_json(const model::DesignChoice& choice, const model::KernelParams& params,
                                const model::AreaResult& area, const model::WorkloadDemand& demand, double clock_ghz,
                                const model::StepTimes& t);
void print_slo(const nlohmann::ordered_json& slo);

/// Prints the two as evaluate's text report does.
void print_time(const nlohmann::ordered_json& time, const nlohmann::ordered_json& overlap_bounds);

}  // namespace chipdse::app
