// chipdse/io/result_tables.hpp — the result tables /pareto and /points (DESIGN.md §5): one dataset per column, written
// collectively by every rank at its block's row offset (parallel HDF5, MPI-IO), chunked and compressed.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include <hdf5.h>

#include "chipdse/io/h5_writer.hpp"
#include "chipdse/search/point_selection.hpp"
#include "chipdse/search/result_rows.hpp"

namespace chipdse::io {

/// Column dataset names of a table, in order: "index", "partitioning", the design columns, model::kMetricColumns,
/// "infeasible".
std::vector<std::string> result_column_names(const search::ColumnLayout& layout);

/// Name of the enum member meaning "this partitioning has no such axis".
inline constexpr const char* kNotApplicable = "n/a";

/// The datasets of one table, created collectively. Enum columns (partitioning and design axes) store value
/// names as HDF5 enum members (uint8/16/32 by member count); numbers are float64 or uint64/uint32. Datasets are
/// chunked and shuffle+deflate compressed when the HDF5 build can encode deflate (empty tables: contiguous).
class ResultTableWriter {
 public:
  /// Creates group `group` of `file` (opened with open_file_mpio) and its datasets of `rows` rows. Collective.
  ResultTableWriter(hid_t file, const std::string& group, const search::ColumnLayout& layout, std::uint64_t rows);

  /// Writes rows [offset, offset + r.size()) of every column. Collective: every rank makes the same number of
  /// calls (with r empty when it has nothing left).
  void write(std::uint64_t offset, const search::ResultRows& r);

 private:
  struct Column {
    H5Id dataset;
    H5Id mem_type;       // the dataset's type (enum or native number): no conversion, so I/O stays collective
    std::size_t width = 0;  // enum base size in bytes (0: not an enum)
  };
  void write_column(Column& c, hid_t file_space, hid_t mem_space, const void* data);

  const search::ColumnLayout* m_layout;
  std::uint64_t m_rows;
  H5Id m_group;
  H5Id m_dxpl;
  std::vector<Column> m_columns;
};

/// Writes table `group` from this rank's row block (every rank's blocks tile the table in order): rounds of at
/// most `slab` rows, `rows_of` computing each round's rows, every round collective. Collective.
void write_result_table(hid_t file, const std::string& group, const search::ColumnLayout& layout,
                        const search::RowBlock& block, int ranks,
                        const std::function<search::ResultRows(std::span<const std::uint64_t>)>& rows_of,
                        std::uint64_t slab = std::uint64_t{1} << 16);

/// True when this HDF5 build can write deflate-compressed datasets.
bool deflate_available();

}  // namespace chipdse::io
