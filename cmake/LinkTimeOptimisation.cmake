# Link-time optimisation of the lockstep binary (docs/performance.md, "GPU"): in a Release
# build with GCC the simulator's libraries (sim/) are compiled to fat LTO objects, which hold
# both GCC's intermediate code and ordinary machine code. The lockstep binary is linked with
# -flto, so the GPU model's edge is optimised across its units, the harness's memories and the
# counters (about 7% fewer instructions on bench_loop); the test binaries link the ordinary code as
# before, so their links stay quick. LOCKSTEP_LTO=OFF turns it off.
option(LOCKSTEP_LTO "Link the lockstep binary with link-time optimisation (Release builds with GCC)" ON)
set(LOCKSTEP_LTO_COMPILE_FLAGS "")
set(LOCKSTEP_LTO_LINK_FLAGS "")
if(LOCKSTEP_LTO AND CMAKE_BUILD_TYPE STREQUAL "Release" AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU"
   AND NOT LOCKSTEP_SANITIZE)
  include(CheckIPOSupported)
  check_ipo_supported(RESULT lto_supported OUTPUT lto_output LANGUAGES CXX)
  if(lto_supported)
    set(LOCKSTEP_LTO_COMPILE_FLAGS -flto=auto -ffat-lto-objects)
    set(LOCKSTEP_LTO_LINK_FLAGS -flto=auto)
  else()
    message(STATUS "lockstep: no link-time optimisation (${lto_output})")
  endif()
endif()
