/*
 * Copies: region and partition copies against values computed here, reducing copies, their
 * order among tasks (the dependence analysis), both layouts, and every error they report.
 */
#include "test.h"

enum { T_SET_I64 = 300, T_TRY_COPY = 301 };

/* A region over rect with field 0 of size0 bytes and field 1 of size1, in layout. */
static lhrt_region_t region_of(lhrt_runtime_t rt, lhrt_rect_t rect, uint32_t size0, uint32_t size1, uint32_t layout) {
  lhrt_index_space_t is;
  lhrt_field_space_t fs;
  lhrt_region_t r = {0};
  if (lhrt_index_space_create_rect(rt, rect, &is) || lhrt_field_space_create(rt, &fs) ||
      lhrt_field_space_allocate_field(fs, size0, 0, NULL) || lhrt_field_space_allocate_field(fs, size1, 1, NULL) ||
      lhrt_region_create(rt, is, fs, &r) || lhrt_region_set_layout(r, layout, (lhrt_memory_t){0}))
    test_fail(__FILE__, __LINE__, "region_of: %s", lhrt_last_error());
  return r;
}

/* A 1-D region [lo, hi] with an int64 field 0 and a double field 1. */
static lhrt_region_t region1(lhrt_runtime_t rt, int64_t lo, int64_t hi, uint32_t layout) {
  return region_of(rt, lhrt_rect1(lo, hi), 8, 8, layout);
}

/* Writes field fid of r through an inline mapping: value(p) = scale * p + offset. */
static int set_field(lhrt_ctx_t top, lhrt_region_t r, uint32_t fid, int64_t scale, int64_t offset) {
  lhrt_mapping_t m;
  lhrt_accessor_t a;
  if (lhrt_region_map(top, r, r, LHRT_READ_WRITE, &fid, 1, &m) || lhrt_mapping_get_accessor(m, fid, &a)) return -1;
  for (int64_t x = a.bounds.lo[0]; x <= a.bounds.hi[0]; x++) {
    if (fid == 0) *(int64_t *)lhrt_accessor_at(&a, x, 0, 0) = scale * x + offset;
    else *(double *)lhrt_accessor_at(&a, x, 0, 0) = (double)(scale * x + offset);
  }
  return lhrt_mapping_unmap(m);
}

/* Reads field 0 (int64) of r at x through an inline mapping (one value per map: small tests). */
static int64_t get_i64(lhrt_ctx_t top, lhrt_region_t r, int64_t x) {
  uint32_t fid = 0;
  lhrt_mapping_t m;
  lhrt_accessor_t a;
  if (lhrt_region_map(top, r, r, LHRT_READ_ONLY, &fid, 1, &m) || lhrt_mapping_get_accessor(m, 0, &a)) return INT64_MIN;
  int64_t v = *(int64_t *)lhrt_accessor_at(&a, x, 0, 0);
  lhrt_mapping_unmap(m);
  return v;
}

TEST(copy_region_moves_the_common_points_in_both_layouts) {
  for (uint32_t layout = 0; layout < 2; layout++) {
    lhrt_runtime_t rt = trt_new(2);
    lhrt_ctx_t top = trt_top(rt);
    lhrt_region_t a = region1(rt, 0, 99, layout), b = region1(rt, 50, 149, 1 - layout);
    EXPECT(set_field(top, a, 0, 3, 1) == 0 && set_field(top, a, 1, 5, 0) == 0);
    EXPECT(set_field(top, b, 0, 0, -1) == 0 && set_field(top, b, 1, 0, -1) == 0);
    uint32_t from[2] = {0, 1}, to[2] = {0, 1};
    OK(lhrt_region_copy(top, a, a, b, b, from, to, 2, 0));
    uint32_t fids[2] = {0, 1};
    lhrt_mapping_t m;
    lhrt_accessor_t v0, v1;
    OK(lhrt_region_map(top, b, b, LHRT_READ_ONLY, fids, 2, &m));
    OK(lhrt_mapping_get_accessor(m, 0, &v0));
    OK(lhrt_mapping_get_accessor(m, 1, &v1));
    for (int64_t x = 50; x <= 149; x++) {
      int64_t want = x <= 99 ? 3 * x + 1 : -1;
      double wantd = x <= 99 ? 5.0 * x : -1.0;
      EXPECTF(*(int64_t *)lhrt_accessor_at(&v0, x, 0, 0) == want, "layout %u: b[%ld] = %ld, want %ld", layout, (long)x,
              (long)*(int64_t *)lhrt_accessor_at(&v0, x, 0, 0), (long)want);
      EXPECTF(*(double *)lhrt_accessor_at(&v1, x, 0, 0) == wantd, "layout %u: b.f1[%ld]", layout, (long)x);
    }
    OK(lhrt_mapping_unmap(m));
    OK(lhrt_runtime_destroy(rt));
  }
}

TEST(copy_between_fields_of_one_region_and_2d_rectangles) {
  lhrt_runtime_t rt = trt_new(2);
  lhrt_ctx_t top = trt_top(rt);
  lhrt_index_space_t inner;
  lhrt_region_t r = region_of(rt, lhrt_rect2(0, 0, 9, 7), 4, 4, LHRT_LAYOUT_SOA);
  int32_t one = 1, zero = 0;
  OK(lhrt_region_fill(top, r, r, 0, &one, 4));
  OK(lhrt_region_fill(top, r, r, 1, &zero, 4));
  /* field 0 -> field 1 of the same region: no point reads what it writes */
  uint32_t f0 = 0, f1 = 1;
  OK(lhrt_region_copy(top, r, r, r, r, &f0, &f1, 1, 0));
  /* a 2-D piece, folded back into field 0 twice: 1 + 1 + 1 inside it */
  lhrt_colored_rect_t piece = {lhrt_point1(0), lhrt_rect2(2, 3, 5, 6)};
  OK(lhrt_index_space_create_rect(rt, lhrt_rect1(0, 0), &inner));
  lhrt_partition_t p;
  lhrt_region_t sub;
  OK(lhrt_partition_create_by_rects(top, r, inner, &piece, 1, LHRT_PART_DISJOINT, &p));
  OK(lhrt_partition_get_subregion(p, lhrt_point1(0), &sub));
  uint32_t sum = LHRT_REDOP(LHRT_RED_SUM, LHRT_TYPE_INT32);
  OK(lhrt_region_copy(top, sub, r, r, r, &f1, &f0, 1, sum));
  OK(lhrt_region_copy(top, sub, r, r, r, &f1, &f0, 1, sum));
  lhrt_mapping_t m;
  lhrt_accessor_t a0, a1;
  uint32_t both[2] = {0, 1};
  OK(lhrt_region_map(top, r, r, LHRT_READ_ONLY, both, 2, &m));
  OK(lhrt_mapping_get_accessor(m, 0, &a0));
  OK(lhrt_mapping_get_accessor(m, 1, &a1));
  for (int64_t y = 0; y <= 7; y++)
    for (int64_t x = 0; x <= 9; x++) {
      int32_t want = x >= 2 && x <= 5 && y >= 3 && y <= 6 ? 3 : 1;
      EXPECTF(*(int32_t *)lhrt_accessor_at(&a0, x, y, 0) == want, "(%ld,%ld) = %d, want %d", (long)x, (long)y,
              *(int32_t *)lhrt_accessor_at(&a0, x, y, 0), want);
      EXPECT(*(int32_t *)lhrt_accessor_at(&a1, x, y, 0) == 1);
    }
  OK(lhrt_mapping_unmap(m));
  OK(lhrt_runtime_destroy(rt));
}

/* Sets field 0 of its region to the int64 argument at every point. */
static void set_i64(lhrt_ctx_t ctx, const void *args, uint64_t len, void *user) {
  lhrt_accessor_t a;
  int64_t v;
  memcpy(&v, args, sizeof v);
  if (lhrt_task_get_accessor(ctx, 0, 0, &a)) { lhrt_task_fail(ctx, lhrt_last_error()); return; }
  for (int64_t x = a.bounds.lo[0]; x <= a.bounds.hi[0]; x++) *(int64_t *)lhrt_accessor_at(&a, x, 0, 0) = v;
}

static lhrt_status_t launch_set(lhrt_runtime_t rt, lhrt_ctx_t top, lhrt_partition_t p, lhrt_region_t parent, int64_t v) {
  lhrt_index_space_t colors;
  lhrt_index_launcher_t l;
  lhrt_status_t st = lhrt_partition_get_color_space(p, &colors);
  if (!st) st = lhrt_index_launcher_create(rt, T_SET_I64, colors, &v, sizeof v, &l);
  if (st) return st;
  st = lhrt_index_launcher_add_partition(l, p, 0, parent, LHRT_WRITE_DISCARD, LHRT_EXCLUSIVE, 0, NULL);
  if (!st) st = lhrt_index_launcher_add_field(l, 0, 0);
  if (!st) st = lhrt_index_launcher_execute(top, l, NULL);
  lhrt_index_launcher_destroy(l);
  return st;
}

/* The halo exchange of a stencil: owned blocks of one region to ghost blocks of another,
 * between tasks that overwrite the source. Run many rounds: a copy ordered wrongly against the
 * writers (before the first or after the second) shows a wrong value in some round. */
TEST(partition_copy_is_ordered_between_the_tasks_around_it) {
  lhrt_runtime_t rt = trt_new(2);
  lhrt_ctx_t top = trt_top(rt);
  OK(lhrt_task_register(rt, T_SET_I64, "set_i64", LHRT_PROC_CPU, set_i64, NULL));
  lhrt_region_t a = region1(rt, 0, 399, 0), b = region1(rt, 0, 399, 0);
  lhrt_index_space_t colors;
  lhrt_partition_t pa, pb;
  OK(lhrt_index_space_create_rect(rt, lhrt_rect1(0, 7), &colors));
  OK(lhrt_partition_create_equal(top, a, colors, &pa));
  /* b's pieces: a ghost band of 10 around each block's start, all disjoint */
  lhrt_colored_rect_t band[8];
  for (int c = 0; c < 8; c++) band[c] = (lhrt_colored_rect_t){lhrt_point1(c), lhrt_rect1(c * 50, c * 50 + 9)};
  OK(lhrt_partition_create_by_rects(top, b, colors, band, 8, LHRT_PART_DISJOINT, &pb));
  uint32_t f0 = 0;
  for (int64_t round = 1; round <= 50; round++) {
    OK(launch_set(rt, top, pa, a, round));
    OK(lhrt_partition_copy(top, pa, a, pb, b, &f0, &f0, 1, 0));
    OK(launch_set(rt, top, pa, a, -round));
    for (int c = 0; c < 8; c += 3) {
      int64_t v = get_i64(top, b, c * 50 + 4);
      EXPECTF(v == round, "round %ld: ghost of block %d holds %ld", (long)round, c, (long)v);
    }
  }
  OK(lhrt_runtime_destroy(rt));
}

static lhrt_status_t try_status;
static lhrt_region_t try_src, try_dst;

/* Copies into its region, which it holds READ_ONLY: the copy must be refused. */
static void try_copy(lhrt_ctx_t ctx, const void *args, uint64_t len, void *user) {
  uint32_t f0 = 0, f1 = 1;
  try_status = lhrt_region_copy(ctx, try_src, try_src, try_dst, try_dst, &f0, &f1, 1, 0);
}

TEST(copy_errors_name_the_problem) {
  lhrt_runtime_t rt = trt_new(2);
  lhrt_ctx_t top = trt_top(rt);
  lhrt_region_t a = region1(rt, 0, 99, 0), b = region1(rt, 0, 49, 0);
  lhrt_index_space_t c4, c8;
  lhrt_region_t flat2d = region_of(rt, lhrt_rect2(0, 0, 9, 9), 4, 8, LHRT_LAYOUT_SOA);
  uint32_t f0 = 0, f1 = 1, f9 = 9, two0[2] = {0, 1}, twice[2] = {0, 0};
  ERR(LHRT_ERR_INVALID_ARG, lhrt_region_copy(top, a, a, b, b, &f0, &f0, 0, 0));
  ERR(LHRT_ERR_INVALID_ARG, lhrt_region_copy(top, a, a, b, b, NULL, &f0, 1, 0));
  ERR(LHRT_ERR_UNKNOWN_FIELD, lhrt_region_copy(top, a, a, b, b, &f9, &f0, 1, 0));
  ERR(LHRT_ERR_UNKNOWN_FIELD, lhrt_region_copy(top, a, a, b, b, &f0, &f9, 1, 0));
  ERR(LHRT_ERR_INVALID_ARG, lhrt_region_copy(top, a, a, flat2d, flat2d, &f0, &f1, 1, 0));
  EXPECT(strstr(lhrt_last_error(), "1-D") != NULL);
  ERR(LHRT_ERR_INVALID_ARG, lhrt_region_copy(top, a, a, b, b, two0, twice, 2, 0));
  EXPECT(strstr(lhrt_last_error(), "twice") != NULL);
  ERR(LHRT_ERR_INTERFERENCE, lhrt_region_copy(top, a, a, a, a, &f0, &f0, 1, 0));
  ERR(LHRT_ERR_REDOP, lhrt_region_copy(top, a, a, b, b, &f0, &f0, 1, 999));
  /* a REDUCE copy checks the operator's size against the field */
  ERR(LHRT_ERR_REDOP, lhrt_region_copy(top, a, a, b, b, &f0, &f0, 1, LHRT_REDOP(LHRT_RED_SUM, LHRT_TYPE_INT32)));
  /* sizes: a 4-byte field to an 8-byte one */
  lhrt_region_t other2d = region_of(rt, lhrt_rect2(0, 0, 3, 3), 4, 8, LHRT_LAYOUT_SOA);
  ERR(LHRT_ERR_INVALID_ARG, lhrt_region_copy(top, flat2d, flat2d, other2d, other2d, &f0, &f1, 1, 0));
  EXPECT(strstr(lhrt_last_error(), "sizes must match") != NULL);
  /* partitions: the source lacks colors; an aliased destination written from every point */
  OK(lhrt_index_space_create_rect(rt, lhrt_rect1(0, 3), &c4));
  OK(lhrt_index_space_create_rect(rt, lhrt_rect1(0, 7), &c8));
  lhrt_partition_t pa4, pb8, alias;
  OK(lhrt_partition_create_equal(top, a, c4, &pa4));
  OK(lhrt_partition_create_equal(top, b, c8, &pb8));
  ERR(LHRT_ERR_BOUNDS, lhrt_partition_copy(top, pa4, a, pb8, b, &f0, &f0, 1, 0));
  lhrt_colored_rect_t over[4];
  for (int c = 0; c < 4; c++) over[c] = (lhrt_colored_rect_t){lhrt_point1(c), lhrt_rect1(0, 10 + c)};
  OK(lhrt_partition_create_by_rects(top, b, c4, over, 4, LHRT_PART_ALIASED, &alias));
  ERR(LHRT_ERR_INTERFERENCE, lhrt_partition_copy(top, pa4, a, alias, b, &f0, &f0, 1, 0));
  /* ... which a reducing copy may fold into */
  OK(lhrt_partition_copy(top, pa4, a, alias, b, &f0, &f0, 1, LHRT_REDOP(LHRT_RED_SUM, LHRT_TYPE_INT64)));
  /* inside a task: only what its own requirements grant */
  OK(lhrt_task_register(rt, T_TRY_COPY, "try_copy", LHRT_PROC_CPU, try_copy, NULL));
  try_src = a;
  try_dst = a;
  lhrt_task_launcher_t l;
  lhrt_future_t f;
  OK(lhrt_task_launcher_create(rt, T_TRY_COPY, NULL, 0, &l));
  OK(lhrt_task_launcher_add_region(l, a, a, LHRT_READ_ONLY, LHRT_EXCLUSIVE, 0, NULL));
  OK(lhrt_task_launcher_add_field(l, 0, 0));
  OK(lhrt_task_launcher_add_field(l, 0, 1));
  OK(lhrt_task_launcher_execute(top, l, &f));
  OK(lhrt_future_wait(f));
  EXPECTF(try_status == LHRT_ERR_PRIVILEGE, "copy into a READ_ONLY region from a task: %s", lhrt_status_name(try_status));
  OK(lhrt_future_destroy(f));
  OK(lhrt_task_launcher_destroy(l));
  ERR(LHRT_ERR_INVALID_HANDLE, lhrt_region_copy(top, (lhrt_region_t){0}, a, b, b, &f0, &f0, 1, 0));
  OK(lhrt_runtime_destroy(rt));
}

/* An operator that refuses to combine a negative value (as a Java operator that throws). */
static void picky_sum(void *lhs, const void *rhs, uint64_t n, void *user) {
  int64_t *a = lhs;
  const int64_t *b = rhs;
  for (uint64_t i = 0; i < n; i++) {
    if (b[i] < 0) { lhrt_callback_fail("picky_sum: a negative value"); return; }
    a[i] += b[i];
  }
}

static void ret_index_minus(lhrt_ctx_t ctx, const void *args, uint64_t len, void *user) {
  uint64_t i;
  lhrt_task_get_index(ctx, &i);
  int64_t v = (int64_t)i - *(const int64_t *)args;
  lhrt_task_return(ctx, &v, sizeof v);
}

static void reduce_minus_one(lhrt_ctx_t ctx, const void *args, uint64_t len, void *user) {
  lhrt_accessor_t a;
  if (lhrt_task_get_accessor(ctx, 0, 0, &a)) { lhrt_task_fail(ctx, lhrt_last_error()); return; }
  int64_t v = *(const int64_t *)args;
  for (int64_t x = a.bounds.lo[0]; x <= a.bounds.hi[0]; x++) *(int64_t *)lhrt_accessor_at(&a, x, 0, 0) = v;
}

/* Every place the runtime runs an operator fails the operation when the operator says so. */
TEST(failing_reduction_operators_fail_what_used_them) {
  enum { T_RET = 310, T_RED = 311, PICKY = LHRT_REDOP_USER + 7 };
  lhrt_runtime_t rt = trt_new(2);
  lhrt_ctx_t top = trt_top(rt);
  int64_t zero = 0;
  OK(lhrt_redop_register(rt, PICKY, 8, &zero, picky_sum, picky_sum, NULL));
  OK(lhrt_task_register(rt, T_RET, "ret", LHRT_PROC_CPU, ret_index_minus, NULL));
  OK(lhrt_task_register(rt, T_RED, "red", LHRT_PROC_CPU, reduce_minus_one, NULL));
  lhrt_index_space_t dom;
  OK(lhrt_index_space_create_rect(rt, lhrt_rect1(0, 3), &dom));
  for (int64_t shift = 0; shift <= 2; shift += 2) { /* 0: values 0..3 fold; 2: -2, -1 refused */
    lhrt_index_launcher_t il;
    lhrt_future_t f, g;
    lhrt_future_map_t fm;
    OK(lhrt_index_launcher_create(rt, T_RET, dom, &shift, sizeof shift, &il));
    OK(lhrt_index_launcher_execute_reduce(top, il, PICKY, &f));
    int64_t v = -1;
    lhrt_status_t st = lhrt_future_get_value(f, &v, 8, NULL);
    if (!shift) EXPECTF(!st && v == 6, "sum %ld (%s)", (long)v, lhrt_status_name(st));
    else EXPECTF(st && strstr(lhrt_last_error(), "picky_sum"), "a refused fold gave %s, %ld", lhrt_status_name(st), (long)v);
    OK(lhrt_index_launcher_execute(top, il, &fm));
    st = lhrt_future_map_reduce(fm, PICKY, &g);
    if (!shift) { OK(st); OK(lhrt_future_get_value(g, &v, 8, NULL)); EXPECT(v == 6); lhrt_future_destroy(g); }
    else EXPECTF(st == LHRT_ERR_REDOP && strstr(lhrt_last_error(), "picky_sum"), "future map reduce: %s", lhrt_status_name(st));
    lhrt_future_destroy(f);
    lhrt_future_map_destroy(fm);
    lhrt_index_launcher_destroy(il);
  }
  /* a REDUCE requirement: the task fails, and so does a reading mapping after it */
  lhrt_region_t r = region1(rt, 0, 9, 0), s = region1(rt, 0, 9, 0);
  int64_t ten = 10, minus = -1;
  OK(lhrt_region_fill(top, r, r, 0, &ten, 8));
  lhrt_task_launcher_t tl;
  lhrt_future_t tf;
  OK(lhrt_task_launcher_create(rt, T_RED, &minus, sizeof minus, &tl));
  OK(lhrt_task_launcher_add_region(tl, r, r, LHRT_REDUCE, LHRT_EXCLUSIVE, PICKY, NULL));
  OK(lhrt_task_launcher_add_field(tl, 0, 0));
  OK(lhrt_task_launcher_execute(top, tl, &tf));
  EXPECTF(lhrt_future_wait(tf) && strstr(lhrt_last_error(), "picky_sum"), "a refused region reduction: %s", lhrt_last_error());
  lhrt_future_destroy(tf);
  lhrt_task_launcher_destroy(tl);
  /* a reducing copy: its point fails; the destination's next reader learns why */
  OK(lhrt_region_fill(top, s, s, 0, &minus, 8));
  uint32_t f0 = 0;
  lhrt_region_t dst = region1(rt, 0, 9, 0);
  OK(lhrt_region_fill(top, dst, dst, 0, &zero, 8));
  OK(lhrt_region_copy(top, s, s, dst, dst, &f0, &f0, 1, PICKY));
  lhrt_mapping_t m;
  EXPECTF(lhrt_region_map(top, dst, dst, LHRT_READ_ONLY, &f0, 1, &m) && strstr(lhrt_last_error(), "picky_sum"),
          "mapping after a refused copy: %s", lhrt_last_error());
  OK(lhrt_runtime_destroy(rt));
}

/* A launch whose instance does not fit its memory says how much it needed and what to raise. */
TEST(a_launch_out_of_instance_memory_says_what_to_raise) {
  lhrt_runtime_t rt = trt_new(1);
  lhrt_ctx_t top = trt_top(rt);
  static uint8_t arena[8192] __attribute__((aligned(64)));
  lhrt_memory_t mem;
  OK(lhrt_memory_create_from_arena(rt, arena, sizeof arena, &mem));
  lhrt_index_space_t is;
  lhrt_field_space_t fs;
  lhrt_region_t r;
  OK(lhrt_index_space_create_rect(rt, lhrt_rect1(0, 9999), &is));
  OK(lhrt_field_space_create(rt, &fs));
  OK(lhrt_field_space_allocate_field(fs, 8, 0, NULL));
  OK(lhrt_region_create(rt, is, fs, &r));
  OK(lhrt_region_set_layout(r, LHRT_LAYOUT_SOA, mem));
  OK(lhrt_task_register(rt, T_SET_I64, "set_i64", LHRT_PROC_CPU, set_i64, NULL));
  int64_t v = 1;
  lhrt_task_launcher_t l;
  OK(lhrt_task_launcher_create(rt, T_SET_I64, &v, sizeof v, &l));
  OK(lhrt_task_launcher_add_region(l, r, r, LHRT_WRITE_DISCARD, LHRT_EXCLUSIVE, 0, NULL));
  OK(lhrt_task_launcher_add_field(l, 0, 0));
  ERR(LHRT_ERR_NO_MEMORY, lhrt_task_launcher_execute(top, l, NULL));
  EXPECTF(strstr(lhrt_last_error(), "80000 bytes") && strstr(lhrt_last_error(), "raise the runtime's memory size"),
          "message: %s", lhrt_last_error());
  OK(lhrt_task_launcher_destroy(l));
  OK(lhrt_runtime_destroy(rt));
}

/* A projection functor with no color for a point says why: the launch's error carries it. */
static int32_t no_color(const lhrt_point_t *p, const lhrt_rect_t *domain, lhrt_point_t *color, void *user) {
  if (p->x[0] == 2) { lhrt_callback_fail("no color for point 2"); return 1; }
  *color = *p;
  return 0;
}

TEST(a_failing_projection_says_why) {
  lhrt_runtime_t rt = trt_new(1);
  lhrt_ctx_t top = trt_top(rt);
  lhrt_region_t r = region1(rt, 0, 39, 0);
  lhrt_index_space_t colors;
  lhrt_partition_t p;
  OK(lhrt_index_space_create_rect(rt, lhrt_rect1(0, 3), &colors));
  OK(lhrt_partition_create_equal(top, r, colors, &p));
  OK(lhrt_projection_register(rt, 5, no_color, NULL));
  OK(lhrt_task_register(rt, T_SET_I64, "set_i64", LHRT_PROC_CPU, set_i64, NULL));
  int64_t v = 1;
  lhrt_index_launcher_t l;
  OK(lhrt_index_launcher_create(rt, T_SET_I64, colors, &v, sizeof v, &l));
  OK(lhrt_index_launcher_add_partition(l, p, 5, r, LHRT_WRITE_DISCARD, LHRT_EXCLUSIVE, 0, NULL));
  OK(lhrt_index_launcher_add_field(l, 0, 0));
  ERR(LHRT_ERR_BOUNDS, lhrt_index_launcher_execute(top, l, NULL));
  EXPECTF(strstr(lhrt_last_error(), "projection 5 failed for point 2: no color for point 2"), "%s", lhrt_last_error());
  OK(lhrt_index_launcher_destroy(l));
  OK(lhrt_runtime_destroy(rt));
}
