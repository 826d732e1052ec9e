/* .tflite (TFLite flatbuffer, identifier "TFL3") in and out, for the schema subset we use.
 * The reader treats the bytes as untrusted: every offset, length and index is bounds-checked,
 * and any problem is one reported line naming the file. Subgraph 0 is the model. */
#ifndef MCB_TFLITE_H
#define MCB_TFLITE_H

#include "graph.h"

#include <stddef.h>
#include <stdint.h>

/* Parses buf into g (initialised here). what names the source in errors (a path). 0 or -1. */
int mcb_tflite_parse(const uint8_t *buf, size_t size, const char *what, mcb_graph *g);
/* Reads a regular file of at most MCB_TFLITE_MAX_BYTES (anything else is refused at once). */
#define MCB_TFLITE_MAX_BYTES ((size_t)256 << 20)
int mcb_tflite_load(const char *path, mcb_graph *g);

/* Serialises g; *out is malloc'd. Deterministic: same graph, same bytes. 0 or -1. */
int mcb_tflite_serialize(const mcb_graph *g, uint8_t **out, size_t *size);
/* Serialises and writes atomically (nothing is left behind on failure). */
int mcb_tflite_save(const char *path, const mcb_graph *g);

#endif
