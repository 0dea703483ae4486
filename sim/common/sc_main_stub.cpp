// libsystemc's own main() refers to sc_main, so every program linking SystemC must define
// it. Lockstep's programs have their own main() and drive the kernel with sc_start, so this
// is never called. (Compiled into each executable through lockstep_core's interface.)
extern "C" int sc_main(int, char*[]) { return 1; }
