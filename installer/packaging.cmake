# Installation and packages (included by the top-level CMakeLists.txt): what `cmake --install`
# lays out, and CPack's two packages made from it — a .deb for Debian 12 (Qt, QCustomPlot and
# sentencepiece from Debian; libtorch bundled) and a portable .tar.gz with launcher scripts.
#
# Layout under the prefix (/usr for the .deb, the unpacked folder for the tarball):
#   bin/tunebench, bin/tunebench-cli        RPATH $ORIGIN/../lib/tunebench
#   lib/tunebench/                          the libtorch libraries the programs need
#   share/tunebench/resources/              sample datasets, demo projects, probes, icons
#   share/tunebench/fetch-demo-model.sh     the one command that fetches the demo model
#   share/applications, metainfo, icons, man/man1, doc/tunebench
# Build them with `cpack -G DEB` or `cpack -G TGZ` in a build folder (tests/install does both).

include(GNUInstallDirs)

# 1. The programs, with an RPATH that finds the bundled libraries wherever the prefix is.
set(_tb_programs tunebench-cli)
if(TUNEBENCH_UI)
  list(APPEND _tb_programs tunebench)
endif()
set_target_properties(${_tb_programs} PROPERTIES INSTALL_RPATH "$ORIGIN/../${CMAKE_INSTALL_LIBDIR}/tunebench")
install(TARGETS ${_tb_programs} RUNTIME_DEPENDENCY_SET tb_runtime RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        COMPONENT app)

# 2. The libraries they load from the torch wheel (and, for libtorch's profiler, the CUDA
#    runtime and CUPTI wheels beside it); everything else comes from Debian packages.
get_filename_component(_tb_site_packages "${TORCH_INSTALL_PREFIX}/.." ABSOLUTE)
string(REGEX REPLACE "([][+.*()^$?|\\\\])" "\\\\\\1" _tb_site_re "${_tb_site_packages}")
set(_tb_bundle_re "^${_tb_site_re}/")
if(TUNEBENCH_TORCH_CUDA AND CUDAToolkit_LIBRARY_DIR)
  string(REGEX REPLACE "([][+.*()^$?|\\\\])" "\\\\\\1" _tb_cuda_re "${CUDAToolkit_LIBRARY_DIR}")
  set(_tb_bundle_re "${_tb_bundle_re}|^${_tb_cuda_re}/")
endif()
install(RUNTIME_DEPENDENCY_SET tb_runtime
        DIRECTORIES "${TORCH_INSTALL_PREFIX}/lib"
        POST_INCLUDE_REGEXES "${_tb_bundle_re}"
        POST_EXCLUDE_REGEXES ".*"
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/tunebench
        COMPONENT app)

# 3. Resources and the demo-model fetcher.
install(DIRECTORY "${PROJECT_SOURCE_DIR}/resources/" DESTINATION ${CMAKE_INSTALL_DATADIR}/tunebench/resources
        COMPONENT app PATTERN "resources.qrc" EXCLUDE)
install(PROGRAMS "${PROJECT_SOURCE_DIR}/installer/fetch-demo-model.sh"
        DESTINATION ${CMAKE_INSTALL_DATADIR}/tunebench COMPONENT app)
install(FILES "${PROJECT_SOURCE_DIR}/installer/demo-model.env"
        DESTINATION ${CMAKE_INSTALL_DATADIR}/tunebench COMPONENT app)

# 4. Desktop integration: the launcher entry, the icon, AppStream metainfo (its screenshots are
#    installed beside it), the man page (gzipped, as Debian wants).
set(TB_APP_ID "org.tunebench.Tunebench")
if(TUNEBENCH_UI)
  install(FILES "${PROJECT_SOURCE_DIR}/installer/${TB_APP_ID}.desktop"
          DESTINATION ${CMAKE_INSTALL_DATADIR}/applications COMPONENT app)
  # AppStream wants screenshots at a URL; until the project publishes them, the packaged copies.
  set(TUNEBENCH_SCREENSHOT_URL "file:///usr/${CMAKE_INSTALL_DATADIR}/tunebench/screenshots" CACHE STRING
      "Where the AppStream metainfo's screenshots are (a public URL when one exists)")
  configure_file("${PROJECT_SOURCE_DIR}/installer/${TB_APP_ID}.metainfo.xml.in"
                 "${PROJECT_BINARY_DIR}/installer/${TB_APP_ID}.metainfo.xml" @ONLY)
  install(FILES "${PROJECT_BINARY_DIR}/installer/${TB_APP_ID}.metainfo.xml"
          DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo COMPONENT app)
  install(FILES "${PROJECT_SOURCE_DIR}/resources/icons/tunebench.svg"
          DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps RENAME ${TB_APP_ID}.svg COMPONENT app)
  install(FILES "${PROJECT_SOURCE_DIR}/docs/screenshots/train-page.png"
                "${PROJECT_SOURCE_DIR}/docs/screenshots/compare-page.png"
                "${PROJECT_SOURCE_DIR}/docs/screenshots/data-page-demo.png"
          DESTINATION ${CMAKE_INSTALL_DATADIR}/tunebench/screenshots COMPONENT app)
endif()
set(_tb_man_pages tunebench-cli)
if(TUNEBENCH_UI)
  list(APPEND _tb_man_pages tunebench)
endif()
set(_tb_man_outputs "")
foreach(_page IN LISTS _tb_man_pages)
  set(_gz "${PROJECT_BINARY_DIR}/installer/${_page}.1.gz")
  add_custom_command(OUTPUT "${_gz}"
    COMMAND ${CMAKE_COMMAND} -E make_directory "${PROJECT_BINARY_DIR}/installer"
    COMMAND gzip -9 -n -c "${PROJECT_SOURCE_DIR}/installer/${_page}.1" > "${_gz}"
    DEPENDS "${PROJECT_SOURCE_DIR}/installer/${_page}.1"
    COMMENT "Compressing the ${_page} man page" VERBATIM)
  list(APPEND _tb_man_outputs "${_gz}")
endforeach()
add_custom_target(tb_man_pages ALL DEPENDS ${_tb_man_outputs})
install(FILES ${_tb_man_outputs} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT app)

# 5. Licences: ours, and those of the bundled libraries (from their wheels).
set(_tb_licenses "${PROJECT_SOURCE_DIR}/installer/copyright")
file(GLOB _tb_torch_licenses "${_tb_site_packages}/torch-*.dist-info/licenses/*")
foreach(_f IN LISTS _tb_torch_licenses)
  get_filename_component(_name "${_f}" NAME)
  install(FILES "${_f}" DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/tunebench/libtorch RENAME "${_name}" COMPONENT app)
endforeach()
set(_tb_nvidia_wheels nvidia_cuda_runtime nvidia_cuda_cupti)
if(TUNEBENCH_TORCH_CUDA)
  set(_tb_nvidia_wheels nvidia_*)
endif()
foreach(_wheel IN LISTS _tb_nvidia_wheels)
  file(GLOB _tb_dist_infos "${_tb_site_packages}/${_wheel}-*.dist-info")
  foreach(_info IN LISTS _tb_dist_infos)
    get_filename_component(_name "${_info}" NAME)
    string(REGEX REPLACE "-.*" "" _name "${_name}")
    install(DIRECTORY "${_info}/licenses/" DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/tunebench/${_name} COMPONENT app)
  endforeach()
endforeach()
install(FILES ${_tb_licenses} "${PROJECT_SOURCE_DIR}/README.md" DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/tunebench COMPONENT app)

# 6. The portable folder's launchers, at its top: `./tunebench`, `./tunebench-cli`.
install(PROGRAMS "${PROJECT_SOURCE_DIR}/installer/portable-launcher.sh" DESTINATION . RENAME tunebench
        COMPONENT portable)
install(PROGRAMS "${PROJECT_SOURCE_DIR}/installer/portable-launcher.sh" DESTINATION . RENAME tunebench-cli
        COMPONENT portable)

# 7. CPack. Per-generator settings (prefix, components) are in installer/cpack_options.cmake.
set(CPACK_PACKAGE_NAME "tunebench")
set(CPACK_PACKAGE_VENDOR "Tunebench")
# The .deb's Maintainer field: set the real address when publishing a package.
set(TUNEBENCH_PACKAGE_MAINTAINER "Tunebench developers <maintainers@tunebench.invalid>" CACHE STRING
    "Maintainer of the .deb (Name <address>)")
set(CPACK_PACKAGE_CONTACT "${TUNEBENCH_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Fine-tune language models on your own data, on your own machine")
set(CPACK_PACKAGE_DESCRIPTION
    "Tunebench is a desktop workbench for fine-tuning large language models offline: pick a model, "
    "import data, build a prompt template, audit the splits, train with live charts and warnings, "
    "compare base and tuned answers side by side, and export a PEFT adapter or a merged model.")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_FILE_NAME "tunebench-${PROJECT_VERSION}-${CMAKE_SYSTEM_NAME}-${CMAKE_SYSTEM_PROCESSOR}")
set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_STRIP_FILES ON)
set(CPACK_THREADS 0)
set(CPACK_PACKAGE_DIRECTORY "${PROJECT_BINARY_DIR}/packages")
set(CPACK_PROJECT_CONFIG_FILE "${PROJECT_SOURCE_DIR}/installer/cpack_options.cmake")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "science")
set(CPACK_DEBIAN_COMPRESSION_TYPE "zstd")
# The Debian packages behind the programs' own libraries (checked by tests/install against the
# installed binaries' NEEDED entries) and the Qt plugins they load (platforms, SVG icons).
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libc6 (>= 2.36), libstdc++6 (>= 12), libgcc-s1, libsentencepiece0, libpcre2-8-0, libicu72")
if(TUNEBENCH_UI)
  string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS
         ", libqt6core6 (>= 6.4), libqt6gui6 (>= 6.4), libqt6widgets6 (>= 6.4), libqt6printsupport6 (>= 6.4)"
         ", libqcustomplot2.1-qt6, libqt6svg6, qt6-qpa-plugins")
endif()
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "python3-pip")
set(CPACK_ARCHIVE_THREADS 0)
include(CPack)
