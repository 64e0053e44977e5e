// chipdse/io/run_identity.hpp — what a checkpoint must share with the run that resumes it (DESIGN.md §4): every input
// that can change a result, as text, so that a refusal can name the keys that differ.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "chipdse/deck/deck.hpp"

namespace chipdse::io {

/// "key = value" lines sorted by key: every checked deck value after overrides and the sweep case (except the
/// checkpoint interval keys, study.description, output.max_points and search.max_exhaustive_points, which change no
/// result), every resolved technology value with its unit ("tech.<path>"), the deck's [thermal.petsc] options,
/// and the chipdse build (version, git revision, compiler: the kernel that computes the numbers).
/// Rank and thread counts are not part of it: results do not depend on them.
std::string run_identity(const deck::Deck& deck);

/// FNV-1a, 64 bits: the identity's hash and the checkpoint's checksum.
std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t h = 0xcbf29ce484222325ULL) noexcept;

/// The keys whose values differ between two identities, one line each:
/// "search.chunk_size: 97 in the checkpoint, 4096 now" ("(absent)" for a key only one side has).
std::vector<std::string> identity_differences(const std::string& checkpoint, const std::string& now);

}  // namespace chipdse::io
