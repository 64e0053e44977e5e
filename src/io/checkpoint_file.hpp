// chipdse/io/checkpoint_file.hpp — the search's checkpoint (DESIGN.md §4): one binary file next to the output,
// written by rank 0 with POSIX I/O, "<out>.ckpt", with the one before kept as "<out>.ckpt.prev".
//
// Format version 1 (native byte order, which the header records; every integer unsigned):
//   header   char[8] "CDSCKPT1", u32 format version (1), u32 byte-order mark 0x01020304, u64 file size,
//            u64 identity hash (FNV-1a 64 of the identity text), u64 designs, u64 chunk size, u64 chunks,
//            u64 completed chunks, u32 objective count, u32 flags (bit 0: feasible indices stored)
//   identity u64 length, then the run identity text (run_identity.hpp): what must not change for a resume
//   bitmap   u64 length (ceil(chunks / 8)), then bit c % 8 of byte c / 8 set when chunk c is complete
//   counts   u64 records (= completed chunks), then per completed chunk in increasing order: u64 chunk,
//            u64 evaluated, u64 feasible, u32 mask of the non-zero reason slots, u32 0, then one u64 per mask bit
//            (points infeasible for that reason), lowest bit first
//   archive  u64 length, then search::ParetoArchive::serialize() of the completed chunks' front (finalized)
//   feasible u64 count, then the feasible indices of the completed chunks, ascending (flags bit 0; else count 0)
//   nsga2    (flags bit 1: an NSGA-II run, whose header has one chunk of every design and none completed, and whose
//            archive is the search's) u32 generation, u32 population, u32 genes, u32 objectives, u64 evaluations,
//            the distinct designs' counts as one counts record (chunk 0), the population's designs (u64 each), genes
//            and fitness (f64, population x genes and population x objectives), then u64 count + the distinct
//            designs evaluated, ascending, and u64 count + the feasible ones among them, ascending
//   verification (flags bit 2: a run with verification rounds) u64 length, then verification_state.hpp's bytes: the
//            round the completed chunks belong to and every package solved before it
//   trailer  u64 FNV-1a 64 checksum of every byte before it, char[8] "CDSCKEND"
// A reader checks the size, both magics, the version, the byte order, the checksum, and that every section is
// consistent (records = bitmap, counts fit their chunks, archive and feasible indices inside completed chunks).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "chipdse/core/error.hpp"
#include "chipdse/search/chunk_evaluator.hpp"
#include "chipdse/io/verification_state.hpp"
#include "chipdse/search/nsga2_search.hpp"

namespace chipdse::io {

/// What a checkpoint is of: it may be resumed only by a run with the same identity (same results) and plan.
struct CheckpointHeader {
  std::string identity;             ///< run_identity() of the deck
  std::uint64_t designs = 0;
  std::uint64_t chunk_size = 1;
  int objectives = 2;               ///< objective count of the archive
  bool feasible_stored = false;     ///< output.store = "feasible": the completed chunks' feasible indices are kept
  bool nsga2 = false;               ///< an NSGA-II run: one chunk of every design, the state in Checkpoint::nsga2
  bool verification = false;        ///< verification rounds: Checkpoint::verification holds the round and packages
  std::uint64_t chunks() const noexcept { return designs / chunk_size + (designs % chunk_size != 0); }
};

struct Checkpoint {
  CheckpointHeader header;
  search::CompletedChunks done;  ///< an exhaustive run's completed chunks (none for NSGA-II)
  std::optional<search::Nsga2State> nsga2;  ///< an NSGA-II run's state after a generation (header.nsga2)
  /// Verification rounds (header.verification): `done` are chunks of round verification->round's enumeration.
  std::optional<VerificationState> verification;
};

/// A file that is not a usable checkpoint (missing, truncated, corrupted, another format); the message says why.
class CheckpointError : public Error {
 public:
  using Error::Error;
  ~CheckpointError() override;
};

std::filesystem::path checkpoint_path(const std::filesystem::path& out);           ///< "<out>.ckpt"
std::filesystem::path previous_checkpoint_path(const std::filesystem::path& out);  ///< "<out>.ckpt.prev"

/// Writes `ckpt` as "<out>.ckpt": to "<out>.ckpt.tmp", fsync, then the current "<out>.ckpt" (if any) is renamed to
/// "<out>.ckpt.prev", the new file renamed into place, and the folder fsync'd. At every instant one of the two names
/// holds a complete checkpoint, so a kill at any point loses at most the newest one.
/// @returns the file's size in bytes. @throws Error naming the path when a step fails (the old files stay).
std::uint64_t write_checkpoint(const std::filesystem::path& out, const Checkpoint& ckpt);

/// The file's bytes for `ckpt`, and back (e.g. to hand a checkpoint read on rank 0 to every rank).
/// @throws CheckpointError from checkpoint_from_bytes saying what is wrong.
std::string checkpoint_bytes(const Checkpoint& ckpt);
Checkpoint checkpoint_from_bytes(std::string_view bytes);
/// Reads and checks one checkpoint file. @throws CheckpointError saying what is wrong.
Checkpoint read_checkpoint(const std::filesystem::path& file);

/// A checkpoint chosen for --resume.
struct ResumePoint {
  std::filesystem::path file;
  Checkpoint checkpoint;
};

/// For `run --resume`: "<out>.ckpt", or "<out>.ckpt.prev" when the newest is missing or unusable (saying so on
/// `log`). Returns nullopt when neither file exists (the caller starts fresh and says so).
/// @throws InputError (exit 2) naming the file and what differs when the usable checkpoint is of another deck,
///         chunk size or build; or naming both files and their problems when neither is usable (move them away, or
///         run without --resume to start fresh).
std::optional<ResumePoint> load_checkpoint_for_resume(const std::filesystem::path& out, const CheckpointHeader& expected,
                                                      std::ostream& log);

/// Removes "<out>.ckpt", "<out>.ckpt.prev" and "<out>.ckpt.tmp" (after a complete run; never throws).
void remove_checkpoints(const std::filesystem::path& out) noexcept;

}  // namespace chipdse::io
