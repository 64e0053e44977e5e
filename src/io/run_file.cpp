// The run's HDF5 file (see run_file.hpp).
#include "chipdse/io/run_file.hpp"

#include <cstdio>

#include "chipdse/core/build_info.hpp"
#include "chipdse/core/error.hpp"
#include "chipdse/io/h5_writer.hpp"

namespace chipdse::io {

namespace {

void write_tech(hid_t parent, const tech::TechDatabase& db) {
  H5Id g = create_group(parent, "tech");
  std::vector<std::string> path, unit, source, confidence, basis, derivation, note;
  std::vector<double> value, lo, hi;
  for (const auto& e : db.entries()) {
    path.push_back(e.path);
    unit.push_back(e.unit);
    source.push_back(e.source);
    confidence.push_back(std::string(1, e.confidence));
    basis.push_back(e.range_basis);
    derivation.push_back(e.derivation);
    note.push_back(e.note);
    value.push_back(e.value);
    lo.push_back(e.range_lo);
    hi.push_back(e.range_hi);
  }
  write_strings(g.get(), "path", path);
  write_doubles(g.get(), "value", value, "");  // units differ per row: see the `unit` column
  write_strings(g.get(), "unit", unit);
  write_doubles(g.get(), "range_lo", lo, "");
  write_doubles(g.get(), "range_hi", hi, "");
  write_strings(g.get(), "range_basis", basis);
  write_strings(g.get(), "confidence", confidence);
  write_strings(g.get(), "source", source);
  write_strings(g.get(), "derivation", derivation);
  write_strings(g.get(), "note", note);
  write_attribute(g.get(), "description",
                  std::string("resolved technology database; `source` is a row id of tech_data.json or a citation"));
}

}  // namespace

void write_run_file(const std::filesystem::path& out, const deck::Deck& deck, const RunInfo& info) {
  silence_hdf5_errors();
  if (out.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(out.parent_path(), ec);
    if (ec) throw Error("cannot create output folder '" + out.parent_path().string() + "': " + ec.message());
  }
  const std::string tmp = out.string() + ".tmp";
  try {
    H5Id file = create_file(tmp);
    const BuildInfo& b = build_info();
    write_attribute(file.get(), "chipdse_version", std::string(b.version));
    write_attribute(file.get(), "git_revision", std::string(b.git_revision));
    write_attribute(file.get(), "build_type", std::string(b.build_type));
    write_attribute(file.get(), "compiler", std::string(b.compiler));
    write_attribute(file.get(), "date", utc_timestamp());
    write_attribute(file.get(), "ranks", static_cast<long long>(info.ranks));
    write_attribute(file.get(), "threads", static_cast<long long>(info.threads));
    write_attribute(file.get(), "status", info.status);
    write_attribute(file.get(), "study", deck.study_name);
    {
      H5Id g = create_group(file.get(), "deck");
      std::vector<std::string> paths, texts;
      for (const auto& f : deck.files) {
        paths.push_back(f.path);
        texts.push_back(f.text);
      }
      write_strings(g.get(), "given_paths", paths);
      write_strings(g.get(), "given_texts", texts);
      write_strings(g.get(), "resolved", {deck.resolved_toml});
      write_tech(g.get(), deck.tech);
    }
    write_attribute(file.get(), "wall_time_s", info.wall_time_s);
    write_attribute(file.get(), "complete", 1LL);  // last: a reader trusts the file only when this is 1
    file.close();
  } catch (...) {
    std::remove(tmp.c_str());
    throw;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, out, ec);
  if (ec) throw Error("cannot rename '" + tmp + "' to '" + out.string() + "': " + ec.message());
}

}  // namespace chipdse::io
