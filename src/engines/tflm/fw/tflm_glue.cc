// The engine entry points (src/engines/engine.h) on TFLite Micro: a MicroInterpreter over the
// .tflite bytes in flash (tflm_model.cc), a MicroMutableOpResolver holding just the model's
// operators and a tensor arena of the size mcubench found to be the smallest AllocateTensors
// accepts (tflm_model.h). Written by mcubench's tflm engine; compiled as C++17 for the target.
//
// Built with -DMCB_TFLM_PROBE=1 it is instead a firmware of its own that finds that size: it
// halves the interval between a refused and an accepted arena size until they are adjacent,
// checks the two again and prints "arena OK BAD ok bad" (1 = accepted). The search assumes
// that a larger arena is never refused when a smaller one is accepted; the final check
// of both neighbours is what the engine relies on.
#include <stddef.h>
#include <stdint.h>

#include <new>

#include "tensorflow/lite/micro/micro_interpreter.h"
#include "tensorflow/lite/micro/micro_mutable_op_resolver.h"
#include "tensorflow/lite/micro/micro_profiler_interface.h"
#include "tensorflow/lite/schema/schema_generated.h"

extern "C" {
#include "mcb_port.h"
#include "mcb_runtime.h"
}

#include "tflm_model.h"

namespace {

using Resolver = tflite::MicroMutableOpResolver<MCB_TFLM_N_OPS>;

// Writes the layer markers around each operator: the interpreter calls BeginEvent before and
// EndEvent after every operator's Invoke, in operator order, so the n-th event of an
// inference is operator n. Only inside mcb_engine_invoke (active), so that nothing the
// interpreter might report while preparing is counted.
class MarkerProfiler : public tflite::MicroProfilerInterface {
 public:
  uint32_t BeginEvent(const char* tag) override {
    (void)tag;
    const uint32_t index = next_++;
#if defined(MCB_MODEL_MARKERS)
    if (active_) MCB_MARK(MCB_MARK_LAYER_BEGIN, index);
#endif
    return index;
  }
  void EndEvent(uint32_t handle) override {
#if defined(MCB_MODEL_MARKERS)
    if (active_) MCB_MARK(MCB_MARK_LAYER_END, handle);
#else
    (void)handle;
#endif
  }
  void Start() {
    next_ = 0;
    active_ = true;
  }
  void Stop() { active_ = false; }

 private:
  uint32_t next_ = 0;
  bool active_ = false;
};

// The objects live in static storage and are constructed in place by setup: no global
// constructors or destructors (no __cxa_atexit, no static-init order to care about).
alignas(16) uint8_t arena[MCB_TFLM_ARENA_BYTES];
alignas(Resolver) unsigned char resolver_mem[sizeof(Resolver)];
alignas(tflite::MicroInterpreter) unsigned char interpreter_mem[sizeof(tflite::MicroInterpreter)];
alignas(MarkerProfiler) unsigned char profiler_mem[sizeof(MarkerProfiler)];
Resolver* resolver;
MarkerProfiler* profiler;
tflite::MicroInterpreter* interpreter;
const tflite::Model* model;

// The resolver with the model's operators, the model, the profiler; 0 or an exit code.
int prepare() {
  resolver = new (resolver_mem) Resolver();
  profiler = new (profiler_mem) MarkerProfiler();
  if (!mcb_tflm_add_ops(*resolver)) return 2;
  model = tflite::GetModel(mcb_tflm_model);
  if (model->version() != TFLITE_SCHEMA_VERSION) return 3;
  return 0;
}

// An interpreter over the first `bytes` of the arena, tensors allocated; 1 if accepted.
bool allocate(size_t bytes) {
  interpreter = new (interpreter_mem)
      tflite::MicroInterpreter(model, *resolver, arena, bytes, nullptr, profiler);
  return interpreter->AllocateTensors() == kTfLiteOk;
}

}  // namespace

#if defined(MCB_TFLM_PROBE)

static int accepts(size_t bytes) {
  const bool ok = allocate(bytes);
  interpreter->~MicroInterpreter();
  return ok ? 1 : 0;
}

int main(void) {
  const int rc = prepare();
  if (rc) return rc;
  // Below about 300 bytes TFLM cannot even place its allocator objects in the arena (and
  // dereferences the null it gets), so the search starts from 1 KB, which it must refuse.
  size_t bad = 1024, ok = sizeof arena;
  if (!accepts(ok)) {
    mcb_write0("arena none\n");
    return 4;
  }
  if (accepts(bad)) {
    mcb_write0("arena below 1024\n");
    return 7;
  }
  while (ok - bad > 1) {
    const size_t mid = bad + (ok - bad) / 2;
    if (accepts(mid))
      ok = mid;
    else
      bad = mid;
  }
  mcb_write0("arena ");
  mcb_write_dec((int)ok);
  mcb_writec(' ');
  mcb_write_dec((int)bad);
  mcb_writec(' ');
  mcb_write_dec(accepts(ok));
  mcb_writec(' ');
  mcb_write_dec(accepts(bad));
  mcb_writec('\n');
  return 0;
}

#else

extern "C" int mcb_engine_setup(void) {
  const int rc = prepare();
  if (rc) return rc;
  return allocate(sizeof arena) ? 0 : 5;
}

extern "C" void* mcb_engine_input(void) { return interpreter->input(0)->data.raw; }

extern "C" const void* mcb_engine_output(void) { return interpreter->output(0)->data.raw; }

extern "C" int mcb_engine_invoke(void) {
  profiler->Start();
#if defined(MCB_MODEL_MARKERS)
  MCB_MARK(MCB_MARK_INFER_BEGIN, 0);
#endif
  const TfLiteStatus st = interpreter->Invoke();
#if defined(MCB_MODEL_MARKERS)
  MCB_MARK(MCB_MARK_INFER_END, 0);
#endif
  profiler->Stop();
  return st == kTfLiteOk ? 0 : 6;
}

#endif
