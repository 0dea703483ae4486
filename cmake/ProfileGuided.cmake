# Profile-guided optimisation of the lockstep binary (docs/performance.md, "GPU"; `make pgo`).
# GCC compiles the simulator twice in one build folder: first instrumented
# (LOCKSTEP_PGO=generate), so that training runs (tools/pgo-train.sh) write how often each
# branch went which way and each function ran into LOCKSTEP_PGO_DIR; then again with those
# counts (LOCKSTEP_PGO=use), so that it lays out, inlines and unrolls the hot paths (the GPU
# model's edge, the counters, the memories) for the way they run. Code the training did not
# run is optimised as usual (-fprofile-partial-training). Only the lockstep binary is meant to
# be built this way; the RTL libraries the RTL cache builds are not (their flags are their own,
# sim/cosim/rtl_cache.cpp). Off by default: a profile is only right for the sources it was
# recorded from, so an ordinary build, which developers rebuild after every edit, has none.
set(LOCKSTEP_PGO "" CACHE STRING "Profile-guided optimisation: generate, use, or empty (off); see `make pgo`")
set_property(CACHE LOCKSTEP_PGO PROPERTY STRINGS "" generate use)
set(LOCKSTEP_PGO_DIR "${CMAKE_BINARY_DIR}/pgo-profile" CACHE PATH "Where LOCKSTEP_PGO=generate's runs write the profile and =use reads it")
set(LOCKSTEP_PGO_COMPILE_FLAGS "")   # for sim/ (sim/CMakeLists.txt)

if(LOCKSTEP_PGO)
  if(NOT LOCKSTEP_PGO MATCHES "^(generate|use)$")
    message(FATAL_ERROR "LOCKSTEP_PGO='${LOCKSTEP_PGO}': expected generate, use, or empty (off)")
  endif()
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "GNU" OR NOT CMAKE_BUILD_TYPE STREQUAL "Release" OR LOCKSTEP_SANITIZE)
    message(FATAL_ERROR "LOCKSTEP_PGO needs a Release build with GCC and without LOCKSTEP_SANITIZE "
                        "(this one: ${CMAKE_CXX_COMPILER_ID}, ${CMAKE_BUILD_TYPE})")
  endif()
  # The profile's file names come from the objects' paths, so both phases use one folder.
  # Only sim/ (the models, the memories, the counters, the driver: all a run's hot code) is
  # compiled with these; tools/ (the command line) is compiled once, as in an ordinary build.
  if(LOCKSTEP_PGO STREQUAL "generate")
    set(LOCKSTEP_PGO_COMPILE_FLAGS -fprofile-generate=${LOCKSTEP_PGO_DIR})
    add_link_options(-fprofile-generate=${LOCKSTEP_PGO_DIR})   # every program linking sim/ needs libgcov
  else()
    if(NOT EXISTS ${LOCKSTEP_PGO_DIR})
      message(FATAL_ERROR "LOCKSTEP_PGO=use: no profile in ${LOCKSTEP_PGO_DIR}; build with LOCKSTEP_PGO=generate "
                          "and run tools/pgo-train.sh first (`make pgo` does both)")
    endif()
    # Every object of sim/ in the lockstep binary gets a profile from the training runs, so
    # GCC's warning about a missing one (-Wmissing-profile) means the pipeline broke
    # (tests/pgo_build.sh fails on it).
    set(LOCKSTEP_PGO_COMPILE_FLAGS -fprofile-use=${LOCKSTEP_PGO_DIR} -fprofile-partial-training)
  endif()
endif()
