// chipdse/search/pareto_archive.cpp — the sort-and-sweep filter with a k-d dominance tree (see the header).
#include "chipdse/search/pareto_archive.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>

#include "chipdse/core/error.hpp"

namespace chipdse::search {
namespace {

constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
// Leaf buckets are scanned linearly. Queries rarely reach a leaf (< 1 per query on the benchmark's
// cases), so 4, 16 and 32 measured the same as 8 within the noise; 8 keeps the scan short.
constexpr std::uint32_t kLeafSize = 8;
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The sweep's test "is some kept entry <= q in objectives 2..k" as a k-d tree over ALL entries of the
/// filter (built once, balanced: median splits across the cell's longest side), in which entries become
/// visible only when kept (activate()). Each node knows the bounding box of its kept entries: a lower
/// corner not <= q means no kept entry below can be <= q (skip the subtree); an upper corner <= q means
/// every kept entry below is (answer found). Empty boxes and entries not yet kept hold NaN, which fails
/// every <= test, so neither needs a flag. A node stores its children's lower corners (as a bounding
/// volume hierarchy does), so a pruned child costs no visit: a query's cost is its node loads (cache
/// misses), and this halved them. D = k - 1 is a template parameter: the coordinate loops have constant
/// bounds.
template <int D>
class DominanceTree {
 public:
  DominanceTree(const double* obj, int k, std::uint32_t n) : m_obj(obj), m_k(k), m_place(n) {
    m_root_lo.fill(kNaN);
    if (n == 0) return;
    std::vector<Point> pts(n);  // coordinates copied so that the median splits run on contiguous memory
    for (std::uint32_t i = 0; i < n; ++i) {
      std::memcpy(pts[i].c.data(), coords(i), D * sizeof(double));
      pts[i].pos = i;
    }
    m_leaf.resize(n);
    m_nodes.reserve(2 * (n / kLeafSize + 1));
    Corner lo, hi;
    lo.fill(kInf);
    hi.fill(-kInf);
    for (const Point& p : pts)
      for (int j = 0; j < D; ++j) {
        lo[j] = std::min(lo[j], p.c[j]);
        hi[j] = std::max(hi[j], p.c[j]);
      }
    build(pts, 0, n, kNone, lo, hi);
    for (std::uint32_t t = 0; t < n; ++t) m_place[pts[t].pos] = {t, m_leaf[t]};
    m_leaf = {};
    Corner unset;
    unset.fill(kNaN);
    m_pts.assign(n, unset);
  }

  /// True if a kept entry p has p[j] <= q[j] for all j < D.
  bool dominated(const double* q) noexcept {
    if (!below(m_root_lo, q)) return false;  // also the empty tree: NaN
    for (int w = 0; w < m_witnesses; ++w)
      if (below(m_witness[w], q)) {
        std::rotate(m_witness.begin(), m_witness.begin() + w, m_witness.begin() + w + 1);  // move to front
        return true;
      }
    std::array<std::uint32_t, 80> stack;  // DFS pushes <= 1 + depth entries; depth <= 33 for n < 2^32
    int top = 0;
    stack[top++] = 0;
    while (top > 0) {
      const std::uint32_t id = stack[--top];
      const Node& nd = m_nodes[id];  // its lower corner is <= q: tested before the push
      if (below(nd.hi, q)) return found(nd.hi);
      if (nd.right == kNone) {
        for (std::uint32_t t = nd.begin; t < nd.end; ++t)
          if (below(m_pts[t], q)) return found(m_pts[t]);
        continue;
      }
      // The lower half in the split objective is likelier to hold a dominator: visit it first.
      // The right child waits on the stack: fetch it now (the node loads are the cost of a query).
      if (below(nd.child_lo[1], q)) {
        __builtin_prefetch(&m_nodes[nd.right]);
        stack[top++] = nd.right;
      }
      if (below(nd.child_lo[0], q)) stack[top++] = id + 1;
    }
    return false;
  }

  /// Makes entry `pos` (a filter position) visible to dominated().
  void activate(std::uint32_t pos) noexcept {
    const Place place = m_place[pos];
    const double* c = coords(pos);
    std::memcpy(m_pts[place.slot].data(), c, D * sizeof(double));
    // Up to the first node whose box already holds c: the boxes above contain that one.
    for (std::uint32_t id = place.leaf; id != kNone;) {
      Node& nd = m_nodes[id];
      const std::uint32_t parent = nd.parent;
      Corner& lo = parent == kNone ? m_root_lo : m_nodes[parent].child_lo[id == parent + 1 ? 0 : 1];
      bool grew = false;
      for (int j = 0; j < D; ++j) {
        if (!(nd.hi[j] >= c[j])) {  // NaN (empty box) or smaller: replace
          nd.hi[j] = c[j];
          grew = true;
        }
        if (!(lo[j] <= c[j])) {
          lo[j] = c[j];
          grew = true;
        }
      }
      if (!grew) break;
      id = parent;
    }
  }

 private:
  using Corner = std::array<double, D>;
  struct Point {
    Corner c;
    std::uint32_t pos;
  };
  struct Node {
    Corner child_lo[2];        // lower corners of the kept entries below the left and the right child
    Corner hi;                 // upper corner of the kept entries below this node
    std::uint32_t right;       // the left child is the next node (pre-order); kNone for a leaf
    std::uint32_t parent;      // kNone for the root
    std::uint32_t begin, end;  // a leaf's slots
  };

  /// Remembers a corner some kept entry is <= (kept entries stay kept, so it stays valid): runs of
  /// entries removed by the same few entries, common when most entries are dominated, then cost no visit.
  bool found(const Corner& c) noexcept {
    m_witnesses = std::min(m_witnesses + 1, kWitnesses);
    std::copy_backward(m_witness.begin(), m_witness.begin() + m_witnesses - 1, m_witness.begin() + m_witnesses);
    m_witness[0] = c;
    return true;
  }

  static bool below(const Corner& p, const double* q) noexcept {
    bool le = true;
    for (int j = 0; j < D; ++j) le = le && p[j] <= q[j];
    return le;
  }

  const double* coords(std::uint32_t pos) const noexcept {
    return m_obj + static_cast<std::size_t>(pos) * static_cast<std::size_t>(m_k) + 1;
  }

  /// Pre-order build of the slots [b, e) in the cell [lo, hi].
  void build(std::vector<Point>& pts, std::uint32_t b, std::uint32_t e, std::uint32_t parent, Corner lo, Corner hi) {
    const auto id = static_cast<std::uint32_t>(m_nodes.size());
    Node nd;
    nd.child_lo[0].fill(kNaN);
    nd.child_lo[1].fill(kNaN);
    nd.hi.fill(kNaN);
    nd.right = kNone;
    nd.parent = parent;
    nd.begin = b;
    nd.end = e;
    m_nodes.push_back(nd);
    if (e - b <= kLeafSize) {
      for (std::uint32_t t = b; t < e; ++t) m_leaf[t] = id;
      return;
    }
    // Median split across the cell's longest side (fronts are rarely cube-shaped). The split only
    // shapes the tree, never the answer; an infinite or NaN extent merely makes the choice poorer.
    int s = 0;
    for (int j = 1; j < D; ++j)
      if (hi[j] - lo[j] > hi[s] - lo[s]) s = j;
    const std::uint32_t mid = b + (e - b) / 2;
    std::nth_element(pts.begin() + b, pts.begin() + mid, pts.begin() + e,
                     [s](const Point& x, const Point& y) { return x.c[s] < y.c[s]; });
    const double cut = pts[mid].c[s];
    Corner left_hi = hi, right_lo = lo;
    left_hi[s] = cut;
    right_lo[s] = cut;
    build(pts, b, mid, id, lo, left_hi);
    m_nodes[id].right = static_cast<std::uint32_t>(m_nodes.size());
    build(pts, mid, e, id, right_lo, hi);
  }

  struct Place {
    std::uint32_t slot, leaf;
  };
  static constexpr int kWitnesses = 4;

  const double* m_obj;
  int m_k;
  Corner m_root_lo;                          // lower corner of all kept entries
  std::array<Corner, kWitnesses> m_witness;  // most recently useful first
  int m_witnesses = 0;
  std::vector<Node> m_nodes;                 // pre-order
  std::vector<Corner> m_pts;                 // per slot; NaN until activated
  std::vector<Place> m_place;                // filter position -> its slot and leaf (one load in activate())
  std::vector<std::uint32_t> m_leaf;         // slot -> leaf node, during the build
};

/// Positions 0..n-1 in (objectives lexicographically, index) order: entries that can remove an entry
/// come before it. Sorting (first objective, position) pairs keeps the common comparison in cache.
std::vector<std::uint32_t> sweep_order(const std::uint64_t* idx, const double* obj, int k, std::uint32_t n) {
  struct Key {
    double first;
    std::uint32_t pos;
  };
  std::vector<Key> keys(n);
  for (std::uint32_t i = 0; i < n; ++i) keys[i] = {obj[static_cast<std::size_t>(i) * k], i};
  std::sort(keys.begin(), keys.end(), [&](const Key& a, const Key& b) {
    if (a.first != b.first) return a.first < b.first;
    const double* pa = obj + static_cast<std::size_t>(a.pos) * k;
    const double* pb = obj + static_cast<std::size_t>(b.pos) * k;
    for (int j = 1; j < k; ++j)
      if (pa[j] != pb[j]) return pa[j] < pb[j];
    return idx[a.pos] < idx[b.pos];
  });
  std::vector<std::uint32_t> order(n);
  for (std::uint32_t i = 0; i < n; ++i) order[i] = keys[i].pos;
  return order;
}

/// The positions the sweep keeps (see the header): an entry is kept unless an entry kept before it is
/// <= it in objectives 2..k. Entries removed need not be consulted: whatever removed them removes
/// everything they would (<= is transitive, and so is the sweep order).
template <int K>
std::vector<std::uint32_t> sweep(const std::uint64_t* idx, const double* obj, std::uint32_t n) {
  const std::vector<std::uint32_t> order = sweep_order(idx, obj, K, n);
  std::vector<std::uint32_t> kept;
  if constexpr (K == 2) {
    double best = kInf;
    bool any = false;  // a kept +inf must still remove a later +inf
    for (const std::uint32_t pos : order) {
      const double q = obj[static_cast<std::size_t>(pos) * 2 + 1];
      if (!any || q < best) {
        kept.push_back(pos);
        best = q;
        any = true;
      }
    }
  } else {
    DominanceTree<K - 1> tree(obj, K, n);
    for (const std::uint32_t pos : order) {
      const double* q = obj + static_cast<std::size_t>(pos) * K + 1;
      if (tree.dominated(q)) continue;
      kept.push_back(pos);
      tree.activate(pos);
    }
  }
  return kept;
}

// Byte layout of serialize(): see the header. 40 bytes, no padding, then the indices and objectives.
struct Header {
  char magic[8];
  std::uint32_t version, byte_order, objectives, reserved;
  std::uint64_t count, filtered;
};
static_assert(sizeof(Header) == 40);
constexpr char kMagic[8] = {'C', 'D', 'S', 'P', 'A', 'R', 'C', 'H'};
constexpr std::uint32_t kFormatVersion = 1;
constexpr std::uint32_t kByteOrderMark = 0x01020304u;

}  // namespace

ParetoArchive::ParetoArchive(int objectives, std::size_t buffer_points)
    : m_k(objectives), m_buffer_points(buffer_points) {
  CHIPDSE_CHECK(objectives >= kMinObjectives && objectives <= kMaxObjectives,
                "ParetoArchive: " << objectives << " objectives (allowed: " << kMinObjectives << ".."
                                  << kMaxObjectives << ")");
  CHIPDSE_CHECK(buffer_points >= 1, "ParetoArchive: buffer_points must be >= 1");
}

void ParetoArchive::add(std::uint64_t index, const double* obj) {
  for (int j = 0; j < m_k; ++j)
    CHIPDSE_CHECK(!std::isnan(obj[j]), "ParetoArchive::add: objective " << j << " of index " << index
                                                                        << " is NaN");
  m_index.push_back(index);
  for (int j = 0; j < m_k; ++j) m_obj.push_back(obj[j] + 0.0);  // -0.0 + 0.0 == +0.0: one bit pattern per value
  filter_if_full();
}

void ParetoArchive::merge(const ParetoArchive& other) {
  CHIPDSE_CHECK(other.m_k == m_k, "ParetoArchive::merge: " << other.m_k << " objectives into an archive of "
                                                           << m_k);
  if (&other == this || other.empty()) return;  // the union with itself is itself
  if (empty()) {  // copying keeps other's filtered prefix, so a finalized archive needs no refilter
    m_index = other.m_index;
    m_obj = other.m_obj;
    m_filtered = other.m_filtered;
    return;
  }
  m_index.insert(m_index.end(), other.m_index.begin(), other.m_index.end());
  m_obj.insert(m_obj.end(), other.m_obj.begin(), other.m_obj.end());
  filter_if_full();
}

void ParetoArchive::finalize() {
  if (!finalized()) filter();
}

void ParetoArchive::clear() noexcept {
  m_index.clear();
  m_obj.clear();
  m_filtered = 0;
}

std::span<const std::uint64_t> ParetoArchive::indices() const {
  CHIPDSE_CHECK(finalized(), "ParetoArchive::indices: call finalize() first");
  return m_index;
}

std::span<const double> ParetoArchive::objective_data() const {
  CHIPDSE_CHECK(finalized(), "ParetoArchive::objective_data: call finalize() first");
  return m_obj;
}

void ParetoArchive::filter_if_full() {
  if (m_index.size() - m_filtered > std::max(m_buffer_points, m_filtered)) filter();
}

void ParetoArchive::filter() {
  const std::size_t size = m_index.size();
  CHIPDSE_CHECK(size < kNone, "ParetoArchive: " << size << " entries to filter at once (limit " << kNone
                                                << "); finalize or merge in smaller steps");
  const auto n = static_cast<std::uint32_t>(size);
  std::vector<std::uint32_t> kept;
  switch (m_k) {
    case 2: kept = sweep<2>(m_index.data(), m_obj.data(), n); break;
    case 3: kept = sweep<3>(m_index.data(), m_obj.data(), n); break;
    case 4: kept = sweep<4>(m_index.data(), m_obj.data(), n); break;
    case 5: kept = sweep<5>(m_index.data(), m_obj.data(), n); break;
    default: kept = sweep<6>(m_index.data(), m_obj.data(), n); break;
  }
  // Output order: index, then objectives (only an index carrying two vectors needs the second key).
  const std::size_t k = static_cast<std::size_t>(m_k);
  std::sort(kept.begin(), kept.end(), [&](std::uint32_t a, std::uint32_t b) {
    if (m_index[a] != m_index[b]) return m_index[a] < m_index[b];
    return std::lexicographical_compare(&m_obj[a * k], &m_obj[a * k] + k, &m_obj[b * k], &m_obj[b * k] + k);
  });
  std::vector<std::uint64_t> index(kept.size());
  std::vector<double> obj(kept.size() * k);
  for (std::size_t i = 0; i < kept.size(); ++i) {
    index[i] = m_index[kept[i]];
    std::memcpy(&obj[i * k], &m_obj[kept[i] * k], k * sizeof(double));
  }
  m_index = std::move(index);
  m_obj = std::move(obj);
  m_filtered = m_index.size();
}

std::vector<std::byte> ParetoArchive::serialize() const {
  Header h{};
  std::memcpy(h.magic, kMagic, 8);
  h.version = kFormatVersion;
  h.byte_order = kByteOrderMark;
  h.objectives = static_cast<std::uint32_t>(m_k);
  h.count = m_index.size();
  h.filtered = m_filtered;
  const std::size_t index_bytes = m_index.size() * 8, obj_bytes = m_obj.size() * 8;
  std::vector<std::byte> out(sizeof(Header) + index_bytes + obj_bytes);
  std::memcpy(out.data(), &h, sizeof(Header));
  if (index_bytes > 0) std::memcpy(out.data() + sizeof(Header), m_index.data(), index_bytes);
  if (obj_bytes > 0) std::memcpy(out.data() + sizeof(Header) + index_bytes, m_obj.data(), obj_bytes);
  return out;
}

ParetoArchive ParetoArchive::deserialize(std::span<const std::byte> bytes, std::size_t buffer_points) {
  const char* what = "ParetoArchive::deserialize: ";
  CHIPDSE_CHECK(bytes.size() >= sizeof(Header), what << bytes.size() << " bytes, shorter than the header");
  Header h;
  std::memcpy(&h, bytes.data(), sizeof(Header));
  CHIPDSE_CHECK(std::memcmp(h.magic, kMagic, 8) == 0, what << "not an archive (bad magic)");
  CHIPDSE_CHECK(h.version == kFormatVersion, what << "format version " << h.version << " (expected "
                                                  << kFormatVersion << ")");
  CHIPDSE_CHECK(h.byte_order == kByteOrderMark, what << "written with another byte order");
  const std::uint32_t k = h.objectives;
  CHIPDSE_CHECK(k >= kMinObjectives && k <= kMaxObjectives, what << k << " objectives (allowed: 2..6)");
  const std::uint64_t payload = bytes.size() - sizeof(Header), row_bytes = 8 * (1 + std::uint64_t{k});
  CHIPDSE_CHECK(h.count <= payload / row_bytes && payload == h.count * row_bytes,
                what << bytes.size() << " bytes do not hold " << h.count << " entries of " << k << " objectives");
  CHIPDSE_CHECK(h.filtered <= h.count, what << "filtered prefix " << h.filtered << " > entry count " << h.count);
  ParetoArchive a(static_cast<int>(k), buffer_points);
  a.m_index.resize(h.count);
  a.m_obj.resize(h.count * k);
  if (h.count > 0) {
    std::memcpy(a.m_index.data(), bytes.data() + sizeof(Header), h.count * 8);
    std::memcpy(a.m_obj.data(), bytes.data() + sizeof(Header) + h.count * 8, h.count * k * 8);
  }
  for (std::size_t i = 0; i < a.m_obj.size(); ++i) {
    CHIPDSE_CHECK(!std::isnan(a.m_obj[i]), what << "entry " << i / k << " has a NaN objective");
    a.m_obj[i] += 0.0;  // as add() stores it
  }
  for (std::size_t i = 1; i < h.filtered; ++i)
    CHIPDSE_CHECK(a.m_index[i - 1] <= a.m_index[i], what << "filtered entries not sorted by index at entry " << i);
  a.m_filtered = h.filtered;
  return a;
}

}  // namespace chipdse::search
