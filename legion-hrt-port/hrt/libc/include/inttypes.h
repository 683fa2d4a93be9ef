/* The HRT's inttypes.h: printf macros for the fixed-width types (LP64). */
#ifndef LHRT_HRT_INTTYPES_H
#define LHRT_HRT_INTTYPES_H
#include <stdint.h>
#define PRId32 "d"
#define PRIu32 "u"
#define PRIx32 "x"
#define PRId64 "ld"
#define PRIu64 "lu"
#define PRIx64 "lx"
#define PRIX64 "lX"
#define PRIdPTR "ld"
#define PRIuPTR "lu"
#define PRIxPTR "lx"
#endif
