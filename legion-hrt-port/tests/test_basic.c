/*
 * Tests of the basic API elements: index spaces, field spaces, regions, memories,
 * instances and accessors, single task launches with arguments and futures, errors.
 */
#include "test.h"

TEST(index_space_dense_and_sparse) {
  lhrt_runtime_t rt = trt_new(1);
  lhrt_index_space_t a, b, u, x, d;
  OK(lhrt_index_space_create_rect(rt, lhrt_rect2(0, 0, 9, 4), &a));
  uint64_t v, nr;
  OK(lhrt_index_space_get_volume(a, &v));
  EXPECT(v == 50);
  lhrt_rect_t rs[2] = {lhrt_rect2(5, 3, 14, 7), lhrt_rect2(12, 0, 13, 1)};
  OK(lhrt_index_space_create_rects(rt, 2, rs, 2, &b));
  OK(lhrt_index_space_get_volume(b, &v));
  EXPECT(v == 54);
  OK(lhrt_index_space_union(a, b, &u));
  OK(lhrt_index_space_intersection(a, b, &x));
  OK(lhrt_index_space_difference(a, b, &d));
  uint64_t vu, vx, vd;
  OK(lhrt_index_space_get_volume(u, &vu));
  OK(lhrt_index_space_get_volume(x, &vx));
  OK(lhrt_index_space_get_volume(d, &vd));
  EXPECT(vx == 10);             /* [5..9]x[3..4] */
  EXPECT(vu == 50 + 54 - 10);
  EXPECT(vd == 40);
  /* point by point against the definitions */
  for (int64_t i = -1; i < 16; i++)
    for (int64_t j = -1; j < 9; j++) {
      int32_t ia, ib, iu, ix, id;
      lhrt_point_t p = lhrt_point2(i, j);
      OK(lhrt_index_space_contains(a, p, &ia));
      OK(lhrt_index_space_contains(b, p, &ib));
      OK(lhrt_index_space_contains(u, p, &iu));
      OK(lhrt_index_space_contains(x, p, &ix));
      OK(lhrt_index_space_contains(d, p, &id));
      EXPECT(iu == (ia || ib) && ix == (ia && ib) && id == (ia && !ib));
    }
  /* iteration visits each point once, in order */
  lhrt_index_iter_t it;
  OK(lhrt_index_iter_init(u, &it));
  uint64_t count = 0;
  lhrt_point_t p;
  int32_t valid, in;
  for (;;) {
    OK(lhrt_index_iter_next(&it, &p, &valid));
    if (!valid) break;
    OK(lhrt_index_space_contains(u, p, &in));
    EXPECT(in);
    lhrt_point_t q;
    OK(lhrt_index_space_get_point(u, count, &q));
    EXPECT(q.x[0] == p.x[0] && q.x[1] == p.x[1]);
    count++;
  }
  EXPECT(count == vu);
  OK(lhrt_index_space_get_rect_count(a, &nr));
  EXPECT(nr == 1);
  lhrt_point_t pts[5] = {lhrt_point1(3), lhrt_point1(1), lhrt_point1(2), lhrt_point1(7), lhrt_point1(3)};
  lhrt_index_space_t ps;
  OK(lhrt_index_space_create_points(rt, 1, pts, 5, &ps));
  OK(lhrt_index_space_get_volume(ps, &v));
  OK(lhrt_index_space_get_rect_count(ps, &nr));
  EXPECT(v == 4 && nr == 2);
  lhrt_rect_t bnd;
  OK(lhrt_index_space_get_bounds(ps, &bnd));
  EXPECT(bnd.lo[0] == 1 && bnd.hi[0] == 7);
  ERR(LHRT_ERR_INVALID_ARG, lhrt_index_space_union(a, ps, &x));
  ERR(LHRT_ERR_INVALID_ARG, lhrt_index_space_create_rect(rt, (lhrt_rect_t){4, 0, {0}, {1}}, &x));
  OK(lhrt_index_space_destroy(ps));
  ERR(LHRT_ERR_INVALID_HANDLE, lhrt_index_space_get_volume((lhrt_index_space_t){NULL}, &v));
  OK(lhrt_runtime_destroy(rt)); /* frees a, b, u, x, d */
}

TEST(field_space_fields) {
  lhrt_runtime_t rt = trt_new(1);
  lhrt_field_space_t fs;
  OK(lhrt_field_space_create(rt, &fs));
  uint32_t f1, f2, sz, n;
  OK(lhrt_field_space_allocate_field(fs, 8, 10, &f1));
  OK(lhrt_field_space_allocate_field(fs, 4, LHRT_FIELD_AUTO, &f2));
  EXPECT(f1 == 10 && f2 != 10);
  OK(lhrt_field_space_get_field_size(fs, f2, &sz));
  EXPECT(sz == 4);
  ERR(LHRT_ERR_INVALID_ARG, lhrt_field_space_allocate_field(fs, 8, 10, &f1));
  ERR(LHRT_ERR_INVALID_ARG, lhrt_field_space_allocate_field(fs, 0, LHRT_FIELD_AUTO, &f1));
  ERR(LHRT_ERR_UNKNOWN_FIELD, lhrt_field_space_get_field_size(fs, 99, &sz));
  OK(lhrt_field_space_get_field_count(fs, &n));
  EXPECT(n == 2);
  for (int i = 2; i < LHRT_MAX_FIELDS; i++) OK(lhrt_field_space_allocate_field(fs, 1, LHRT_FIELD_AUTO, NULL));
  ERR(LHRT_ERR_LIMIT, lhrt_field_space_allocate_field(fs, 1, LHRT_FIELD_AUTO, NULL));
  OK(lhrt_field_space_free_field(fs, f1));
  OK(lhrt_field_space_get_field_count(fs, &n));
  EXPECT(n == 63);
  ERR(LHRT_ERR_UNKNOWN_FIELD, lhrt_field_space_free_field(fs, f1));
  OK(lhrt_runtime_destroy(rt));
}

/* Freeing a field a region uses: what was made before still sees the old storage, a new field
 * with the same id gets storage of its own (it reused the slot and its 8-byte instance), and a
 * launcher that named the freed field is refused. */
static void nop_task(lhrt_ctx_t ctx, const void *args, uint64_t len, void *user) {}

TEST(field_freed_while_a_region_uses_it) {
  lhrt_runtime_t rt = trt_new(1);
  lhrt_ctx_t top = trt_top(rt);
  OK(lhrt_task_register(rt, 1, "nop", LHRT_PROC_CPU, nop_task, NULL));
  lhrt_index_space_t is;
  lhrt_field_space_t fs;
  lhrt_region_t r;
  uint32_t fa, fx, again;
  OK(lhrt_index_space_create_rect(rt, lhrt_rect1(0, 99), &is));
  OK(lhrt_field_space_create(rt, &fs));
  OK(lhrt_field_space_allocate_field(fs, 8, LHRT_FIELD_AUTO, &fa));
  OK(lhrt_field_space_allocate_field(fs, 8, LHRT_FIELD_AUTO, &fx));
  OK(lhrt_region_create(rt, is, fs, &r));
  int64_t seven = 7;
  OK(lhrt_region_fill(top, r, r, fa, &seven, 8));
  OK(lhrt_region_fill(top, r, r, fx, &seven, 8));
  lhrt_mapping_t before, m;
  lhrt_accessor_t a;
  OK(lhrt_region_map(top, r, r, LHRT_READ_ONLY, &fa, 1, &before));
  lhrt_task_launcher_t tl;
  OK(lhrt_task_launcher_create(rt, 1, NULL, 0, &tl));
  OK(lhrt_task_launcher_add_region(tl, r, r, LHRT_READ_ONLY, LHRT_EXCLUSIVE, 0, NULL));
  OK(lhrt_task_launcher_add_field(tl, 0, fa));
  OK(lhrt_field_space_free_field(fs, fa));
  OK(lhrt_mapping_get_accessor(before, fa, &a));
  EXPECT(*(int64_t *)lhrt_accessor_at(&a, 50, 0, 0) == 7);
  OK(lhrt_mapping_unmap(before));
  ERR(LHRT_ERR_UNKNOWN_FIELD, lhrt_task_launcher_execute(top, tl, NULL));
  EXPECTF(strstr(lhrt_last_error(), "freed since"), "message: %s", lhrt_last_error());
  OK(lhrt_field_space_allocate_field(fs, 4096, fa, &again));
  EXPECT(again == fa);
  OK(lhrt_region_map(top, r, r, LHRT_WRITE_DISCARD, &fa, 1, &m));
  OK(lhrt_mapping_get_accessor(m, fa, &a));
  EXPECTF(a.field_size == 4096 && a.stride[0] >= 4096, "new field: size %u stride %ld", a.field_size, (long)a.stride[0]);
  for (int64_t i = 0; i <= 99; i++) memset(lhrt_accessor_at(&a, i, 0, 0), 0xff, a.field_size);
  OK(lhrt_mapping_unmap(m));
  OK(lhrt_region_map(top, r, r, LHRT_READ_ONLY, &fx, 1, &m));
  OK(lhrt_mapping_get_accessor(m, fx, &a));
  int bad = 0;
  for (int64_t i = 0; i <= 99; i++) bad += *(int64_t *)lhrt_accessor_at(&a, i, 0, 0) != 7;
  EXPECTF(bad == 0, "the other field changed at %d of 100 points", bad);
  OK(lhrt_mapping_unmap(m));
  OK(lhrt_task_launcher_destroy(tl));
  OK(lhrt_runtime_destroy(rt));
}

/* Checked access in a sparse region tests its points, not only its bounding box: 2 lies
 * between 1 and 3 but is not in {1, 3, 7}. */
TEST(checked_access_in_a_sparse_region) {
  lhrt_runtime_t rt = trt_new(1);
  lhrt_ctx_t top = trt_top(rt);
  lhrt_point_t pts[3] = {lhrt_point1(1), lhrt_point1(3), lhrt_point1(7)};
  lhrt_index_space_t is;
  lhrt_field_space_t fs;
  lhrt_region_t r;
  uint32_t f;
  OK(lhrt_index_space_create_points(rt, 1, pts, 3, &is));
  OK(lhrt_field_space_create(rt, &fs));
  OK(lhrt_field_space_allocate_field(fs, 8, LHRT_FIELD_AUTO, &f));
  OK(lhrt_region_create(rt, is, fs, &r));
  lhrt_mapping_t m;
  lhrt_accessor_t a;
  OK(lhrt_region_map(top, r, r, LHRT_READ_WRITE, &f, 1, &m));
  OK(lhrt_mapping_get_accessor(m, f, &a));
  int64_t v = 42, got = 0;
  OK(lhrt_accessor_write(&a, lhrt_point1(3), &v));
  OK(lhrt_accessor_read(&a, lhrt_point1(3), &got));
  EXPECT(got == 42);
  ERR(LHRT_ERR_BOUNDS, lhrt_accessor_write(&a, lhrt_point1(2), &v));
  EXPECTF(strstr(lhrt_last_error(), "not in its region"), "message: %s", lhrt_last_error());
  ERR(LHRT_ERR_BOUNDS, lhrt_accessor_read(&a, lhrt_point1(8), &got));
  uint64_t nrects = 0;   /* the accessor names the region's points by an index space handle (the Java view reads them) */
  OK(lhrt_index_space_get_rect_count((lhrt_index_space_t){(void *)a.space}, &nrects));
  EXPECT(nrects == 3);
  OK(lhrt_mapping_unmap(m));
  OK(lhrt_runtime_destroy(rt));
}

enum { T_SQUARE = 1, T_FILL_IDX, T_SUM, T_FAIL, T_ARGS };

static void square_task(lhrt_ctx_t ctx, const void *args, uint64_t len, void *user) {
  int64_t v;
  memcpy(&v, args, sizeof v);
  uint32_t nf;
  lhrt_task_get_future_count(ctx, &nf);
  for (uint32_t i = 0; i < nf; i++) {
    int64_t w;
    lhrt_task_get_future_value(ctx, i, &w, sizeof w, NULL);
    v += w;
  }
  v = v * v;
  lhrt_task_return(ctx, &v, sizeof v);
}

/* Writes x*10+y into field 0 of region requirement 0 (2-D). */
static void fill_idx_task(lhrt_ctx_t ctx, const void *args, uint64_t len, void *user) {
  lhrt_accessor_t a;
  if (lhrt_task_get_accessor(ctx, 0, 0, &a)) { lhrt_task_fail(ctx, lhrt_last_error()); return; }
  for (int64_t y = a.bounds.lo[1]; y <= a.bounds.hi[1]; y++)
    for (int64_t x = a.bounds.lo[0]; x <= a.bounds.hi[0]; x++) *(int64_t *)lhrt_accessor_at(&a, x, y, 0) = x * 10 + y;
}

static void sum_task(lhrt_ctx_t ctx, const void *args, uint64_t len, void *user) {
  lhrt_accessor_t a;
  lhrt_task_get_accessor(ctx, 0, 0, &a);
  int64_t s = 0;
  for (int64_t y = a.bounds.lo[1]; y <= a.bounds.hi[1]; y++)
    for (int64_t x = a.bounds.lo[0]; x <= a.bounds.hi[0]; x++) s += *(int64_t *)lhrt_accessor_at(&a, x, y, 0);
  /* writes through a read-only accessor are refused by the checked path */
  int64_t z = 0;
  if (lhrt_accessor_write(&a, lhrt_point2(a.bounds.lo[0], a.bounds.lo[1]), &z) != LHRT_ERR_PRIVILEGE) s = -1;
  if (lhrt_accessor_read(&a, lhrt_point2(a.bounds.hi[0] + 1, a.bounds.lo[1]), &z) != LHRT_ERR_BOUNDS) s = -2;
  lhrt_task_return(ctx, &s, sizeof s);
}

TEST(single_launch_futures) {
  lhrt_runtime_t rt = trt_new(2);
  lhrt_ctx_t top = trt_top(rt);
  OK(lhrt_task_register(rt, T_SQUARE, "square", LHRT_PROC_CPU, square_task, NULL));
  int64_t three = 3;
  lhrt_task_launcher_t l;
  OK(lhrt_task_launcher_create(rt, T_SQUARE, &three, sizeof three, &l));
  lhrt_future_t f, g;
  OK(lhrt_task_launcher_execute(top, l, &f));
  int64_t r = 0;
  OK(lhrt_future_get_value(f, &r, sizeof r, NULL));
  EXPECT(r == 9);
  /* a future as an argument: (3 + 9)^2 */
  OK(lhrt_task_launcher_add_future(l, f));
  OK(lhrt_task_launcher_execute(top, l, &g));
  uint64_t size;
  OK(lhrt_future_get_value(g, &r, sizeof r, &size));
  EXPECT(r == 144 && size == 8);
  lhrt_future_t v, c;
  int64_t big[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  OK(lhrt_future_from_value(rt, big, sizeof big, &v));
  OK(lhrt_future_clone(v, &c));
  OK(lhrt_future_destroy(v));
  const void *ptr;
  OK(lhrt_future_get_pointer(c, &ptr, &size));
  EXPECT(size == sizeof big && ((const int64_t *)ptr)[9] == 10);
  int32_t ready;
  OK(lhrt_future_is_ready(c, &ready));
  EXPECT(ready);
  lhrt_task_launcher_t bad;
  OK(lhrt_task_launcher_create(rt, 999, NULL, 0, &bad));
  ERR(LHRT_ERR_NOT_FOUND, lhrt_task_launcher_execute(top, bad, NULL));
  /* releases in a batch: all go, and a bad handle in the middle is reported by position */
  lhrt_future_t batch[3];
  for (int i = 0; i < 3; i++) OK(lhrt_future_from_value(rt, &three, sizeof three, &batch[i]));
  OK(lhrt_future_destroy_all(batch, 3));
  /* a released handle reads as invalid (its slot's generation moved on: nothing freed is read) */
  ERR(LHRT_ERR_INVALID_HANDLE, lhrt_future_get_value(batch[0], &r, sizeof r, NULL));
  lhrt_future_t mixed[3];
  OK(lhrt_future_from_value(rt, &three, sizeof three, &mixed[0]));
  mixed[1].impl = top.impl;                              /* not a future */
  OK(lhrt_future_from_value(rt, &three, sizeof three, &mixed[2]));
  ERR(LHRT_ERR_INVALID_HANDLE, lhrt_future_destroy_all(mixed, 3));
  EXPECTF(strstr(lhrt_last_error(), "future 1 of 3") != NULL, "%s", lhrt_last_error());
  ERR(LHRT_ERR_INVALID_HANDLE, lhrt_future_get_value(mixed[2], &r, sizeof r, NULL)); /* released all the same */
  OK(lhrt_future_destroy_all(NULL, 0));
  ERR(LHRT_ERR_INVALID_ARG, lhrt_future_destroy_all(NULL, 2));
  OK(lhrt_runtime_destroy(rt)); /* frees the launchers and futures still owned */
}

TEST(region_accessors_soa_aos) {
  for (int layout = 0; layout < 2; layout++) {
    lhrt_runtime_t rt = trt_new(2);
    lhrt_ctx_t top = trt_top(rt);
    OK(lhrt_task_register(rt, T_FILL_IDX, "fill", LHRT_PROC_CPU, fill_idx_task, NULL));
    OK(lhrt_task_register(rt, T_SUM, "sum", LHRT_PROC_CPU, sum_task, NULL));
    lhrt_index_space_t is;
    OK(lhrt_index_space_create_rect(rt, lhrt_rect2(0, 0, 7, 5), &is));
    lhrt_field_space_t fs;
    OK(lhrt_field_space_create(rt, &fs));
    OK(lhrt_field_space_allocate_field(fs, 8, 0, NULL));
    OK(lhrt_field_space_allocate_field(fs, 4, 1, NULL));
    lhrt_region_t r;
    OK(lhrt_region_create(rt, is, fs, &r));
    lhrt_memory_t sys;
    OK(lhrt_memory_get_system(rt, &sys));
    OK(lhrt_region_set_layout(r, (uint32_t)layout, sys));
    lhrt_task_launcher_t l;
    OK(lhrt_task_launcher_create(rt, T_FILL_IDX, NULL, 0, &l));
    OK(lhrt_task_launcher_add_region(l, r, r, LHRT_WRITE_DISCARD, LHRT_EXCLUSIVE, 0, NULL));
    OK(lhrt_task_launcher_add_field(l, 0, 0));
    ERR(LHRT_ERR_UNKNOWN_FIELD, lhrt_task_launcher_add_field(l, 0, 77));
    OK(lhrt_task_launcher_execute(top, l, NULL));
    lhrt_task_launcher_t s;
    OK(lhrt_task_launcher_create(rt, T_SUM, NULL, 0, &s));
    OK(lhrt_task_launcher_add_region(s, r, r, LHRT_READ_ONLY, LHRT_EXCLUSIVE, 0, NULL));
    OK(lhrt_task_launcher_add_field(s, 0, 0));
    lhrt_future_t f;
    OK(lhrt_task_launcher_execute(top, s, &f));
    int64_t sum = 0, want = 0;
    for (int x = 0; x < 8; x++) for (int y = 0; y < 6; y++) want += x * 10 + y;
    OK(lhrt_future_get_value(f, &sum, sizeof sum, NULL));
    EXPECTF(sum == want, "sum %ld want %ld", (long)sum, (long)want);
    lhrt_mapping_t m;
    uint32_t fields[2] = {0, 1};
    OK(lhrt_region_map(top, r, r, LHRT_READ_WRITE, fields, 2, &m));
    lhrt_accessor_t a0, a1;
    OK(lhrt_mapping_get_accessor(m, 0, &a0));
    OK(lhrt_mapping_get_accessor(m, 1, &a1));
    EXPECT(*(int64_t *)lhrt_accessor_at(&a0, 3, 4, 0) == 34);
    EXPECT(a0.stride[0] == (layout ? 16 : 8)); /* AoS: 8 + 4 bytes, padded so every int64 is aligned */
    for (int64_t y = 0; y < 6; y++)
      for (int64_t x = 0; x < 8; x++)
        EXPECTF((uintptr_t)lhrt_accessor_at(&a0, x, y, 0) % 8 == 0 && (uintptr_t)lhrt_accessor_at(&a1, x, y, 0) % 4 == 0,
                "layout %d: (%ld, %ld) misaligned", layout, (long)x, (long)y);
    EXPECT(a1.field_size == 4 && *(int32_t *)lhrt_accessor_at(&a1, 7, 5, 0) == 0);
    OK(lhrt_mapping_unmap(m));
    int64_t seven = 7;
    OK(lhrt_region_fill(top, r, r, 0, &seven, 8));
    OK(lhrt_task_launcher_execute(top, s, &f));
    OK(lhrt_future_get_value(f, &sum, sizeof sum, NULL));
    EXPECT(sum == 7 * 48);
    ERR(LHRT_ERR_STATE, lhrt_region_set_layout(r, 0, sys));
    lhrt_index_space_t borrowed;
    OK(lhrt_region_get_index_space(r, &borrowed));
    OK(lhrt_index_space_destroy(is));      /* the region keeps its space alive */
    ERR(LHRT_ERR_STATE, lhrt_index_space_destroy(borrowed));
    OK(lhrt_runtime_destroy(rt));
  }
}

TEST(arena_memory) {
  lhrt_runtime_t rt = trt_new(1);
  lhrt_ctx_t top = trt_top(rt);
  static char arena[1 << 16];
  lhrt_memory_t m;
  OK(lhrt_memory_create_from_arena(rt, arena, sizeof arena, &m));
  lhrt_index_space_t is;
  OK(lhrt_index_space_create_rect(rt, lhrt_rect1(0, 999), &is));
  lhrt_field_space_t fs;
  OK(lhrt_field_space_create(rt, &fs));
  OK(lhrt_field_space_allocate_field(fs, 8, 0, NULL));
  lhrt_region_t r, r2;
  OK(lhrt_region_create(rt, is, fs, &r));
  OK(lhrt_region_set_layout(r, LHRT_LAYOUT_SOA, m));
  uint32_t f0 = 0;
  lhrt_mapping_t map;
  OK(lhrt_region_map(top, r, r, LHRT_WRITE_DISCARD, &f0, 1, &map));
  lhrt_accessor_t a;
  OK(lhrt_mapping_get_accessor(map, 0, &a));
  EXPECT((char *)a.base >= arena && (char *)a.base < arena + sizeof arena);
  *(int64_t *)lhrt_accessor_at(&a, 999, 0, 0) = 5;
  OK(lhrt_mapping_unmap(map));
  uint64_t used, cap;
  OK(lhrt_memory_get_usage(m, &used, &cap));
  EXPECT(used >= 8000 && cap <= sizeof arena);
  ERR(LHRT_ERR_STATE, lhrt_memory_destroy(m));
  /* exhausting the arena is an error, not a crash */
  lhrt_index_space_t big;
  OK(lhrt_index_space_create_rect(rt, lhrt_rect1(0, 99999), &big));
  OK(lhrt_region_create(rt, big, fs, &r2));
  OK(lhrt_region_set_layout(r2, LHRT_LAYOUT_SOA, m));
  ERR(LHRT_ERR_NO_MEMORY, lhrt_region_map(top, r2, r2, LHRT_WRITE_DISCARD, &f0, 1, &map));
  OK(lhrt_region_destroy(r));
  OK(lhrt_memory_get_usage(m, &used, &cap));
  EXPECT(used == 0);
  OK(lhrt_region_destroy(r2));
  OK(lhrt_memory_destroy(m));
  OK(lhrt_runtime_destroy(rt));
}

/* Maps region r (one int64 field) WRITE_DISCARD and returns its instance's first element. */
static int64_t *map_first(lhrt_ctx_t top, lhrt_region_t r, lhrt_mapping_t *map) {
  uint32_t f0 = 0;
  lhrt_accessor_t a;
  if (lhrt_region_map(top, r, r, LHRT_WRITE_DISCARD, &f0, 1, map) || lhrt_mapping_get_accessor(*map, 0, &a)) return NULL;
  return (int64_t *)lhrt_accessor_at(&a, 0, 0, 0);
}

/* A zeroed arena clears only what an earlier instance used. The arena here breaks the promise
 * on purpose (0x5a everywhere): a fresh instance shows the bytes untouched, a second one placed
 * where the first was reads zero. */
TEST(zeroed_arena_clears_only_reused_bytes) {
  lhrt_runtime_t rt = trt_new(1);
  lhrt_ctx_t top = trt_top(rt);
  static char arena[1 << 16] __attribute__((aligned(4096)));
  memset(arena, 0x5a, sizeof arena);
  lhrt_memory_t m;
  OK(lhrt_memory_create_from_zeroed_arena(rt, arena, sizeof arena, &m));
  lhrt_index_space_t is;
  OK(lhrt_index_space_create_rect(rt, lhrt_rect1(0, 99), &is));
  lhrt_field_space_t fs;
  OK(lhrt_field_space_create(rt, &fs));
  OK(lhrt_field_space_allocate_field(fs, 8, 0, NULL));
  lhrt_region_t r1, r2;
  lhrt_mapping_t map;
  OK(lhrt_region_create(rt, is, fs, &r1));
  OK(lhrt_region_set_layout(r1, LHRT_LAYOUT_SOA, m));
  int64_t *v = map_first(top, r1, &map);
  EXPECT(v && *v == 0x5a5a5a5a5a5a5a5all);   /* never cleared: the arena was "zero" there */
  *v = 7;
  OK(lhrt_mapping_unmap(map));
  OK(lhrt_region_destroy(r1));
  OK(lhrt_region_create(rt, is, fs, &r2));
  OK(lhrt_region_set_layout(r2, LHRT_LAYOUT_SOA, m));
  v = map_first(top, r2, &map);
  EXPECT(v && *v == 0);                      /* reused bytes are cleared */
  OK(lhrt_mapping_unmap(map));
  OK(lhrt_region_destroy(r2));
  OK(lhrt_memory_destroy(m));
  OK(lhrt_runtime_destroy(rt));
}

static void fail_task(lhrt_ctx_t ctx, const void *args, uint64_t len, void *user) { lhrt_task_fail(ctx, "boom"); }

/* A 4x4 region with one int64 field (0). */
static lhrt_region_t region_4x4_i64(lhrt_runtime_t rt) {
  lhrt_index_space_t is;
  lhrt_field_space_t fs;
  lhrt_region_t r = {0};
  if (lhrt_index_space_create_rect(rt, lhrt_rect2(0, 0, 3, 3), &is) || lhrt_field_space_create(rt, &fs) ||
      lhrt_field_space_allocate_field(fs, 8, 0, NULL) || lhrt_region_create(rt, is, fs, &r))
    test_fail(__FILE__, __LINE__, "region_4x4_i64: %s", lhrt_last_error());
  return r;
}

/* A launcher of task on field 0 of r (its own root) with priv. */
static lhrt_task_launcher_t launcher_on(lhrt_runtime_t rt, uint32_t task, lhrt_region_t r, uint32_t priv) {
  lhrt_task_launcher_t l = {0};
  if (lhrt_task_launcher_create(rt, task, NULL, 0, &l) ||
      lhrt_task_launcher_add_region(l, r, r, priv, LHRT_EXCLUSIVE, 0, NULL) || lhrt_task_launcher_add_field(l, 0, 0))
    test_fail(__FILE__, __LINE__, "launcher_on: %s", lhrt_last_error());
  return l;
}

/* The failure tests' start: a 2-worker runtime with the failing and the filling task, a 4x4
 * region, and a READ_WRITE launcher of each on it (lf fails, lw fills). */
static lhrt_region_t failing_world(lhrt_runtime_t *rt, lhrt_ctx_t *top, lhrt_task_launcher_t *lf,
                                   lhrt_task_launcher_t *lw) {
  *rt = trt_new(2);
  *top = trt_top(*rt);
  if (lhrt_task_register(*rt, T_FAIL, "fail", LHRT_PROC_CPU, fail_task, NULL) ||
      lhrt_task_register(*rt, T_FILL_IDX, "fill", LHRT_PROC_CPU, fill_idx_task, NULL))
    test_fail(__FILE__, __LINE__, "failing_world: %s", lhrt_last_error());
  lhrt_region_t r = region_4x4_i64(*rt);
  *lf = launcher_on(*rt, T_FAIL, r, LHRT_READ_WRITE);
  *lw = launcher_on(*rt, T_FILL_IDX, r, LHRT_READ_WRITE);
  return r;
}

TEST(task_failure_propagates) {
  lhrt_runtime_t rt;
  lhrt_ctx_t top;
  lhrt_task_launcher_t lf, lw;
  lhrt_region_t r = failing_world(&rt, &top, &lf, &lw);
  lhrt_future_t f1, f2;
  OK(lhrt_task_launcher_execute(top, lf, &f1));
  OK(lhrt_task_launcher_execute(top, lw, &f2));
  ERR(LHRT_ERR_TASK_FAILED, lhrt_future_wait(f1));
  EXPECT(strstr(lhrt_last_error(), "boom"));
  ERR(LHRT_ERR_TASK_FAILED, lhrt_future_wait(f2));
  char msg[128];
  OK(lhrt_future_get_error(f2, msg, sizeof msg));
  EXPECTF(strstr(msg, "depends on a failed task") && strstr(msg, "boom"), "message: %s", msg);
  EXPECTF(strstr(lhrt_last_error(), "depends on a failed task") && strstr(lhrt_last_error(), "boom"), "%s",
          lhrt_last_error());
  /* the dependent did not run: the region still holds zeros */
  uint32_t f0 = 0;
  lhrt_mapping_t m;
  ERR(LHRT_ERR_TASK_FAILED, lhrt_region_map(top, r, r, LHRT_READ_ONLY, &f0, 1, &m));
  /* a WRITE_DISCARD does not read what the failures left: it runs, and what follows it is clean */
  int64_t seven = 7;
  OK(lhrt_region_fill(top, r, r, 0, &seven, 8));
  OK(lhrt_region_map(top, r, r, LHRT_READ_ONLY, &f0, 1, &m));
  lhrt_accessor_t a;
  OK(lhrt_mapping_get_accessor(m, 0, &a));
  EXPECT(*(int64_t *)lhrt_accessor_at(&a, 3, 3, 0) == 7);
  OK(lhrt_mapping_unmap(m));
  /* a task that only read the region and failed changed nothing: the writer after it runs */
  lhrt_task_launcher_t lr = launcher_on(rt, T_FAIL, r, LHRT_READ_ONLY);
  lhrt_future_t f3, f4;
  OK(lhrt_task_launcher_execute(top, lr, &f3));
  OK(lhrt_task_launcher_execute(top, lw, &f4));
  ERR(LHRT_ERR_TASK_FAILED, lhrt_future_wait(f3));
  OK(lhrt_future_wait(f4));
  OK(lhrt_region_map(top, r, r, LHRT_READ_ONLY, &f0, 1, &m));
  OK(lhrt_mapping_get_accessor(m, 0, &a));
  EXPECTF(*(int64_t *)lhrt_accessor_at(&a, 3, 2, 0) != 7, "the writer after a failed reader did not run");
  OK(lhrt_mapping_unmap(m));
  OK(lhrt_runtime_destroy(rt));
}

TEST(bad_input_never_aborts) {
  lhrt_runtime_t rt = trt_new(1);
  lhrt_ctx_t top = trt_top(rt);
  lhrt_config_t cfg;
  lhrt_config_init(&cfg);
  cfg.struct_size = 3;
  lhrt_runtime_t rt2;
  ERR(LHRT_ERR_INVALID_ARG, lhrt_runtime_create(&cfg, &rt2));
  ERR(LHRT_ERR_INVALID_ARG, lhrt_runtime_create(NULL, NULL));
  char junk[256] = {0};
  ERR(LHRT_ERR_INVALID_HANDLE, lhrt_runtime_get_top_context((lhrt_runtime_t){junk}, &top));
  ERR(LHRT_ERR_INVALID_HANDLE, lhrt_region_destroy((lhrt_region_t){junk}));
  ERR(LHRT_ERR_INVALID_HANDLE, lhrt_task_launcher_execute(top, (lhrt_task_launcher_t){NULL}, NULL));
  ERR(LHRT_ERR_INVALID_HANDLE, lhrt_task_get_point((lhrt_ctx_t){NULL}, NULL));
  lhrt_point_t p;
  ERR(LHRT_ERR_STATE, lhrt_task_get_point(top, &p));
  uint32_t sz;
  ERR(LHRT_ERR_REDOP, lhrt_redop_get_size(rt, 555, &sz));
  lhrt_index_space_t is;
  OK(lhrt_index_space_create_rect(rt, lhrt_rect1(0, 9), &is));
  lhrt_field_space_t fs;
  OK(lhrt_field_space_create(rt, &fs));
  OK(lhrt_field_space_allocate_field(fs, 8, 0, NULL));
  lhrt_region_t r;
  OK(lhrt_region_create(rt, is, fs, &r));
  lhrt_task_launcher_t l;
  OK(lhrt_task_launcher_create(rt, 1, NULL, 0, &l));
  ERR(LHRT_ERR_REDOP, lhrt_task_launcher_add_region(l, r, r, LHRT_REDUCE, LHRT_EXCLUSIVE, 999, NULL));
  OK(lhrt_task_launcher_add_region(l, r, r, LHRT_REDUCE, LHRT_EXCLUSIVE, LHRT_REDOP(LHRT_RED_SUM, LHRT_TYPE_INT32), NULL));
  ERR(LHRT_ERR_REDOP, lhrt_task_launcher_add_field(l, 0, 0)); /* 4-byte operator on an 8-byte field */
  ERR(LHRT_ERR_BOUNDS, lhrt_task_launcher_add_field(l, 5, 0));
  ERR(LHRT_ERR_INVALID_ARG, lhrt_task_launcher_add_region(l, r, r, 9, 0, 0, NULL));
  OK(lhrt_runtime_destroy(rt));
}

/* The layouts the Java bindings rely on (README "The C API in one page"). */
_Static_assert(sizeof(lhrt_point_t) == 32, "point");
_Static_assert(sizeof(lhrt_rect_t) == 56, "rect");
_Static_assert(sizeof(lhrt_colored_rect_t) == 88, "colored rect");
_Static_assert(sizeof(lhrt_config_t) == 40, "config");
_Static_assert(sizeof(lhrt_accessor_t) == 112, "accessor");
_Static_assert(sizeof(lhrt_index_iter_t) == 48, "iterator");
_Static_assert(sizeof(lhrt_task_info_t) == 56, "task info");
_Static_assert(sizeof(lhrt_layout_t) == 16, "layout");
_Static_assert(sizeof(lhrt_slicing_t) == 16, "slicing");
_Static_assert(sizeof(lhrt_mapper_t) == 40, "mapper");
_Static_assert(sizeof(lhrt_runtime_t) == 8, "handle");
_Static_assert(sizeof(lhrt_task_snapshot_t) == 72, "task snapshot");
_Static_assert(sizeof(lhrt_task_snapshot_region_t) == 40, "task snapshot region");

static void query_task(lhrt_ctx_t ctx, const void *args, uint64_t len, void *user) {
  uint32_t id = 0, nreq = 0, nf = 0;
  const void *a = NULL;
  uint64_t alen = 0;
  int32_t w = -2;
  lhrt_region_t r;
  int64_t ok = 1;
  if (!(!lhrt_task_get_id(ctx, &id) && id == 9)) ok = 0, fprintf(stderr, "query_task step 1 failed\n");
  if (!(!lhrt_task_get_args(ctx, &a, &alen) && alen == 3 && !memcmp(a, "abc", 3))) ok = 0, fprintf(stderr, "query_task step 2 failed\n");
  if (!(!lhrt_task_get_worker(ctx, &w) && w >= 0 && w < 2)) ok = 0, fprintf(stderr, "query_task step 3 failed\n");
  if (!(!lhrt_task_get_region_count(ctx, &nreq) && nreq == 1)) ok = 0, fprintf(stderr, "query_task step 4 failed\n");
  if (!(!lhrt_task_get_region(ctx, 0, &r) && r.impl == user)) ok = 0, fprintf(stderr, "query_task step 5 failed\n");
  if (!(lhrt_task_get_region(ctx, 1, &r) == LHRT_ERR_BOUNDS)) ok = 0, fprintf(stderr, "query_task step 6 failed\n");
  uint64_t index = 9;
  lhrt_index_space_t dom = {(void *)1};
  if (lhrt_task_get_index(ctx, &index) || index != 0 || lhrt_task_get_domain(ctx, &dom) || dom.impl) ok = 0;
  if (!(!lhrt_task_get_future_count(ctx, &nf) && nf == 0)) ok = 0, fprintf(stderr, "query_task step 7 failed\n");
  if (!(lhrt_task_complete(ctx, NULL, 0) == LHRT_ERR_STATE)) ok = 0, fprintf(stderr, "query_task step 8 failed\n"); /* not an external task */
  lhrt_accessor_t acc;
  if (!(lhrt_task_get_accessor(ctx, 0, 1, &acc) == LHRT_ERR_UNKNOWN_FIELD)) ok = 0, fprintf(stderr, "query_task step 9 failed\n"); /* field not requested */
  if (!(!lhrt_task_get_accessor(ctx, 0, 5, &acc))) ok = 0, fprintf(stderr, "query_task step 10 failed\n");
  void *p;
  if (!(!lhrt_accessor_ptr(&acc, lhrt_point1(acc.bounds.lo[0]), &p) && p == acc.base)) ok = 0, fprintf(stderr, "query_task step 11 failed\n");
  if (!(lhrt_accessor_ptr(&acc, lhrt_point2(0, 0), &p) == LHRT_ERR_INVALID_ARG)) ok = 0, fprintf(stderr, "query_task step 12 failed\n");
  if (!ok) fprintf(stderr, "query_task: id %u alen %lu w %d nreq %u nf %u\n", id, (unsigned long)alen, w, nreq, nf);
  lhrt_task_return(ctx, &ok, 8);
}

TEST(api_queries) {
  lhrt_runtime_t rt = trt_new(2);
  lhrt_ctx_t top = trt_top(rt);
  int32_t nw;
  OK(lhrt_runtime_get_worker_count(rt, &nw));
  EXPECT(nw == 2);
  EXPECT(!strcmp(lhrt_status_name(LHRT_ERR_BOUNDS), "LHRT_ERR_BOUNDS"));
  EXPECT(!strcmp(lhrt_status_name(99), "LHRT_ERR_UNKNOWN"));
  lhrt_index_space_t is, colors, got;
  lhrt_field_space_t fs, gfs;
  OK(lhrt_index_space_create_rect(rt, lhrt_rect1(0, 9), &is));
  OK(lhrt_index_space_create_rect(rt, lhrt_rect1(0, 1), &colors));
  OK(lhrt_field_space_create(rt, &fs));
  OK(lhrt_field_space_allocate_field(fs, 8, 5, NULL));
  OK(lhrt_field_space_allocate_field(fs, 4, 1, NULL));
  uint32_t fid;
  OK(lhrt_field_space_get_field_id(fs, 1, &fid));
  EXPECT(fid == 1);
  ERR(LHRT_ERR_BOUNDS, lhrt_field_space_get_field_id(fs, 2, &fid));
  lhrt_region_t r, s1, back;
  OK(lhrt_region_create(rt, is, fs, &r));
  OK(lhrt_region_get_index_space(r, &got));
  OK(lhrt_region_get_field_space(r, &gfs));
  EXPECT(got.impl == is.impl && gfs.impl == fs.impl);
  lhrt_partition_t p, pp;
  OK(lhrt_region_get_parent_partition(r, &pp));
  EXPECT(pp.impl == NULL);
  OK(lhrt_partition_create_equal(top, r, colors, &p));
  OK(lhrt_partition_get_subregion(p, lhrt_point1(1), &s1));
  OK(lhrt_region_get_parent_partition(s1, &pp));
  OK(lhrt_partition_get_parent(p, &back));
  OK(lhrt_partition_get_color_space(p, &got));
  EXPECT(pp.impl == p.impl && back.impl == r.impl && got.impl == colors.impl);
  uint32_t t1, t2;
  OK(lhrt_region_get_tree_id(r, &t1));
  OK(lhrt_region_get_tree_id(s1, &t2));
  EXPECT(t1 == t2);
  ERR(LHRT_ERR_STATE, lhrt_region_destroy(s1));
  OK(lhrt_task_register(rt, 9, "query", LHRT_PROC_CPU, query_task, s1.impl));
  lhrt_task_launcher_t l;
  OK(lhrt_task_launcher_create(rt, 9, "abc", 3, &l));
  OK(lhrt_task_launcher_add_region(l, s1, r, LHRT_READ_WRITE, LHRT_EXCLUSIVE, 0, NULL));
  OK(lhrt_task_launcher_add_field(l, 0, 5));
  OK(lhrt_task_launcher_set_kind(l, LHRT_PROC_CPU));
  ERR(LHRT_ERR_INVALID_ARG, lhrt_task_launcher_set_kind(l, 7));
  lhrt_future_t f;
  OK(lhrt_task_launcher_execute(top, l, &f));
  int64_t ok = 0;
  OK(lhrt_future_get_value(f, &ok, 8, NULL));
  EXPECT(ok == 1);
  OK(lhrt_context_wait_all(top));
  int32_t ready;
  OK(lhrt_future_is_ready(f, &ready));
  EXPECT(ready);
  OK(lhrt_partition_destroy(p));
  OK(lhrt_runtime_destroy(rt));
}

/* Compares each batched accessor with the one-field call, and the task info with the single
 * queries; returns how many accessors matched (-3: the info did not). */
static void batch_accessors_task(lhrt_ctx_t ctx, const void *args, uint64_t len, void *user) {
  lhrt_accessor_t all[4];
  uint32_t n = 0, id, id1, nreg, nreg1;
  int64_t matched = -1;
  lhrt_point_t p, p1;
  const void *a, *a1;
  uint64_t alen, alen1;
  if (lhrt_task_get_info(ctx, &id, &p, &a, &alen, &nreg) || lhrt_task_get_id(ctx, &id1) ||
      lhrt_task_get_point(ctx, &p1) || lhrt_task_get_args(ctx, &a1, &alen1) || lhrt_task_get_region_count(ctx, &nreg1) ||
      id != id1 || memcmp(&p, &p1, sizeof p) || a != a1 || alen != alen1 || alen != len || nreg != nreg1 || nreg != 1) {
    matched = -3;
    lhrt_task_return(ctx, &matched, sizeof matched);
    return;
  }
  if (!lhrt_task_get_accessors(ctx, 0, all, 4, &n) && n == 2) {
    matched = 0;
    for (uint32_t i = 0; i < n; i++) {
      lhrt_accessor_t one;
      if (!lhrt_task_get_accessor(ctx, 0, all[i].field_id, &one) && !memcmp(&one, &all[i], sizeof one)) matched++;
    }
    uint32_t short_n = 0;
    if (lhrt_task_get_accessors(ctx, 0, all, 1, &short_n) || short_n != 2) matched = -2;   /* counts past max */
  }
  lhrt_task_return(ctx, &matched, sizeof matched);
}

TEST(batched_queries_match_single_ones) {
  lhrt_runtime_t rt = trt_new(1);
  lhrt_ctx_t top = trt_top(rt);
  lhrt_rect_t rs[3] = {lhrt_rect1(0, 3), lhrt_rect1(10, 12), lhrt_rect1(20, 20)};
  lhrt_index_space_t is;
  OK(lhrt_index_space_create_rects(rt, 1, rs, 3, &is));
  lhrt_rect_t got[4];
  uint64_t n;
  OK(lhrt_index_space_get_rects(is, 0, got, 2, &n));
  EXPECT(n == 2);
  for (uint64_t i = 0; i < n; i++) {
    lhrt_rect_t one;
    OK(lhrt_index_space_get_rect(is, i, &one));
    EXPECT(!memcmp(&one, &got[i], sizeof one));
  }
  OK(lhrt_index_space_get_rects(is, 2, got, 4, &n));
  EXPECT(n == 1 && got[0].lo[0] == 20 && got[0].hi[0] == 20);
  OK(lhrt_index_space_get_rects(is, 9, got, 4, &n));
  EXPECT(n == 0);
  ERR(LHRT_ERR_INVALID_ARG, lhrt_index_space_get_rects(is, 0, NULL, 4, &n));

  lhrt_field_space_t fs;
  OK(lhrt_field_space_create(rt, &fs));
  OK(lhrt_field_space_allocate_field(fs, 8, 5, NULL));
  OK(lhrt_field_space_allocate_field(fs, 4, 2, NULL));
  lhrt_region_t r;
  OK(lhrt_region_create(rt, is, fs, &r));
  uint32_t tree, tree1;
  lhrt_index_space_t ris, ris1;
  lhrt_field_space_t rfs, rfs1;
  OK(lhrt_region_get_info(r, &tree, &ris, &rfs));
  OK(lhrt_region_get_tree_id(r, &tree1));
  OK(lhrt_region_get_index_space(r, &ris1));
  OK(lhrt_region_get_field_space(r, &rfs1));
  EXPECT(tree == tree1 && ris.impl == ris1.impl && rfs.impl == rfs1.impl);
  ERR(LHRT_ERR_INVALID_ARG, lhrt_region_get_info(r, NULL, &ris, &rfs));
  OK(lhrt_task_register(rt, 1, "batch", LHRT_PROC_CPU, batch_accessors_task, NULL));
  lhrt_task_launcher_t l;
  int64_t argv = 42;
  OK(lhrt_task_launcher_create(rt, 1, &argv, sizeof argv, &l));
  OK(lhrt_task_launcher_add_region(l, r, r, LHRT_READ_WRITE, LHRT_EXCLUSIVE, 0, NULL));
  OK(lhrt_task_launcher_add_field(l, 0, 5));
  OK(lhrt_task_launcher_add_field(l, 0, 2));
  lhrt_future_t f;
  OK(lhrt_task_launcher_execute(top, l, &f));
  int64_t matched = 0;
  OK(lhrt_future_get_value(f, &matched, sizeof matched, NULL));
  EXPECTF(matched == 2, "batched accessors: %ld of 2 matched", (long)matched);
  uint32_t nacc;
  ERR(LHRT_ERR_STATE, lhrt_task_get_accessors(top, 0, NULL, 0, &nacc));
  /* future maps released in a batch; a bad handle is reported by position and the rest still go */
  lhrt_future_map_t maps[3];
  lhrt_index_launcher_t il;
  OK(lhrt_index_launcher_create(rt, 1, is, NULL, 0, &il));
  OK(lhrt_index_launcher_add_region(il, r, r, LHRT_READ_ONLY, LHRT_EXCLUSIVE, 0, NULL));
  OK(lhrt_index_launcher_add_field(il, 0, 5));
  OK(lhrt_index_launcher_add_field(il, 0, 2));
  for (int i = 0; i < 3; i++) OK(lhrt_index_launcher_execute(top, il, &maps[i]));
  lhrt_future_map_t mixed[2] = {maps[2], {top.impl}};
  OK(lhrt_future_map_destroy_all(maps, 2));
  ERR(LHRT_ERR_INVALID_HANDLE, lhrt_future_map_destroy_all(mixed, 2));
  EXPECTF(strstr(lhrt_last_error(), "future map 1 of 2") != NULL, "%s", lhrt_last_error());
  ERR(LHRT_ERR_INVALID_HANDLE, lhrt_future_map_wait_all(maps[2]));   /* released all the same */
  ERR(LHRT_ERR_INVALID_ARG, lhrt_future_map_destroy_all(NULL, 1));
  OK(lhrt_context_wait_all(top));
  OK(lhrt_runtime_destroy(rt));
}

/* Compares a task's snapshot with the single queries; returns 1 if all matched, else a
 * negative code naming the first part that did not. */
static void snapshot_task(lhrt_ctx_t ctx, const void *args, uint64_t len, void *user) {
  uint64_t buf[128];   /* 1 KiB: the header, 3 regions, 3 accessors and 37 argument bytes fit */
  uint64_t size = 0, tiny[2] = {7, 7};
  int64_t ok = 1;
  uint32_t id, nreg;
  lhrt_point_t p;
  uint64_t index;
  if (lhrt_task_get_snapshot(ctx, tiny, sizeof tiny, &size) || size <= sizeof tiny || tiny[0] != 7 || tiny[1] != 7)
    ok = -1;                                                                /* too small: only the size */
  else if (lhrt_task_get_snapshot(ctx, buf, sizeof buf, &size) || size > sizeof buf) ok = -2;
  const lhrt_task_snapshot_t *h = (const lhrt_task_snapshot_t *)buf;
  if (ok == 1 && (lhrt_task_get_id(ctx, &id) || lhrt_task_get_point(ctx, &p) || lhrt_task_get_index(ctx, &index) ||
                  lhrt_task_get_region_count(ctx, &nreg) || id != h->task_id || memcmp(&p, &h->point, sizeof p) ||
                  index != h->index || nreg != h->nregions || h->arglen != len ||
                  memcmp((const char *)buf + h->args_offset, args, len)))
    ok = -3;
  const lhrt_task_snapshot_region_t *rs = (const lhrt_task_snapshot_region_t *)((const char *)buf + h->regions_offset);
  for (uint32_t r = 0; ok == 1 && r < h->nregions; r++) {
    lhrt_region_t g;
    uint32_t tree;
    lhrt_index_space_t is;
    lhrt_field_space_t fs;
    lhrt_accessor_t all[8];
    uint32_t n = 0;
    if (lhrt_task_get_region(ctx, r, &g) || lhrt_region_get_info(g, &tree, &is, &fs) || g.impl != rs[r].region.impl ||
        tree != rs[r].tree_id || is.impl != rs[r].index_space.impl || fs.impl != rs[r].field_space.impl) {
      ok = -4;
      break;
    }
    lhrt_status_t st = lhrt_task_get_accessors(ctx, r, all, 8, &n);
    if ((st ? 0 : n) != rs[r].naccessors ||
        (n && memcmp(all, (const char *)buf + rs[r].accessors_offset, n * sizeof *all)))
      ok = -5 - (int64_t)r;
  }
  lhrt_task_return(ctx, &ok, sizeof ok);
}

TEST(task_snapshot_matches_single_queries) {
  lhrt_runtime_t rt = trt_new(2);
  lhrt_ctx_t top = trt_top(rt);
  lhrt_index_space_t is, colors;
  OK(lhrt_index_space_create_rect(rt, lhrt_rect1(0, 63), &is));
  OK(lhrt_index_space_create_rect(rt, lhrt_rect1(0, 3), &colors));
  lhrt_field_space_t fs;
  OK(lhrt_field_space_create(rt, &fs));
  OK(lhrt_field_space_allocate_field(fs, 8, 3, NULL));
  OK(lhrt_field_space_allocate_field(fs, 4, 9, NULL));
  OK(lhrt_field_space_allocate_field(fs, 8, 1, NULL));
  lhrt_region_t r;
  OK(lhrt_region_create(rt, is, fs, &r));
  lhrt_partition_t part;
  OK(lhrt_partition_create_equal(top, r, colors, &part));
  OK(lhrt_task_register(rt, 7, "snapshot", LHRT_PROC_CPU, snapshot_task, NULL));
  char argv[37];
  for (int i = 0; i < (int)sizeof argv; i++) argv[i] = (char)(i * 7 + 1);
  lhrt_index_launcher_t il;   /* three requirements: RW on two fields, RO on one, NO_ACCESS */
  OK(lhrt_index_launcher_create(rt, 7, colors, argv, sizeof argv, &il));
  OK(lhrt_index_launcher_add_partition(il, part, 0, r, LHRT_READ_WRITE, LHRT_EXCLUSIVE, 0, NULL));
  OK(lhrt_index_launcher_add_field(il, 0, 3));
  OK(lhrt_index_launcher_add_field(il, 0, 9));
  OK(lhrt_index_launcher_add_region(il, r, r, LHRT_READ_ONLY, LHRT_EXCLUSIVE, 0, NULL));
  OK(lhrt_index_launcher_add_field(il, 1, 1));
  OK(lhrt_index_launcher_add_region(il, r, r, LHRT_NO_ACCESS, LHRT_EXCLUSIVE, 0, NULL));
  lhrt_future_map_t fm;
  OK(lhrt_index_launcher_execute(top, il, &fm));
  for (int64_t c = 0; c < 4; c++) {
    lhrt_future_t f;
    int64_t ok = 0;
    OK(lhrt_future_map_get_future(fm, lhrt_point1(c), &f));
    OK(lhrt_future_get_value(f, &ok, sizeof ok, NULL));
    EXPECTF(ok == 1, "point %ld: snapshot check %ld", (long)c, (long)ok);
    OK(lhrt_future_destroy(f));
  }
  uint64_t size, buf[16];
  ERR(LHRT_ERR_STATE, lhrt_task_get_snapshot(top, buf, sizeof buf, &size));
  OK(lhrt_future_map_destroy(fm));
  OK(lhrt_context_wait_all(top));
  OK(lhrt_runtime_destroy(rt));
}

/* A long chain of dependents of a failed task still names the root cause, once. */
TEST(a_failure_chain_names_its_root_cause) {
  lhrt_runtime_t rt;
  lhrt_ctx_t top;
  lhrt_task_launcher_t lf, lw;
  lhrt_region_t r = failing_world(&rt, &top, &lf, &lw);
  OK(lhrt_task_launcher_execute(top, lf, NULL));
  for (int i = 0; i < 20; i++) OK(lhrt_task_launcher_execute(top, lw, NULL));
  uint32_t f0 = 0;
  lhrt_mapping_t m;
  ERR(LHRT_ERR_TASK_FAILED, lhrt_region_map(top, r, r, LHRT_READ_ONLY, &f0, 1, &m));
  const char *e = lhrt_last_error(), *first = strstr(e, "depends on a failed task");
  EXPECTF(strstr(e, "boom") && first && !strstr(first + 1, "depends on a failed task"), "message: %s", e);
  OK(lhrt_task_launcher_destroy(lf));
  OK(lhrt_task_launcher_destroy(lw));
  OK(lhrt_runtime_destroy(rt));
}
