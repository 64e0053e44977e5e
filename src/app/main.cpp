// The chipdse command: design-space exploration of chiplet accelerator packages.
#include "cli.hpp"

int main(int argc, char** argv) { return chipdse::app::main(argc, argv); }
