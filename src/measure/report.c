/* The figures of one measurement as text and JSON (measure.h). */
#include "measure.h"

#include "json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void thousands(char *buf, size_t n, double v)
{
    char raw[32];
    snprintf(raw, sizeof raw, "%lld", llround(v)); /* as the JSON rounds, not half-to-even */
    const size_t len = strlen(raw);
    size_t o = 0;
    for (size_t i = 0; i < len && o + 2 < n; i++) {
        if (i && raw[i - 1] != '-' && (len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = raw[i];
    }
    buf[o] = 0;
}

void mcb_measure_write_text(FILE *f, const mcb_measure *p, const char *model)
{
    char a[32], b[32], c[32];
    fprintf(f, "%s on %s (%.0f MHz), engine %s (%s), %d %s test image%s\n", model,
            p->target.name, p->target.clock_hz / 1e6, p->engine, p->engine_version, p->images,
            p->dataset, p->images == 1 ? "" : "s");
    fprintf(f, "outputs      bit-exact with the %s on every image", p->reference);
    if (strcmp(p->reference, "host executor") != 0)
        fprintf(f, "; argmax as the host executor's on %d of %d", p->executor_agree, p->images);
    fprintf(f, "\n");
    if (p->no_labels)
        fprintf(f, "accuracy     - (inputs from --input: no labels)\n");
    else
        fprintf(f, "accuracy     %.4f (%d of %d)\n", (double)p->correct / p->images, p->correct,
                p->images);
    thousands(a, sizeof a, p->cycles_mean);
    thousands(b, sizeof b, (double)p->cycles_max);
    thousands(c, sizeof c, (double)p->macs);
    fprintf(f, "cycles       %s per inference (mean), max %s; %.3f cycles/MAC over %s MACs\n", a,
            b, p->macs ? p->cycles_mean / p->macs : 0.0, c);
    fprintf(f, "time         %.3f ms\n", p->time_ms);
    if (p->target.supply_v > 0)
        fprintf(f, "energy       %.2f uJ DC/DC, %.2f uJ LDO (modelled)\n", p->energy_dcdc_uj,
                p->energy_ldo_uj);
    else
        fprintf(f, "energy       not modelled for this target\n");
    thousands(a, sizeof a, (double)p->m.ram_bytes);
    fprintf(f, "RAM          %s bytes (.data %llu + .bss %llu + stack %llu + heap %llu); arena %lld, "
               "lower bound %lld\n", a, (unsigned long long)p->m.data_bytes,
            (unsigned long long)p->m.bss_bytes, (unsigned long long)p->m.stack_bytes,
            (unsigned long long)p->m.heap_bytes, (long long)p->arena_bytes,
            (long long)p->lower_bound_bytes);
    thousands(a, sizeof a, (double)p->flash_bytes);
    thousands(b, sizeof b, (double)p->weight_bytes);
    thousands(c, sizeof c, (double)p->plain_weight_bytes);
    fprintf(f, "flash        %s bytes, of which weights %s (%s as plain int8); test images "
               "excluded\n", a, b, c);
    const int has_energy = mcb_metrics_energy(&p->target, 0).dcdc_known;
    fprintf(f, "\n  # %-22s %12s %12s %10s %6s %9s %9s\n", "layer", "MACs", "cycles",
            "cycles/MAC", "share", "ms", has_energy ? "uJ DC/DC" : "");
    for (int l = 0; l < p->n_layers; l++) {
        const mcb_measure_layer *y = &p->layers[l];
        const mcb_energy en = mcb_metrics_energy(&p->target, y->cycles);
        thousands(a, sizeof a, (double)y->macs);
        thousands(b, sizeof b, y->cycles);
        char cpm[16] = "-", uj[24] = "";
        if (y->macs)
            snprintf(cpm, sizeof cpm, "%.3f", y->cycles / y->macs);
        if (has_energy)
            snprintf(uj, sizeof uj, "%.2f", en.dcdc_uj);
        fprintf(f, "%3d %-22s %12s %12s %10s %5.1f%% %9.3f %9s\n", l, y->op, a, b, cpm,
                p->cycles_mean > 0 ? 100.0 * y->cycles / p->cycles_mean : 0.0, en.time_ms, uj);
    }
}

/* s with every occurrence of the temporary folder's path written as "TMP", so that the
 * same model gives the same JSON; malloc'd. */
static char *without_temp(const char *s, const char *dir)
{
    const size_t nd = strlen(dir);
    char *out = malloc(3 * strlen(s) + 1); /* "TMP" may be longer than a short dir */
    if (!out)
        return NULL;
    size_t o = 0;
    while (*s) {
        if (nd && !strncmp(s, dir, nd)) {
            memcpy(out + o, "TMP", 3);
            o += 3;
            s += nd;
        } else {
            out[o++] = *s++;
        }
    }
    out[o] = 0;
    return out;
}

void mcb_measure_write_json(FILE *f, const mcb_measure *p, const char *model)
{
    const mcb_metrics *m = &p->m;
    mcb_json j;
    mcb_json_init(&j, f, 1);
    mcb_json_obj_begin(&j);
    mcb_json_key(&j, "model");
    mcb_json_str(&j, model);
    mcb_json_key(&j, "engine");
    mcb_json_str(&j, p->engine);
    mcb_json_key(&j, "engine_version");
    mcb_json_str(&j, p->engine_version);
    mcb_json_key(&j, "target");
    mcb_json_str(&j, p->target.name);
    mcb_json_key(&j, "clock_hz");
    mcb_json_int(&j, p->target.clock_hz);
    mcb_json_key(&j, "dataset");
    mcb_json_str(&j, p->dataset);
    mcb_json_key(&j, "images");
    mcb_json_int(&j, p->images);
    mcb_json_key(&j, "outputs_match");
    mcb_json_bool(&j, p->outputs_match);
    mcb_json_key(&j, "reference");
    mcb_json_str(&j, p->reference);
    mcb_json_key(&j, "executor_argmax_agree");
    mcb_json_int(&j, p->executor_agree);
    mcb_json_key(&j, "accuracy");
    if (p->no_labels)
        mcb_json_null(&j);
    else
        mcb_json_num(&j, (double)p->correct / p->images);
    mcb_json_key(&j, "ok");
    mcb_json_bool(&j, p->r.exited && !p->r.fault[0]);
    mcb_json_key(&j, "fault");
    mcb_json_null(&j);
    mcb_json_key(&j, "exit_code");
    mcb_json_int(&j, p->r.exit_code);
    mcb_json_key(&j, "stdout");
    mcb_json_str(&j, p->r.out ? p->r.out : "");
    mcb_json_key(&j, "stdout_truncated");
    mcb_json_bool(&j, p->r.out_truncated);
    mcb_json_key(&j, "cycles");
    mcb_json_int(&j, (int64_t)llround(p->cycles_mean));
    mcb_json_key(&j, "cycles_max");
    mcb_json_int(&j, (int64_t)p->cycles_max);
    mcb_json_key(&j, "instructions");
    mcb_json_int(&j, (int64_t)llround(p->insns_mean));
    mcb_json_key(&j, "measured");
    mcb_json_str(&j, "inference markers, mean over the images");
    mcb_json_key(&j, "total_cycles");
    mcb_json_int(&j, (int64_t)m->total_cycles);
    mcb_json_key(&j, "total_instructions");
    mcb_json_int(&j, (int64_t)m->total_insns);
    mcb_json_key(&j, "macs");
    mcb_json_int(&j, p->macs);
    mcb_json_key(&j, "cycles_per_mac");
    mcb_json_num(&j, p->macs ? p->cycles_mean / p->macs : 0);
    mcb_json_key(&j, "time_ms");
    mcb_json_num(&j, p->time_ms);
    mcb_metrics_json_energy(&j, &p->target, p->energy_dcdc_uj, p->energy_ldo_uj);
    mcb_json_key(&j, "flash_bytes");
    mcb_json_int(&j, p->flash_bytes);
    mcb_json_key(&j, "firmware_flash_bytes");
    mcb_json_int(&j, (int64_t)m->flash_bytes);
    mcb_json_key(&j, "test_images_bytes");
    mcb_json_int(&j, p->images_bytes);
    mcb_json_key(&j, "weight_bytes");
    mcb_json_int(&j, p->weight_bytes);
    mcb_json_key(&j, "plain_weight_bytes");
    mcb_json_int(&j, p->plain_weight_bytes);
    mcb_metrics_json_ram(&j, m);
    mcb_json_key(&j, "arena_bytes");
    mcb_json_int(&j, p->arena_bytes);
    mcb_json_key(&j, "lower_bound_bytes");
    mcb_json_int(&j, p->lower_bound_bytes);
    mcb_json_key(&j, "layers");
    mcb_json_arr_begin(&j);
    for (int l = 0; l < p->n_layers; l++) {
        mcb_json_obj_begin(&j);
        mcb_json_key(&j, "index");
        mcb_json_int(&j, l);
        mcb_json_key(&j, "op");
        mcb_json_str(&j, p->layers[l].op);
        mcb_json_key(&j, "macs");
        mcb_json_int(&j, p->layers[l].macs);
        mcb_json_key(&j, "cycles");
        mcb_json_int(&j, (int64_t)llround(p->layers[l].cycles));
        const mcb_energy en = mcb_metrics_energy(&p->target, p->layers[l].cycles);
        mcb_json_key(&j, "time_ms");
        mcb_json_num(&j, en.time_ms);
        mcb_json_key(&j, "energy_uj"); /* DC/DC, as the whole inference's energy_uj */
        if (en.dcdc_known)
            mcb_json_num(&j, en.dcdc_uj);
        else
            mcb_json_null(&j);
        mcb_json_obj_end(&j);
    }
    mcb_json_arr_end(&j);
    /* the first inference's regions, as 'mcubench run' reports them */
    int first = 0;
    for (int seen = 0; first < m->nregions; first++)
        if (!strcmp(m->regions[first].name, "inference") && seen++)
            break;
    mcb_metrics_json_regions(&j, m, first);
    mcb_json_key(&j, "unmatched_markers");
    mcb_json_int(&j, m->unmatched);
    mcb_json_key(&j, "qemu_match");
    mcb_json_null(&j);
    mcb_json_key(&j, "build_flags");
    char *flags = m->build_flags ? without_temp(m->build_flags, p->temp_dir) : NULL;
    if (flags)
        mcb_json_str(&j, flags);
    else
        mcb_json_null(&j);
    free(flags);
    mcb_json_key(&j, "firmware"); /* null unless kept (--keep) */
    if (p->elf_path)
        mcb_json_str(&j, p->elf_path);
    else
        mcb_json_null(&j);
    mcb_json_obj_end(&j);
    mcb_json_end(&j);
}
