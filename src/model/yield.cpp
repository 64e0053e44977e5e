// chipdse/model/yield.cpp — closed-form yield models; see yield.hpp for the sources of every equation.
#include "chipdse/model/yield.hpp"

#include <cmath>
#include <limits>

namespace chipdse::model {

namespace {

// Expected number of killer defects on the die, A [cm²] * D0 [1/cm²].
double defect_count(double area_mm2, double d0_per_cm2) noexcept { return area_mm2 / kMm2PerCm2 * d0_per_cm2; }

}  // namespace

double yield_poisson(double area_mm2, double d0_per_cm2) noexcept {
  return std::exp(-defect_count(area_mm2, d0_per_cm2));
}

double yield_negative_binomial(double area_mm2, double d0_per_cm2, double alpha) noexcept {
  if (std::isinf(alpha)) return yield_poisson(area_mm2, d0_per_cm2);
  // (1 + x/alpha)^(-alpha) written as exp(-alpha * log1p(x/alpha)): the same value as Actuary's
  // `(1 + D0/100*A/alpha)**(-alpha)` (chip.py die_yield) to ~1e-15, but accurate when x/alpha is tiny, which is what
  // makes the alpha -> infinity limit converge to Poisson numerically instead of to 1.
  const double x = defect_count(area_mm2, d0_per_cm2);
  return std::exp(-alpha * std::log1p(x / alpha));
}

double yield_murphy(double area_mm2, double d0_per_cm2) noexcept {
  const double x = defect_count(area_mm2, d0_per_cm2);
  if (x == 0.0) return 1.0;  // limit of (1 - e^-x)/x at x = 0
  // -expm1(-x) = 1 - e^-x without cancellation for small x.
  const double f = -std::expm1(-x) / x;
  return f * f;
}

double yield_seeds_exp_sqrt(double area_mm2, double d0_per_cm2) noexcept {
  return std::exp(-std::sqrt(defect_count(area_mm2, d0_per_cm2)));
}

double yield_seeds_hyperbolic(double area_mm2, double d0_per_cm2) noexcept {
  return 1.0 / (1.0 + defect_count(area_mm2, d0_per_cm2));
}

double yield_bose_einstein(double area_mm2, double d0_per_cm2_per_layer, int critical_layers) noexcept {
  return std::pow(1.0 + defect_count(area_mm2, d0_per_cm2_per_layer), -static_cast<double>(critical_layers));
}

double yield_repeated(double yield_per_event, int events) noexcept {
  if (events <= 0 || yield_per_event == 1.0) return 1.0;
  return std::pow(yield_per_event, static_cast<double>(events));
}

double die_yield(const DefectModel& defects, double area_mm2) noexcept {
  // CATCH multiplies the defect-sensitive area by the critical-area ratio (layer_yield, cost_models.md §2.2);
  // a ratio of exactly 1 leaves the area untouched so the Actuary numbers are reproduced bit for bit.
  const double a = defects.critical_area_ratio == 1.0 ? area_mm2 : area_mm2 * defects.critical_area_ratio;
  switch (defects.model) {
    case YieldModel::negative_binomial: return yield_negative_binomial(a, defects.d0_per_cm2, defects.alpha);
    case YieldModel::poisson: return yield_poisson(a, defects.d0_per_cm2);
    case YieldModel::murphy: return yield_murphy(a, defects.d0_per_cm2);
    case YieldModel::seeds_exp_sqrt: return yield_seeds_exp_sqrt(a, defects.d0_per_cm2);
    case YieldModel::seeds_hyperbolic: return yield_seeds_hyperbolic(a, defects.d0_per_cm2);
    case YieldModel::bose_einstein: return yield_bose_einstein(a, defects.d0_per_cm2, defects.critical_layers);
  }
  return std::numeric_limits<double>::quiet_NaN();  // unreachable for a valid enumerator
}

}  // namespace chipdse::model
