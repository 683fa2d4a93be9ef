/*
 * Errors and per-thread state: every failing call records a one-line message for its thread
 * (lhrt_last_error); object headers (handles are checked in handle.c).
 */
#include "internal.h"

static void thr_dtor(void *p) {
  struct thr *t = p;
  if (t) {
    h_thread_exit(t);
    plat_free(t->callback_err);
  }
  plat_free(p);
}

/* The calling thread's state, or NULL if it has none yet. The TLS key is made first: a
 * thread that read an unmade key (the first launch before any worker started) got key 0's
 * value, which belongs to whoever made it in the host process (ASan, the JVM). */
struct thr *thr_peek(void) {
  static uint32_t inited;
  if (!A_LOAD(&inited)) { plat_tls_init(thr_dtor); A_STORE(&inited, 1); }
  return plat_tls_get();
}

struct thr *thr_get(void) {
  struct thr *t = thr_peek();
  if (!t) {
    t = plat_zalloc(sizeof *t);
    if (!t) return NULL;
    plat_tls_set(t);
  }
  return t;
}

lhrt_status_t lhrt_err(lhrt_status_t code, const char *fmt, ...) {
  struct thr *t = thr_get();
  if (!t) return code;
  va_list ap;
  va_start(ap, fmt);
  u_vfmt(t->err, sizeof t->err, fmt, ap);
  va_end(ap);
  return code;
}

const char *lhrt_last_error(void) {
  struct thr *t = thr_get();
  return t ? t->err : "out of memory";
}

const char *lhrt_status_name(lhrt_status_t s) {
  static const char *names[] = {
    "LHRT_OK", "LHRT_ERR_INVALID_ARG", "LHRT_ERR_INVALID_HANDLE", "LHRT_ERR_UNKNOWN_FIELD",
    "LHRT_ERR_NOT_UNDER_PARENT", "LHRT_ERR_PRIVILEGE", "LHRT_ERR_REDOP", "LHRT_ERR_BOUNDS",
    "LHRT_ERR_TASK_FAILED", "LHRT_ERR_NO_MEMORY", "LHRT_ERR_UNSUPPORTED", "LHRT_ERR_INTERFERENCE",
    "LHRT_ERR_NOT_FOUND", "LHRT_ERR_STATE", "LHRT_ERR_LIMIT", "LHRT_ERR_INTERNAL"};
  if (s < 0 || s >= (int)(sizeof names / sizeof names[0])) return "LHRT_ERR_UNKNOWN";
  return names[s];
}

/* Owned objects are linked into the runtime so that lhrt_runtime_destroy can free them. */
void obj_init(struct lhrt_runtime *rt, struct obj *o, uint32_t kind, bool owned) {
  o->kind = kind;
  o->h = 0;
  o->rt = rt;
  o->prev = o->next = NULL;
  o->owned = 0;
  if (!owned || !rt) return;
  o->owned = 1;
  spin_lock(&rt->objlock);
  o->next = rt->objs.next;
  o->prev = &rt->objs;
  rt->objs.next->prev = o;
  rt->objs.next = o;
  spin_unlock(&rt->objlock);
}

void obj_fini(struct obj *o) {
  obj_unlink(o);
  h_retire(o);
}

void obj_unlink(struct obj *o) {
  if (!o->owned) return;
  o->owned = 0;
  spin_lock(&o->rt->objlock);
  o->prev->next = o->next;
  o->next->prev = o->prev;
  spin_unlock(&o->rt->objlock);
  o->next = o->prev = NULL;
}

/* A callback that fails (a reduction operator that cannot combine, a projection functor with no
 * color) says why here, on the thread that called it; the runtime then fails the operation
 * that called it with the message (the first wins). */
void lhrt_callback_fail(const char *msg) {
  struct thr *t = thr_get();
  if (t && !t->callback_err) t->callback_err = u_strdup(msg ? msg : "callback failed");
}

char *callback_take_error(void) {
  struct thr *t = thr_get();
  char *e = t ? t->callback_err : NULL;
  if (t) t->callback_err = NULL;
  return e;
}
