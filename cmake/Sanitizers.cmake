# AddressSanitizer and UndefinedBehaviorSanitizer. The first report stops the process (no
# recovery), so a test that triggers one fails. LOCKSTEP_SANITIZE=ON builds all of Lockstep
# with them (`make asan`, into build-asan/); without it, only test_bad_input is sanitized
# (tests/CMakeLists.txt). The Verilated RTL libraries are built at run time without them and
# dlopen'ed into the sanitized process, which needs no LD_PRELOAD since the executable itself
# carries the ASan runtime.
set(LOCKSTEP_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
# What the tests run with: stop at the first report, and say where.
set(LOCKSTEP_SANITIZER_ENV
  "ASAN_OPTIONS=halt_on_error=1:abort_on_error=0:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1"
  "UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1")
option(LOCKSTEP_SANITIZE "Build everything with ASan and UBSan (make asan)" OFF)
if(LOCKSTEP_SANITIZE)
  add_compile_options(${LOCKSTEP_SANITIZER_FLAGS})   # every target is ours: dependencies are Debian packages
  add_link_options(${LOCKSTEP_SANITIZER_FLAGS})
endif()
