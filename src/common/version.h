/* The tool's version as recorded in results: the git commit the build was configured from
 * ("-dirty" with uncommitted changes), or "unknown" outside a git checkout. */
#ifndef MCB_VERSION_H
#define MCB_VERSION_H

const char *mcb_tool_version(void);

#endif
