/* A small streaming JSON writer. Commas and escaping are handled here; numbers are written
 * in a fixed, locale-free format so the same values always give the same bytes. */
#ifndef MCB_JSON_H
#define MCB_JSON_H

#include <stdint.h>
#include <stdio.h>

typedef struct {
    FILE *f;
    int depth;
    int need_comma[32];
    int after_key;
    int pretty;
} mcb_json;

void mcb_json_init(mcb_json *j, FILE *f, int pretty);
void mcb_json_obj_begin(mcb_json *j);
void mcb_json_obj_end(mcb_json *j);
void mcb_json_arr_begin(mcb_json *j);
void mcb_json_arr_end(mcb_json *j);
void mcb_json_key(mcb_json *j, const char *key);
void mcb_json_str(mcb_json *j, const char *s);
void mcb_json_int(mcb_json *j, int64_t v);
void mcb_json_num(mcb_json *j, double v); /* %.10g; non-finite becomes null */
void mcb_json_bool(mcb_json *j, int v);
void mcb_json_null(mcb_json *j);
/* Ends the document with a newline. */
void mcb_json_end(mcb_json *j);

#endif
