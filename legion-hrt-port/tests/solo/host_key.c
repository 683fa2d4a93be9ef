#define _GNU_SOURCE
/*
 * A host process that made its own thread-local key before the runtime (the JVM, ASan, any
 * library) and launches at once: the runtime must never read its per-thread state through a
 * key it has not made yet, which would hand it the host's value. Each try is a fresh process
 * (the key is made once per process), pinned to one CPU so the first launch runs before the
 * workers do. Run by `make check`; prints "host_key: ok" or the failure and exits 1.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lhrt.h"

#define TRIES 20

static void nop(lhrt_ctx_t ctx, const void *args, uint64_t len, void *user) {}

static int one_try(void) {
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(0, &one);
  sched_setaffinity(0, sizeof one, &one);
  pthread_key_t host;
  static char host_data[4096];
  memset(host_data, 0x5a, sizeof host_data);   /* not a runtime structure: a read of it crashes */
  if (pthread_key_create(&host, NULL) || pthread_setspecific(host, host_data)) return 2;
  lhrt_config_t cfg;
  lhrt_config_init(&cfg);
  cfg.workers = 2;
  lhrt_runtime_t rt;
  lhrt_ctx_t top;
  if (lhrt_runtime_create(&cfg, &rt) || lhrt_runtime_get_top_context(rt, &top) ||
      lhrt_task_register(rt, 1, "nop", LHRT_PROC_CPU, nop, NULL)) return 3;
  lhrt_launch_t l = {.task_id = 1, .kind = LHRT_KIND_ANY};
  lhrt_future_t f;
  if (lhrt_task_launch(top, &l, &f) || lhrt_future_wait(f)) return 4;
  if (pthread_getspecific(host) != host_data) return 5;   /* the host's value is untouched */
  lhrt_future_destroy(f);
  return lhrt_runtime_destroy(rt) ? 6 : 0;
}

int main(void) {
  for (int i = 0; i < TRIES; i++) {
    fflush(stdout);
    pid_t p = fork();
    if (p == 0) _exit(one_try());
    int st = 0;
    if (p < 0 || waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st)) {
      printf("FAIL host_key: try %d: %s %d (a runtime call read the host's thread-local data?)\n", i,
             WIFSIGNALED(st) ? "killed by signal" : "exit", WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
      return 1;
    }
  }
  printf("host_key: ok (%d fresh processes)\n", TRIES);
  return 0;
}
