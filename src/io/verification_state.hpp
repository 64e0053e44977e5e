// chipdse/io/verification_state.hpp — what a checkpoint keeps of DESIGN.md §3's verification rounds (the checkpoint
// file's section under flags bit 2, checkpoint_file.hpp): the round whose enumeration its chunks belong to, every
// package solved so far (their responses, so that a resumed run never solves one again) and the rounds' record.
//
// Bytes (native order, as the rest of the checkpoint): u32 round, u32 0, the packages as
// model::SolvedGeometries::serialize() writes them, then u64 rounds recorded (= round - 1) and that many u64 front
// sizes and u64 unsolved counts; then u64 packages solved, u64 solves, u64 iterations, f64 solve wall time (s), u64
// cells a side.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "chipdse/io/result_groups.hpp"
#include "chipdse/model/solved_thermal.hpp"

namespace chipdse::io {

struct VerificationState {
  std::uint32_t round = 1;            ///< the round being enumerated (1: the first, with no package solved yet)
  model::SolvedGeometries solved;     ///< every package solved in rounds 1 .. round - 1
  RunStats::Verification stats;       ///< those rounds' record (front sizes, unsolved counts, solves, time)
};

std::string verification_state_bytes(const VerificationState& s);

/// @throws Error saying what is inconsistent (keys out of order, a response of the wrong shape or not finite, a record
///         that does not match the round or the packages).
VerificationState verification_state_from_bytes(std::string_view bytes);

}  // namespace chipdse::io
