// The run's HDF5 file (see run_file.hpp).
#include "chipdse/io/run_file.hpp"

#include <cstdio>

#include "chipdse/core/build_info.hpp"
#include "chipdse/core/error.hpp"
#include "chipdse/io/h5_writer.hpp"
#include "chipdse/io/result_tables.hpp"

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

namespace {

void prepare_folder(const std::filesystem::path& out) {
  silence_hdf5_errors();
  if (out.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(out.parent_path(), ec);
    if (ec) throw Error("cannot create output folder '" + out.parent_path().string() + "': " + ec.message());
  }
}

/// Root provenance attributes and /deck.
void write_provenance(hid_t file, const deck::Deck& deck, const RunInfo& info) {
  const BuildInfo& b = build_info();
  write_attribute(file, "chipdse_version", std::string(b.version));
  write_attribute(file, "git_revision", std::string(b.git_revision));
  write_attribute(file, "build_type", std::string(b.build_type));
  write_attribute(file, "compiler", std::string(b.compiler));
  write_attribute(file, "date", utc_timestamp());
  write_attribute(file, "ranks", static_cast<long long>(info.ranks));
  write_attribute(file, "threads", static_cast<long long>(info.threads));
  write_attribute(file, "status", info.status);
  write_attribute(file, "study", deck.study_name);
  H5Id g = create_group(file, "deck");
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

void rename_into_place(const std::filesystem::path& out) {
  const std::filesystem::path tmp = temporary_path(out);
  std::error_code ec;
  std::filesystem::rename(tmp, out, ec);
  if (ec) throw Error("cannot rename '" + tmp.string() + "' to '" + out.string() + "': " + ec.message());
}

}  // namespace

std::filesystem::path temporary_path(const std::filesystem::path& out) { return out.string() + ".tmp"; }

void discard_result_file(const std::filesystem::path& out) noexcept {
  std::error_code ec;
  std::filesystem::remove(temporary_path(out), ec);
}

namespace {

// The last writes of every run file: the wall time, then `complete` (a reader trusts the file only when it is 1),
// and close; the caller renames it into place only after this succeeded.
void mark_complete(H5Id& file, const RunInfo& info) {
  write_attribute(file.get(), "wall_time_s", info.wall_time_s);
  write_attribute(file.get(), "complete", 1LL);
  file.close();
}

}  // namespace

void write_run_file(const std::filesystem::path& out, const deck::Deck& deck, const RunInfo& info) {
  prepare_folder(out);
  try {
    H5Id file = create_file(temporary_path(out).string());
    write_provenance(file.get(), deck, info);
    mark_complete(file, info);
  } catch (...) {
    discard_result_file(out);
    throw;
  }
  rename_into_place(out);
}

void begin_result_file(const std::filesystem::path& out, const deck::Deck& deck, const search::DesignSpace& space,
                       const RunInfo& info) {
  prepare_folder(out);
  try {
    H5Id file = create_file(temporary_path(out).string());
    write_provenance(file.get(), deck, info);
    write_space_group(file.get(), space);
    file.close();
  } catch (...) {
    discard_result_file(out);
    throw;
  }
}

void finish_result_file(const std::filesystem::path& out, const search::ColumnLayout& layout, const RunStats& stats,
                        const RunInfo& info) {
  try {
    H5Id file = open_file(temporary_path(out).string());
    write_stats_group(file.get(), stats);
    describe_result_table(file.get(), "pareto", layout, stats.front_size,
                          "the exact Pareto front over the deck's objectives (feasible designs only), one row per "
                          "design in index order; every row equals `chipdse evaluate` of that design");
    {
      H5Id pareto = open_group(file.get(), "pareto");
      write_attribute(pareto.get(), "objectives", stats.objectives);
      write_attribute(pareto.get(), "senses", stats.senses);
    }
    if (stats.store == "front") {
      // /points of store = "front" is the front itself: the same datasets, linked rather than copied.
      H5Id points = create_group(file.get(), "points");
      H5Id pareto = open_group(file.get(), "pareto");
      for (const std::string& name : result_column_names(layout))
        check_h5_status(H5Lcreate_hard(pareto.get(), name.c_str(), points.get(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
                        "link /points/" + name + " to /pareto/" + name);
      write_attribute(points.get(), "rows", static_cast<long long>(stats.points_rows));
      write_attribute(points.get(), "description",
                      std::string("output.store = \"front\": the datasets of /pareto (hard links)"));
    } else {
      describe_result_table(file.get(), "points", layout, stats.points_rows,
                            "output.store = \"" + stats.store + "\": one row per design in index order");
    }
    H5Id points = open_group(file.get(), "points");
    write_attribute(points.get(), "store", stats.store);
    points = H5Id();
    mark_complete(file, info);
  } catch (...) {
    discard_result_file(out);
    throw;
  }
  rename_into_place(out);
}

}  // namespace chipdse::io
