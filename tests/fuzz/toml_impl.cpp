// The toml++ implementation, compiled into the fuzzer with the fuzzer's instrumentation (coverage, ASan,
// UBSan). The normal build links Debian's libtomlplusplus.so (TOML_HEADER_ONLY=0), which libFuzzer
// cannot see into; with these definitions in the executable, the linker resolves toml::parse and the
// rest here and --as-needed leaves the .so out. Same headers, same version (3.3.0).
#define TOML_IMPLEMENTATION
#include <toml++/toml.h>
