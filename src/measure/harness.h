/* The firmware harness shared by every engine: its main, the baked-in test images, and the
 * reading of what the firmware printed. */
#ifndef MCB_HARNESS_H
#define MCB_HARNESS_H

#include <stdint.h>

/* Writes dir/name: a main that calls mcb_engine_setup once, then for each image copies it to
 * mcb_engine_input(), calls mcb_engine_invoke() and prints the output bytes in hex, one line
 * per image. With trace >= 0 it runs image `trace` only, with MCB_MODEL_TRACE's hook printing
 * every layer's output, one line per layer. 0, or -1 after reporting. */
int mcb_harness_write_main(const char *dir, const char *name, int n_images, int64_t in_bytes,
                           int64_t out_bytes, int trace);
/* Writes dir/profile_images.c: const int8_t mcb_profile_images[n][in_bytes]. */
int mcb_harness_write_images(const char *dir, const int8_t *images, int n_images,
                             int64_t in_bytes);
/* Parses the firmware's lines into out[n_images][out_bytes]; -1 after reporting. */
int mcb_harness_parse_outputs(const char *what, const char *text, int n_images,
                              int64_t out_bytes, int8_t *out);
/* The value of a lower-case hex digit, or -1. */
int mcb_harness_hexval(char c);

#endif
