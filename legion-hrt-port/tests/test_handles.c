/*
 * Handle lifecycle: a handle used after its object ended (destroyed, freed with its runtime,
 * a context after its body) fails with LHRT_ERR_INVALID_HANDLE naming the kind and "was
 * destroyed", and never acts on a newer object that took its place; garbage values and
 * wrong-kind handles are refused without being read; destroying what others still use is
 * deferred (spaces, region trees) or refused (memories with instances), as lhrt.h documents.
 */
#define _DEFAULT_SOURCE /* usleep */
#include <pthread.h>
#include <unistd.h>
#include "test.h"

#define STALE(call, kind)                                                                          \
  do {                                                                                             \
    ERR(LHRT_ERR_INVALID_HANDLE, call);                                                            \
    EXPECTF(strstr(lhrt_last_error(), kind " handle") && strstr(lhrt_last_error(), "was destroyed"), \
            "%s: %s", #call, lhrt_last_error());                                                   \
  } while (0)

/* The old handle of a destroyed object stays dead after a new object of the same kind is made
 * (on the heap, at the same address; in the table, in the same slot). */
TEST(handle_of_destroyed_object_does_not_alias_a_new_one) {
  lhrt_runtime_t rt = trt_new(1);
  lhrt_index_space_t a, b;
  OK(lhrt_index_space_create_rect(rt, lhrt_rect1(0, 9), &a));
  OK(lhrt_index_space_destroy(a));
  OK(lhrt_index_space_create_rect(rt, lhrt_rect1(0, 99), &b));
  EXPECT(a.impl != b.impl);
  uint64_t v = 0;
  STALE(lhrt_index_space_get_volume(a, &v), "index space");
  EXPECT(v == 0);
  OK(lhrt_index_space_get_volume(b, &v));
  EXPECT(v == 100);
  STALE(lhrt_index_space_destroy(a), "index space");   /* and b lives on */
  OK(lhrt_index_space_get_volume(b, &v));

  int64_t one = 1, two = 2, got = 0;
  lhrt_future_t f, g;
  OK(lhrt_future_from_value(rt, &one, sizeof one, &f));
  OK(lhrt_future_destroy(f));
  OK(lhrt_future_from_value(rt, &two, sizeof two, &g));
  STALE(lhrt_future_get_value(f, &got, sizeof got, NULL), "future");
  EXPECT(got == 0);
  STALE(lhrt_future_destroy(f), "future");             /* double destroy */
  OK(lhrt_future_get_value(g, &got, sizeof got, NULL));
  EXPECT(got == 2);

  lhrt_field_space_t fs, fs2;
  OK(lhrt_field_space_create(rt, &fs));
  OK(lhrt_field_space_destroy(fs));
  OK(lhrt_field_space_create(rt, &fs2));
  uint32_t fid;
  STALE(lhrt_field_space_allocate_field(fs, 8, LHRT_FIELD_AUTO, &fid), "field space");
  STALE(lhrt_field_space_destroy(fs), "field space");
  OK(lhrt_field_space_allocate_field(fs2, 8, LHRT_FIELD_AUTO, &fid));

  lhrt_task_launcher_t l, l2;
  OK(lhrt_task_launcher_create(rt, 1, NULL, 0, &l));
  OK(lhrt_task_launcher_destroy(l));
  OK(lhrt_task_launcher_create(rt, 2, NULL, 0, &l2));
  STALE(lhrt_task_launcher_set_kind(l, LHRT_PROC_CPU), "task launcher");
  STALE(lhrt_task_launcher_destroy(l), "task launcher");
  OK(lhrt_task_launcher_destroy(l2));
  OK(lhrt_runtime_destroy(rt));
}

/* Every handle of a destroyed runtime is dead, and says so, even once a new runtime exists. */
TEST(handles_of_a_destroyed_runtime_are_refused) {
  lhrt_runtime_t rt = trt_new(1);
  lhrt_ctx_t top = trt_top(rt);
  lhrt_index_space_t is;
  lhrt_field_space_t fs;
  lhrt_region_t r;
  lhrt_memory_t sys;
  uint32_t fid;
  OK(trt_region1(rt, 16, &is, &fs, &fid, &r));
  OK(lhrt_memory_get_system(rt, &sys));
  OK(lhrt_runtime_destroy(rt));
  lhrt_runtime_t rt2 = trt_new(1);
  lhrt_index_space_t is2;
  OK(lhrt_index_space_create_rect(rt2, lhrt_rect1(0, 15), &is2));
  uint64_t v;
  STALE(lhrt_index_space_get_volume(is, &v), "index space");
  EXPECTF(strstr(lhrt_last_error(), "with its runtime"), "%s", lhrt_last_error());
  STALE(lhrt_region_destroy(r), "region");
  STALE(lhrt_field_space_get_field_count(fs, &fid), "field space");
  STALE(lhrt_memory_get_usage(sys, &v, &v), "memory");
  STALE(lhrt_runtime_destroy(rt), "runtime");
  lhrt_ctx_t top2;
  STALE(lhrt_runtime_get_top_context(rt, &top2), "runtime");
  STALE(lhrt_context_wait_all(top), "context");
  OK(lhrt_index_space_get_volume(is2, &v));
  EXPECT(v == 16);
  OK(lhrt_runtime_destroy(rt2));
}

/* Values that were never handles are refused without being read as objects. */
TEST(forged_handles_are_refused_without_being_read) {
  lhrt_runtime_t rt = trt_new(1);
  lhrt_index_space_t is;
  OK(lhrt_index_space_create_rect(rt, lhrt_rect1(0, 3), &is));
  uint64_t on_stack = 0;
  void *forged[] = {(void *)(uintptr_t)1, (void *)(uintptr_t)0x1000, (void *)(uintptr_t)0xdeadbeefcafef00dull,
                    (void *)~(uintptr_t)0, &on_stack, (void *)((uintptr_t)is.impl ^ (1ull << 40)),
                    (void *)((uintptr_t)is.impl + 2), (void *)((uintptr_t)is.impl + (2ull << 32))};
  for (size_t i = 0; i < sizeof forged / sizeof forged[0]; i++) {
    uint64_t v;
    lhrt_status_t st = lhrt_index_space_get_volume((lhrt_index_space_t){forged[i]}, &v);
    EXPECTF(st == LHRT_ERR_INVALID_HANDLE, "value %zu (%p): %s", i, forged[i], lhrt_status_name(st));
    EXPECTF(strstr(lhrt_last_error(), "index space handle"), "%s", lhrt_last_error());
    st = lhrt_region_destroy((lhrt_region_t){forged[i]});
    EXPECTF(st == LHRT_ERR_INVALID_HANDLE, "value %zu (%p): %s", i, forged[i], lhrt_status_name(st));
  }
  /* a live handle of another kind is named as what it is */
  uint64_t v;
  ERR(LHRT_ERR_INVALID_HANDLE, lhrt_future_wait((lhrt_future_t){is.impl}));
  EXPECTF(strstr(lhrt_last_error(), "not a future handle (it names a live index space)"), "%s", lhrt_last_error());
  OK(lhrt_index_space_get_volume(is, &v));
  OK(lhrt_runtime_destroy(rt));
}

static lhrt_ctx_t saved_ctx;
static void save_ctx(lhrt_ctx_t ctx, const void *args, uint64_t len, void *user) { saved_ctx = ctx; }

/* A task's context ends with its body: a later use is refused, not run against whichever task
 * took its place. */
TEST(context_kept_past_its_body_is_refused) {
  lhrt_runtime_t rt = trt_new(1);
  lhrt_ctx_t top = trt_top(rt);
  OK(lhrt_task_register(rt, 1, "save_ctx", LHRT_PROC_CPU, save_ctx, NULL));
  lhrt_task_launcher_t l;
  lhrt_future_t f;
  OK(lhrt_task_launcher_create(rt, 1, NULL, 0, &l));
  OK(lhrt_task_launcher_execute(top, l, &f));
  OK(lhrt_future_wait(f));
  lhrt_ctx_t first = saved_ctx;
  lhrt_point_t p;
  STALE(lhrt_task_get_point(first, &p), "context");
  OK(lhrt_future_destroy(f));
  for (int i = 0; i < 3; i++) { /* new tasks may run on the same thread, slot and memory */
    OK(lhrt_task_launcher_execute(top, l, &f));
    OK(lhrt_future_wait(f));
    OK(lhrt_future_destroy(f));
    EXPECT(saved_ctx.impl != first.impl);
    STALE(lhrt_task_return(first, &p, sizeof p), "context");
  }
  OK(lhrt_task_launcher_destroy(l));
  OK(lhrt_runtime_destroy(rt));
}

static uint32_t gate_open;
static void gate_task(lhrt_ctx_t ctx, const void *args, uint64_t len, void *user) {
  for (int i = 0; i < 200000 && !__atomic_load_n(&gate_open, __ATOMIC_ACQUIRE); i++) usleep(100); /* 20 s at most */
}

/* Destroying what others still use: an index or field space lives on for its regions (its
 * handle keeps working as a borrowed one, a second destroy is LHRT_ERR_STATE) and dies with
 * them; a region tree with work in flight refuses new work at once and is freed later (its
 * finished users are swept), one without is freed at once with its partitions and subregions. */
TEST(parents_destroyed_while_in_use_are_deferred_then_dead) {
  lhrt_runtime_t rt = trt_new(1);
  lhrt_ctx_t top = trt_top(rt);
  lhrt_index_space_t is, colors;
  lhrt_field_space_t fs;
  lhrt_region_t r;
  lhrt_partition_t part;
  uint32_t fid;
  OK(lhrt_index_space_create_rect(rt, lhrt_rect1(0, 3), &colors));
  OK(trt_region1(rt, 64, &is, &fs, &fid, &r));
  OK(lhrt_partition_create_equal(top, r, colors, &part));
  OK(lhrt_index_space_destroy(is));
  OK(lhrt_index_space_destroy(colors));
  OK(lhrt_field_space_destroy(fs));
  uint64_t v;
  OK(lhrt_index_space_get_volume(is, &v));             /* the region keeps it */
  EXPECT(v == 64);
  ERR(LHRT_ERR_STATE, lhrt_index_space_destroy(is));
  EXPECTF(strstr(lhrt_last_error(), "index space handle"), "%s", lhrt_last_error());
  ERR(LHRT_ERR_STATE, lhrt_field_space_destroy(fs));
  lhrt_region_t sub;
  OK(lhrt_partition_get_subregion(part, lhrt_point1(2), &sub));
  lhrt_index_space_t sub_is;
  OK(lhrt_region_get_index_space(sub, &sub_is));
  OK(lhrt_index_space_get_volume(sub_is, &v));
  EXPECT(v == 16);
  OK(lhrt_region_destroy(r));                           /* nothing in flight: freed now */
  STALE(lhrt_region_destroy(r), "region");
  STALE(lhrt_region_get_index_space(sub, &sub_is), "region");
  STALE(lhrt_partition_get_subregion(part, lhrt_point1(2), &sub), "partition");
  STALE(lhrt_index_space_get_volume(sub_is, &v), "index space");
  STALE(lhrt_index_space_get_volume(is, &v), "index space");
  STALE(lhrt_index_space_get_volume(colors, &v), "index space");
  STALE(lhrt_field_space_get_field_count(fs, &fid), "field space");

  /* a task holds a second tree until the gate opens */
  lhrt_region_t r2;
  OK(trt_region1(rt, 64, &is, &fs, &fid, &r2));
  OK(lhrt_task_register(rt, 5, "gate", LHRT_PROC_CPU, gate_task, NULL));
  __atomic_store_n(&gate_open, 0, __ATOMIC_RELEASE);
  lhrt_task_launcher_t l;
  uint32_t req;
  OK(lhrt_task_launcher_create(rt, 5, NULL, 0, &l));
  OK(lhrt_task_launcher_add_region(l, r2, r2, LHRT_READ_WRITE, LHRT_EXCLUSIVE, 0, &req));
  OK(lhrt_task_launcher_add_field(l, req, fid));
  OK(lhrt_task_launcher_execute(top, l, NULL));
  OK(lhrt_region_destroy(r2));                          /* in use: deferred */
  int64_t seven = 7;
  ERR(LHRT_ERR_INVALID_HANDLE, lhrt_region_fill(top, r2, r2, fid, &seven, sizeof seven));
  EXPECTF(strstr(lhrt_last_error(), "was destroyed"), "%s", lhrt_last_error());
  ERR(LHRT_ERR_INVALID_HANDLE, lhrt_task_launcher_execute(top, l, NULL));
  ERR(LHRT_ERR_STATE, lhrt_region_destroy(r2));
  uint32_t tree;
  OK(lhrt_region_get_tree_id(r2, &tree));              /* still there for its task */
  __atomic_store_n(&gate_open, 1, __ATOMIC_RELEASE);
  OK(lhrt_context_wait_all(top));
  OK(lhrt_task_launcher_destroy(l));
  OK(lhrt_index_space_destroy(is));
  OK(lhrt_field_space_destroy(fs));
  OK(lhrt_runtime_destroy(rt));
  STALE(lhrt_region_get_tree_id(r2, &tree), "region");
}

/* A memory named for a tree's instances and destroyed before they were made: the launch that
 * needs them fails naming the memory (it read the freed memory before). */
TEST(memory_destroyed_after_set_layout_fails_the_launch_that_needs_it) {
  lhrt_runtime_t rt = trt_new(1);
  lhrt_ctx_t top = trt_top(rt);
  static char arena[1 << 16];
  lhrt_memory_t m;
  OK(lhrt_memory_create_from_arena(rt, arena, sizeof arena, &m));
  lhrt_index_space_t is;
  lhrt_field_space_t fs;
  lhrt_region_t r;
  uint32_t fid;
  OK(trt_region1(rt, 100, &is, &fs, &fid, &r));
  OK(lhrt_region_set_layout(r, LHRT_LAYOUT_SOA, m));
  OK(lhrt_memory_destroy(m));                           /* no instances yet: allowed */
  STALE(lhrt_memory_destroy(m), "memory");
  lhrt_mapping_t map;
  lhrt_status_t st = lhrt_region_map(top, r, r, LHRT_READ_WRITE, &fid, 1, &map);
  EXPECTF(st == LHRT_ERR_INVALID_HANDLE && strstr(lhrt_last_error(), "memory handle") &&
          strstr(lhrt_last_error(), "was destroyed"), "%s: %s", lhrt_status_name(st), lhrt_last_error());
  /* with the layout set again the tree works */
  lhrt_memory_t sys;
  OK(lhrt_memory_get_system(rt, &sys));
  OK(lhrt_region_set_layout(r, LHRT_LAYOUT_SOA, sys));
  OK(lhrt_region_map(top, r, r, LHRT_READ_WRITE, &fid, 1, &map));
  OK(lhrt_mapping_unmap(map));
  STALE(lhrt_mapping_unmap(map), "mapping");
  OK(lhrt_runtime_destroy(rt));
}

/* An iterator names its space by handle: a destroyed space ends the iteration with an error. */
TEST(iterator_over_a_destroyed_space_is_refused) {
  lhrt_runtime_t rt = trt_new(1);
  lhrt_index_space_t is;
  OK(lhrt_index_space_create_rect(rt, lhrt_rect1(0, 3), &is));
  lhrt_index_iter_t it;
  lhrt_point_t p;
  int32_t valid;
  OK(lhrt_index_iter_init(is, &it));
  OK(lhrt_index_iter_next(&it, &p, &valid));
  EXPECT(valid && p.x[0] == 0);
  OK(lhrt_index_space_destroy(is));
  lhrt_index_space_t other;
  OK(lhrt_index_space_create_rect(rt, lhrt_rect1(0, 3), &other));
  STALE(lhrt_index_iter_next(&it, &p, &valid), "index space");
  OK(lhrt_runtime_destroy(rt));
}

/* Threads making and destroying handles at once: each stale handle stays stale while the
 * others reuse slots, and every live one reads its own value. */
struct churn { lhrt_runtime_t rt; int64_t id; int bad; };
static void *churn_main(void *arg) {
  struct churn *c = arg;
  lhrt_future_t stale = {NULL};
  for (int i = 0; i < (test_small ? 2000 : 20000); i++) {
    int64_t v = c->id * 1000000 + i, got = -1;
    lhrt_future_t f;
    if (lhrt_future_from_value(c->rt, &v, sizeof v, &f)) { c->bad++; break; }
    if (lhrt_future_get_value(f, &got, sizeof got, NULL) || got != v) c->bad++;
    if (stale.impl && lhrt_future_get_value(stale, &got, sizeof got, NULL) != LHRT_ERR_INVALID_HANDLE) c->bad++;
    if (lhrt_future_destroy(f)) c->bad++;
    stale = f;
  }
  return NULL;
}

TEST(handles_churned_by_several_threads_stay_apart) {
  lhrt_runtime_t rt = trt_new(2);
  struct churn c[4];
  pthread_t th[4];
  for (int i = 0; i < 4; i++) {
    c[i] = (struct churn){rt, i + 1, 0};
    pthread_create(&th[i], NULL, churn_main, &c[i]);
  }
  for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
  for (int i = 0; i < 4; i++) EXPECTF(c[i].bad == 0, "thread %d: %d wrong answers", i, c[i].bad);
  OK(lhrt_runtime_destroy(rt));
}

/* Handles of another live runtime: every call that takes objects of two runtimes refuses the
 * mix, naming it, instead of linking one runtime's objects into the other's (which a destroy
 * of either then leaves dangling). */
TEST(handles_of_another_runtime_are_refused) {
  lhrt_runtime_t ra = trt_new(1), rb = trt_new(1);
  lhrt_ctx_t ta = trt_top(ra);
  lhrt_index_space_t isa, isb, csa, csb, out;
  lhrt_field_space_t fsa, fsb;
  uint32_t fa, fb;
  lhrt_region_t a, b, r;
  lhrt_partition_t pa, pb, p;
  lhrt_future_t futb;
  int64_t one = 1;
  OK(lhrt_index_space_create_rect(ra, lhrt_rect1(0, 15), &isa));
  OK(lhrt_index_space_create_rect(rb, lhrt_rect1(0, 15), &isb));
  OK(lhrt_index_space_create_rect(ra, lhrt_rect1(0, 1), &csa));
  OK(lhrt_index_space_create_rect(rb, lhrt_rect1(0, 1), &csb));
  OK(lhrt_field_space_create(ra, &fsa));
  OK(lhrt_field_space_create(rb, &fsb));
  OK(lhrt_field_space_allocate_field(fsa, 8, LHRT_FIELD_AUTO, &fa));
  OK(lhrt_field_space_allocate_field(fsb, 8, LHRT_FIELD_AUTO, &fb));
  OK(lhrt_region_create(ra, isa, fsa, &a));
  OK(lhrt_region_create(rb, isb, fsb, &b));
  OK(lhrt_partition_create_equal(ta, a, csa, &pa));
  OK(lhrt_partition_create_equal(trt_top(rb), b, csb, &pb));
  OK(lhrt_future_from_value(rb, &one, sizeof one, &futb));
#define MIXED(call) do { ERR(LHRT_ERR_INVALID_ARG, call); \
    EXPECTF(strstr(lhrt_last_error(), "another runtime") || strstr(lhrt_last_error(), "different runtimes"), \
            "%s: %s", #call, lhrt_last_error()); } while (0)
  MIXED(lhrt_region_create(ra, isb, fsa, &r));
  MIXED(lhrt_region_create(ra, isa, fsb, &r));
  MIXED(lhrt_index_space_union(isa, isb, &out));
  MIXED(lhrt_index_space_intersection(isa, isb, &out));
  MIXED(lhrt_index_space_difference(isb, isa, &out));
  MIXED(lhrt_region_fill(ta, b, b, fb, &one, sizeof one));
  lhrt_mapping_t m;
  MIXED(lhrt_region_map(ta, b, b, LHRT_READ_ONLY, &fb, 1, &m));
  MIXED(lhrt_partition_create_equal(ta, b, csa, &p));
  MIXED(lhrt_partition_create_equal(ta, a, csb, &p));
  lhrt_colored_rect_t item = {lhrt_point1(0), lhrt_rect1(0, 3)};
  MIXED(lhrt_partition_create_by_rects(ta, a, csb, &item, 1, LHRT_PART_DISJOINT, &p));
  MIXED(lhrt_partition_create_by_union(ta, pa, pb, LHRT_PART_COMPUTE, &p));
  MIXED(lhrt_partition_create_by_image(ta, a, pb, fa, LHRT_PART_COMPUTE, &p));
  MIXED(lhrt_region_copy(ta, a, a, b, b, &fa, &fb, 1, 0));
  lhrt_index_launcher_t il;
  MIXED(lhrt_index_launcher_create(ra, 1, isb, NULL, 0, &il));
  lhrt_memory_t memb;
  OK(lhrt_memory_get_system(rb, &memb));
  MIXED(lhrt_region_set_layout(a, LHRT_LAYOUT_SOA, memb));
  lhrt_task_launcher_t tl;
  OK(lhrt_task_launcher_create(ra, 1, NULL, 0, &tl));
  MIXED(lhrt_task_launcher_add_future(tl, futb));
  OK(lhrt_task_launcher_destroy(tl));
#undef MIXED
  OK(lhrt_runtime_destroy(rb));
  OK(lhrt_runtime_destroy(ra));
}
