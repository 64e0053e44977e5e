// What a checkpoint must share with the run that resumes it (see run_identity.hpp).
#include "chipdse/io/run_identity.hpp"

#include <array>
#include <charconv>
#include <map>
#include <set>
#include <sstream>

#include "chipdse/core/build_info.hpp"

namespace chipdse::io {

namespace {

// Keys that change no number of the result: how often to checkpoint, prose, and size caps (a run that passed
// them produces the same file whatever their value).
const std::set<std::string> kIgnored = {"search.checkpoint_interval_s", "search.checkpoint_interval_chunks",
                                        "search.checkpoint_interval_generations",
                                        "study.description", "output.max_points", "search.max_exhaustive_points"};

std::string number(double v) {
  std::array<char, 64> buf{};
  const auto res = std::to_chars(buf.data(), buf.data() + buf.size(), v);  // shortest round-trip form
  return std::string(buf.data(), res.ptr);
}

struct Render {
  std::string operator()(std::monostate) const { return "(none)"; }
  std::string operator()(bool b) const { return b ? "true" : "false"; }
  std::string operator()(std::int64_t i) const { return std::to_string(i); }
  std::string operator()(double d) const { return number(d); }
  std::string operator()(const std::string& s) const { return '"' + s + '"'; }
  template <typename T>
  std::string operator()(const std::vector<T>& list) const {
    std::string out = "[";
    for (std::size_t i = 0; i < list.size(); ++i) out += (i ? ", " : "") + (*this)(list[i]);
    return out + "]";
  }
};

std::string render(const deck::Value& value) { return std::visit(Render{}, value); }

std::map<std::string, std::string> parse(const std::string& identity) {
  std::map<std::string, std::string> out;
  std::istringstream in(identity);
  std::string line;
  while (std::getline(in, line)) {
    const auto eq = line.find(" = ");
    if (eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 3);
  }
  return out;
}

}  // namespace

std::string run_identity(const deck::Deck& deck) {
  std::map<std::string, std::string> lines;
  for (const auto& [key, v] : deck.values.values)
    if (!kIgnored.count(key)) lines[key] = render(v.value);
  for (const auto& e : deck.tech.entries()) lines["tech." + e.path] = number(e.value) + " " + e.unit;
  for (const auto& [name, value] : deck.thermal_petsc) lines["thermal.petsc." + name] = value;
  const BuildInfo& b = build_info();
  lines["chipdse.build"] = std::string(b.version) + " (" + b.git_revision + ", " + b.compiler + ")";
  std::string out;
  for (const auto& [key, value] : lines) out += key + " = " + value + "\n";
  return out;
}

std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t h) noexcept {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::vector<std::string> identity_differences(const std::string& checkpoint, const std::string& now) {
  const auto a = parse(checkpoint), b = parse(now);
  std::vector<std::string> out;
  auto side = [](const std::map<std::string, std::string>& m, const std::string& k) {
    const auto it = m.find(k);
    return it == m.end() ? std::string("(absent)") : it->second;
  };
  std::set<std::string> keys;
  for (const auto& kv : a) keys.insert(kv.first);
  for (const auto& kv : b) keys.insert(kv.first);
  for (const std::string& k : keys)
    if (side(a, k) != side(b, k)) out.push_back(k + ": " + side(a, k) + " in the checkpoint, " + side(b, k) + " now");
  return out;
}

}  // namespace chipdse::io
