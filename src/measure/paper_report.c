/* The sweep's report (paper.h): report.md and a self-contained report.html with the same
 * content, and the figures (gnuplot, SVG and PNG) in DIR/figures/. Everything here is derived
 * from the rows, so a merged sweep reports exactly as a single run. */
#include "paper.h"

#include "engine.h"
#include "err.h"
#include "fileio.h"
#include "paper_figures.h"
#include "proc.h"
#include "target.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- a tiny document writer: each call writes Markdown and HTML ------------------------ */

typedef struct {
    FILE *md, *html;
    const char *dir;
    int failed;
} doc;

static void html_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '<')
            fputs("&lt;", f);
        else if (*s == '>')
            fputs("&gt;", f);
        else if (*s == '&')
            fputs("&amp;", f);
        else if (*s == '"')
            fputs("&quot;", f);
        else
            fputc(*s, f);
    }
}

static void heading(doc *d, int level, const char *text)
{
    fprintf(d->md, "%.*s %s\n\n", level, "####", text);
    fprintf(d->html, "<h%d>", level);
    html_text(d->html, text);
    fprintf(d->html, "</h%d>\n", level);
}

static void para(doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void para(doc *d, const char *fmt, ...)
{
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    fprintf(d->md, "%s\n\n", buf);
    fputs("<p>", d->html);
    html_text(d->html, buf);
    fputs("</p>\n", d->html);
}

#define MAXCOL 16
typedef struct {
    int n;
    char cell[MAXCOL][256];
} trow;

static void table_begin(doc *d, const trow *head, const char *align)
{
    fputs("|", d->md);
    for (int i = 0; i < head->n; i++)
        fprintf(d->md, " %s |", head->cell[i]);
    fputs("\n|", d->md);
    for (int i = 0; i < head->n; i++)
        fputs(align[i] == 'r' ? " ---: |" : " --- |", d->md);
    fputs("\n", d->md);
    fputs("<table>\n<tr>", d->html);
    for (int i = 0; i < head->n; i++) {
        fputs("<th>", d->html);
        html_text(d->html, head->cell[i]);
        fputs("</th>", d->html);
    }
    fputs("</tr>\n", d->html);
}

static void table_row(doc *d, const trow *r, const char *align)
{
    fputs("|", d->md);
    for (int i = 0; i < r->n; i++)
        fprintf(d->md, " %s |", r->cell[i]);
    fputs("\n", d->md);
    fputs("<tr>", d->html);
    for (int i = 0; i < r->n; i++) {
        fputs(align[i] == 'r' ? "<td class=\"n\">" : "<td>", d->html);
        html_text(d->html, r->cell[i]);
        fputs("</td>", d->html);
    }
    fputs("</tr>\n", d->html);
}

static void table_end(doc *d)
{
    fputs("\n", d->md);
    fputs("</table>\n", d->html);
}

static void add(trow *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(trow *r, const char *fmt, ...)
{
    if (r->n == MAXCOL)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->cell[r->n++], sizeof r->cell[0], fmt, ap);
    va_end(ap);
}

/* The SVG inline in the HTML (so the file stands alone), the PNG linked from Markdown. */
static void figure(doc *d, const char *name, const char *caption)
{
    fprintf(d->md, "![%s](figures/%s.png)\n\n*%s* ([SVG](figures/%s.svg))\n\n", caption, name,
            caption, name);
    char path[4300];
    snprintf(path, sizeof path, "%s/figures/%s.svg", d->dir, name);
    size_t n;
    char *svg = (char *)mcb_read_file(path, &n);
    fputs("<figure>", d->html);
    if (svg) {
        const char *start = strstr(svg, "<svg");
        fputs(start ? start : svg, d->html);
        free(svg);
    } else {
        d->failed = 1;
    }
    fputs("<figcaption>", d->html);
    html_text(d->html, caption);
    fputs("</figcaption></figure>\n", d->html);
}

/* ---- helpers over rows -------------------------------------------------------------------- */

static const char *paper_framework(const char *engine)
{
    if (!strcmp(engine, "tflm"))
        return "tflm";
    if (!strcmp(engine, "cmsis-nn-q7"))
        return "cmsis-nn";
    if (!strcmp(engine, "utensor"))
        return "utensor";
    return NULL;
}

static const mcb_paper_hw *paper_hw(const char *dataset, int kernels, const char *framework)
{
    for (const mcb_paper_hw *h = mcb_paper_t34; h->dataset; h++)
        if (!strcmp(h->dataset, dataset) && h->kernels == kernels &&
            !strcmp(h->framework, framework))
            return h;
    return NULL;
}

static const mcb_row *find(const mcb_row *rows, int n, const char *network, const char *engine,
                           const char *cond)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(rows[i].network, network) && !strcmp(rows[i].engine, engine) &&
            !strcmp(rows[i].conditions, cond))
            return &rows[i];
    return NULL;
}

static int ok(const mcb_row *r)
{
    return r && !strcmp(r->status, "ok");
}

static void kb(char *buf, size_t n, double bytes)
{
    snprintf(buf, n, "%.1f", bytes / 1024.0);
}

static void fmt_ms(char *buf, size_t n, double ms)
{
    if (ms >= 100)
        snprintf(buf, n, "%.0f", ms);
    else if (ms >= 1)
        snprintf(buf, n, "%.2f", ms);
    else
        snprintf(buf, n, "%.3f", ms);
}

static void fmt_mj(char *buf, size_t n, double mj)
{
    if (mj >= 10)
        snprintf(buf, n, "%.1f", mj);
    else if (mj >= 0.1)
        snprintf(buf, n, "%.3f", mj);
    else
        snprintf(buf, n, "%.4f", mj);
}

static void status_text(const mcb_row *r, char *buf, size_t n)
{
    if (!r)
        snprintf(buf, n, "-");
    else if (!strcmp(r->status, "nofit"))
        snprintf(buf, n, "does not fit");
    else
        snprintf(buf, n, "%s", r->status);
}

/* ---- figures ------------------------------------------------------------------------------ */

static int run_gnuplot(const char *script)
{
    char *argv[] = {"gnuplot", (char *)script, NULL};
    char why[1024];
    const int st = mcb_spawn_capture(argv, "gnuplot", NULL, why, sizeof why);
    if (st < 0)
        return -1;
    if (st != 0) { /* gnuplot's last line says what is wrong */
        mcb_error("%s: gnuplot failed: %s", script, why[0] ? why : "no message");
        return -1;
    }
    return 0;
}

typedef struct {
    const char *name, *title, *ylabel;
    int logy;
} bars_fig;

/* Grouped bars: one group per network, one bar per engine (the primary conditions), then the
 * paper's measured figure of the frameworks it had, hatched. */
static int bars(const char *dir, const mcb_paper_sweep *s, const mcb_row *rows, int n,
                const bars_fig *fg, double (*value)(const mcb_row *), double (*paper)(
                    const mcb_paper_hw *))
{
    char dat[4300], gp[4300];
    snprintf(dat, sizeof dat, "%s/figures/%s.dat", dir, fg->name);
    snprintf(gp, sizeof gp, "%s/figures/%s.gp", dir, fg->name);
    const char *cond = s->conditions[0];
    static const char *const paper_fw[] = {"cmsis-nn", "tflm", "utensor"};
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return -1;
    fputs("network", f);
    for (int e = 0; e < s->n_engines; e++)
        fprintf(f, "\t\"%s\"", s->engines[e]);
    for (int p = 0; p < 3; p++)
        fprintf(f, "\t\"paper: %s\"", paper_fw[p]);
    fputs("\n", f);
    for (int d = 0; d < s->n_datasets; d++)
        for (int k = 0; k < s->n_kernels; k++) {
            char network[32];
            snprintf(network, sizeof network, "%s-conv%d", s->datasets[d], s->kernels[k]);
            fprintf(f, "\"%s\"", network);
            for (int e = 0; e < s->n_engines; e++) {
                const mcb_row *r = find(rows, n, network, s->engines[e], cond);
                if (ok(r))
                    fprintf(f, "\t%.6g", value(r));
                else
                    fputs("\t?", f);
            }
            for (int p = 0; p < 3; p++) {
                const mcb_paper_hw *h = paper_hw(s->datasets[d], s->kernels[k], paper_fw[p]);
                if (h && paper(h) > 0)
                    fprintf(f, "\t%.6g", paper(h));
                else
                    fputs("\t?", f);
            }
            fputs("\n", f);
        }
    fclose(f);
    int rc = mcb_write_file_atomic(dat, text, len);
    free(text);
    if (rc < 0)
        return -1;
    text = NULL;
    len = 0;
    if (!(f = open_memstream(&text, &len)))
        return -1;
    const int ncols = s->n_engines + 3;
    const int groups = s->n_datasets * s->n_kernels;
    int width = 300 + groups * (ncols * 9 + 30);
    width = width < 900 ? 900 : width;
    fprintf(f,
            "set datafile missing '?'\n"
            "set datafile separator '\\t'\n"
            "set style data histograms\n"
            "set style histogram clustered gap 1\n"
            "set boxwidth 0.9\n"
            "set key outside right top vertical Left reverse noenhanced\n"
            "set grid ytics\n"
            "set xtics rotate by -30 noenhanced\n"
            "set title '%s' noenhanced\n"
            "set ylabel '%s'\n"
            "set xlabel 'network (%s conditions); hatched: the paper, measured on an nRF52840-DK'\n"
            "%s"
            "set yrange [%s:*]\n",
            fg->title, fg->ylabel, cond, fg->logy ? "set logscale y\n" : "",
            fg->logy ? "*" : "0");
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 0)
            fprintf(f, "set terminal svg size %d,520 font 'Sans,12' background '#ffffff'\n"
                       "set output '%s/figures/%s.svg'\n", width, dir, fg->name);
        else
            fprintf(f, "set terminal pngcairo size %d,520 font 'Sans,10' background '#ffffff'\n"
                       "set output '%s/figures/%s.png'\n", width, dir, fg->name);
        fprintf(f, "plot for [i=2:%d] '%s' using i:xtic(1) title columnheader(i) "
                   "fillstyle solid 0.85 border -1, \\\n"
                   "     for [i=%d:%d] '%s' using i title columnheader(i) "
                   "fillstyle pattern 4 border -1\n",
                s->n_engines + 1, dat, s->n_engines + 2, ncols + 1, dat);
    }
    fclose(f);
    rc = mcb_write_file_atomic(gp, text, len);
    free(text);
    return rc < 0 ? -1 : run_gnuplot(gp);
}

static double v_ram(const mcb_row *r) { return r->ram_bytes / 1024.0; }
static double v_flash(const mcb_row *r) { return r->flash_bytes / 1024.0; }
static double v_time(const mcb_row *r) { return r->time_ms; }
static double v_energy(const mcb_row *r) { return r->energy_uj / 1000.0; }
static double p_ram(const mcb_paper_hw *h) { return h->ram_bytes / 1024.0; }
static double p_flash(const mcb_paper_hw *h) { return h->flash_bytes / 1024.0; }
static double p_time(const mcb_paper_hw *h) { return h->time_ms; }
static double p_energy(const mcb_paper_hw *h) { return h->energy_mj; }

/* Figure 5: the modelled supply current over one inference, one panel per engine, each layer
 * a box of the run current for its time; the area is the charge. */
static int current_trace(const char *dir, const mcb_paper_sweep *s, const mcb_row *rows, int n,
                         const char *network, const mcb_target *t, int *drawn)
{
    char dat[4300], gp[4300];
    snprintf(dat, sizeof dat, "%s/figures/current.dat", dir);
    snprintf(gp, sizeof gp, "%s/figures/current.gp", dir);
    const char *cond = s->conditions[0];
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return -1;
    int panels = 0;
    char names[MCB_PAPER_MAX_ENGINES][64];
    double amps[MCB_PAPER_MAX_ENGINES], spans[MCB_PAPER_MAX_ENGINES];
    for (int e = 0; e < s->n_engines; e++) {
        const mcb_row *r = find(rows, n, network, s->engines[e], cond);
        if (!ok(r) || !r->layers[0])
            continue;
        const double ma = 1000.0 * (!strcmp(r->regulator, "ldo") ? t->run_current_ldo_a
                                                                  : t->run_current_dcdc_a);
        fprintf(f, "# %s\n", r->engine);
        double at = 0;
        int l = 0;
        for (const char *p = r->layers; *p; l++) {
            const char *c1 = strchr(p, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
            if (!c2)
                break;
            const double cyc = strtod(c2 + 1, NULL);
            const double ms = 1000.0 * cyc / t->clock_hz;
            /* x, y, dx, dy, colour: boxxyerror centred boxes from 0 to the current */
            fprintf(f, "%.6f\t%.4f\t%.6f\t%.4f\t%d\n", at + ms / 2, ma / 2, ms / 2, ma / 2, l % 8);
            at += ms;
            const char *semi = strchr(c2, ';');
            p = semi ? semi + 1 : c2 + strlen(c2);
        }
        /* the part of the inference outside the layer markers (interpreter overhead) */
        if (r->time_ms > at)
            fprintf(f, "%.6f\t%.4f\t%.6f\t%.4f\t%d\n", (at + r->time_ms) / 2, ma / 2,
                    (r->time_ms - at) / 2, ma / 2, 8);
        fputs("\n\n", f);
        snprintf(names[panels], sizeof names[0], "%s: %.2f ms, %.1f mA (%s)", r->engine,
                 r->time_ms, ma, !strcmp(r->regulator, "ldo") ? "LDO" : "DC/DC");
        spans[panels] = r->time_ms;
        amps[panels] = ma;
        panels++;
    }
    fclose(f);
    *drawn = panels;
    int rc = mcb_write_file_atomic(dat, text, len);
    free(text);
    if (rc < 0 || !panels)
        return rc;
    text = NULL;
    len = 0;
    if (!(f = open_memstream(&text, &len)))
        return -1;
    double ymax = 0;
    for (int i = 0; i < panels; i++)
        ymax = amps[i] > ymax ? amps[i] : ymax;
    const int height = 120 + 150 * panels;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 0)
            fprintf(f, "set terminal svg size 1000,%d font 'Sans,12' background '#ffffff'\n"
                       "set output '%s/figures/current.svg'\n", height, dir);
        else
            fprintf(f, "set terminal pngcairo size 1000,%d font 'Sans,10' background '#ffffff'\n"
                       "set output '%s/figures/current.png'\n", height, dir);
        fprintf(f, "set datafile separator '\\t'\n"
                   "set palette maxcolors 9\n"
                   "set palette defined (0 '#4e79a7', 1 '#f28e2b', 2 '#e15759', 3 '#76b7b2', "
                   "4 '#59a14f', 5 '#edc948', 6 '#b07aa1', 7 '#ff9da7', 8 '#bab0ac')\n"
                   "set cbrange [0:8]\n"
                   "unset colorbox\n"
                   "set style fill solid 0.9 noborder\n"
                   "set multiplot layout %d,1 title 'Modelled supply current over one "
                   "inference of %s (each panel its own time scale; colours: layers in "
                   "order, grey: outside the layers)' noenhanced\n"
                   "set yrange [0:%.3f]\n"
                   "set ylabel 'mA'\n"
                   "set ytics 0,2\n"
                   "set grid xtics\n"
                   "unset key\n",
                panels, network, ymax * 1.3);
        for (int i = 0; i < panels; i++) {
            fprintf(f, "set title '%s' noenhanced\n", names[i]);
            fprintf(f, "set xrange [0:%.6f]\n", spans[i] * 1.02);
            fprintf(f, "set xlabel '%s'\n", i == panels - 1 ? "time (ms)" : "");
            fprintf(f, "plot '%s' index %d using 1:2:3:4:5 with boxxyerror fillcolor palette\n",
                    dat, i);
        }
        fputs("unset multiplot\n", f);
    }
    fclose(f);
    rc = mcb_write_file_atomic(gp, text, len);
    free(text);
    return rc < 0 ? -1 : run_gnuplot(gp);
}

/* ---- the report --------------------------------------------------------------------------- */

static double geomean_ratio(const mcb_row *rows, int n, const char *a, const char *ca,
                            const char *b, const char *cb, int *count)
{
    double sum = 0;
    *count = 0;
    for (int i = 0; i < n; i++) {
        if (strcmp(rows[i].engine, a) || strcmp(rows[i].conditions, ca) || !ok(&rows[i]))
            continue;
        const mcb_row *o = find(rows, n, rows[i].network, b, cb);
        if (!ok(o) || o->cycles_mean <= 0)
            continue;
        sum += log(rows[i].cycles_mean / o->cycles_mean);
        (*count)++;
    }
    return *count ? exp(sum / *count) : NAN;
}

static void section_engines(doc *d, const mcb_paper_sweep *s, const mcb_row *rows, int n)
{
    heading(d, 2, "Engines");
    trow h = {0};
    add(&h, "engine");
    add(&h, "version");
    add(&h, "status");
    add(&h, "what it is");
    table_begin(d, &h, "llll");
    for (int e = 0; e < s->n_engines; e++) {
        const mcb_engine *en = mcb_engine_find(s->engines[e]);
        int okc = 0, fail = 0, nofit = 0, unav = 0, total = 0;
        char version[96] = "";
        for (int i = 0; i < n; i++) {
            if (strcmp(rows[i].engine, s->engines[e]))
                continue;
            total++;
            okc += ok(&rows[i]);
            nofit += !strcmp(rows[i].status, "nofit");
            unav += !strcmp(rows[i].status, "unavailable");
            fail += !strcmp(rows[i].status, "failed") || !strcmp(rows[i].status, "missing");
            if (!version[0])
                snprintf(version, sizeof version, "%s", rows[i].engine_version);
        }
        trow r = {0};
        add(&r, "%s", s->engines[e]);
        add(&r, "%s", version);
        if (unav == total)
            add(&r, "unavailable");
        else
            add(&r, "%d ok, %d do not fit, %d failed", okc, nofit, fail);
        add(&r, "%s", en ? en->about : "");
        table_row(d, &r, "llll");
    }
    table_end(d);
    for (int e = 0; e < s->n_engines; e++)
        for (int i = 0; i < n; i++)
            if (!strcmp(rows[i].engine, s->engines[e]) &&
                !strcmp(rows[i].status, "unavailable")) {
                para(d, "Engine %s is unavailable on this machine, so it has no figures here: "
                        "%s", s->engines[e], rows[i].error);
                break;
            }
}

/* Table 1 of the paper (usability), measured: what a user of each framework does by hand. */
static void section_table1(doc *d, const mcb_paper_sweep *s, const mcb_row *rows, int n)
{
    heading(d, 2, "Table 1: usability, measured");
    char network[32];
    snprintf(network, sizeof network, "%s-conv%d", s->datasets[0], s->kernels[0]);
    para(d, "For each engine: the framework's own way from a trained model to a firmware, and "
            "the lines of code its user writes by hand for %s (non-blank lines of the "
            "generated files that, without mcubench, a person writes: the interpreter set-up "
            "for TFLM, every layer call with its parameters for CMSIS-NN; 0 where the "
            "framework's tool generates the code). With mcubench every engine takes the same "
            "two commands and no hand-written line: mcubench quantize M.tflite --dataset D -o "
            "M-int8.tflite, then mcubench profile M-int8.tflite --engine E (or generate -o DIR "
            "to keep the sources).", network);
    trow h = {0};
    const char *al = "llr";
    add(&h, "engine");
    add(&h, "the framework's own workflow");
    add(&h, "lines by hand");
    table_begin(d, &h, al);
    for (int e = 0; e < s->n_engines; e++) {
        const mcb_engine *en = mcb_engine_find(s->engines[e]);
        const mcb_row *r = find(rows, n, network, s->engines[e], s->conditions[0]);
        trow t = {0};
        add(&t, "%s", s->engines[e]);
        add(&t, "%s", en && en->workflow ? en->workflow : "-");
        if (ok(r))
            add(&t, "%lld", (long long)r->hand_lines);
        else
            add(&t, "-");
        table_row(d, &t, al);
    }
    table_end(d);
}

static void section_table2(doc *d, const mcb_paper_sweep *s, const mcb_row *rows, int n)
{
    heading(d, 2, "Table 2: parameters and accuracy");
    para(d, "Accuracy on the full test set (10,000 images), computed on the host with the "
            "arithmetic the engines are checked against; the paper's is its Keras float "
            "accuracy.");
    trow h = {0};
    const char *al = "lrrrrrrr";
    add(&h, "network");
    add(&h, "parameters");
    add(&h, "paper parameters");
    add(&h, "float");
    add(&h, "int8");
    add(&h, "q7");
    add(&h, "paper float");
    table_begin(d, &h, al);
    for (int dd = 0; dd < s->n_datasets; dd++)
        for (int k = 0; k < s->n_kernels; k++) {
            char network[32];
            snprintf(network, sizeof network, "%s-conv%d", s->datasets[dd], s->kernels[k]);
            double fl = NAN, i8 = NAN, q7 = NAN;
            long params = 0;
            for (int i = 0; i < n; i++) {
                if (strcmp(rows[i].network, network))
                    continue;
                params = (long)rows[i].params;
                if (!isnan(rows[i].float_accuracy))
                    fl = rows[i].float_accuracy;
                if (!isnan(rows[i].quant_accuracy)) {
                    if (!strcmp(rows[i].quant_scheme, "q7"))
                        q7 = rows[i].quant_accuracy;
                    else
                        i8 = rows[i].quant_accuracy;
                }
            }
            const mcb_paper_table2 *p = NULL;
            for (const mcb_paper_table2 *t = mcb_paper_t2; t->dataset; t++)
                if (!strcmp(t->dataset, s->datasets[dd]) && t->kernels == s->kernels[k])
                    p = t;
            trow r = {0};
            add(&r, "%s", network);
            add(&r, "%ld", params);
            add(&r, "%ld", p ? p->params : 0);
            add(&r, isnan(fl) ? "-" : "%.4f", fl);
            add(&r, isnan(i8) ? "-" : "%.4f", i8);
            add(&r, isnan(q7) ? "-" : "%.4f", q7);
            add(&r, "%.2f", p ? p->accuracy : 0);
            table_row(d, &r, al);
        }
    table_end(d);
}

static void section_hw(doc *d, const mcb_paper_sweep *s, const mcb_row *rows, int n,
                       const char *dataset, int number)
{
    char title[128];
    snprintf(title, sizeof title, "Table %d: %s: RAM, flash, time and energy per inference",
             number, !strcmp(dataset, "mnist") ? "MNIST" : "CIFAR-10");
    heading(d, 2, title);
    para(d, "Ours: simulated nRF52840 at 64 MHz, mean over the test images (min-max in "
            "brackets), outputs checked bit-exact against the host on every image. Energy is "
            "modelled (time x supply voltage x run current of the row's regulator). Paper: "
            "measured on an nRF52840-DK (Tables 3 and 4 of the paper), for the framework the "
            "engine corresponds to (tflm: TF-Micro, cmsis-nn-q7: the paper's CMSIS-NN, "
            "utensor: uTensor).");
    trow h = {0};
    const char *al = "lllrrrrrrrr";
    add(&h, "network");
    add(&h, "engine");
    add(&h, "conditions");
    add(&h, "RAM KB");
    add(&h, "paper RAM KB");
    add(&h, "flash KB");
    add(&h, "paper flash KB");
    add(&h, "time ms");
    add(&h, "paper time ms");
    add(&h, "energy mJ");
    add(&h, "paper energy mJ");
    table_begin(d, &h, al);
    for (int k = 0; k < s->n_kernels; k++)
        for (int e = 0; e < s->n_engines; e++)
            for (int c = 0; c < s->n_conditions; c++) {
                char network[32];
                snprintf(network, sizeof network, "%s-conv%d", dataset, s->kernels[k]);
                const mcb_row *r = find(rows, n, network, s->engines[e], s->conditions[c]);
                const char *fw = paper_framework(s->engines[e]);
                const mcb_paper_hw *p = fw ? paper_hw(dataset, s->kernels[k], fw) : NULL;
                trow t = {0};
                char a[48], b[48], m1[48], m2[48];
                add(&t, "%s", network);
                add(&t, "%s", s->engines[e]);
                add(&t, "%s", s->conditions[c]);
                if (ok(r)) {
                    kb(a, sizeof a, (double)r->ram_bytes);
                    add(&t, "%s", a);
                } else {
                    status_text(r, a, sizeof a);
                    add(&t, "%s", a);
                }
                if (p) {
                    kb(b, sizeof b, (double)p->ram_bytes);
                    add(&t, "%s", b);
                } else {
                    add(&t, "-");
                }
                if (ok(r)) {
                    kb(a, sizeof a, (double)r->flash_bytes);
                    add(&t, "%s", a);
                } else {
                    add(&t, "-");
                }
                if (p) {
                    kb(b, sizeof b, (double)p->flash_bytes);
                    add(&t, "%s", b);
                } else {
                    add(&t, "-");
                }
                if (ok(r)) {
                    fmt_ms(a, sizeof a, r->time_ms);
                    fmt_ms(m1, sizeof m1, r->cycles_min / (r->cycles_mean / r->time_ms));
                    fmt_ms(m2, sizeof m2, r->cycles_max / (r->cycles_mean / r->time_ms));
                    add(&t, "%s (%s-%s)", a, m1, m2);
                } else {
                    add(&t, "-");
                }
                if (p && p->time_ms > 0)
                    add(&t, "%.0f", p->time_ms);
                else
                    add(&t, "-");
                if (ok(r)) {
                    fmt_mj(a, sizeof a, r->energy_uj / 1000.0);
                    add(&t, "%s %s", a, !strcmp(r->regulator, "ldo") ? "LDO" : "DC/DC");
                } else {
                    add(&t, "-");
                }
                if (p && p->energy_mj > 0)
                    add(&t, "%.0f", p->energy_mj);
                else
                    add(&t, "-");
                table_row(d, &t, al);
            }
    table_end(d);
}

static void section_answers(doc *d, const mcb_paper_sweep *s, const mcb_row *rows, int n)
{
    heading(d, 2, "The paper's questions, answered with these numbers");
    const char *cond = s->conditions[0];
    /* feasibility */
    char buf[3000];
    size_t at = 0;
    buf[0] = 0;
    for (int e = 0; e < s->n_engines; e++) {
        int okc = 0, nofit = 0, tot = 0;
        double worst_ms = 0, worst_ram = 0;
        for (int i = 0; i < n; i++) {
            const mcb_row *r = &rows[i];
            if (strcmp(r->engine, s->engines[e]) || strcmp(r->conditions, cond) ||
                !strcmp(r->status, "unavailable"))
                continue;
            tot++;
            okc += ok(r);
            nofit += !strcmp(r->status, "nofit");
            if (ok(r) && r->time_ms > worst_ms)
                worst_ms = r->time_ms;
            if (ok(r) && r->ram_bytes > worst_ram)
                worst_ram = (double)r->ram_bytes;
        }
        if (!tot)
            continue;
        at += (size_t)snprintf(buf + at, sizeof buf - at,
                               "%s%s runs %d of %d networks (%d do not fit), at most %.0f ms "
                               "and %.0f KB of RAM per inference",
                               at ? "; " : "", s->engines[e], okc, tot, nofit, worst_ms,
                               worst_ram / 1024);
        if (at >= sizeof buf)
            break;
    }
    para(d, "Is inference feasible? Under the %s conditions: %s.", cond,
         buf[0] ? buf : "no engine was measured");
    /* cost and automation vs performance: everything relative to the fastest engine */
    const char *best = NULL;
    double best_ms = INFINITY;
    for (int e = 0; e < s->n_engines; e++) {
        double sum = 0;
        int cnt = 0;
        for (int i = 0; i < n; i++)
            if (!strcmp(rows[i].engine, s->engines[e]) && !strcmp(rows[i].conditions, cond) &&
                ok(&rows[i])) {
                sum += log(rows[i].time_ms);
                cnt++;
            }
        if (cnt == s->n_datasets * s->n_kernels && exp(sum / cnt) < best_ms) {
            best_ms = exp(sum / cnt);
            best = s->engines[e];
        }
    }
    if (best) {
        at = 0;
        buf[0] = 0;
        for (int e = 0; e < s->n_engines; e++) {
            if (!strcmp(s->engines[e], best))
                continue;
            int cnt;
            const double g = geomean_ratio(rows, n, s->engines[e], cond, best, cond, &cnt);
            if (cnt)
                at += (size_t)snprintf(buf + at, sizeof buf - at, "%s%s takes %.2fx its cycles",
                                       at ? "; " : "", s->engines[e], g);
            if (at >= sizeof buf)
                break;
        }
        para(d, "What does it cost, and what do automation and performance trade? The fastest "
                "engine on every network here is %s (geometric mean %.2f ms per inference). "
                "Relative to it (geometric mean over the networks both ran): %s. With "
                "mcubench every engine takes the same two commands; what each framework's "
                "user does by hand instead is Table 1.",
             best, best_ms, buf[0] ? buf : "no other engine ran every network");
    }
    /* frameworks or conditions */
    if (s->n_conditions == 2) {
        at = 0;
        buf[0] = 0;
        for (int e = 0; e < s->n_engines; e++) {
            int cnt;
            const double g = geomean_ratio(rows, n, s->engines[e], "paper", s->engines[e], "fair",
                                           &cnt);
            if (cnt)
                at += (size_t)snprintf(buf + at, sizeof buf - at,
                                       "%s%s %.2fx", at ? "; " : "", s->engines[e], g);
            if (at >= sizeof buf)
                break;
        }
        para(d, "Frameworks or conditions? Cycles under the paper's build conditions relative "
                "to the fair ones (same engine, geometric mean over the networks): %s. A ratio "
                "above 1 is time the paper attributed to the framework that its build "
                "conditions caused.", buf[0] ? buf : "no engine ran under both");
    } else {
        para(d, "Frameworks or conditions? This sweep ran under one set of conditions (%s); "
                "run it with --conditions fair,paper to separate the two.", cond);
    }
    /* against the paper's measurements */
    at = 0;
    buf[0] = 0;
    for (int e = 0; e < s->n_engines; e++) {
        const char *fw = paper_framework(s->engines[e]);
        if (!fw)
            continue;
        for (int c = 0; c < s->n_conditions; c++) {
            double sum = 0;
            int cnt = 0;
            for (int i = 0; i < n; i++) {
                const mcb_row *r = &rows[i];
                if (strcmp(r->engine, s->engines[e]) || strcmp(r->conditions, s->conditions[c]) ||
                    !ok(r))
                    continue;
                const mcb_paper_hw *p = paper_hw(r->dataset, (int)r->kernels, fw);
                if (p && p->time_ms > 0) {
                    sum += log(p->time_ms / r->time_ms);
                    cnt++;
                }
            }
            if (cnt)
                at += (size_t)snprintf(buf + at, sizeof buf - at,
                                       "%s%s (%s conditions): the paper measured %.2fx our time",
                                       at ? "; " : "", s->engines[e], s->conditions[c],
                                       exp(sum / cnt));
            if (at >= sizeof buf)
                break;
        }
    }
    if (buf[0])
        para(d, "Against the paper's hardware measurements (geometric mean over the networks): "
                "%s.", buf);
}

static const char css[] =
    "body{font-family:sans-serif;max-width:1300px;margin:2em auto;padding:0 1em;color:#222}"
    "table{border-collapse:collapse;margin:1em 0;font-size:14px}"
    "th,td{border:1px solid #ccc;padding:3px 8px}th{background:#f0f0f0}"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}"
    "figure{margin:1.5em 0;overflow-x:auto}figcaption{font-style:italic;color:#555}"
    "svg{max-width:none;height:auto}";

int mcb_paper_report(const char *dir, const mcb_paper_sweep *s, const mcb_row *rows, int n)
{
    char path[4300];
    if (strpbrk(dir, "'\n\\")) { /* the gnuplot scripts quote paths with '' */
        mcb_error("%s: the figures cannot be drawn in a folder whose path has a quote, "
                  "backslash or newline", dir);
        return -1;
    }
    snprintf(path, sizeof path, "%s/figures", dir);
    if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        mcb_error("%s: cannot create: %s", path, strerror(errno));
        return -1;
    }
    mcb_target t;
    if (mcb_target_load(s->target, &t) < 0)
        return -1;
    /* figures first: the HTML embeds them */
    static const bars_fig figs[] = {
        {"ram", "RAM per network and engine (Figure 3 of the paper)", "RAM (KB)", 0},
        {"flash", "Flash per network and engine (Figure 4 of the paper)", "flash (KB)", 0},
        {"time", "Time per inference", "time (ms, log scale)", 1},
        {"energy", "Energy per inference (modelled; paper: measured)", "energy (mJ, log scale)", 1},
    };
    double (*vals[])(const mcb_row *) = {v_ram, v_flash, v_time, v_energy};
    double (*pvals[])(const mcb_paper_hw *) = {p_ram, p_flash, p_time, p_energy};
    for (int i = 0; i < 4; i++)
        if (bars(dir, s, rows, n, &figs[i], vals[i], pvals[i]) < 0)
            return -1;
    /* Figure 5 of the paper is cifar10-conv16; without it, the first network */
    char network[32];
    snprintf(network, sizeof network, "%s-conv%d", s->datasets[0], s->kernels[0]);
    for (int dd = 0; dd < s->n_datasets; dd++)
        for (int k = 0; k < s->n_kernels; k++)
            if (!strcmp(s->datasets[dd], "cifar10") && s->kernels[k] == 16)
                snprintf(network, sizeof network, "cifar10-conv16");
    int drawn = 0;
    if (current_trace(dir, s, rows, n, network, &t, &drawn) < 0)
        return -1;

    char *md = NULL, *html = NULL;
    size_t lmd = 0, lhtml = 0;
    doc d = {.md = open_memstream(&md, &lmd), .html = open_memstream(&html, &lhtml), .dir = dir};
    if (!d.md || !d.html) {
        mcb_error("%s: out of memory", dir);
        return -1;
    }
    fprintf(d.html, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                    "<title>mcubench: the paper's benchmark</title><style>%s</style></head>"
                    "<body>\n", css);
    heading(&d, 1, "mcubench: Profentzas et al. (2021) reproduced on a simulated nRF52840");
    const mcb_row *any = n ? &rows[0] : NULL;
    char nets[256] = "", conds[64] = "";
    for (int dd = 0, at = 0; dd < s->n_datasets; dd++)
        for (int k = 0; k < s->n_kernels; k++)
            at += snprintf(nets + at, sizeof nets - (size_t)at, "%s%s-conv%d", at ? ", " : "",
                           s->datasets[dd], s->kernels[k]);
    for (int c = 0, at = 0; c < s->n_conditions; c++)
        at += snprintf(conds + at, sizeof conds - (size_t)at, "%s%s", c ? ", " : "",
                       s->conditions[c]);
    para(&d, "Networks: %s. Engines: %d. Conditions: %s. %d test images per cell, each "
             "output checked bit-exact against the host before any figure is kept. Target %s "
             "(%.0f MHz, %u KB RAM, %u KB flash). Tool %s, cycle model %s.",
         nets, s->n_engines, conds, s->images, t.name, t.clock_hz / 1e6, t.ram_size / 1024,
         t.flash_size / 1024, any && any->tool_version[0] ? any->tool_version : "-",
         any && any->cycle_model[0] ? any->cycle_model : "-");
    para(&d, "Conditions. fair: every engine built with the target's flags (%s), instruction "
             "cache on, weights in flash, DC/DC regulator. paper: as the paper built each "
             "framework: CMSIS-NN engines at -O3 -fno-builtin with weights in RAM (where the "
             "engine can), LDO regulator and the cache off (%d flash wait states per fetch); "
             "TFLM engines at -Os with DC/DC and the cache on; engines the paper did not have "
             "as under fair. Every row of results.csv records its conditions and build flags.",
         t.cflags, t.flash_wait_states_nocache);
    section_engines(&d, s, rows, n);
    section_table1(&d, s, rows, n);
    section_table2(&d, s, rows, n);
    for (int dd = 0; dd < s->n_datasets; dd++)
        section_hw(&d, s, rows, n, s->datasets[dd], !strcmp(s->datasets[dd], "mnist") ? 3 : 4);
    heading(&d, 2, "Figures");
    figure(&d, "ram", "RAM per network and engine: .data + .bss + peak stack + peak heap "
                      "(hatched: the paper's measurements)");
    figure(&d, "flash", "Flash per network and engine: code + constants, test images excluded "
                        "(hatched: the paper's measurements)");
    figure(&d, "time", "Time per inference at 64 MHz (hatched: the paper's measurements)");
    figure(&d, "energy", "Energy per inference, modelled from time and the regulator's run "
                         "current (hatched: the paper's measurements)");
    if (drawn) {
        char cap[256];
        snprintf(cap, sizeof cap, "Modelled current over one inference of %s per engine (the "
                                  "paper's Figure 5), from the per-layer cycles", network);
        figure(&d, "current", cap);
    }
    section_answers(&d, s, rows, n);
    heading(&d, 2, "Cells that did not run");
    int shown = 0;
    for (int i = 0; i < n; i++)
        if (!ok(&rows[i]) && strcmp(rows[i].status, "unavailable")) {
            para(&d, "%s on %s (%s): %s: %s", rows[i].network, rows[i].engine,
                 rows[i].conditions, rows[i].status, rows[i].error);
            shown++;
        }
    if (!shown)
        para(&d, "None: every available engine ran every network with outputs checked.");
    fputs("</body></html>\n", d.html);
    fclose(d.md);
    fclose(d.html);
    int rc = 0;
    if (d.failed) {
        mcb_error("%s/figures: a figure is missing", dir);
        rc = -1;
    }
    snprintf(path, sizeof path, "%s/report.md", dir);
    rc = rc < 0 ? rc : mcb_write_file_atomic(path, md, lmd);
    snprintf(path, sizeof path, "%s/report.html", dir);
    rc = rc < 0 ? rc : mcb_write_file_atomic(path, html, lhtml);
    free(md);
    free(html);
    return rc;
}
