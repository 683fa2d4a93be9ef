/*
 * The HRT's malloc.h: mallinfo2 for leak checks. uordblks counts the bytes the kernel's page
 * allocator has handed out (kmem's pages included), so it covers plat_alloc as well as malloc.
 */
#ifndef LHRT_HRT_MALLOC_H
#define LHRT_HRT_MALLOC_H
#include <stddef.h>
struct mallinfo2 {
  size_t arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
};
struct mallinfo2 mallinfo2(void);
#endif
