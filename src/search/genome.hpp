// chipdse/search/genome.hpp — NSGA-II's view of the design space (DESIGN.md §4): a fixed-length vector of integer
// genes that every design can be written in and that every gene vector reads as one design. Must not include MPI,
// PETSc, HDF5 or toml++.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "chipdse/search/design_space.hpp"

namespace chipdse::search {

/// One gene picks the variant; the others are the axes of every variant, by name, in the order they first appear
/// (variant by variant, axis by axis), so an axis that several variants share (clock_ghz, hbm, ...) is one gene and
/// a crossover between two variants keeps it. Choices with one value (a space of one variant, an axis with one value
/// in every variant) have no gene: there is nothing to choose, and pagmo's NSGA-II refuses a gene whose bounds meet. Gene g takes the integers 0 .. size(g) - 1, size(g) being the largest
/// value count of that axis over the variants that have it. A variant with n values on the axis reads gene value x
/// as value floor(x n / size(g)): every value is reached, and neighbouring genes stay neighbouring values. Genes of
/// axes the chosen variant lacks are carried along unread. Immutable after construction: const members are
/// thread-safe.
class Genome {
 public:
  /// @param space must outlive the genome.
  explicit Genome(const DesignSpace& space);

  /// Number of genes: the variant's (when there are several) and one per distinct axis name with two or more values.
  std::size_t genes() const noexcept { return m_size.size(); }

  /// Values gene g takes: 0 .. size(g) - 1 (>= 1).
  std::uint32_t size(std::size_t g) const noexcept { return m_size[g]; }

  /// "variant" for the variant's gene, else the axis name.
  const std::string& name(std::size_t g) const noexcept { return m_name[g]; }

  /// The design that `genes` (genes() integer values, each within its size) reads as. No allocation.
  /// @throws Error naming the gene when a value is not an integer within its size (a bug in the optimiser).
  std::uint64_t index(const double* genes) const;

  /// The genes of design `index` (< space size): the gene of each axis the variant has is the smallest one that
  /// reads as its value; the others are 0. index(genes_of(i)) == i.
  std::vector<double> genes_of(std::uint64_t index) const;

 private:
  const DesignSpace* m_space;
  std::vector<std::uint32_t> m_size;
  std::vector<std::string> m_name;
  static constexpr std::size_t kNoGene = static_cast<std::size_t>(-1);
  std::size_t m_variant_gene = kNoGene;
  /// m_gene[v][a]: the gene of axis a of variant v, or kNoGene when that axis has one value everywhere.
  std::vector<std::vector<std::size_t>> m_gene;
};

}  // namespace chipdse::search
