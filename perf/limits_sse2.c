/* The machine's limits compiled for sse2 (flags in perf/CMakeLists.txt). */
#define LIMIT_SUFFIX sse2
#include "limits_impl.h"
