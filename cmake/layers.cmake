# One CMake target per layer, each with its own include root, so a header of a layer a target does not
# link is not on its include path: a wrong-way include fails to compile (DESIGN.md §6, style.md §7.4).
#
# Sources live flat in src/<layer>/. The build tree gets build/layer_include/<layer>/chipdse/<layer> as a
# symbolic link to src/<layer>; a target sees only the roots of the layers it links.
function(chipdse_add_layer layer)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPENDS" ${ARGN})
  set(root "${CMAKE_BINARY_DIR}/layer_include/${layer}")
  file(MAKE_DIRECTORY "${root}/chipdse")
  if(NOT EXISTS "${root}/chipdse/${layer}")
    file(CREATE_LINK "${CMAKE_SOURCE_DIR}/src/${layer}" "${root}/chipdse/${layer}" SYMBOLIC)
  endif()
  add_library(chipdse_${layer} STATIC ${ARG_SOURCES})
  add_library(chipdse::${layer} ALIAS chipdse_${layer})
  target_include_directories(chipdse_${layer} PUBLIC "${root}")
  target_link_libraries(chipdse_${layer} PUBLIC ${ARG_DEPENDS})
endfunction()
