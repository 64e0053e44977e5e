// The `.fv` case reader and case validation (see fv_case.hpp).
#include "chipdse/thermal/fv_case.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <map>
#include <sstream>

#include "chipdse/core/error.hpp"
#include "chipdse/core/suggest.hpp"

namespace chipdse::thermal {

double FvCase::total_power_w() const noexcept {
  double p = 0;
  for (const auto& b : blocks) p += b.power_w;
  return p;
}

std::size_t FvCase::find_layer(std::string_view name) const noexcept {
  for (std::size_t i = 0; i < layers.size(); ++i)
    if (layers[i].name == name) return i;
  return layers.size();
}

namespace {

struct Token {
  std::string text;
  int column = 0;  // 1-based
};

/// One keyword line: its fields and where each was written.
struct Line {
  const std::string& file;
  int number;
  std::vector<Token> tokens;

  SourceLocation at(std::size_t i) const { return {file, number, i < tokens.size() ? tokens[i].column : 0}; }
};

const std::vector<std::string>& keywords() {
  static const std::vector<std::string> k = {"ambient", "htc_top", "htc_bot", "xseg", "yseg", "layer", "rect"};
  return k;
}

const char* format_of(const std::string& keyword) {
  if (keyword == "ambient") return "ambient <K>";
  if (keyword == "htc_top") return "htc_top <W/(m2 K)>";
  if (keyword == "htc_bot") return "htc_bot <W/(m2 K)>";
  if (keyword == "xseg") return "xseg <x0_mm> <x1_mm> <n>";
  if (keyword == "yseg") return "yseg <y0_mm> <y1_mm> <n>";
  if (keyword == "layer") return "layer <name> <t_m> <nsub> <k> <fx0> <fy0> <fx1> <fy1>";
  return "rect <layer> <name> <x0> <y0> <x1> <y1> <k|-1> <P_W>";
}

/// Field i of `line` as a finite double; `allowed` describes the valid values.
double number(const Line& line, std::size_t i, const std::string& key, const std::string& allowed) {
  const std::string& s = line.tokens[i].text;
  double v = 0;
  const char* b = s.data();
  const char* e = b + s.size();
  if (*b == '+') ++b;
  const auto [ptr, ec] = std::from_chars(b, e, v);
  if (ec != std::errc() || ptr != e || !std::isfinite(v))
    throw InputError(line.at(i), key, "not a finite number", s, allowed);
  return v;
}

int integer(const Line& line, std::size_t i, const std::string& key, int lo, int hi) {
  const std::string& s = line.tokens[i].text;
  int v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  const std::string allowed = "an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
  if (ec != std::errc() || ptr != s.data() + s.size()) throw InputError(line.at(i), key, "not an integer", s, allowed);
  if (v < lo || v > hi) throw InputError(line.at(i), key, "out of range", s, allowed);
  return v;
}

void require(bool ok, const Line& line, std::size_t i, const std::string& key, const std::string& problem,
             const std::string& allowed) {
  if (!ok) throw InputError(line.at(i), key, problem, line.tokens[i].text, allowed);
}

std::string fmt_g(double v) {
  std::ostringstream os;
  os << std::setprecision(17) << v;
  return os.str();
}

std::string rect_text(const RectMm& r) {
  return "(" + fmt_g(r.x0) + ", " + fmt_g(r.y0) + ")-(" + fmt_g(r.x1) + ", " + fmt_g(r.y1) + ") mm";
}

constexpr int max_axis_cells = 100000;
constexpr int max_sub_cells = 10000;

}  // namespace

FvCase parse_fv_case(std::string_view text, const std::string& source) {
  FvCase c;
  c.source = source;
  std::map<std::string, int> scalar_line;  // keyword -> line of first use
  std::istringstream in{std::string(text)};
  std::string raw;
  int number_of_line = 0;
  while (std::getline(in, raw)) {
    ++number_of_line;
    if (const auto hash = raw.find('#'); hash != std::string::npos) raw.erase(hash);
    Line line{source, number_of_line, {}};
    for (std::size_t p = 0; p < raw.size();) {
      while (p < raw.size() && std::isspace(static_cast<unsigned char>(raw[p]))) ++p;
      if (p >= raw.size()) break;
      const std::size_t start = p;
      while (p < raw.size() && !std::isspace(static_cast<unsigned char>(raw[p]))) ++p;
      line.tokens.push_back({raw.substr(start, p - start), static_cast<int>(start) + 1});
    }
    if (line.tokens.empty()) continue;
    const std::string kw = line.tokens[0].text;
    const auto& known = keywords();
    if (std::find(known.begin(), known.end(), kw) == known.end())
      throw InputError(line.at(0), "", "unknown keyword", kw, allowed_names(kw, known));
    const std::size_t expected = kw == "layer" ? 9 : kw == "rect" ? 9 : (kw == "xseg" || kw == "yseg") ? 4 : 2;
    if (line.tokens.size() != expected)
      throw InputError(line.at(0), kw, "expected " + std::to_string(expected - 1) + " values",
                       std::to_string(line.tokens.size() - 1) + " values", format_of(kw));

    if (kw == "ambient" || kw == "htc_top" || kw == "htc_bot") {
      if (const auto it = scalar_line.find(kw); it != scalar_line.end())
        throw InputError(line.at(0), kw, "given twice (first on line " + std::to_string(it->second) + ")",
                         line.tokens[1].text, "one '" + kw + "' line");
      scalar_line[kw] = number_of_line;
      if (kw == "ambient") {
        const std::string allowed = "a temperature in K, > 0";
        c.ambient_k = number(line, 1, kw, allowed);
        require(c.ambient_k > 0, line, 1, kw, "out of range", allowed);
      } else {
        const std::string allowed = "a heat-transfer coefficient in W/(m2 K), >= 0 (0 = adiabatic)";
        const double h = number(line, 1, kw, allowed);
        require(h >= 0, line, 1, kw, "out of range", allowed);
        (kw == "htc_top" ? c.htc_top_w_m2k : c.htc_bottom_w_m2k) = h;
      }
    } else if (kw == "xseg" || kw == "yseg") {
      auto& axis = kw == "xseg" ? c.x : c.y;
      AxisSegment s;
      s.lo_mm = number(line, 1, kw + ".lo", "a length in mm");
      s.hi_mm = number(line, 2, kw + ".hi", "a length in mm");
      require(s.hi_mm > s.lo_mm, line, 2, kw + ".hi", "segment end not after its start",
              "a length in mm > " + line.tokens[1].text);
      s.cells = integer(line, 3, kw + ".n", 1, max_axis_cells);
      if (!axis.empty() && axis.back().hi_mm != s.lo_mm)
        throw InputError(line.at(1), kw + ".lo", "segment does not start where the previous one ends",
                         line.tokens[1].text, fmt_g(axis.back().hi_mm) + " (segments are contiguous)");
      axis.push_back(s);
    } else if (kw == "layer") {
      Layer l;
      l.name = line.tokens[1].text;
      l.line = number_of_line;
      if (const std::size_t prev = c.find_layer(l.name); prev < c.layers.size())
        throw InputError(line.at(1), "layer.name", "layer name given twice (first on line " +
                                                       std::to_string(c.layers[prev].line) + ")",
                         l.name, "a new name");
      l.thickness_m = number(line, 2, "layer.t", "a thickness in m, > 0");
      require(l.thickness_m > 0, line, 2, "layer.t", "out of range", "a thickness in m, > 0");
      l.sub_cells = integer(line, 3, "layer.nsub", 1, max_sub_cells);
      l.k_w_mk = number(line, 4, "layer.k", "a conductivity in W/(m K), > 0");
      require(l.k_w_mk > 0, line, 4, "layer.k", "out of range", "a conductivity in W/(m K), > 0");
      l.footprint = {number(line, 5, "layer.fx0", "a length in mm"), number(line, 6, "layer.fy0", "a length in mm"),
                     number(line, 7, "layer.fx1", "a length in mm"), number(line, 8, "layer.fy1", "a length in mm")};
      require(l.footprint.x1 > l.footprint.x0, line, 7, "layer.fx1", "footprint empty", "> fx0 = " + line.tokens[5].text);
      require(l.footprint.y1 > l.footprint.y0, line, 8, "layer.fy1", "footprint empty", "> fy0 = " + line.tokens[6].text);
      c.layers.push_back(std::move(l));
    } else {  // rect
      Block b;
      const std::string& lname = line.tokens[1].text;
      b.layer = c.find_layer(lname);
      if (b.layer == c.layers.size()) {
        std::vector<std::string> names;
        for (const auto& l : c.layers) names.push_back(l.name);
        throw InputError(line.at(1), "rect.layer", "unknown layer (layers must be defined before their rects)", lname,
                         names.empty() ? std::string("a layer defined above") : allowed_names(lname, names));
      }
      b.name = line.tokens[2].text;
      b.line = number_of_line;
      for (const auto& other : c.blocks)
        if (other.name == b.name)
          throw InputError(line.at(2), "rect.name", "block name given twice (first on line " +
                                                        std::to_string(other.line) + ")",
                           b.name, "a new name");
      b.rect = {number(line, 3, "rect.x0", "a length in mm"), number(line, 4, "rect.y0", "a length in mm"),
                number(line, 5, "rect.x1", "a length in mm"), number(line, 6, "rect.y1", "a length in mm")};
      require(b.rect.x1 > b.rect.x0, line, 5, "rect.x1", "rectangle empty", "> x0 = " + line.tokens[3].text);
      require(b.rect.y1 > b.rect.y0, line, 6, "rect.y1", "rectangle empty", "> y0 = " + line.tokens[4].text);
      const std::string k_allowed = "a conductivity in W/(m K), > 0, or -1 to keep the layer's";
      b.k_w_mk = number(line, 7, "rect.k", k_allowed);
      require(b.k_w_mk > 0 || b.k_w_mk == -1, line, 7, "rect.k", "out of range", k_allowed);
      b.power_w = number(line, 8, "rect.power", "a power in W, >= 0");
      require(b.power_w >= 0, line, 8, "rect.power", "out of range", "a power in W, >= 0");
      c.blocks.push_back(std::move(b));
    }
  }
  const SourceLocation file{source};
  if (!scalar_line.count("ambient")) throw InputError(file, "ambient", "missing", "", format_of("ambient"));
  if (!scalar_line.count("htc_top")) throw InputError(file, "htc_top", "missing", "", format_of("htc_top"));
  validate_case(c);
  return c;
}

FvCase read_fv_case(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(SourceLocation{path.string()}, "", "cannot open the thermal case file", "",
                            "a readable .fv file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw InputError(SourceLocation{path.string()}, "", "cannot read the thermal case file");
  return parse_fv_case(text.str(), path.string());
}

void validate_case(const FvCase& c) {
  const SourceLocation file{c.source};
  if (!(c.ambient_k > 0) || !std::isfinite(c.ambient_k))
    throw InputError(file, "ambient", "out of range", fmt_g(c.ambient_k), "a temperature in K, > 0");
  for (const double h : {c.htc_top_w_m2k, c.htc_bottom_w_m2k})
    if (!(h >= 0) || !std::isfinite(h))
      throw InputError(file, "htc_top/htc_bot", "out of range", fmt_g(h), "W/(m2 K), >= 0");
  if (c.htc_top_w_m2k == 0 && c.htc_bottom_w_m2k == 0)
    throw InputError(file, "htc_top", "no convective boundary: heat cannot leave, there is no steady state", "0",
                     "htc_top > 0 or htc_bot > 0");
  for (const auto* axis : {&c.x, &c.y}) {
    const std::string key = axis == &c.x ? "xseg" : "yseg";
    if (axis->empty()) throw InputError(file, key, "missing", "", format_of(key));
    long long total = 0;
    for (std::size_t i = 0; i < axis->size(); ++i) {
      const auto& s = (*axis)[i];
      if (!(s.hi_mm > s.lo_mm) || s.cells < 1 || (i > 0 && (*axis)[i - 1].hi_mm != s.lo_mm))
        throw InputError(file, key, "segment " + std::to_string(i) + " is empty or not contiguous",
                         fmt_g(s.lo_mm) + " " + fmt_g(s.hi_mm) + " " + std::to_string(s.cells),
                         "lo < hi, n >= 1, each segment starting where the previous one ends");
      total += s.cells;
    }
    if (total > max_axis_cells)
      throw InputError(file, key, "too many cells", std::to_string(total), "<= " + std::to_string(max_axis_cells));
  }
  if (c.layers.empty()) throw InputError(file, "layer", "missing: a case needs at least one layer", "", format_of("layer"));
  const RectMm grid{c.x.front().lo_mm, c.y.front().lo_mm, c.x.back().hi_mm, c.y.back().hi_mm};
  const auto inside = [](const RectMm& inner, const RectMm& outer) {
    return inner.x0 >= outer.x0 && inner.x1 <= outer.x1 && inner.y0 >= outer.y0 && inner.y1 <= outer.y1;
  };
  for (std::size_t i = 0; i < c.layers.size(); ++i) {
    const auto& l = c.layers[i];
    const SourceLocation at{c.source, l.line, 0};
    if (l.name.empty()) throw InputError(at, "layer.name", "empty layer name", "", "a name");
    for (std::size_t j = 0; j < i; ++j)
      if (c.layers[j].name == l.name) throw InputError(at, "layer.name", "layer name given twice", l.name, "a new name");
    if (!(l.thickness_m > 0) || !std::isfinite(l.thickness_m))
      throw InputError(at, "layer.t", "out of range", fmt_g(l.thickness_m), "a thickness in m, > 0");
    if (l.sub_cells < 1 || l.sub_cells > max_sub_cells)
      throw InputError(at, "layer.nsub", "out of range", std::to_string(l.sub_cells),
                       "an integer in [1, " + std::to_string(max_sub_cells) + "]");
    if (!(l.k_w_mk > 0) || !std::isfinite(l.k_w_mk))
      throw InputError(at, "layer.k", "out of range", fmt_g(l.k_w_mk), "a conductivity in W/(m K), > 0");
    if (!(l.footprint.x1 > l.footprint.x0 && l.footprint.y1 > l.footprint.y0) || !inside(l.footprint, grid))
      throw InputError(at, "layer.footprint", "footprint of layer '" + l.name + "' is empty or outside the grid",
                       rect_text(l.footprint), "inside the grid " + rect_text(grid));
  }
  for (std::size_t i = 0; i < c.blocks.size(); ++i) {
    const auto& b = c.blocks[i];
    const SourceLocation at{c.source, b.line, 0};
    if (b.name.empty()) throw InputError(at, "rect.name", "empty block name", "", "a name");
    for (std::size_t j = 0; j < i; ++j)
      if (c.blocks[j].name == b.name) throw InputError(at, "rect.name", "block name given twice", b.name, "a new name");
    if (b.layer >= c.layers.size())
      throw InputError(at, "rect.layer", "block '" + b.name + "' names no layer", std::to_string(b.layer),
                       "a layer index < " + std::to_string(c.layers.size()));
    if (!(b.k_w_mk > 0 || b.k_w_mk == -1) || !std::isfinite(b.k_w_mk))
      throw InputError(at, "rect.k", "out of range", fmt_g(b.k_w_mk), "W/(m K), > 0, or -1 to keep the layer's");
    if (!(b.power_w >= 0) || !std::isfinite(b.power_w))
      throw InputError(at, "rect.power", "out of range", fmt_g(b.power_w), "a power in W, >= 0");
    const auto& fp = c.layers[b.layer].footprint;
    if (!(b.rect.x1 > b.rect.x0 && b.rect.y1 > b.rect.y0) || !inside(b.rect, fp))
      throw InputError(at, "rect", "block '" + b.name + "' is empty or not inside the footprint of layer '" +
                                       c.layers[b.layer].name + "'",
                       rect_text(b.rect), "inside " + rect_text(fp));
  }
}

std::string to_fv_text(const FvCase& c) {
  std::ostringstream os;
  os << std::setprecision(17);
  os << "# written by chipdse (thermal::to_fv_text) from " << c.source << '\n';
  os << "ambient " << c.ambient_k << "\nhtc_top " << c.htc_top_w_m2k << "\nhtc_bot " << c.htc_bottom_w_m2k << '\n';
  for (const auto& s : c.x) os << "xseg " << s.lo_mm << ' ' << s.hi_mm << ' ' << s.cells << '\n';
  for (const auto& s : c.y) os << "yseg " << s.lo_mm << ' ' << s.hi_mm << ' ' << s.cells << '\n';
  for (const auto& l : c.layers)
    os << "layer " << l.name << ' ' << l.thickness_m << ' ' << l.sub_cells << ' ' << l.k_w_mk << ' ' << l.footprint.x0
       << ' ' << l.footprint.y0 << ' ' << l.footprint.x1 << ' ' << l.footprint.y1 << '\n';
  for (const auto& b : c.blocks)
    os << "rect " << c.layers.at(b.layer).name << ' ' << b.name << ' ' << b.rect.x0 << ' ' << b.rect.y0 << ' '
       << b.rect.x1 << ' ' << b.rect.y1 << ' ' << b.k_w_mk << ' ' << b.power_w << '\n';
  return os.str();
}

}  // namespace chipdse::thermal
