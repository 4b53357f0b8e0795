# The workbench preset compiles tb_formats, tb_core and tb_ui in unity batches
# (TUNEBENCH_UNITY_BUILD); the dev build does not, so a name defined in the anonymous namespaces
# of two files of one batch would break only the README's first command, which CI does not run.
# A probe target per library, never built, has the library's C++ sources in the same order and
# the same batch size: CMake writes its batch files when it generates the build, and the ctest
# unity_batches_have_no_clashes reads them (tests/cmake/check_unity_batches.py).
if(TUNEBENCH_UNITY_BUILD)
  return()
endif()
set(_probe_dirs)
foreach(_lib IN LISTS TB_UNITY_LIBS)
  if(NOT TARGET ${_lib})
    continue()
  endif()
  get_target_property(_srcs ${_lib} SOURCES)
  get_target_property(_dir ${_lib} SOURCE_DIR)
  set(_cpp)
  foreach(_s IN LISTS _srcs)
    if(NOT _s MATCHES "\\.(cpp|cc|cxx)$")
      continue()
    endif()
    if(NOT IS_ABSOLUTE "${_s}")
      set(_s "${_dir}/${_s}")  # (a relative path would be read from this folder)
    endif()
    # CMake leaves out of the batches a file with compile properties of its own.
    set(_own FALSE)
    foreach(_prop COMPILE_OPTIONS COMPILE_DEFINITIONS COMPILE_FLAGS INCLUDE_DIRECTORIES SKIP_UNITY_BUILD_INCLUSION)
      get_source_file_property(_v "${_s}" DIRECTORY "${_dir}" ${_prop})
      if(_v)
        set(_own TRUE)
      endif()
    endforeach()
    if(_own)
      continue()
    endif()
    list(APPEND _cpp "${_s}")
  endforeach()
  add_library(${_lib}_unity_probe OBJECT EXCLUDE_FROM_ALL ${_cpp})
  set_target_properties(${_lib}_unity_probe PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE ${TB_UNITY_BATCH})
  list(APPEND _probe_dirs "${CMAKE_CURRENT_BINARY_DIR}/CMakeFiles/${_lib}_unity_probe.dir/Unity")
endforeach()
add_test(NAME unity_batches_have_no_clashes
  COMMAND ${TB_VENV_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/check_unity_batches.py ${_probe_dirs})
add_test(NAME unity_check_catches_a_clash
  COMMAND ${TB_VENV_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/check_unity_batches.py
          ${PROJECT_SOURCE_DIR}/tests/data/unity_clash)
set_tests_properties(unity_check_catches_a_clash PROPERTIES
  PASS_REGULAR_EXPRESSION "unity_0_cxx.cxx: parse_size is defined in a.cpp and b.cpp")
set_tests_properties(unity_batches_have_no_clashes unity_check_catches_a_clash PROPERTIES LABELS unit)
