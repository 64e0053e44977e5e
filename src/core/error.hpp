// chipdse/core/error.hpp — errors with context: what went wrong, where, and what is allowed.
// Must not include MPI, PETSc, HDF5 or toml++.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "chipdse/core/exit_code.hpp"

namespace chipdse {

/// A place in an input file; line and column are 1-based, 0 when unknown.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;

  /// "file:line:column", "file:line" or "file" depending on what is known.
  std::string str() const;
};

/// An error the chipdse command reports as one line plus optional context lines (exit 1).
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, std::vector<std::string> context = {});
  ~Error() override;

  /// Extra lines printed under the message ("  included from ...", "  did you mean ...").
  const std::vector<std::string>& context() const noexcept { return m_context; }
  void add_context(std::string line) { m_context.push_back(std::move(line)); }

  virtual ExitCode exit_code() const noexcept { return ExitCode::failure; }

 private:
  std::vector<std::string> m_context;
};

/// Bad input from the user (exit 2). The message names the file, line and column, the key path, the bad
/// value and what is allowed, in the form
///   FILE:LINE:COL: key 'a.b': PROBLEM (got VALUE; allowed: ALLOWED)
class InputError : public Error {
 public:
  /// @param where   where the bad key or value was written (file may be a command-line option name)
  /// @param key     dotted key path, empty when the problem is not tied to one key
  /// @param problem what is wrong, e.g. "value out of range"
  /// @param value   the bad value as written, empty if none
  /// @param allowed what would be accepted: type, unit, range or valid names
  InputError(SourceLocation where, std::string key, const std::string& problem, std::string value = {},
             std::string allowed = {});
  ~InputError() override;

  ExitCode exit_code() const noexcept override { return ExitCode::bad_input; }
  const SourceLocation& where() const noexcept { return m_where; }
  const std::string& key() const noexcept { return m_key; }
  const std::string& value() const noexcept { return m_value; }
  const std::string& allowed() const noexcept { return m_allowed; }

 private:
  SourceLocation m_where;
  std::string m_key;
  std::string m_value;
  std::string m_allowed;
};

/// A capability that a later issue brings; the command says so and exits 1, it never pretends.
class NotYetAvailable : public Error {
 public:
  NotYetAvailable(const std::string& what, const std::string& arrives_with);
  ~NotYetAvailable() override;
};

/// Thrown by CHIPDSE_CHECK: a violated precondition inside chipdse (exit 1), with the code location.
[[noreturn]] void fail_check(const char* condition, const std::string& message, const char* file, int line);

}  // namespace chipdse

/// Always-on check with a streamed message: CHIPDSE_CHECK(n >= 1, "stacks = " << n << " must be >= 1").
#define CHIPDSE_CHECK(cond, msg)                                          \
  do {                                                                    \
    if (!(cond)) {                                                        \
      ::std::ostringstream chipdse_check_os_;                             \
      chipdse_check_os_ << msg;                                           \
      ::chipdse::fail_check(#cond, chipdse_check_os_.str(), __FILE__, __LINE__); \
    }                                                                     \
  } while (false)
