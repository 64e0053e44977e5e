// chipdse/io/h5_writer.hpp — small helpers over the HDF5 C API (files serial or MPI-IO, attributes, strings, columns
// with units). Every failure becomes chipdse::Error; nothing is left half-open.
#pragma once

#include <string>
#include <vector>

#include <hdf5.h>
#include <mpi.h>

namespace chipdse::io {

/// Owns one HDF5 identifier and closes it with the right H5*close.
class H5Id {
 public:
  H5Id() = default;
  explicit H5Id(hid_t id) : m_id(id) {}
  ~H5Id();
  H5Id(H5Id&& o) noexcept : m_id(o.m_id) { o.m_id = H5I_INVALID_HID; }
  H5Id& operator=(H5Id&& o) noexcept;
  H5Id(const H5Id&) = delete;
  H5Id& operator=(const H5Id&) = delete;
  hid_t get() const noexcept { return m_id; }
  /// Closes now, reporting a failure (used for the file, where a failed close means lost data).
  void close();

 private:
  hid_t m_id = H5I_INVALID_HID;
};

/// Turns off HDF5's own error printing; chipdse reports its errors itself.
void silence_hdf5_errors();

/// Creates (truncates) a file with the default serial driver. @throws Error naming the path.
H5Id create_file(const std::string& path);
/// Opens an existing file for writing with the default serial driver (one rank). @throws Error naming the path.
H5Id open_file(const std::string& path);
/// Opens an existing file for writing with the MPI-IO driver on `comm`. Collective: every rank of comm calls it,
/// and every later metadata call (creating groups, datasets) must be made by every rank alike.
H5Id open_file_mpio(const std::string& path, MPI_Comm comm);
H5Id create_group(hid_t parent, const std::string& name);
H5Id open_group(hid_t parent, const std::string& name);
H5Id open_dataset(hid_t parent, const std::string& name);

void write_attribute(hid_t obj, const std::string& name, const std::string& value);
void write_attribute(hid_t obj, const std::string& name, long long value);
void write_attribute(hid_t obj, const std::string& name, double value);
/// A 1-D double array attribute.
void write_attribute(hid_t obj, const std::string& name, const std::vector<double>& values);

/// A 1-D dataset of variable-length UTF-8 strings.
void write_strings(hid_t parent, const std::string& name, const std::vector<std::string>& values);
/// A 1-D dataset of doubles with a `unit` attribute (empty unit: none written).
void write_doubles(hid_t parent, const std::string& name, const std::vector<double>& values, const std::string& unit);
/// A 1-D dataset of unsigned 64-bit integers (counts, indices).
void write_uint64s(hid_t parent, const std::string& name, const std::vector<unsigned long long>& values);
/// A 1-D string array attribute (variable-length UTF-8).
void write_attribute(hid_t obj, const std::string& name, const std::vector<std::string>& values);

/// Turns a negative HDF5 identifier or status into Error("HDF5: cannot <what>").
hid_t check_h5(hid_t id, const std::string& what);
void check_h5_status(herr_t status, const std::string& what);

}  // namespace chipdse::io
