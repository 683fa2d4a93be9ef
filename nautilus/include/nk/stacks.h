/*
 * Guarded stacks: slots of a region the VMM mapped with an unmapped page below each
 * (HRT_REGION_STACKS), for threads whose deep stacks must not run silently into other memory.
 * Where the VMM gave no such region (QEMU, ring0), there are none and callers fall back.
 */
#ifndef NK_STACKS_H
#define NK_STACKS_H

#include <stdint.h>
#include <nk/boot.h>

/* Usable bytes of one guarded stack: [the returned low end, + this) is mapped. */
#define NK_GUARDED_STACK_SIZE 0x100000ul

/* Find the region in the boot memory map (after mem_init). Returns the number of slots. */
int nk_stacks_init(struct nk_boot *b);
/* A free slot's usable low end (the guard page lies just below it), or NULL when none is free. */
void *nk_stack_guarded_alloc(void);
/* Give back a slot that nk_stack_guarded_alloc returned. */
void nk_stack_guarded_free(void *low);
/* Whether p lies in the guarded-stack region (a slot's stack or guard). */
int nk_stack_guarded_owns(const void *p);
/* Slots in the region, and slots free now. */
int nk_stack_guarded_slots(void);
int nk_stack_guarded_free_slots(void);

#endif
