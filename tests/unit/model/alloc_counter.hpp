// alloc_counter.hpp — the counting global operator new of the test_model executable (defined once, in
// test_cost_properties.cpp). A test sets g_counting, runs the kernel, and asserts g_allocations == 0.
#pragma once

#include <atomic>

namespace chipdse::test {
extern std::atomic<bool> g_counting;
extern std::atomic<long> g_allocations;
}  // namespace chipdse::test
