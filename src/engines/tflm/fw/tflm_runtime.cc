// What TFLite Micro needs from a C++ runtime, on a firmware linked without libstdc++ (as
// TFLM's own Cortex-M builds are): it never allocates, but its classes have virtual
// destructors (whose deleting variants name operator delete) and abstract interfaces
// (whose vtables name __cxa_pure_virtual). Written by mcubench's tflm engine.
#include <stddef.h>

extern "C" {
#include "mcb_runtime.h"
}

void operator delete(void* p) noexcept { (void)p; }
void operator delete(void* p, size_t n) noexcept {
  (void)p;
  (void)n;
}
void operator delete[](void* p) noexcept { (void)p; }
void operator delete[](void* p, size_t n) noexcept {
  (void)p;
  (void)n;
}

// A pure virtual function was called: a bug; end the run with a distinct code.
extern "C" void __cxa_pure_virtual(void) { mcb_exit(134); }

// For global objects with destructors, should a framework source have any.
extern "C" {
void* __dso_handle = nullptr;
}
