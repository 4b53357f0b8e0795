# Where the set-up put things (installer/setup.sh): TB_MODEL_CACHE (the demo model's folder) and
# TB_VENV_PYTHON (the venv's Python, for the parity tests and checks; else python3); and
# TB_FIXTURE_CACHE, where the parity fixtures' reference outputs are kept between builds. The same
# environment variables as the set-up: TUNEBENCH_HOME, TUNEBENCH_VENV, TUNEBENCH_MODEL_CACHE.

set(_tb_home "$ENV{TUNEBENCH_HOME}")
if(NOT _tb_home)
  if(DEFINED ENV{XDG_CACHE_HOME} AND NOT "$ENV{XDG_CACHE_HOME}" STREQUAL "")
    set(_tb_home "$ENV{XDG_CACHE_HOME}/tunebench")
  else()
    set(_tb_home "$ENV{HOME}/.cache/tunebench")
  endif()
endif()
set(_tb_venv "$ENV{TUNEBENCH_VENV}")
set(TB_MODEL_CACHE "$ENV{TUNEBENCH_MODEL_CACHE}")
if(NOT TB_MODEL_CACHE)
  set(TB_MODEL_CACHE "${_tb_home}/models")
endif()
if(NOT _tb_venv)
  set(_tb_venv "${_tb_home}/venv")
endif()
# Reference outputs of the parity fixture scripts, kept between builds and clones
# (tests/parity/cached_fixture.py).
set(TB_FIXTURE_CACHE "${_tb_home}/parity-fixtures")

# The Python that parity tests and checks run with: the venv's, else python3.
if(EXISTS "${_tb_venv}/bin/python")
  set(TB_VENV_PYTHON "${_tb_venv}/bin/python" CACHE FILEPATH "Python with torch and the reference libs")
else()
  find_program(TB_VENV_PYTHON NAMES python3)
endif()
