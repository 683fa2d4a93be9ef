/*
 * Stress: many small tasks with dependences (chains over 16 pieces, cross reads, periodic
 * index launches over all pieces) must all run, in order, without deadlock or leak. 100 000
 * tasks in the quick tier, 1 000 000 in the slow tier (make stress).
 */
#include "test.h"

static void inc_task(lhrt_ctx_t ctx, const void *args, uint64_t len, void *user) {
  lhrt_accessor_t a;
  lhrt_task_get_accessor(ctx, 0, 0, &a);
  for (int64_t i = a.bounds.lo[0]; i <= a.bounds.hi[0]; i++) *(int64_t *)lhrt_accessor_at(&a, i, 0, 0) += 1;
}

static void stress(uint64_t n) {
  lhrt_runtime_t rt = trt_new(2);
  lhrt_ctx_t top = trt_top(rt);
  lhrt_index_space_t is, colors;
  lhrt_field_space_t fs;
  lhrt_region_t r;
  lhrt_partition_t p;
  OK(lhrt_index_space_create_rect(rt, lhrt_rect1(0, 63), &is));
  OK(lhrt_index_space_create_rect(rt, lhrt_rect1(0, 15), &colors));
  OK(lhrt_field_space_create(rt, &fs));
  OK(lhrt_field_space_allocate_field(fs, 8, 0, NULL));
  OK(lhrt_field_space_allocate_field(fs, 8, 1, NULL));
  OK(lhrt_region_create(rt, is, fs, &r));
  OK(lhrt_partition_create_equal(top, r, colors, &p));
  OK(lhrt_task_register(rt, 1, "inc", LHRT_PROC_CPU, inc_task, NULL));
  lhrt_task_launcher_t l[16];
  for (int i = 0; i < 16; i++) {
    lhrt_region_t a, b;
    OK(lhrt_partition_get_subregion(p, lhrt_point1(i), &a));
    OK(lhrt_partition_get_subregion(p, lhrt_point1((i + 5) % 16), &b));
    OK(lhrt_task_launcher_create(rt, 1, NULL, 0, &l[i]));
    OK(lhrt_task_launcher_add_region(l[i], a, r, LHRT_READ_WRITE, LHRT_EXCLUSIVE, 0, NULL));
    OK(lhrt_task_launcher_add_field(l[i], 0, 0));
    OK(lhrt_task_launcher_add_region(l[i], b, r, LHRT_READ_ONLY, LHRT_EXCLUSIVE, 0, NULL));
    OK(lhrt_task_launcher_add_field(l[i], 1, 0));
  }
  lhrt_index_launcher_t il;
  OK(lhrt_index_launcher_create(rt, 1, colors, NULL, 0, &il));
  OK(lhrt_index_launcher_add_partition(il, p, 0, r, LHRT_READ_WRITE, LHRT_EXCLUSIVE, 0, NULL));
  OK(lhrt_index_launcher_add_field(il, 0, 0));
  uint64_t index_launches = 0, singles = 0;
  for (uint64_t i = 0; i < n; i++) {
    if (i % 1000 == 999) { OK(lhrt_index_launcher_execute(top, il, NULL)); index_launches++; i += 15; continue; }
    OK(lhrt_task_launcher_execute(top, l[singles % 16], NULL));
    singles++;
  }
  OK(lhrt_context_wait_all(top));
  uint32_t f0 = 0;
  lhrt_mapping_t m;
  lhrt_accessor_t a;
  OK(lhrt_region_map(top, r, r, LHRT_READ_ONLY, &f0, 1, &m));
  OK(lhrt_mapping_get_accessor(m, 0, &a));
  for (int64_t i = 0; i < 64; i++) {
    int64_t piece = i / 4, want = (int64_t)(singles / 16 + (uint64_t)(piece < (int64_t)(singles % 16)) + index_launches);
    EXPECTF(*(int64_t *)lhrt_accessor_at(&a, i, 0, 0) == want, "element %ld: %ld, want %ld", (long)i,
            (long)*(int64_t *)lhrt_accessor_at(&a, i, 0, 0), (long)want);
  }
  OK(lhrt_mapping_unmap(m));
  OK(lhrt_runtime_destroy(rt));
}

TEST(stress_100k_tasks) { stress(test_small ? 20000 : 100000); }
SLOW_TEST(stress_1m_tasks) { stress(1000000); }

#include <malloc.h>
/* Open/close cycles with work in between must not grow the heap (the Java API's leak check). */
static void cycle(void) {
  lhrt_runtime_t rt = trt_new(2);
  lhrt_ctx_t top = trt_top(rt);
  lhrt_index_space_t is, colors;
  lhrt_field_space_t fs;
  lhrt_region_t r;
  lhrt_partition_t p;
  lhrt_index_space_create_rect(rt, lhrt_rect1(0, 99), &is);
  lhrt_index_space_create_rect(rt, lhrt_rect1(0, 3), &colors);
  lhrt_field_space_create(rt, &fs);
  lhrt_field_space_allocate_field(fs, 8, 0, NULL);
  lhrt_region_create(rt, is, fs, &r);
  lhrt_partition_create_equal(top, r, colors, &p);
  lhrt_task_register(rt, 1, "inc", LHRT_PROC_CPU, inc_task, NULL);
  lhrt_index_launcher_t il;
  lhrt_index_launcher_create(rt, 1, colors, NULL, 0, &il);
  lhrt_index_launcher_add_partition(il, p, 0, r, LHRT_READ_WRITE, LHRT_EXCLUSIVE, 0, NULL);
  lhrt_index_launcher_add_field(il, 0, 0);
  lhrt_future_map_t fm;
  for (int i = 0; i < 10; i++) lhrt_index_launcher_execute(top, il, i == 9 ? &fm : NULL);
  lhrt_runtime_destroy(rt); /* frees everything, including fm and the launcher */
}

TEST(runtime_cycles_do_not_leak) {
  for (int i = 0; i < 10; i++) cycle();
  size_t before = mallinfo2().uordblks;
  for (int i = 0; i < (test_small ? 20 : 100); i++) cycle();
  size_t after = mallinfo2().uordblks;
  EXPECTF(after <= before + 16384, "heap grew from %zu to %zu bytes over the cycles", before, after);
}

/* Regions destroyed while their tasks still run are freed once the work is done and the
 * analysis has moved on (their arena space comes back). */
TEST(destroyed_regions_are_reclaimed) {
  lhrt_runtime_t rt = trt_new(2);
  lhrt_ctx_t top = trt_top(rt);
  static char arena[1 << 20];
  lhrt_memory_t m;
  OK(lhrt_memory_create_from_arena(rt, arena, sizeof arena, &m));
  lhrt_index_space_t is;
  lhrt_field_space_t fs;
  OK(lhrt_index_space_create_rect(rt, lhrt_rect1(0, 63), &is));
  OK(lhrt_field_space_create(rt, &fs));
  OK(lhrt_field_space_allocate_field(fs, 8, 0, NULL));
  OK(lhrt_task_register(rt, 1, "inc", LHRT_PROC_CPU, inc_task, NULL));
  for (int i = 0; i < 300; i++) {
    lhrt_region_t r;
    lhrt_task_launcher_t l;
    OK(lhrt_region_create(rt, is, fs, &r));
    OK(lhrt_region_set_layout(r, LHRT_LAYOUT_SOA, m));
    OK(lhrt_task_launcher_create(rt, 1, NULL, 0, &l));
    OK(lhrt_task_launcher_add_region(l, r, r, LHRT_READ_WRITE, LHRT_EXCLUSIVE, 0, NULL));
    OK(lhrt_task_launcher_add_field(l, 0, 0));
    OK(lhrt_task_launcher_execute(top, l, NULL));
    OK(lhrt_task_launcher_destroy(l));
    OK(lhrt_region_destroy(r)); /* the task may still be running */
  }
  OK(lhrt_context_wait_all(top));
  lhrt_region_t keep;
  lhrt_task_launcher_t l;
  OK(lhrt_region_create(rt, is, fs, &keep));
  OK(lhrt_task_launcher_create(rt, 1, NULL, 0, &l));
  OK(lhrt_task_launcher_add_region(l, keep, keep, LHRT_READ_WRITE, LHRT_EXCLUSIVE, 0, NULL));
  OK(lhrt_task_launcher_add_field(l, 0, 0));
  for (int i = 0; i < 8 * 310; i++) OK(lhrt_task_launcher_execute(top, l, NULL)); /* sweeps visit every tree */
  OK(lhrt_context_wait_all(top));
  uint64_t used, cap;
  OK(lhrt_memory_get_usage(m, &used, &cap));
  EXPECTF(used == 0, "arena still holds %lu bytes of destroyed regions", (unsigned long)used);
  OK(lhrt_runtime_destroy(rt));
}
