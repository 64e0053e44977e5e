# Fails when docs/deck.md differs from `chipdse schema --markdown` (regenerate with that command).
execute_process(COMMAND ${CHIPDSE} schema --markdown OUTPUT_VARIABLE generated RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "chipdse schema --markdown failed (${rc})")
endif()
file(READ ${DOC} committed)
if(NOT generated STREQUAL committed)
  message(FATAL_ERROR "docs/deck.md is stale: regenerate it with `build/bin/chipdse schema --markdown > docs/deck.md`")
endif()
