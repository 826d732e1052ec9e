/* Progress lines for long work: shown only when stderr is a terminal and CI is unset, so
 * batch runs and CI logs stay quiet. mcb_progress prints a line that overwrites itself;
 * mcb_progress_done ends it with a newline. */
#ifndef MCB_PROGRESS_H
#define MCB_PROGRESS_H

#include "err.h"

int mcb_progress_enabled(void);
void mcb_progress(const char *fmt, ...) MCB_PRINTF(1, 2);
void mcb_progress_done(void);
/* No more progress from this process (a worker of a pool whose parent shows the progress). */
void mcb_progress_disable(void);
double mcb_now(void); /* monotonic seconds */

#endif
