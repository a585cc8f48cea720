/* cordon's own exit statuses (DESIGN.md §6). The child's status is passed
 * through otherwise; a signal N gives 128+N. */
#pragma once

#define EXIT_TIMEOUT       124 /* --timeout expired; the whole sandbox was killed */
#define EXIT_CORDON        125 /* bad config or policy, or the sandbox could not be set up */
#define EXIT_NOT_EXEC      126 /* the command exists but cannot be executed */
#define EXIT_NOT_FOUND     127 /* the command was not found */
