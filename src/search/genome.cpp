// NSGA-II's gene encoding of the design space (see genome.hpp).
#include "chipdse/search/genome.hpp"

#include <algorithm>
#include <cmath>

#include "chipdse/core/error.hpp"

namespace chipdse::search {

Genome::Genome(const DesignSpace& space) : m_space(&space) {
  if (space.variant_count() > 1) {
    m_variant_gene = 0;
    m_size.push_back(static_cast<std::uint32_t>(space.variant_count()));
    m_name.emplace_back("variant");
  }
  // Every axis name with its largest value count over the variants, in order of first appearance.
  std::vector<std::string> names;
  std::vector<std::uint32_t> sizes;
  for (std::size_t v = 0; v < space.variant_count(); ++v)
    for (const Axis& axis : space.variant(v).axes) {
      const auto at = static_cast<std::size_t>(std::find(names.begin(), names.end(), axis.name) - names.begin());
      if (at == names.size()) {
        names.push_back(axis.name);
        sizes.push_back(0);
      }
      sizes[at] = std::max(sizes[at], static_cast<std::uint32_t>(axis.values.size()));
    }
  std::vector<std::size_t> gene_of_name(names.size(), kNoGene);
  for (std::size_t i = 0; i < names.size(); ++i)
    if (sizes[i] > 1) {
      gene_of_name[i] = m_size.size();
      m_name.push_back(names[i]);
      m_size.push_back(sizes[i]);
    }
  m_gene.resize(space.variant_count());
  for (std::size_t v = 0; v < space.variant_count(); ++v)
    for (const Axis& axis : space.variant(v).axes)
      m_gene[v].push_back(
          gene_of_name[static_cast<std::size_t>(std::find(names.begin(), names.end(), axis.name) - names.begin())]);
}

namespace {
std::uint32_t gene_value(const double x, const std::uint32_t size, const std::string& name) {
  if (!(x >= 0.0 && x < static_cast<double>(size)) || x != std::floor(x))
    throw Error("NSGA-II gene '" + name + "' = " + std::to_string(x) + " is not an integer in [0, " +
                std::to_string(size) + ")");
  return static_cast<std::uint32_t>(x);
}
}  // namespace

std::uint64_t Genome::index(const double* genes) const {
  DesignPoint p;
  p.variant = m_variant_gene == kNoGene ? 0 : gene_value(genes[m_variant_gene], m_size[m_variant_gene], m_name[m_variant_gene]);
  const Variant& variant = m_space->variant(p.variant);
  p.axis_count = static_cast<std::uint8_t>(variant.axes.size());
  for (std::size_t a = 0; a < variant.axes.size(); ++a) {
    const std::size_t g = m_gene[p.variant][a];
    if (g == kNoGene) continue;  // one value: value index 0
    const std::uint64_t x = gene_value(genes[g], m_size[g], m_name[g]);
    p.value[a] = static_cast<std::uint16_t>(x * variant.axes[a].values.size() / m_size[g]);
  }
  return m_space->encode(p);
}

std::vector<double> Genome::genes_of(std::uint64_t index) const {
  const DesignPoint p = m_space->decode(index);
  std::vector<double> genes(m_size.size(), 0.0);
  if (m_variant_gene != kNoGene) genes[m_variant_gene] = p.variant;
  const Variant& variant = m_space->variant(p.variant);
  for (std::size_t a = 0; a < variant.axes.size(); ++a) {
    const std::size_t g = m_gene[p.variant][a];
    if (g == kNoGene) continue;
    const std::uint64_t n = variant.axes[a].values.size();
    // The smallest x with floor(x n / size) == value: ceil(value size / n).
    genes[g] = static_cast<double>((p.value[a] * std::uint64_t{m_size[g]} + n - 1) / n);
  }
  return genes;
}

}  // namespace chipdse::search
