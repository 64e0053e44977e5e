// The search's checkpoint file (see checkpoint_file.hpp).
#include "chipdse/io/checkpoint_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include "chipdse/io/run_identity.hpp"

namespace chipdse::io {

CheckpointError::~CheckpointError() = default;

namespace {

constexpr char kMagic[8] = {'C', 'D', 'S', 'C', 'K', 'P', 'T', '1'};
constexpr char kEndMagic[8] = {'C', 'D', 'S', 'C', 'K', 'E', 'N', 'D'};
constexpr std::uint32_t kVersion = 1;
constexpr std::uint32_t kByteOrder = 0x01020304;
constexpr std::size_t kHeaderBytes = 72;
constexpr std::size_t kTrailerBytes = 16;
constexpr std::size_t kReasons = search::EvaluationCounts::kReasonSlots;

class ByteWriter {
 public:
  void bytes(const void* p, std::size_t n) {
    const auto* b = static_cast<const char*>(p);
    m_out.insert(m_out.end(), b, b + n);
  }
  template <typename T>
  void put(T v) { bytes(&v, sizeof v); }
  void blob(const void* p, std::size_t n) {
    put<std::uint64_t>(n);
    bytes(p, n);
  }
  std::string& data() { return m_out; }

 private:
  std::string m_out;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : m_in(in) {}
  std::string_view bytes(std::size_t n, const char* what) {
    if (n > m_in.size() - m_pos)
      throw CheckpointError(std::string(what) + " runs past the end of the file (" + std::to_string(n) + " bytes at " +
                            std::to_string(m_pos) + ")");
    const std::string_view v = m_in.substr(m_pos, n);
    m_pos += n;
    return v;
  }
  template <typename T>
  T get(const char* what) {
    T v;
    std::memcpy(&v, bytes(sizeof v, what).data(), sizeof v);
    return v;
  }
  std::string_view blob(const char* what) { return bytes(get<std::uint64_t>(what), what); }
  std::size_t position() const noexcept { return m_pos; }

 private:
  std::string_view m_in;
  std::size_t m_pos = 0;
};

[[noreturn]] void bad(const std::string& why) { throw CheckpointError(why); }

void put_counts(ByteWriter& w, const search::ChunkCounts& r) {
  w.put(r.chunk);
  w.put(r.counts.evaluated);
  w.put(r.counts.feasible);
  std::uint32_t mask = 0;
  for (std::size_t b = 0; b < kReasons; ++b)
    if (r.counts.by_reason[b] != 0) mask |= 1u << b;
  w.put(mask);
  w.put<std::uint32_t>(0);
  for (std::size_t b = 0; b < kReasons; ++b)
    if (mask & (1u << b)) w.put(r.counts.by_reason[b]);
}

search::ChunkCounts get_counts(ByteReader& r) {
  search::ChunkCounts rec;
  rec.chunk = r.get<std::uint64_t>("counts");
  rec.counts.evaluated = r.get<std::uint64_t>("counts");
  rec.counts.feasible = r.get<std::uint64_t>("counts");
  const auto mask = r.get<std::uint32_t>("counts");
  r.get<std::uint32_t>("counts");
  for (std::size_t b = 0; b < kReasons; ++b)
    if (mask & (1u << b)) rec.counts.by_reason[b] = r.get<std::uint64_t>("counts");
  return rec;
}

/// n ascending u64 below `designs`, read into `out`.
void get_indices(ByteReader& r, std::uint64_t n, std::uint64_t designs, std::vector<std::uint64_t>& out,
                 const char* what) {
  const std::string_view raw = r.bytes(n * sizeof(std::uint64_t), what);
  out.resize(n);
  std::memcpy(out.data(), raw.data(), raw.size());
  for (std::uint64_t i = 0; i < n; ++i)
    if (out[i] >= designs || (i > 0 && out[i] <= out[i - 1])) bad(std::string(what) + ": out of range or out of order");
}

/// The NSGA-II section (flags bit 1), checked against the header and the archive already read.
search::Nsga2State get_nsga2(ByteReader& r, const CheckpointHeader& h, search::ParetoArchive archive) {
  search::Nsga2State s;
  s.generation = r.get<std::uint32_t>("nsga2");
  const auto n = r.get<std::uint32_t>("nsga2");
  const auto genes = r.get<std::uint32_t>("nsga2");
  const auto k = r.get<std::uint32_t>("nsga2");
  s.evaluations = r.get<std::uint64_t>("nsga2");
  if (k != static_cast<std::uint32_t>(h.objectives) || genes == 0 || n == 0) bad("inconsistent NSGA-II section");
  s.counts = get_counts(r).counts;
  const std::string_view pop = r.bytes(std::uint64_t{n} * sizeof(std::uint64_t), "population");
  s.population.resize(n);
  std::memcpy(s.population.data(), pop.data(), pop.size());
  for (std::uint64_t d : s.population)
    if (d >= h.designs) bad("population: a design out of range");
  const std::string_view g = r.bytes(std::uint64_t{n} * genes * sizeof(double), "genes");
  s.genes.resize(std::uint64_t{n} * genes);
  std::memcpy(s.genes.data(), g.data(), g.size());
  const std::string_view f = r.bytes(std::uint64_t{n} * k * sizeof(double), "fitness");
  s.fitness.resize(std::uint64_t{n} * k);
  std::memcpy(s.fitness.data(), f.data(), f.size());
  get_indices(r, r.get<std::uint64_t>("seen"), h.designs, s.seen, "distinct designs");
  get_indices(r, r.get<std::uint64_t>("feasible"), h.designs, s.feasible, "feasible designs");
  if (s.counts.evaluated != s.seen.size() || s.counts.feasible != s.feasible.size() || s.evaluations < s.seen.size())
    bad("NSGA-II counts do not match its designs");
  for (std::uint64_t c : s.counts.by_reason)
    if (c > s.counts.evaluated - s.counts.feasible) bad("NSGA-II reason counts exceed its infeasible designs");
  s.archive = std::move(archive);
  for (std::uint64_t idx : s.archive.indices())
    if (!std::binary_search(s.feasible.begin(), s.feasible.end(), idx)) bad("the archive holds a design not evaluated");
  return s;
}

std::string encode(const Checkpoint& c) {
  const CheckpointHeader& h = c.header;
  const std::uint64_t chunks = h.chunks();
  ByteWriter w;
  w.bytes(kMagic, sizeof kMagic);
  w.put(kVersion);
  w.put(kByteOrder);
  w.put<std::uint64_t>(0);  // the file size, filled in below
  w.put(fnv1a64(h.identity));
  w.put(h.designs);
  w.put(h.chunk_size);
  w.put(chunks);
  w.put<std::uint64_t>(c.done.chunks.size());
  w.put<std::uint32_t>(static_cast<std::uint32_t>(h.objectives));
  w.put<std::uint32_t>((h.feasible_stored ? 1u : 0u) | (h.nsga2 ? 2u : 0u) | (h.verification ? 4u : 0u));
  w.blob(h.identity.data(), h.identity.size());
  std::string bitmap((chunks + 7) / 8, '\0');
  for (const search::ChunkCounts& r : c.done.chunks) bitmap[r.chunk / 8] |= static_cast<char>(1u << (r.chunk % 8));
  w.blob(bitmap.data(), bitmap.size());
  w.put<std::uint64_t>(c.done.chunks.size());
  for (const search::ChunkCounts& r : c.done.chunks) put_counts(w, r);
  const std::vector<std::byte> archive = (h.nsga2 ? c.nsga2->archive : c.done.archive).serialize();
  w.blob(archive.data(), archive.size());
  w.put<std::uint64_t>(c.done.feasible.size());
  w.bytes(c.done.feasible.data(), c.done.feasible.size() * sizeof(std::uint64_t));
  if (h.nsga2) {
    const search::Nsga2State& s = *c.nsga2;
    const std::uint64_t n = s.population.size();
    w.put<std::uint32_t>(s.generation);
    w.put<std::uint32_t>(static_cast<std::uint32_t>(n));
    w.put<std::uint32_t>(static_cast<std::uint32_t>(n ? s.genes.size() / n : 0));
    w.put<std::uint32_t>(static_cast<std::uint32_t>(h.objectives));
    w.put(s.evaluations);
    put_counts(w, search::ChunkCounts{0, s.counts});
    w.bytes(s.population.data(), n * sizeof(std::uint64_t));
    w.bytes(s.genes.data(), s.genes.size() * sizeof(double));
    w.bytes(s.fitness.data(), s.fitness.size() * sizeof(double));
    w.put<std::uint64_t>(s.seen.size());
    w.bytes(s.seen.data(), s.seen.size() * sizeof(std::uint64_t));
    w.put<std::uint64_t>(s.feasible.size());
    w.bytes(s.feasible.data(), s.feasible.size() * sizeof(std::uint64_t));
  }
  if (h.verification) {
    const std::string v = verification_state_bytes(c.verification.value());
    w.blob(v.data(), v.size());
  }
  std::string& out = w.data();
  const std::uint64_t size = out.size() + kTrailerBytes;
  std::memcpy(out.data() + 16, &size, sizeof size);
  const std::uint64_t sum = fnv1a64(out);
  w.put(sum);
  w.bytes(kEndMagic, sizeof kEndMagic);
  return std::move(w.data());
}

Checkpoint decode(std::string_view in) {
  if (in.size() < kHeaderBytes + kTrailerBytes)
    bad("truncated: " + std::to_string(in.size()) + " bytes, shorter than any checkpoint");
  if (std::memcmp(in.data(), kMagic, sizeof kMagic) != 0) bad("not a chipdse checkpoint (bad magic)");
  ByteReader r(in);
  r.bytes(sizeof kMagic, "magic");
  const auto version = r.get<std::uint32_t>("version");
  if (version != kVersion)
    bad("format version " + std::to_string(version) + "; this chipdse reads version " + std::to_string(kVersion));
  if (r.get<std::uint32_t>("byte order") != kByteOrder) bad("written on a machine of another byte order");
  const auto size = r.get<std::uint64_t>("size");
  if (size != in.size())
    bad((in.size() < size ? "truncated: " : "wrong size: ") + std::to_string(in.size()) + " bytes, the header says " +
        std::to_string(size));
  if (std::memcmp(in.data() + in.size() - 8, kEndMagic, 8) != 0) bad("corrupted: bad end marker");
  std::uint64_t stored_sum = 0;
  std::memcpy(&stored_sum, in.data() + in.size() - kTrailerBytes, sizeof stored_sum);
  if (fnv1a64(in.substr(0, in.size() - kTrailerBytes)) != stored_sum) bad("corrupted: checksum mismatch");

  Checkpoint c;
  CheckpointHeader& h = c.header;
  const auto identity_hash = r.get<std::uint64_t>("header");
  h.designs = r.get<std::uint64_t>("header");
  h.chunk_size = r.get<std::uint64_t>("header");
  const auto chunks = r.get<std::uint64_t>("header");
  const auto completed = r.get<std::uint64_t>("header");
  h.objectives = static_cast<int>(r.get<std::uint32_t>("header"));
  const auto flags = r.get<std::uint32_t>("header");
  h.feasible_stored = (flags & 1u) != 0;
  h.nsga2 = (flags & 2u) != 0;
  h.verification = (flags & 4u) != 0;
  if (h.chunk_size == 0 || chunks != h.chunks() || completed > chunks || (h.nsga2 && (completed != 0 || chunks != 1)) ||
      (h.nsga2 && h.verification))
    bad("inconsistent header (chunks)");
  h.identity = std::string(r.blob("identity"));
  if (fnv1a64(h.identity) != identity_hash) bad("inconsistent header (identity hash)");
  const std::string_view bitmap = r.blob("bitmap");
  if (bitmap.size() != (chunks + 7) / 8) bad("bitmap of " + std::to_string(bitmap.size()) + " bytes");
  auto bit = [&](std::uint64_t ch) { return (static_cast<unsigned char>(bitmap[ch / 8]) >> (ch % 8)) & 1u; };
  std::uint64_t set_bits = 0;
  for (char b : bitmap) set_bits += static_cast<std::uint64_t>(std::popcount(static_cast<unsigned char>(b)));
  if (set_bits != completed || (chunks % 8 != 0 && (static_cast<unsigned char>(bitmap.back()) >> (chunks % 8)) != 0))
    bad("the bitmap does not hold the completed chunks");

  if (r.get<std::uint64_t>("counts") != completed) bad("the counts do not match the bitmap");
  c.done.chunks.resize(completed);
  std::uint64_t feasible_total = 0;
  for (std::uint64_t i = 0; i < completed; ++i) {
    search::ChunkCounts& rec = c.done.chunks[i];
    rec = get_counts(r);
    const std::uint64_t len = std::min(h.designs, (rec.chunk + 1) * h.chunk_size) - rec.chunk * h.chunk_size;
    if (rec.chunk >= chunks || !bit(rec.chunk) || (i > 0 && rec.chunk <= c.done.chunks[i - 1].chunk) ||
        rec.counts.evaluated != len || rec.counts.feasible > len)
      bad("counts of chunk " + std::to_string(rec.chunk) + " do not fit the plan");
    for (std::uint64_t n : rec.counts.by_reason)
      if (n > len - rec.counts.feasible) bad("reason counts of chunk " + std::to_string(rec.chunk) + " exceed it");
    feasible_total += rec.counts.feasible;
  }

  const std::string_view archive = r.blob("archive");
  search::ParetoArchive read_archive(2);
  try {
    read_archive = search::ParetoArchive::deserialize(
        std::span<const std::byte>(reinterpret_cast<const std::byte*>(archive.data()), archive.size()));
  } catch (const Error& e) {
    bad(std::string("archive: ") + e.what());
  }
  if (read_archive.objective_count() != h.objectives || !read_archive.finalized())
    bad("the archive does not match the header");
  for (std::uint64_t idx : read_archive.indices())
    if (idx >= h.designs || (!h.nsga2 && !bit(idx / h.chunk_size)))
      bad("the archive holds a design of an incomplete chunk");
  if (!h.nsga2) c.done.archive = std::move(read_archive);

  const auto n = r.get<std::uint64_t>("feasible");
  if (n != (h.feasible_stored ? feasible_total : 0)) bad("feasible indices do not match the counts");
  get_indices(r, n, h.designs, c.done.feasible, "feasible indices");
  for (const std::uint64_t idx : c.done.feasible)
    if (!bit(idx / h.chunk_size)) bad("feasible indices outside the completed chunks");
  if (h.nsga2) c.nsga2 = get_nsga2(r, h, std::move(read_archive));
  if (h.verification) {
    const std::string_view v = r.blob("verification");
    try {
      c.verification = verification_state_from_bytes(v);
    } catch (const CheckpointError&) {
      throw;
    } catch (const Error& e) {
      bad(std::string("verification: ") + e.what());
    }
  }
  if (r.position() != in.size() - kTrailerBytes) bad("unexpected bytes before the trailer");
  return c;
}

void write_all(int fd, const std::string& data, const std::string& path) {
  for (std::size_t off = 0; off < data.size();) {
    const ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw Error("cannot write checkpoint '" + path + "': " + std::strerror(errno));
    off += static_cast<std::size_t>(n);
  }
}

}  // namespace

std::string checkpoint_bytes(const Checkpoint& ckpt) { return encode(ckpt); }
Checkpoint checkpoint_from_bytes(std::string_view bytes) { return decode(bytes); }

std::filesystem::path checkpoint_path(const std::filesystem::path& out) { return out.string() + ".ckpt"; }
std::filesystem::path previous_checkpoint_path(const std::filesystem::path& out) { return out.string() + ".ckpt.prev"; }

std::uint64_t write_checkpoint(const std::filesystem::path& out, const Checkpoint& ckpt) {
  const std::string data = encode(ckpt);
  const std::filesystem::path file = checkpoint_path(out), prev = previous_checkpoint_path(out);
  const std::string tmp = file.string() + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw Error("cannot create checkpoint '" + tmp + "': " + std::strerror(errno));
  try {
    write_all(fd, data, tmp);
    if (::fsync(fd) != 0) throw Error("cannot fsync checkpoint '" + tmp + "': " + std::strerror(errno));
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  if (::close(fd) != 0) throw Error("cannot close checkpoint '" + tmp + "': " + std::strerror(errno));
  // Keep the newest complete checkpoint as .prev before the new one takes its name; between the renames only
  // .prev exists, and the reader falls back to it.
  if (::rename(file.c_str(), prev.c_str()) != 0 && errno != ENOENT)
    throw Error("cannot rename '" + file.string() + "' to '" + prev.string() + "': " + std::strerror(errno));
  if (::rename(tmp.c_str(), file.c_str()) != 0)
    throw Error("cannot rename '" + tmp + "' to '" + file.string() + "': " + std::strerror(errno));
  // The renames are durable only once the folder is.
  const std::filesystem::path dir = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return data.size();
}

Checkpoint read_checkpoint(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw CheckpointError("cannot open it");
  const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw CheckpointError("cannot read it");
  return decode(data);
}

std::optional<ResumePoint> load_checkpoint_for_resume(const std::filesystem::path& out, const CheckpointHeader& expected,
                                                      std::ostream& log) {
  std::vector<std::string> problems;
  for (const std::filesystem::path& file : {checkpoint_path(out), previous_checkpoint_path(out)}) {
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) continue;
    ResumePoint p{file, {}};
    try {
      p.checkpoint = read_checkpoint(file);
    } catch (const CheckpointError& e) {
      problems.push_back(file.string() + ": " + e.what());
      log << "chipdse run: checkpoint " << file.string() << " is unusable (" << e.what() << ")"
          << (file == checkpoint_path(out) ? "; trying the previous one" : "") << '\n';
      continue;
    }
    const CheckpointHeader& h = p.checkpoint.header;
    std::vector<std::string> diff = identity_differences(h.identity, expected.identity);
    // The identity covers the plan (space, chunk size, objectives, store); these catch a plan it could not.
    if (diff.empty() && (h.designs != expected.designs || h.chunk_size != expected.chunk_size ||
                         h.objectives != expected.objectives || h.feasible_stored != expected.feasible_stored || h.nsga2 != expected.nsga2 ||
                         h.verification != expected.verification))
      diff.push_back("the search plan: " + std::to_string(h.designs) + " designs in chunks of " +
                     std::to_string(h.chunk_size) + " in the checkpoint, " + std::to_string(expected.designs) +
                     " in chunks of " + std::to_string(expected.chunk_size) + " now");
    if (!diff.empty()) {
      std::string list;
      for (std::size_t i = 0; i < diff.size() && i < 6; ++i) list += (i ? "; " : "") + diff[i];
      if (diff.size() > 6) list += "; and " + std::to_string(diff.size() - 6) + " more";
      throw InputError(SourceLocation{file.string()}, "", "this checkpoint is of another run (" +
                                                              std::to_string(diff.size()) + " difference(s)): " + list,
                       {}, "a checkpoint of the same deck, sweep case and chipdse build; run without --resume to "
                           "start fresh (it replaces the checkpoint)");
    }
    if (!problems.empty()) log << "chipdse run: using the previous checkpoint " << file.string() << '\n';
    return p;
  }
  if (problems.empty()) return std::nullopt;
  std::string list;
  for (const std::string& p : problems) list += (list.empty() ? "" : "; ") + p;
  throw InputError(SourceLocation{checkpoint_path(out).string()}, "", "no usable checkpoint: " + list, {},
                   "move the damaged files away, or run without --resume to start fresh");
}

void remove_checkpoints(const std::filesystem::path& out) noexcept {
  std::error_code ec;
  std::filesystem::remove(checkpoint_path(out), ec);
  std::filesystem::remove(previous_checkpoint_path(out), ec);
  std::filesystem::remove(checkpoint_path(out).string() + ".tmp", ec);
}

}  // namespace chipdse::io
