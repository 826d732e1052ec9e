// FlatBuffers' own C++ verifier (the same check TFLite runs before it loads a model) over code
// that flatc generates from tests/model/tflite_subset.fbs: an independent opinion on our files.
#include "tflite_subset_generated.h"

#include <cstdint>
#include <cstdio>

extern "C" int tflite_verify(const uint8_t *buf, size_t size, char *info, size_t info_size)
{
    flatbuffers::Verifier v(buf, size);
    if (!tflite::VerifyModelBuffer(v))
        return -1;
    const tflite::Model *m = tflite::GetModel(buf);
    const auto *sg = m->subgraphs() ? m->subgraphs()->Get(0) : nullptr;
    // A short summary read through the generated accessors, for the caller to compare.
    std::snprintf(info, info_size, "version %u codes %u buffers %u tensors %u operators %u desc %s",
                  m->version(), m->operator_codes() ? m->operator_codes()->size() : 0,
                  m->buffers() ? m->buffers()->size() : 0,
                  sg && sg->tensors() ? sg->tensors()->size() : 0,
                  sg && sg->operators() ? sg->operators()->size() : 0,
                  m->description() ? m->description()->c_str() : "-");
    return 0;
}
