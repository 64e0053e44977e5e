// The result tables /pareto and /points, written collectively (see result_tables.hpp).
#include "chipdse/io/result_tables.hpp"

#include <algorithm>
#include <cstring>

#include "chipdse/core/error.hpp"
#include "chipdse/model/objectives.hpp"

namespace chipdse::io {

namespace {

// Rows per HDF5 chunk: 16 Ki rows is 128 KiB of float64, large enough to compress well, small enough that a
// reader of a few rows does not inflate megabytes.
constexpr std::uint64_t kChunkRows = 16384;

/// An enum type over `names` (values 0, 1, ...), plus "n/a" after them when `with_na`; the narrowest unsigned
/// base that holds every value.
H5Id enum_type(const std::vector<std::string>& names, bool with_na, std::size_t& width) {
  const std::size_t members = names.size() + (with_na ? 1 : 0);
  hid_t base = H5T_NATIVE_UINT32;
  width = 4;
  if (members <= 256) {
    base = H5T_NATIVE_UINT8;
    width = 1;
  } else if (members <= 65536) {
    base = H5T_NATIVE_UINT16;
    width = 2;
  }
  H5Id t(check_h5(H5Tenum_create(base), "create an enum type"));
  auto insert = [&](const std::string& name, std::uint32_t value) {
    unsigned char bytes[4];
    if (width == 1) {
      const auto v = static_cast<std::uint8_t>(value);
      std::memcpy(bytes, &v, 1);
    } else if (width == 2) {
      const auto v = static_cast<std::uint16_t>(value);
      std::memcpy(bytes, &v, 2);
    } else {
      std::memcpy(bytes, &value, 4);
    }
    check_h5_status(H5Tenum_insert(t.get(), name.c_str(), bytes), "add enum member '" + name + "'");
  };
  for (std::size_t i = 0; i < names.size(); ++i) insert(names[i], static_cast<std::uint32_t>(i));
  if (with_na) {
    // An axis value literally called "n/a" would clash; the marker then gets brackets.
    const bool clash = std::find(names.begin(), names.end(), kNotApplicable) != names.end();
    insert(clash ? std::string("(") + kNotApplicable + ")" : kNotApplicable, static_cast<std::uint32_t>(names.size()));
  }
  return t;
}

H5Id copy_type(hid_t native) { return H5Id(check_h5(H5Tcopy(native), "copy a datatype")); }

}  // namespace

bool deflate_available() {
  if (H5Zfilter_avail(H5Z_FILTER_DEFLATE) <= 0) return false;
  unsigned int config = 0;
  if (H5Zget_filter_info(H5Z_FILTER_DEFLATE, &config) < 0) return false;
  return (config & H5Z_FILTER_CONFIG_ENCODE_ENABLED) != 0;
}

std::vector<std::string> result_column_names(const search::ColumnLayout& layout) {
  std::vector<std::string> names{"index", "partitioning"};
  for (const auto& c : layout.design_columns()) names.push_back(c.name);
  for (const auto& m : model::kMetricColumns) names.emplace_back(m.name);
  names.emplace_back("infeasible");
  return names;
}

ResultTableWriter::ResultTableWriter(hid_t file, const std::string& group, const search::ColumnLayout& layout,
                                     std::uint64_t rows)
    : m_layout(&layout), m_rows(rows), m_group(create_group(file, group)) {
  m_dxpl = H5Id(check_h5(H5Pcreate(H5P_DATASET_XFER), "create a transfer property list"));
  // Collective I/O: required for compressed datasets in parallel HDF5, and every rank writes each round anyway.
  check_h5_status(H5Pset_dxpl_mpio(m_dxpl.get(), H5FD_MPIO_COLLECTIVE), "select collective I/O");

  H5Id dcpl(check_h5(H5Pcreate(H5P_DATASET_CREATE), "create a dataset creation property list"));
  if (rows > 0) {
    const hsize_t chunk = std::min(rows, kChunkRows);
    check_h5_status(H5Pset_chunk(dcpl.get(), 1, &chunk), "set the chunk size");
    if (deflate_available()) {
      check_h5_status(H5Pset_shuffle(dcpl.get()), "add the shuffle filter");
      check_h5_status(H5Pset_deflate(dcpl.get(), 4), "add the deflate filter");
    }
  }
  const hsize_t dims = rows;
  H5Id space(check_h5(H5Screate_simple(1, &dims, nullptr), "create a dataspace"));

  const std::vector<std::string> names = result_column_names(layout);
  std::size_t next_name = 0;
  auto add = [&](H5Id type, std::size_t width) {
    const std::string& name = names[next_name++];
    Column c;
    c.dataset = H5Id(check_h5(H5Dcreate2(m_group.get(), name.c_str(), type.get(), space.get(), H5P_DEFAULT,
                                         dcpl.get(), H5P_DEFAULT),
                              "create dataset '" + group + "/" + name + "'"));
    c.mem_type = std::move(type);
    c.width = width;
    m_columns.push_back(std::move(c));
  };
  add(copy_type(H5T_NATIVE_UINT64), 0);
  std::size_t width = 0;
  H5Id variants = enum_type(layout.variants(), false, width);
  add(std::move(variants), width);
  for (const auto& col : layout.design_columns()) {
    H5Id t = enum_type(col.values, true, width);
    add(std::move(t), width);
  }
  for (std::size_t m = 0; m < model::kMetricColumns.size(); ++m) add(copy_type(H5T_NATIVE_DOUBLE), 0);
  add(copy_type(H5T_NATIVE_UINT32), 0);
}

void ResultTableWriter::write_column(Column& c, hid_t file_space, hid_t mem_space, const void* data) {
  check_h5_status(H5Dwrite(c.dataset.get(), c.mem_type.get(), mem_space, file_space, m_dxpl.get(), data),
                  "write a result column");
}

void ResultTableWriter::write(std::uint64_t offset, const search::ResultRows& r) {
  const hsize_t count = r.size();
  CHIPDSE_CHECK(offset + count <= m_rows, "rows " << offset << "+" << count << " beyond a table of " << m_rows);
  const hsize_t one = std::max<hsize_t>(count, 1);
  H5Id mem(check_h5(H5Screate_simple(1, &one, nullptr), "create a memory dataspace"));
  const hsize_t rows = m_rows;
  H5Id file(check_h5(H5Screate_simple(1, &rows, nullptr), "create a file dataspace"));
  if (count > 0) {
    const hsize_t start = offset;
    check_h5_status(H5Sselect_hyperslab(file.get(), H5S_SELECT_SET, &start, nullptr, &count, nullptr),
                    "select rows");
  } else {
    // A rank with nothing left still takes part in the collective write, with empty selections.
    check_h5_status(H5Sselect_none(file.get()), "select no rows");
    check_h5_status(H5Sselect_none(mem.get()), "select no rows");
  }
  static const std::uint64_t dummy = 0;
  auto ptr = [&](const auto& v) -> const void* { return v.empty() ? static_cast<const void*>(&dummy) : v.data(); };

  // Enum columns go out in their base width: the memory type equals the file type, so HDF5 converts nothing.
  auto narrowed = [&](const std::vector<std::uint32_t>& v, std::size_t width) {
    std::vector<unsigned char> out(std::max<std::size_t>(v.size(), 1) * width);
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (width == 1) {
        out[i] = static_cast<std::uint8_t>(v[i]);
      } else if (width == 2) {
        const auto x = static_cast<std::uint16_t>(v[i]);
        std::memcpy(&out[2 * i], &x, 2);
      } else {
        std::memcpy(&out[4 * i], &v[i], 4);
      }
    }
    return out;
  };

  std::size_t c = 0;
  write_column(m_columns[c++], file.get(), mem.get(), ptr(r.index));
  {
    const auto bytes = narrowed(r.partitioning, m_columns[c].width);
    write_column(m_columns[c++], file.get(), mem.get(), bytes.data());
  }
  for (std::size_t d = 0; d < m_layout->design_columns().size(); ++d) {
    const auto bytes = narrowed(r.design[d], m_columns[c].width);
    write_column(m_columns[c++], file.get(), mem.get(), bytes.data());
  }
  for (std::size_t m = 0; m < model::kMetricColumns.size(); ++m)
    write_column(m_columns[c++], file.get(), mem.get(), ptr(r.metric[m]));
  write_column(m_columns[c++], file.get(), mem.get(), ptr(r.infeasible));
}

void write_result_table(hid_t file, const std::string& group, const search::ColumnLayout& layout,
                        const search::RowBlock& block, int ranks,
                        const std::function<search::ResultRows(std::span<const std::uint64_t>)>& rows_of,
                        std::uint64_t slab) {
  ResultTableWriter writer(file, group, layout, block.total_rows);
  // Every rank makes as many collective writes as the largest block needs (blocks differ by at most one row).
  const std::uint64_t largest = (block.total_rows + static_cast<std::uint64_t>(ranks) - 1) / static_cast<std::uint64_t>(ranks);
  const std::uint64_t rounds = (largest + slab - 1) / slab;
  for (std::uint64_t k = 0; k < rounds; ++k) {
    const std::uint64_t b = std::min<std::uint64_t>(k * slab, block.indices.size());
    const std::uint64_t e = std::min<std::uint64_t>(b + slab, block.indices.size());
    const std::span<const std::uint64_t> part(block.indices.data() + b, e - b);
    writer.write(block.first_row + b, rows_of(part));
  }
}

}  // namespace chipdse::io
