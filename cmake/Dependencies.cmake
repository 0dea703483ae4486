# Every dependency is a Debian package; the top-level Makefile installs missing ones.
find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  # Paths relative to the source tree, so a copy of the tree elsewhere (lockstep mutate
  # builds one per worker) hits the same cache entries; -Werror, which changes no object and
  # which that copy leaves out (a mutant may draw a warning), is not hashed either.
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CMAKE_COMMAND} -E env CCACHE_BASEDIR=${CMAKE_SOURCE_DIR}
      CCACHE_IGNOREOPTIONS=-Werror ${CCACHE_PROGRAM})
endif()

find_package(PkgConfig REQUIRED)
pkg_check_modules(SYSTEMC REQUIRED IMPORTED_TARGET systemc)   # Debian ships only systemc.pc
pkg_check_modules(NCURSES REQUIRED IMPORTED_TARGET ncurses)   # the full-screen stepper
find_package(yaml-cpp REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(CLI11 REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(GTest REQUIRED)
find_package(benchmark REQUIRED)
find_package(Threads REQUIRED)

# Verilator runs at run time (RTL is built on demand per GPU shape), so we need its path
# and its runtime sources, not a CMake target.
find_program(VERILATOR_BIN verilator REQUIRED)
execute_process(COMMAND ${VERILATOR_BIN} --getenv VERILATOR_ROOT
                OUTPUT_VARIABLE VERILATOR_ROOT OUTPUT_STRIP_TRAILING_WHITESPACE)
find_path(VERILATOR_INCLUDE verilated.h PATHS ${VERILATOR_ROOT}/include NO_DEFAULT_PATH REQUIRED)
