/* The machine's limits compiled for avx2 (flags in perf/CMakeLists.txt). */
#define LIMIT_SUFFIX avx2
#include "limits_impl.h"
