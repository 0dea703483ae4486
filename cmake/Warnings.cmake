# Our own code builds warning-free; third-party headers are included as SYSTEM.
# LOCKSTEP_WERROR=OFF keeps the warnings but not as errors (lockstep mutate's copies of the
# tree build that way: a mutant, or _GLIBCXX_ASSERTIONS, may draw a warning).
option(LOCKSTEP_WERROR "Treat compiler warnings as errors" ON)
function(lockstep_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra $<$<BOOL:${LOCKSTEP_WERROR}>:-Werror>)
endfunction()
