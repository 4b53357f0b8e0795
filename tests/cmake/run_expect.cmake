# Runs PROGRAM with ARGS (a ;-list) and checks its exit code (EXIT) and that its stdout+stderr
# match the regex OUTPUT. Used for command-line tests where the exact exit code matters.
set(_args ${ARGS})  # a ;-list, one item per argument
execute_process(COMMAND "${PROGRAM}" ${_args}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(NOT "${rc}" STREQUAL "${EXIT}")
  message(FATAL_ERROR "exit code ${rc}, expected ${EXIT}")
endif()
if(OUTPUT AND NOT "${out}${err}" MATCHES "${OUTPUT}")
  message(FATAL_ERROR "output does not match: ${OUTPUT}")
endif()
