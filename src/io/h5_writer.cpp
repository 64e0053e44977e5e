// HDF5 helpers (see h5_writer.hpp).
#include "chipdse/io/h5_writer.hpp"

#include "chipdse/core/error.hpp"

namespace chipdse::io {

namespace {

hid_t check(hid_t id, const std::string& what) {
  if (id < 0) throw Error("HDF5: cannot " + what);
  return id;
}

void check_status(herr_t status, const std::string& what) {
  if (status < 0) throw Error("HDF5: cannot " + what);
}

herr_t close_any(hid_t id) {
  switch (H5Iget_type(id)) {
    case H5I_FILE: return H5Fclose(id);
    case H5I_GROUP: return H5Gclose(id);
    case H5I_DATASET: return H5Dclose(id);
    case H5I_DATASPACE: return H5Sclose(id);
    case H5I_DATATYPE: return H5Tclose(id);
    case H5I_ATTR: return H5Aclose(id);
    case H5I_GENPROP_LST: return H5Pclose(id);
    default: return -1;
  }
}

H5Id string_type() {
  H5Id t(check(H5Tcopy(H5T_C_S1), "copy the string type"));
  check_status(H5Tset_size(t.get(), H5T_VARIABLE), "make a variable-length string type");
  check_status(H5Tset_cset(t.get(), H5T_CSET_UTF8), "set UTF-8");
  return t;
}

void write_scalar_attribute(hid_t obj, const std::string& name, hid_t type, const void* data) {
  H5Id space(check(H5Screate(H5S_SCALAR), "create a scalar dataspace"));
  H5Id attr(check(H5Acreate2(obj, name.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                  "create attribute '" + name + "'"));
  check_status(H5Awrite(attr.get(), type, data), "write attribute '" + name + "'");
}

}  // namespace

H5Id::~H5Id() {
  if (m_id >= 0) close_any(m_id);
}

H5Id& H5Id::operator=(H5Id&& o) noexcept {
  if (this != &o) {
    if (m_id >= 0) close_any(m_id);
    m_id = o.m_id;
    o.m_id = H5I_INVALID_HID;
  }
  return *this;
}

void H5Id::close() {
  if (m_id < 0) return;
  const hid_t id = m_id;
  m_id = H5I_INVALID_HID;
  check_status(close_any(id), "close an object (data may not be on disk)");
}

void silence_hdf5_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

H5Id create_file(const std::string& path) {
  return H5Id(check(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), "create file '" + path + "'"));
}

H5Id open_file(const std::string& path) {
  return H5Id(check(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), "open file '" + path + "' for writing"));
}

H5Id open_file_mpio(const std::string& path, MPI_Comm comm) {
  H5Id fapl(check(H5Pcreate(H5P_FILE_ACCESS), "create a file access property list"));
  check_status(H5Pset_fapl_mpio(fapl.get(), comm, MPI_INFO_NULL), "select the MPI-IO driver");
  return H5Id(check(H5Fopen(path.c_str(), H5F_ACC_RDWR, fapl.get()), "open file '" + path + "' with MPI-IO"));
}

H5Id open_group(hid_t parent, const std::string& name) {
  return H5Id(check(H5Gopen2(parent, name.c_str(), H5P_DEFAULT), "open group '" + name + "'"));
}

H5Id open_dataset(hid_t parent, const std::string& name) {
  return H5Id(check(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), "open dataset '" + name + "'"));
}

hid_t check_h5(hid_t id, const std::string& what) { return check(id, what); }

void check_h5_status(herr_t status, const std::string& what) { check_status(status, what); }

H5Id create_group(hid_t parent, const std::string& name) {
  return H5Id(check(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                    "create group '" + name + "'"));
}

void write_attribute(hid_t obj, const std::string& name, const std::string& value) {
  H5Id type = string_type();
  const char* p = value.c_str();
  write_scalar_attribute(obj, name, type.get(), &p);
}

void write_attribute(hid_t obj, const std::string& name, long long value) {
  write_scalar_attribute(obj, name, H5T_NATIVE_LLONG, &value);
}

void write_attribute(hid_t obj, const std::string& name, double value) {
  write_scalar_attribute(obj, name, H5T_NATIVE_DOUBLE, &value);
}

void write_attribute(hid_t obj, const std::string& name, const std::vector<double>& values) {
  const hsize_t n = values.size();
  H5Id space(check(H5Screate_simple(1, &n, nullptr), "create a dataspace"));
  H5Id attr(check(H5Acreate2(obj, name.c_str(), H5T_NATIVE_DOUBLE, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                  "create attribute '" + name + "'"));
  check_status(H5Awrite(attr.get(), H5T_NATIVE_DOUBLE, values.data()), "write attribute '" + name + "'");
}

void write_strings(hid_t parent, const std::string& name, const std::vector<std::string>& values) {
  H5Id type = string_type();
  const hsize_t n = values.size();
  H5Id space(check(H5Screate_simple(1, &n, nullptr), "create a dataspace"));
  H5Id ds(check(H5Dcreate2(parent, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                "create dataset '" + name + "'"));
  std::vector<const char*> ptrs;
  ptrs.reserve(values.size());
  for (const auto& v : values) ptrs.push_back(v.c_str());
  if (n) check_status(H5Dwrite(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()),
                      "write dataset '" + name + "'");
}

void write_doubles(hid_t parent, const std::string& name, const std::vector<double>& values, const std::string& unit) {
  const hsize_t n = values.size();
  H5Id space(check(H5Screate_simple(1, &n, nullptr), "create a dataspace"));
  H5Id ds(check(H5Dcreate2(parent, name.c_str(), H5T_NATIVE_DOUBLE, space.get(), H5P_DEFAULT, H5P_DEFAULT,
                           H5P_DEFAULT),
                "create dataset '" + name + "'"));
  if (n) check_status(H5Dwrite(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
                      "write dataset '" + name + "'");
  if (!unit.empty()) write_attribute(ds.get(), "unit", unit);
}

void write_uint64s(hid_t parent, const std::string& name, const std::vector<unsigned long long>& values) {
  const hsize_t n = values.size();
  H5Id space(check(H5Screate_simple(1, &n, nullptr), "create a dataspace"));
  H5Id ds(check(H5Dcreate2(parent, name.c_str(), H5T_NATIVE_ULLONG, space.get(), H5P_DEFAULT, H5P_DEFAULT,
                           H5P_DEFAULT),
                "create dataset '" + name + "'"));
  if (n) check_status(H5Dwrite(ds.get(), H5T_NATIVE_ULLONG, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
                      "write dataset '" + name + "'");
}

void write_attribute(hid_t obj, const std::string& name, const std::vector<std::string>& values) {
  H5Id type = string_type();
  const hsize_t n = values.size();
  H5Id space(check(H5Screate_simple(1, &n, nullptr), "create a dataspace"));
  H5Id attr(check(H5Acreate2(obj, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
                  "create attribute '" + name + "'"));
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v.c_str());
  if (n) check_status(H5Awrite(attr.get(), type.get(), ptrs.data()), "write attribute '" + name + "'");
}

}  // namespace chipdse::io
