// chipdse/core/build_info.hpp — provenance of this binary: version, git revision, build type, compiler.
#pragma once

#include <string>

namespace chipdse {

struct BuildInfo {
  const char* version;       ///< project version
  const char* git_revision;  ///< `git describe --always --dirty` at configure time, "unknown" outside git
  const char* build_type;    ///< CMAKE_BUILD_TYPE
  const char* compiler;      ///< compiler id and version
};

const BuildInfo& build_info() noexcept;

/// The current UTC date and time, ISO 8601 ("2026-11-23T20:10:06Z").
std::string utc_timestamp();

}  // namespace chipdse
