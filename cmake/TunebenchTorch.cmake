# Finds libtorch for Tunebench. Order: a Torch_DIR or CMAKE_PREFIX_PATH the user gave; else the
# torch wheel in the Tunebench venv (installer/setup.sh puts it outside the repository); else
# whatever `python3` imports. Never Debian's libtorch-dev (see DESIGN.md §6).

include(TunebenchLocations)

find_package(Torch QUIET)
if(NOT Torch_FOUND)
  set(_tb_pythons "${_tb_venv}/bin/python" python3)
  foreach(_py IN LISTS _tb_pythons)
    if(NOT IS_ABSOLUTE "${_py}")
      find_program(_py_path NAMES ${_py})
      set(_py "${_py_path}")
    endif()
    if(_py AND EXISTS "${_py}")
      execute_process(
        COMMAND "${_py}" -c "import torch.utils; print(torch.utils.cmake_prefix_path)"
        OUTPUT_VARIABLE _torch_prefix OUTPUT_STRIP_TRAILING_WHITESPACE
        ERROR_QUIET RESULT_VARIABLE _rc)
      if(_rc EQUAL 0 AND _torch_prefix)
        message(STATUS "Tunebench: libtorch from the torch wheel of ${_py}")
        list(APPEND CMAKE_PREFIX_PATH "${_torch_prefix}")
        break()
      endif()
    endif()
  endforeach()
  find_package(Torch QUIET)
endif()
if(NOT Torch_FOUND)
  message(FATAL_ERROR
    "libtorch not found. Run installer/setup.sh (it installs the torch wheel into "
    "${_tb_venv}), or point Torch_DIR / CMAKE_PREFIX_PATH at your own libtorch.")
endif()
message(STATUS "Tunebench: libtorch ${Torch_VERSION} at ${Torch_DIR}")

# tb_torch: what our targets link instead of ${TORCH_LIBRARIES}. The wheel's libtorch.so
# exports a copy of some libstdc++ symbols (std::filesystem, std::chrono::tzdb); when it comes
# before libstdc++ in the search order our calls bind to that copy, and std::filesystem::
# remove_all jumps to address 0 (seen with torch 2.11 on Debian 12). libstdc++ goes first.
#
# Without TUNEBENCH_TORCH_CUDA, tb_torch compiles exactly as `torch` does (same definitions and
# include folders, so the compile commands and the compiler cache stay the same) but links only
# libtorch_cpu and libc10: libtorch.so of a CUDA wheel pulls libtorch_cuda and the NVIDIA
# libraries in, which a CPU-only program (and its package) does not need.
add_library(tb_torch INTERFACE IMPORTED)
if(TUNEBENCH_TORCH_CUDA)
  target_link_libraries(tb_torch INTERFACE stdc++ ${TORCH_LIBRARIES})
else()
  find_library(TB_TORCH_CPU_LIB NAMES torch_cpu PATHS "${TORCH_INSTALL_PREFIX}/lib" NO_DEFAULT_PATH REQUIRED)
  find_library(TB_C10_LIB NAMES c10 PATHS "${TORCH_INSTALL_PREFIX}/lib" NO_DEFAULT_PATH REQUIRED)
  foreach(_prop INTERFACE_COMPILE_DEFINITIONS INTERFACE_COMPILE_OPTIONS INTERFACE_INCLUDE_DIRECTORIES
                INTERFACE_SYSTEM_INCLUDE_DIRECTORIES)
    set_property(TARGET tb_torch APPEND PROPERTY ${_prop} "$<TARGET_PROPERTY:torch,${_prop}>")
  endforeach()
  target_link_libraries(tb_torch INTERFACE stdc++ "-Wl,--no-as-needed,\"${TB_TORCH_CPU_LIB}\" -Wl,--as-needed"
                        "${TB_C10_LIB}")
endif()

# TB_TORCH_OPENMP_FLAGS: for sources that share work over libtorch's intra-op threads with
# at::parallel_for. Its OpenMP body is inline in ATen's headers, so a file compiled without
# -fopenmp runs it on one thread. Such a file is compiled with -fopenmp and linked to the wheel's
# own libgomp.so.1 (one OpenMP runtime in the process, the one libtorch already loads). Only
# with GCC: clang's -fopenmp would bring a second runtime (libomp); there the loops run serially.
set(TB_TORCH_OPENMP_FLAGS "")
find_library(TB_TORCH_GOMP NAMES libgomp.so.1 PATHS "${TORCH_INSTALL_PREFIX}/lib" NO_DEFAULT_PATH)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND TB_TORCH_GOMP)
  set(TB_TORCH_OPENMP_FLAGS -fopenmp)
  target_link_libraries(tb_torch INTERFACE "${TB_TORCH_GOMP}")
else()
  message(STATUS "Tunebench: at::parallel_for in our kernels runs on one thread (no GCC or no libgomp in the wheel)")
endif()
