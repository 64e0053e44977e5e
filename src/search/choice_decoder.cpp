// Design points -> kernel choices (see choice_decoder.hpp).
#include "chipdse/search/choice_decoder.hpp"

#include <charconv>
#include <string>

#include "chipdse/core/error.hpp"
#include "chipdse/model/params_from_tech.hpp"
#include "chipdse/model/perf_params.hpp"
#include "chipdse/search/space_from_deck.hpp"

namespace chipdse::search {

namespace {

[[noreturn]] void no_model(const Variant& v, const Axis& a, const std::string& value, const std::string& allowed) {
  throw Error("design space variant '" + v.name + "', axis '" + a.name + "': the kernel has no model for '" + value +
              "' (it models: " + allowed + ")");
}

template <std::size_t N>
double enum_value(const Variant& v, const Axis& a, const std::string& name,
                  const std::array<std::string_view, N>& names) {
  std::size_t i = 0;
  if (!model::index_of_name(names, name, i)) {
    std::string allowed;
    for (const auto& n : names) allowed += (allowed.empty() ? "" : ", ") + std::string(n);
    no_model(v, a, name, allowed);
  }
  return static_cast<double>(i);
}

double number_value(const Variant& v, const Axis& a, const std::string& text) {
  double x = 0.0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
  if (ec != std::errc() || end != text.data() + text.size()) no_model(v, a, text, "a number");
  return x;
}

}  // namespace

ChoiceDecoder::ChoiceDecoder(const DesignSpace& space) : m_space(&space) {
  for (std::size_t vi = 0; vi < space.variant_count(); ++vi) {
    const Variant& v = space.variant(vi);
    VariantMap vm;
    std::size_t part = 0;
    if (!model::index_of_name(model::kPartitioningNames, v.name, part))
      throw Error("design space variant '" + v.name + "': the kernel has no such partitioning");
    vm.base.partitioning = static_cast<model::Partitioning>(part);
    for (const Axis& a : v.axes) {
      AxisMap am;
      const auto each = [&](auto&& f) {
        for (const std::string& s : a.values) am.value.push_back(f(s));
      };
      const auto node = [&](const std::string& s) {
        model::ProcessNode n{};
        if (!model::process_node_from_name(s, n)) enum_value(v, a, s, model::kProcessNodeNames);
        return static_cast<double>(n);
      };
      const auto number = [&](const std::string& s) { return number_value(v, a, s); };
      if (a.name == axis::chiplet_count) { am.field = Field::chiplet_count; each(number); }
      else if (a.name == axis::compute_node) { am.field = Field::compute_node; each(node); }
      else if (a.name == axis::io_node) { am.field = Field::io_node; each(node); }
      else if (a.name == axis::cache_node) { am.field = Field::cache_node; each(node); }
      else if (a.name == axis::packaging) {
        am.field = Field::packaging;
        each([&](const std::string& s) { return enum_value(v, a, s, model::kPackagingNames); });
      } else if (a.name == axis::d2d) {
        am.field = Field::d2d;
        each([&](const std::string& s) { return enum_value(v, a, s, model::kD2dKindNames); });
      } else if (a.name == axis::d2d_bandwidth_tbps) { am.field = Field::d2d_bandwidth; each(number); }
      else if (a.name == axis::hbm) {
        am.field = Field::hbm;
        each([&](const std::string& s) { return enum_value(v, a, s, model::kHbmGenNames); });
      } else if (a.name == axis::hbm_stacks) { am.field = Field::hbm_stacks; each(number); }
      else if (a.name == axis::scale_up_link || a.name == axis::scale_out_link) {
        am.field = a.name == axis::scale_up_link ? Field::scale_up_link : Field::scale_out_link;
        each([&](const std::string& s) { return enum_value(v, a, s, model::kLinkTechNames); });
      } else if (a.name == axis::clock_ghz) { am.field = Field::clock; each(number); }
      else if (a.name == axis::sram_mb) { am.field = Field::sram; each(number); }
      else if (a.name == axis::mapping) {
        // The deck's mappings in order: the kernel's demand array has the same order (deck::deck_mappings).
        am.field = Field::mapping;
        if (a.values.size() > model::kMaxMappings) no_model(v, a, a.values.back(), "at most " + std::to_string(model::kMaxMappings) + " mappings");
        for (std::size_t i = 0; i < a.values.size(); ++i) am.value.push_back(static_cast<double>(i));
      }
      else
        throw Error("design space variant '" + v.name + "': axis '" + a.name + "' has no kernel input");
      vm.axes.push_back(std::move(am));
    }
    m_variants.push_back(std::move(vm));
  }
}

model::DesignChoice ChoiceDecoder::choice(const DesignPoint& point) const noexcept {
  const VariantMap& vm = m_variants[point.variant];
  model::DesignChoice c = vm.base;
  for (std::size_t a = 0; a < vm.axes.size(); ++a) {
    const double x = vm.axes[a].value[point.value[a]];
    const auto e = static_cast<std::uint8_t>(x);
    switch (vm.axes[a].field) {
      case Field::chiplet_count: c.compute_count = static_cast<std::int32_t>(x); break;
      case Field::compute_node: c.compute_node = static_cast<model::ProcessNode>(e); break;
      case Field::io_node: c.io_node = static_cast<model::ProcessNode>(e); break;
      case Field::cache_node: c.cache_node = static_cast<model::ProcessNode>(e); break;
      case Field::packaging: c.packaging = static_cast<model::Packaging>(e); break;
      case Field::d2d: c.d2d = static_cast<model::D2dKind>(e); break;
      case Field::d2d_bandwidth: c.d2d_tbps_per_direction = x; break;
      case Field::hbm: c.hbm = static_cast<model::HbmGen>(e); break;
      case Field::hbm_stacks: c.hbm_stacks = static_cast<std::int32_t>(x); break;
      case Field::scale_up_link: c.scale_up_link = static_cast<model::LinkTech>(e); break;
      case Field::scale_out_link: c.scale_out_link = static_cast<model::LinkTech>(e); break;
      case Field::clock: c.clock_ghz = x; break;
      case Field::sram: c.sram_mb = x; break;
      case Field::mapping: c.mapping = e; break;
    }
  }
  return c;
}

}  // namespace chipdse::search
