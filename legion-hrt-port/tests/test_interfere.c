/*
 * Interference checks of index launches (src/interfere.c): random disjoint and aliased
 * partitions in 1-D and 2-D, a writer on one and a reader on the other, against a brute-force
 * test of every pair of points; and launches of thousands of points, which the pairwise check
 * refused as "too many points to check".
 */
#include "test.h"

enum { T_NOTHING = 1 };
enum { MAXC = 8, SIDE = 16 };

static void nothing_task(lhrt_ctx_t ctx, const void *args, uint64_t len, void *user) {}

static int overlaps(const lhrt_rect_t *a, const lhrt_rect_t *b, int dim) {
  for (int d = 0; d < dim; d++)
    if (a->hi[d] < b->lo[d] || b->hi[d] < a->lo[d]) return 0;
  return 1;
}

static lhrt_rect_t rect(int dim, int64_t x0, int64_t x1, int64_t y0, int64_t y1) {
  return dim == 1 ? lhrt_rect1(x0, x1) : lhrt_rect2(x0, y0, x1, y1);
}

/* The launch of T_NOTHING over colors writing p's pieces and reading q's, field f. */
static lhrt_status_t launch_rw_ro(lhrt_ctx_t top, lhrt_index_space_t colors, lhrt_region_t r,
                                  lhrt_partition_t p, lhrt_partition_t q, uint32_t *f) {
  lhrt_launch_req_t reqs[2] = {
    {.partition = p, .parent = r, .privilege = LHRT_READ_WRITE, .coherence = LHRT_EXCLUSIVE, .nfields = 1, .fields = f},
    {.partition = q, .parent = r, .privilege = LHRT_READ_ONLY, .coherence = LHRT_EXCLUSIVE, .nfields = 1, .fields = f}};
  lhrt_launch_t l = {.task_id = T_NOTHING, .kind = LHRT_KIND_ANY, .domain = colors, .nreqs = 2, .reqs = reqs};
  return lhrt_index_launch(top, &l, NULL);
}

/* A runtime with T_NOTHING and a field space of one 8-byte field. */
struct world { lhrt_runtime_t rt; lhrt_ctx_t top; lhrt_field_space_t fs; uint32_t f; };

static lhrt_status_t world_new(struct world *w) {
  w->rt = trt_new(1);
  w->top = trt_top(w->rt);
  lhrt_status_t st = lhrt_task_register(w->rt, T_NOTHING, "nothing", LHRT_PROC_CPU, nothing_task, NULL);
  if (!st) st = lhrt_field_space_create(w->rt, &w->fs);
  if (!st) st = lhrt_field_space_allocate_field(w->fs, 8, LHRT_FIELD_AUTO, &w->f);
  return st;
}

TEST(interference_sweep_matches_every_pair) {
  struct world w;
  OK(world_new(&w));
  uint64_t seed = 0x1f2e3d4c5b6a7988ull;
  int interfering = 0, clean = 0;
  for (int dim = 1; dim <= 2; dim++) {
    lhrt_index_space_t space;
    lhrt_region_t r;
    OK(lhrt_index_space_create_rect(w.rt, rect(dim, 0, SIDE - 1, 0, SIDE - 1), &space));
    OK(lhrt_region_create(w.rt, space, w.fs, &r));
    for (int iter = 0; iter < (test_small ? 40 : 150); iter++) {
      int n = 2 + (int)(trand(&seed) % (MAXC - 1));
      /* p: n disjoint strips along x (some may be empty), full height in 2-D */
      int64_t cut[MAXC + 1];
      cut[0] = 0;
      cut[n] = SIDE;
      for (int c = 1; c < n; c++) cut[c] = (int64_t)(trand(&seed) % (SIDE + 1));
      for (int c = 1; c < n; c++)                     /* insertion sort of the inner cuts */
        for (int k = c; k > 1 && cut[k] < cut[k - 1]; k--) { int64_t t = cut[k]; cut[k] = cut[k - 1]; cut[k - 1] = t; }
      lhrt_colored_rect_t pi[MAXC], qi[2 * MAXC];
      int np = 0, nq = 0;
      for (int c = 0; c < n; c++)
        if (cut[c] < cut[c + 1])
          pi[np++] = (lhrt_colored_rect_t){lhrt_point1(c), rect(dim, cut[c], cut[c + 1] - 1, 0, SIDE - 1)};
      /* q: up to two random rectangles per color, overlapping one another freely; most start
       * in the color's own strip, so that both outcomes come up often */
      for (int c = 0; c < n; c++)
        for (int k = (int)(trand(&seed) % 3); k > 0; k--) {
          int64_t w = cut[c + 1] - cut[c], own = w > 0 && trand(&seed) % 10 != 0;
          int64_t x0 = own ? cut[c] + (int64_t)(trand(&seed) % (uint64_t)w) : (int64_t)(trand(&seed) % SIDE);
          int64_t x1 = x0 + (int64_t)(trand(&seed) % 4), y0 = (int64_t)(trand(&seed) % SIDE);
          if (own && x1 >= cut[c + 1] && trand(&seed) % 2) x1 = cut[c + 1] - 1;
          int64_t y1 = y0 + (int64_t)(trand(&seed) % 6);
          qi[nq++] = (lhrt_colored_rect_t){lhrt_point1(c), rect(dim, x0, x1 < SIDE ? x1 : SIDE - 1, y0,
                                                                 y1 < SIDE ? y1 : SIDE - 1)};
        }
      int expect = 0;
      for (int a = 0; a < np; a++)
        for (int b = 0; b < nq; b++)
          expect |= pi[a].color.x[0] != qi[b].color.x[0] && overlaps(&pi[a].rect, &qi[b].rect, dim);
      lhrt_index_space_t colors;
      lhrt_partition_t p, q;
      OK(lhrt_index_space_create_rect(w.rt, lhrt_rect1(0, n - 1), &colors));
      OK(lhrt_partition_create_by_rects(w.top, r, colors, pi, (uint64_t)np, LHRT_PART_DISJOINT, &p));
      OK(lhrt_partition_create_by_rects(w.top, r, colors, qi, (uint64_t)nq, LHRT_PART_ALIASED, &q));
      lhrt_status_t st = launch_rw_ro(w.top, colors, r, p, q, &w.f);
      EXPECTF(st == (expect ? LHRT_ERR_INTERFERENCE : LHRT_OK), "dim %d, iteration %d, %d colors: %s, expected %s (%s)",
              dim, iter, n, lhrt_status_name(st), expect ? "interference" : "none", lhrt_last_error());
      interfering += expect;
      clean += !expect;
      OK(lhrt_index_space_destroy(colors));
    }
    OK(lhrt_context_wait_all(w.top));
    OK(lhrt_region_destroy(r));
    OK(lhrt_index_space_destroy(space));
  }
  EXPECTF(interfering * 5 >= interfering + clean && clean * 5 >= interfering + clean, "the random cases must cover both outcomes: %d and %d", interfering, clean);
  OK(lhrt_field_space_destroy(w.fs));
  OK(lhrt_runtime_destroy(w.rt));
}

/* 3000 pieces, each read with its neighbours' edges through an aliased partition: the pairwise
 * check refused any launch past 2048 points; now a halo that stays inside its own piece runs,
 * and one that reaches a neighbour is refused naming the two points. */
TEST(interference_of_thousands_of_points) {
  enum { N = 3000, PER = 4 };
  struct world w;
  OK(world_new(&w));
  lhrt_index_space_t space, colors;
  lhrt_region_t r;
  OK(lhrt_index_space_create_rect(w.rt, lhrt_rect1(0, N * PER - 1), &space));
  OK(lhrt_index_space_create_rect(w.rt, lhrt_rect1(0, N - 1), &colors));
  OK(lhrt_region_create(w.rt, space, w.fs, &r));
  lhrt_partition_t equal, inner, halo;
  OK(lhrt_partition_create_equal(w.top, r, colors, &equal));
  static lhrt_colored_rect_t items[N];
  for (int c = 0; c < N; c++)
    items[c] = (lhrt_colored_rect_t){lhrt_point1(c), lhrt_rect1(c * PER + 1, c * PER + PER - 1)};
  OK(lhrt_partition_create_by_rects(w.top, r, colors, items, N, LHRT_PART_ALIASED, &inner));
  OK(launch_rw_ro(w.top, colors, r, equal, inner, &w.f));
  for (int c = 0; c < N; c++)
    items[c].rect = lhrt_rect1(c * PER - 1, c * PER + PER - 1);     /* one point of the piece before */
  OK(lhrt_partition_create_by_rects(w.top, r, colors, items, N, LHRT_PART_ALIASED, &halo));
  ERR(LHRT_ERR_INTERFERENCE, launch_rw_ro(w.top, colors, r, equal, halo, &w.f));
  EXPECTF(strstr(lhrt_last_error(), "interfere through requirements 0 and 1") != NULL, "%s", lhrt_last_error());
  OK(lhrt_context_wait_all(w.top));
  OK(lhrt_region_destroy(r));
  OK(lhrt_index_space_destroy(colors));
  OK(lhrt_index_space_destroy(space));
  OK(lhrt_field_space_destroy(w.fs));
  OK(lhrt_runtime_destroy(w.rt));
}

/* Takes up to `want` ready external tasks into got (waiting up to 1 s for the first). */
static uint32_t take(lhrt_runtime_t rt, lhrt_ctx_t *got, uint32_t want) {
  uint32_t have = 0, n = 0;
  while (have < want && !lhrt_runtime_poll_external(rt, have ? 20000000 : 1000000000, got + have,
                                                    want - have > 64 ? 64 : want - have, &n) && n)
    have += n;
  return have;
}

/* Dependences between two index launches over different partitions go point to point however
 * many points there are: a reader of each piece and one point of its neighbour waits only for
 * the two writers it reads from. Past 4M point pairs (2048 x 2048) every reader used to wait
 * for the whole writing launch, so nothing of the second launch could start early. */
TEST(dependences_of_thousands_of_points_stay_point_to_point) {
  enum { N = 3000, PER = 4, T_WRITE = 2, T_READ = 3 };
  struct world w;
  OK(world_new(&w));
  OK(lhrt_runtime_use_external_queue(w.rt));
  OK(lhrt_task_register(w.rt, T_WRITE, "write", LHRT_PROC_JVM, NULL, NULL));
  OK(lhrt_task_register(w.rt, T_READ, "read", LHRT_PROC_JVM, NULL, NULL));
  lhrt_index_space_t space, colors;
  lhrt_region_t r;
  lhrt_partition_t pieces, halo;
  OK(lhrt_index_space_create_rect(w.rt, lhrt_rect1(0, N * PER - 1), &space));
  OK(lhrt_index_space_create_rect(w.rt, lhrt_rect1(0, N - 1), &colors));
  OK(lhrt_region_create(w.rt, space, w.fs, &r));
  OK(lhrt_partition_create_equal(w.top, r, colors, &pieces));
  static lhrt_colored_rect_t items[N];
  for (int c = 0; c < N; c++) items[c] = (lhrt_colored_rect_t){lhrt_point1(c), lhrt_rect1(c * PER - 1, c * PER + PER - 1)};
  OK(lhrt_partition_create_by_rects(w.top, r, colors, items, N, LHRT_PART_ALIASED, &halo));
  lhrt_launch_req_t wr = {.partition = pieces, .parent = r, .privilege = LHRT_READ_WRITE, .coherence = LHRT_EXCLUSIVE,
                          .nfields = 1, .fields = &w.f};
  lhrt_launch_req_t rd = {.partition = halo, .parent = r, .privilege = LHRT_READ_ONLY, .coherence = LHRT_EXCLUSIVE,
                          .nfields = 1, .fields = &w.f};
  lhrt_launch_t lw = {.task_id = T_WRITE, .kind = LHRT_KIND_ANY, .domain = colors, .nreqs = 1, .reqs = &wr};
  lhrt_launch_t lr = {.task_id = T_READ, .kind = LHRT_KIND_ANY, .domain = colors, .nreqs = 1, .reqs = &rd};
  OK(lhrt_index_launch(w.top, &lw, NULL));
  OK(lhrt_index_launch(w.top, &lr, NULL));
  static lhrt_ctx_t writers[N], readers[N];
  EXPECTF(take(w.rt, writers, N) == N, "the writers are all ready");
  /* end the writers of pieces 0 and 1 only: readers 0 and 1 read nothing else */
  int ended = 0;
  for (int k = 0; k < N; k++) {
    lhrt_point_t p;
    OK(lhrt_task_get_point(writers[k], &p));
    if (p.x[0] <= 1) { OK(lhrt_task_complete(writers[k], NULL, 0)); writers[k] = (lhrt_ctx_t){0}; ended++; }
  }
  EXPECT(ended == 2);
  uint32_t early = take(w.rt, readers, 2);
  EXPECTF(early == 2, "%u readers became ready after their writers ended; want 0 and 1", early);
  for (uint32_t k = 0; k < early; k++) {
    lhrt_point_t p;
    OK(lhrt_task_get_point(readers[k], &p));
    EXPECTF(p.x[0] <= 1, "reader %ld ran before the writer of its neighbour ended", (long)p.x[0]);
  }
  for (int k = 0; k < N; k++)
    if (writers[k].impl) OK(lhrt_task_complete(writers[k], NULL, 0));
  EXPECT(take(w.rt, readers + early, N - early) == N - early);
  for (int k = 0; k < N; k++) OK(lhrt_task_complete(readers[k], NULL, 0));
  OK(lhrt_context_wait_all(w.top));
  OK(lhrt_region_destroy(r));
  OK(lhrt_index_space_destroy(colors));
  OK(lhrt_index_space_destroy(space));
  OK(lhrt_field_space_destroy(w.fs));
  OK(lhrt_runtime_destroy(w.rt));
}
