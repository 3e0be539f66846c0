/* The machine's limits compiled for avx512 (flags in perf/CMakeLists.txt). */
#define LIMIT_SUFFIX avx512
#include "limits_impl.h"
