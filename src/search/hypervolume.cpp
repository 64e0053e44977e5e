// The front's hypervolume in the deck's box (see hypervolume.hpp).
#include "chipdse/search/hypervolume.hpp"

#include <algorithm>
#include <sstream>
#include <string>

#include <pagmo/utils/hypervolume.hpp>

#include "chipdse/core/error.hpp"
#include "chipdse/model/objectives.hpp"

namespace chipdse::search {

namespace {
std::string number(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}
}  // namespace

std::optional<HypervolumeBox> hypervolume_box(const deck::Deck& deck) {
  const bool has_ideal = deck.values.has("search.hypervolume_ideal");
  const bool has_reference = deck.values.has("search.hypervolume_reference");
  if (!has_ideal && !has_reference) return std::nullopt;
  const std::string missing = has_ideal ? "search.hypervolume_reference" : "search.hypervolume_ideal";
  const std::string given = has_ideal ? "search.hypervolume_ideal" : "search.hypervolume_reference";
  if (!has_ideal || !has_reference)
    throw InputError(deck.values.where(given), given, "is given without " + missing, {},
                     "both corners of the hypervolume's box, or neither");
  const std::vector<double>& ideal = deck.values.reals("search.hypervolume_ideal");
  const std::vector<double>& reference = deck.values.reals("search.hypervolume_reference");
  const std::size_t k = deck.objectives.size();
  for (const auto& [key, v] : {std::pair{"search.hypervolume_ideal", &ideal}, {"search.hypervolume_reference", &reference}})
    if (v->size() != k)
      throw InputError(deck.values.where(key), key, "has " + std::to_string(v->size()) + " values for " +
                                                        std::to_string(k) + " objectives",
                       {}, "one value per objectives.list entry, in its order");
  HypervolumeBox box;
  for (std::size_t j = 0; j < k; ++j) {
    const model::ObjectiveDef& o = model::kObjectives[model::objective_index(deck.objectives[j])];
    const bool min = o.sense == model::Sense::minimise;
    if (!(min ? ideal[j] < reference[j] : ideal[j] > reference[j]))
      throw InputError(deck.values.where("search.hypervolume_ideal"), "search.hypervolume_ideal",
                       "value " + std::to_string(j + 1) + " (" + deck.objectives[j] + ", " +
                           (min ? "minimised" : "maximised") + ") is not better than the reference's",
                       number(ideal[j]) + " against " + number(reference[j]),
                       min ? "an ideal smaller than the reference" : "an ideal larger than the reference");
    box.ideal.push_back(min ? ideal[j] : -ideal[j]);
    box.reference.push_back(min ? reference[j] : -reference[j]);
  }
  return box;
}

Hypervolume normalised_hypervolume(std::span<const double> objectives, const HypervolumeBox& box) {
  const std::size_t k = box.ideal.size();
  CHIPDSE_CHECK(k >= 2 && box.reference.size() == k && objectives.size() % k == 0,
                "hypervolume: " << objectives.size() << " values for a box of " << k << " objectives");
  std::vector<pagmo::vector_double> inside;
  for (std::size_t i = 0; i < objectives.size() / k; ++i) {
    pagmo::vector_double z(k);
    bool in = true;
    for (std::size_t j = 0; j < k; ++j) {
      z[j] = std::max(0.0, (objectives[i * k + j] - box.ideal[j]) / (box.reference[j] - box.ideal[j]));
      in = in && z[j] < 1.0;
    }
    if (in) inside.push_back(std::move(z));
  }
  Hypervolume h;
  h.points_inside = inside.size();
  if (!inside.empty()) h.value = pagmo::hypervolume(inside, false).compute(pagmo::vector_double(k, 1.0));
  return h;
}

}  // namespace chipdse::search
