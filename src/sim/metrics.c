#include "metrics.h"

#include "err.h"
#include "cycles.h"
#include "json.h"
#include "mcb_port.h"

#include <stdlib.h>
#include <string.h>

static int in_ram(const mcb_target *t, uint32_t a) { return a >= t->ram_base && a - t->ram_base < t->ram_size; }

static void sizes(const mcb_elf *e, const mcb_target *t, uint32_t bss_end, int have_bss_end,
                  mcb_metrics *m)
{
    for (int i = 0; i < e->nsecs; i++) {
        const mcb_elf_section *s = &e->secs[i];
        if (!(s->flags & MCB_SHF_ALLOC) || !s->size)
            continue;
        if (s->type != MCB_SHT_NOBITS)
            m->flash_bytes += s->size; /* code, constants, and the initial values of .data */
        if (!in_ram(t, s->addr))
            continue;
        if (s->type != MCB_SHT_NOBITS)
            m->data_bytes += s->size;
        else if (!have_bss_end || s->addr + s->size <= bss_end) /* not a heap/stack reserve */
            m->bss_bytes += s->size;
    }
}

static char *flags_of(const mcb_elf *e)
{
    const mcb_elf_section *s = mcb_elf_section_named(e, MCB_FLAGS_SECTION);
    const uint8_t *d = mcb_elf_section_data(e, s);
    if (d && s->size) {
        size_t n = strnlen((const char *)d, s->size);
        char *out = malloc(n + 1);
        if (out) {
            memcpy(out, d, n);
            out[n] = 0;
        }
        return out;
    }
    /* -frecord-gcc-switches: NUL-separated options, joined with spaces */
    s = mcb_elf_section_named(e, ".GCC.command.line");
    d = mcb_elf_section_data(e, s);
    if (!d || !s->size)
        return NULL;
    char *out = malloc(s->size + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (uint32_t i = 0; i < s->size;) {
        size_t n = strnlen((const char *)d + i, s->size - i);
        if (n) {
            if (o)
                out[o++] = ' ';
            memcpy(out + o, d + i, n);
            o += n;
        }
        i += (uint32_t)n + 1;
    }
    out[o] = 0;
    return out;
}

static int add_region(mcb_metrics *m, const char *name, uint64_t cycles, uint64_t insns)
{
    if (m->nregions % 16 == 0) {
        mcb_region *r = realloc(m->regions, (size_t)(m->nregions + 16) * sizeof *r);
        if (!r)
            return -1;
        m->regions = r;
    }
    mcb_region *g = &m->regions[m->nregions++];
    snprintf(g->name, sizeof g->name, "%s", name);
    g->cycles = cycles;
    g->insns = insns;
    return 0;
}

/* Open begin markers by word: open addressing, one pass over the markers, so any number of
 * unpaired markers costs linear time (issue 13). */
typedef struct {
    uint32_t *word;
    int *at; /* index of the open BEGIN marker; -1 empty slot, -2 none open (closed) */
    size_t cap;
} open_set;

static int *open_slot(open_set *o, uint32_t word)
{
    size_t k = (size_t)(word * 2654435761u) & (o->cap - 1);
    while (o->at[k] != -1 && o->word[k] != word)
        k = (k + 1) & (o->cap - 1);
    o->word[k] = word;
    return &o->at[k];
}

static int regions(const mcb_sim_result *r, mcb_metrics *m)
{
    /* Each BEGIN pairs with the first END of the same kind and index after it, unless the
     * same BEGIN comes again first (it is then unmatched); regions are listed in the order of
     * their begin markers. */
    open_set o = {0};
    o.cap = 16;
    while (o.cap < 2 * (size_t)r->nmarks)
        o.cap *= 2;
    o.word = malloc(o.cap * sizeof *o.word);
    o.at = malloc(o.cap * sizeof *o.at);
    int *end_of = malloc(((size_t)r->nmarks + 1) * sizeof *end_of); /* BEGIN i -> its END */
    if (!o.word || !o.at || !end_of) {
        free(o.word), free(o.at), free(end_of);
        return -1;
    }
    for (size_t k = 0; k < o.cap; k++)
        o.at[k] = -1;
    /* Slots are never emptied (a closed BEGIN leaves -2), so probing stays correct. */
    for (int i = 0; i < r->nmarks; i++) {
        uint32_t kind = r->marks[i].word >> 24, idx = r->marks[i].word & 0xFFFFFF;
        end_of[i] = -1;
        if (kind == MCB_MARK_INFER_BEGIN || kind == MCB_MARK_LAYER_BEGIN) {
            int *slot = open_slot(&o, r->marks[i].word);
            *slot = i; /* an earlier open BEGIN of this word stays unmatched */
        } else if (kind == MCB_MARK_INFER_END || kind == MCB_MARK_LAYER_END) {
            int *slot = open_slot(&o, MCB_MARK_WORD(kind - 1, idx));
            if (*slot >= 0)
                end_of[*slot] = i;
            *slot = -2;
        }
    }
    int rc = 0;
    for (int i = 0; i < r->nmarks && rc == 0; i++) {
        uint32_t kind = r->marks[i].word >> 24, idx = r->marks[i].word & 0xFFFFFF;
        m->inexact += !r->marks[i].exact;
        if (kind != MCB_MARK_INFER_BEGIN && kind != MCB_MARK_LAYER_BEGIN) {
            if (kind != MCB_MARK_INFER_END && kind != MCB_MARK_LAYER_END)
                m->unmatched++;
            continue;
        }
        int j = end_of[i];
        if (j < 0) {
            m->unmatched++;
            continue;
        }
        char name[32];
        if (kind == MCB_MARK_INFER_BEGIN)
            snprintf(name, sizeof name, "inference");
        else
            snprintf(name, sizeof name, "layer%u", (unsigned)idx);
        if (add_region(m, name, r->marks[j].cycles - r->marks[i].cycles,
                       r->marks[j].insns - r->marks[i].insns) < 0) {
            rc = -1;
            break;
        }
        if (kind == MCB_MARK_INFER_BEGIN && !m->from_markers) {
            m->from_markers = 1;
            m->cycles = m->regions[m->nregions - 1].cycles;
            m->insns = m->regions[m->nregions - 1].insns;
        }
    }
    free(o.word), free(o.at), free(end_of);
    return rc;
}

int mcb_metrics_compute(const mcb_elf *e, const mcb_target *t, const mcb_sim_result *r,
                        mcb_metrics *m)
{
    memset(m, 0, sizeof *m);
    uint32_t bss_end = 0;
    int have = !mcb_elf_symbol_value(e, "__bss_end__", &bss_end) ||
               !mcb_elf_symbol_value(e, "_ebss", &bss_end);
    sizes(e, t, bss_end, have, m);
    m->stack_bytes = r->stack_bytes;
    m->heap_bytes = r->heap_bytes;
    m->ram_bytes = m->data_bytes + m->bss_bytes + m->stack_bytes + m->heap_bytes;
    m->total_cycles = r->cycles;
    m->total_insns = r->insns;
    m->cycles = r->cycles;
    m->insns = r->insns;
    if (regions(r, m) < 0) {
        mcb_error("%s: out of memory", e->path);
        return -1;
    }
    const mcb_energy en = mcb_metrics_energy(t, (double)m->cycles);
    m->time_ms = en.time_ms;
    m->energy_dcdc_uj = en.dcdc_uj;
    m->energy_ldo_uj = en.ldo_uj;
    m->build_flags = flags_of(e);
    return 0;
}

void mcb_metrics_free(mcb_metrics *m)
{
    free(m->regions);
    free(m->build_flags);
    m->regions = NULL;
    m->build_flags = NULL;
}

/* The firmware's bytes as valid UTF-8: already valid text is kept, anything else is read
 * as Latin-1, so the JSON stays parseable whatever a firmware prints. malloc'd or NULL. */
static char *as_utf8(const char *s)
{
    size_t n = strlen(s), i = 0;
    int valid = 1;
    while (i < n && valid) {
        unsigned char c = (unsigned char)s[i];
        int len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
        if (!len || i + (size_t)len > n)
            valid = 0;
        for (int k = 1; valid && k < len; k++)
            valid = ((unsigned char)s[i + (size_t)k] & 0xC0) == 0x80;
        i += (size_t)(len ? len : 1);
    }
    char *out = malloc(2 * n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (valid || c < 0x80) {
            out[o++] = (char)c;
        } else {
            out[o++] = (char)(0xC0 | c >> 6);
            out[o++] = (char)(0x80 | (c & 0x3F));
        }
    }
    out[o] = 0;
    return out;
}

mcb_energy mcb_metrics_energy(const mcb_target *t, double cycles)
{
    const double seconds = t->clock_hz > 0 ? cycles / t->clock_hz : 0;
    return (mcb_energy){.time_ms = seconds * 1e3,
                        .dcdc_uj = seconds * t->supply_v * t->run_current_dcdc_a * 1e6,
                        .ldo_uj = seconds * t->supply_v * t->run_current_ldo_a * 1e6,
                        .dcdc_known = t->supply_v > 0 && t->run_current_dcdc_a > 0,
                        .ldo_known = t->supply_v > 0 && t->run_current_ldo_a > 0};
}

void mcb_metrics_json_energy(mcb_json *j, const mcb_target *t, double dcdc_uj, double ldo_uj)
{
    /* a target without supply figures (e.g. mps2-an386) has no energy model: null, not 0 */
    const char *ekeys[] = {"energy_uj", "energy_dcdc_uj", "energy_ldo_uj"};
    const double evals[] = {dcdc_uj, dcdc_uj, ldo_uj};
    const mcb_energy e = mcb_metrics_energy(t, 0);
    const int known[] = {e.dcdc_known, e.dcdc_known, e.ldo_known};
    for (int k = 0; k < 3; k++) {
        mcb_json_key(j, ekeys[k]);
        if (known[k])
            mcb_json_num(j, evals[k]);
        else
            mcb_json_null(j);
    }
    mcb_json_key(j, "energy_model");
    mcb_json_str(j, "modelled: time x supply voltage x datasheet run current; energy_uj is DC/DC");
    mcb_json_key(j, "supply_v");
    mcb_json_num(j, t->supply_v);
}

void mcb_metrics_json_regions(mcb_json *j, const mcb_metrics *m, int n)
{
    mcb_json_key(j, "regions");
    mcb_json_arr_begin(j);
    for (int i = 0; i < n && i < m->nregions; i++) {
        mcb_json_obj_begin(j);
        mcb_json_key(j, "name");
        mcb_json_str(j, m->regions[i].name);
        mcb_json_key(j, "cycles");
        mcb_json_int(j, (int64_t)m->regions[i].cycles);
        mcb_json_key(j, "instructions");
        mcb_json_int(j, (int64_t)m->regions[i].insns);
        mcb_json_obj_end(j);
    }
    mcb_json_arr_end(j);
}

void mcb_metrics_json_ram(mcb_json *j, const mcb_metrics *m)
{
    mcb_json_key(j, "ram_bytes");
    mcb_json_int(j, (int64_t)m->ram_bytes);
    mcb_json_key(j, "data_bytes");
    mcb_json_int(j, (int64_t)m->data_bytes);
    mcb_json_key(j, "bss_bytes");
    mcb_json_int(j, (int64_t)m->bss_bytes);
    mcb_json_key(j, "stack_bytes");
    mcb_json_int(j, (int64_t)m->stack_bytes);
    mcb_json_key(j, "heap_bytes");
    mcb_json_int(j, (int64_t)m->heap_bytes);
}

void mcb_metrics_write_json(FILE *f, const mcb_metrics *m, const mcb_sim_result *r,
                            const mcb_target *t, const char *elf_path, const char *qemu_machine)
{
    mcb_json j;
    mcb_json_init(&j, f, 1);
    mcb_json_obj_begin(&j);
    mcb_json_key(&j, "firmware");
    mcb_json_str(&j, elf_path);
    mcb_json_key(&j, "target");
    mcb_json_str(&j, t->name);
    mcb_json_key(&j, "clock_hz");
    mcb_json_int(&j, t->clock_hz);
    mcb_json_key(&j, "ok");
    mcb_json_bool(&j, r->exited && !r->fault[0]);
    mcb_json_key(&j, "fault");
    if (r->fault[0])
        mcb_json_str(&j, r->fault);
    else
        mcb_json_null(&j);
    mcb_json_key(&j, "exit_code");
    if (r->exited)
        mcb_json_int(&j, r->exit_code);
    else
        mcb_json_null(&j);
    mcb_json_key(&j, "stdout");
    char *text = as_utf8(r->out ? r->out : "");
    mcb_json_str(&j, text ? text : "");
    free(text);
    mcb_json_key(&j, "stdout_truncated");
    mcb_json_bool(&j, r->out_truncated);
    mcb_json_key(&j, "cycles");
    mcb_json_int(&j, (int64_t)m->cycles);
    mcb_json_key(&j, "instructions");
    mcb_json_int(&j, (int64_t)m->insns);
    mcb_json_key(&j, "measured");
    mcb_json_str(&j, m->from_markers ? "inference markers" : "whole run");
    mcb_json_key(&j, "total_cycles");
    mcb_json_int(&j, (int64_t)m->total_cycles);
    mcb_json_key(&j, "total_instructions");
    mcb_json_int(&j, (int64_t)m->total_insns);
    mcb_json_key(&j, "time_ms");
    mcb_json_num(&j, m->time_ms);
    mcb_metrics_json_energy(&j, t, m->energy_dcdc_uj, m->energy_ldo_uj);
    mcb_json_key(&j, "flash_bytes");
    mcb_json_int(&j, (int64_t)m->flash_bytes);
    mcb_metrics_json_ram(&j, m);
    mcb_metrics_json_regions(&j, m, m->nregions);
    mcb_json_key(&j, "unmatched_markers");
    mcb_json_int(&j, m->unmatched);
    mcb_json_key(&j, "cycle_model");
    mcb_json_str(&j, MCB_CYCLE_MODEL_VERSION);
    mcb_json_key(&j, "icache_lookups");
    mcb_json_int(&j, (int64_t)r->icache_lookups);
    mcb_json_key(&j, "icache_misses");
    mcb_json_int(&j, (int64_t)r->icache_misses);
    mcb_json_key(&j, "qemu_match");
    if (qemu_machine)
        mcb_json_str(&j, qemu_machine);
    else
        mcb_json_null(&j);
    mcb_json_key(&j, "build_flags");
    if (m->build_flags)
        mcb_json_str(&j, m->build_flags);
    else
        mcb_json_null(&j);
    mcb_json_obj_end(&j);
    mcb_json_end(&j);
}

void mcb_metrics_write_text(FILE *f, const mcb_metrics *m, const mcb_sim_result *r,
                            const mcb_target *t)
{
    fprintf(f, "target       %s, %.0f MHz\n", t->name, t->clock_hz / 1e6);
    if (r->exited)
        fprintf(f, "exit code    %d\n", r->exit_code);
    fprintf(f, "cycles       %llu (%s)\n", (unsigned long long)m->cycles,
            m->from_markers ? "inference markers" : "whole run");
    fprintf(f, "instructions %llu\n", (unsigned long long)m->insns);
    fprintf(f, "time         %.4f ms\n", m->time_ms);
    if (t->supply_v > 0 && t->run_current_dcdc_a > 0 && t->run_current_ldo_a > 0)
        fprintf(f, "energy       %.3f uJ DC/DC, %.3f uJ LDO (modelled)\n", m->energy_dcdc_uj,
                m->energy_ldo_uj);
    else
        fprintf(f, "energy       not modelled for this target (no supply voltage or current)\n");
    fprintf(f, "flash        %llu bytes\n", (unsigned long long)m->flash_bytes);
    fprintf(f, "RAM          %llu bytes (.data %llu + .bss %llu + stack %llu + heap %llu)\n",
            (unsigned long long)m->ram_bytes, (unsigned long long)m->data_bytes,
            (unsigned long long)m->bss_bytes, (unsigned long long)m->stack_bytes,
            (unsigned long long)m->heap_bytes);
    for (int i = 0; i < m->nregions; i++)
        fprintf(f, "  %-11s %llu cycles, %llu instructions\n", m->regions[i].name,
                (unsigned long long)m->regions[i].cycles, (unsigned long long)m->regions[i].insns);
    if (m->unmatched)
        fprintf(f, "warning      %d marker(s) without a partner\n", m->unmatched);
    if (r->icache_lookups)
        fprintf(f, "icache       %llu misses in %llu line lookups (%u bytes, %u-byte lines, "
                   "%u-way)\n",
                (unsigned long long)r->icache_misses, (unsigned long long)r->icache_lookups,
                t->icache_size, t->icache_line, t->icache_ways);
    if (r->marks_dropped)
        fprintf(f, "warning      %llu marker(s) after the first %d were not recorded\n",
                (unsigned long long)r->marks_dropped, MCB_SIM_MARKS_MAX);
    if (m->build_flags)
        fprintf(f, "build flags  %s\n", m->build_flags);
}
