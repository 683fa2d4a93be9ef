/*
 * Field spaces: up to 64 fields, each an id and a byte size. A field's slot (0..63) is what the
 * rest of the runtime uses, so field sets are 64-bit masks in the dependence analysis. A slot
 * freed while regions use the space is retired, not reused, until the last of them goes: their
 * instances keep its old size, and work launched before the free still names it.
 */
#include "internal.h"

int fs_index(struct fspace *fs, uint32_t fid) {
  uint64_t live = A_LOAD(&fs->live);
  for (int i = 0; i < LHRT_MAX_FIELDS; i++) {
    if ((live >> i) & 1 && A_RLX(&fs->ids[i]) == fid) return i;
  }
  return -1;
}

int fs_index_in(struct fspace *fs, uint32_t fid, uint64_t slots) {
  for (int i = 0; i < LHRT_MAX_FIELDS; i++)
    if ((slots >> i) & 1 && A_RLX(&fs->ids[i]) == fid) return i;
  return -1;
}

uint32_t fs_size_at(struct fspace *fs, int idx) { return fs->sizes[idx]; }

void fs_unref(struct fspace *fs) {
  if (!fs) return;
  int32_t left = A_SUB(&fs->refs, 1);
  if (left == 1) {                      /* only the owner's reference: no region uses it */
    spin_lock(&fs->lock);
    if (A_LOAD(&fs->refs) == 1) fs->retired = 0;
    spin_unlock(&fs->lock);
  }
  if (left != 0) return;
  obj_fini(&fs->o);
  plat_free(fs);
}

lhrt_status_t lhrt_field_space_create(lhrt_runtime_t h, lhrt_field_space_t *out) {
  CHECK(rt, struct lhrt_runtime, K_RUNTIME, h);
  NEED(out);
  struct fspace *fs = plat_zalloc(sizeof *fs);
  if (!fs) return lhrt_err(LHRT_ERR_NO_MEMORY, "out of memory");
  fs->refs = 1;
  obj_init(rt, &fs->o, K_FSPACE, true);
  lhrt_status_t st = h_out(&out->impl, &fs->o);
  if (st) { obj_fini(&fs->o); plat_free(fs); }
  return st;
}

lhrt_status_t lhrt_field_space_destroy(lhrt_field_space_t h) {
  CHECK(fs, struct fspace, K_FSPACE, h);
  if (!obj_owned(&fs->o))
    return lhrt_err(LHRT_ERR_STATE, "field space handle %p was destroyed already (the regions that use the space "
                    "keep it until they go)", h.impl);
  obj_unlink(&fs->o);
  fs_unref(fs);
  return LHRT_OK;
}

lhrt_status_t lhrt_field_space_allocate_field(lhrt_field_space_t h, uint32_t size, uint32_t requested,
                                              uint32_t *out_id) {
  CHECK(fs, struct fspace, K_FSPACE, h);
  if (size < 1 || size > 4096) return lhrt_err(LHRT_ERR_INVALID_ARG, "field size %u not in 1..4096", size);
  spin_lock(&fs->lock);
  lhrt_status_t st = LHRT_OK;
  int slot = -1;
  int nretired = 0;
  for (int i = 0; i < LHRT_MAX_FIELDS; i++) {
    if ((fs->retired >> i) & 1) nretired++;
    else if (slot < 0 && !((fs->live >> i) & 1)) slot = i;
  }
  if (slot < 0) {
    st = fs->retired ? lhrt_err(LHRT_ERR_LIMIT, "field space already has %d fields, of which %d were freed "
                                "while regions still use the space (their slots return when those regions are destroyed)",
                                LHRT_MAX_FIELDS, nretired)
                     : lhrt_err(LHRT_ERR_LIMIT, "field space already has %d fields", LHRT_MAX_FIELDS);
  } else if (requested != LHRT_FIELD_AUTO && fs_index(fs, requested) >= 0) {
    st = lhrt_err(LHRT_ERR_INVALID_ARG, "field id %u already allocated", requested);
  } else {
    uint32_t id = requested;
    if (id == LHRT_FIELD_AUTO) {
      do id = fs->next_auto++; while (fs_index(fs, id) >= 0);
    }
    fs->ids[slot] = id;
    fs->sizes[slot] = size;
    A_OR(&fs->live, 1ull << slot);
    if (out_id) *out_id = id;
  }
  spin_unlock(&fs->lock);
  return st;
}

lhrt_status_t lhrt_field_space_free_field(lhrt_field_space_t h, uint32_t fid) {
  CHECK(fs, struct fspace, K_FSPACE, h);
  spin_lock(&fs->lock);
  int i = fs_index(fs, fid);
  if (i >= 0) {
    if (A_LOAD(&fs->refs) > 1) fs->retired |= 1ull << i;   /* a region (or its instances) uses it */
    __atomic_fetch_and(&fs->live, ~(1ull << i), __ATOMIC_ACQ_REL);
  }
  spin_unlock(&fs->lock);
  if (i < 0) return lhrt_err(LHRT_ERR_UNKNOWN_FIELD, "field %u not allocated", fid);
  return LHRT_OK;
}

lhrt_status_t lhrt_field_space_get_field_size(lhrt_field_space_t h, uint32_t fid, uint32_t *out) {
  CHECK(fs, struct fspace, K_FSPACE, h);
  NEED(out);
  int i = fs_index(fs, fid);
  if (i < 0) return lhrt_err(LHRT_ERR_UNKNOWN_FIELD, "field %u not allocated", fid);
  *out = fs->sizes[i];
  return LHRT_OK;
}

lhrt_status_t lhrt_field_space_get_field_count(lhrt_field_space_t h, uint32_t *out) {
  CHECK(fs, struct fspace, K_FSPACE, h);
  NEED(out);
  uint64_t live = A_LOAD(&fs->live);
  uint32_t n = 0;
  for (; live; live &= live - 1) n++;
  *out = n;
  return LHRT_OK;
}

lhrt_status_t lhrt_field_space_get_field_id(lhrt_field_space_t h, uint32_t i, uint32_t *out) {
  CHECK(fs, struct fspace, K_FSPACE, h);
  NEED(out);
  uint64_t live = A_LOAD(&fs->live);
  for (int s = 0; s < LHRT_MAX_FIELDS; s++) {
    if (!((live >> s) & 1)) continue;
    if (i-- == 0) { *out = fs->ids[s]; return LHRT_OK; }
  }
  return lhrt_err(LHRT_ERR_BOUNDS, "field index out of range");
}
