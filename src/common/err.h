/* One-line error reporting.
 * The lowest layer that knows both the file and the problem reports it, once, as
 * "mcubench: <what>: <problem>" on stderr; callers only propagate the failure (-1 / NULL).
 * mcb_err_quiet(1) silences printing (fuzzers, probing); the last message is always kept.
 * It returns the previous setting, so a probe can restore it. */
#ifndef MCB_ERR_H
#define MCB_ERR_H

#if defined(__GNUC__)
#define MCB_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define MCB_PRINTF(a, b)
#endif

void mcb_error(const char *fmt, ...) MCB_PRINTF(1, 2);
const char *mcb_last_error(void);
int mcb_err_quiet(int quiet);
/* The CLI's one-line rule (docs/reliability.md): with mcb_err_defer(1) errors are held back;
 * mcb_err_flush prints the first one as the only line, with how many more there were
 * ("... (and 3 more problems)"), and returns 1 if it printed. */
void mcb_err_defer(int on);
int mcb_err_flush(void);

#endif
