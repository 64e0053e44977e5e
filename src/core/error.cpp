// Errors with context (see error.hpp).
#include "chipdse/core/error.hpp"

#include <sstream>

namespace chipdse {

std::string SourceLocation::str() const {
  std::string s = file.empty() ? std::string("<input>") : file;
  if (line > 0) {
    s += ':' + std::to_string(line);
    if (column > 0) s += ':' + std::to_string(column);
  }
  return s;
}

Error::Error(const std::string& message, std::vector<std::string> context)
    : std::runtime_error(message), m_context(std::move(context)) {}
Error::~Error() = default;

namespace {

/// User text (keys, values, file names) may hold control characters; an error stays one line, so they are
/// written as escapes: "N\n5" shows as N\n5.
std::string one_line(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (u < 0x20 || u == 0x7f) {
      static const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[u >> 4];
      out += hex[u & 15];
    } else out += c;
  }
  return out;
}

std::string input_message(const SourceLocation& where, const std::string& key, const std::string& problem,
                          const std::string& value, const std::string& allowed) {
  std::string m = where.str() + ": ";
  if (!key.empty()) m += "key '" + key + "': ";
  m += problem;
  if (!value.empty() || !allowed.empty()) {
    m += " (";
    if (!value.empty()) m += "got " + value;
    if (!value.empty() && !allowed.empty()) m += "; ";
    if (!allowed.empty()) m += "allowed: " + allowed;
    m += ")";
  }
  return one_line(m);
}
}  // namespace

InputError::InputError(SourceLocation where, std::string key, const std::string& problem, std::string value,
                       std::string allowed)
    : Error(input_message(where, key, problem, value, allowed)),
      m_where(std::move(where)),
      m_key(std::move(key)),
      m_value(std::move(value)),
      m_allowed(std::move(allowed)) {}
InputError::~InputError() = default;

NotYetAvailable::NotYetAvailable(const std::string& what, const std::string& arrives_with)
    : Error(what + " is not available yet: it arrives with " + arrives_with) {}
NotYetAvailable::~NotYetAvailable() = default;

void fail_check(const char* condition, const std::string& message, const char* file, int line) {
  std::ostringstream os;
  os << message << " [check '" << condition << "' failed at " << file << ':' << line << ']';
  throw Error(os.str());
}

}  // namespace chipdse
