/*
 * Core boot: per-CPU set-up, memory, the arch's devices, every CPU started, then a main
 * thread that runs the self-tests or the benchmarks the command line asks for and exits.
 */
#include <nk/cpu.h>
#include <nk/thread.h>
#include <nk/mem.h>
#include <nk/stacks.h>
#include <nk/printk.h>
#include <nk/string.h>
#include <nk/cmdline.h>
#include <nk/test.h>
#include <nk/bench.h>
#include <nk/atomic.h>
#include <nk/app.h>

#define AP_START_TIMEOUT_MS 2000

struct nk_boot *nk_boot_params;
struct nk_cpu *nk_cpus[NK_MAX_CPUS];
volatile int nk_ncpus;

int nk_cpu_count(void)
{
    return nk_ncpus;
}

/* CPU id's area and scheduler state; any CPU may do it (see arch_cpu_setup_remote). */
static struct nk_cpu *cpu_init(int id)
{
    struct nk_cpu *c = arch_cpu_area(id);
    memset(c, 0, sizeof *c);
    c->self = c;
    c->id = id;
    c->apic_id = nk_boot_params->apic_ids[id];
    nk_sched_init_cpu(c, id);
    nk_cpus[id] = c;
    return c;
}

NK_CMDLINE_KEY(app, "run the linked application (nk_app_main) instead of the tests");

/* `app` runs the linked application, `bench` the benchmarks, anything else the tests. */
static int run_main(const char *cmd)
{
    char v[8];
    if (cmdline_get(cmd, "app", v, sizeof v)) {
        if (nk_app_main)
            return nk_app_main(cmd);
        printk("nautilus: 'app' on the command line but no nk_app_main is linked into this image\n");
        return 3;
    }
    return cmdline_get(cmd, "bench", v, sizeof v) ? nk_bench_run(cmd) : nk_test_run(cmd);
}

static void *main_thread(void *arg)
{
    char bad[64];
    if (cmdline_unknown_key(nk_boot_params->cmdline, bad, sizeof bad)) {
        printk("nautilus: unknown command-line key '%s' (a typo would silently keep a default): "
               "fix or drop it\n", bad);
        cmdline_list_keys();
        arch_exit(3);
    }
    arch_exit(run_main(nk_boot_params->cmdline));
}

/* Brings CPUs 1.. online. Where the arch allows it, CPU 0 sets each one up and counts it
 * online at once: threads given to it wait in its run queue until its first instruction. */
static int start_cpus(struct nk_boot *b)
{
    int remote = arch_cpu_setup_remote();
    for (int i = 1; i < b->ncpus; i++) {
        if (remote) {
            cpu_init(i)->online = 1;
            nk_store(&nk_ncpus, i + 1);       /* before the release: it may run at once */
            arch_cpu_start(b, i, 0);
            continue;
        }
        char *stack = mem_alloc_pages(2, -1);
        if (!stack || arch_cpu_start(b, i, (uint64_t)stack + 4 * NK_PAGE_SIZE) < 0) {
            printk("nautilus: CPU %d (APIC %u) did not start\n", i, b->apic_ids[i]);
            return -1;
        }
        uint64_t end = arch_cycles() + nk_ns_to_cycles(AP_START_TIMEOUT_MS * 1000000ull);
        while (nk_load(&nk_ncpus) <= i)
            if (arch_cycles() > end) {
                printk("nautilus: CPU %d started but never came online\n", i);
                return -1;
            }
    }
    return 0;
}

/* Microseconds between two cycle counts, for the boot report. */
static uint64_t boot_us(uint64_t from, uint64_t to)
{
    return (to - from) / (arch_tsc_hz() / 1000000 ? arch_tsc_hz() / 1000000 : 1);
}

void nk_main(struct nk_boot *b)
{
    uint64_t t_entry = arch_cycles();
    nk_boot_params = b;
    console_set_log_ring(b->log_ring);
    /* At most 400 bytes of it: printk's 512-byte line would drop the newline of a longer one. */
    printk("nautilus: profile %s, loader %s, cmdline '%.400s%s'\n", arch_name(), b->loader,
           b->cmdline, strlen(b->cmdline) > 400 ? "..." : "");
    struct nk_cpu *c = cpu_init(0);
    arch_cpu_activate(c);
    if (b->cmdline_cut) {
        printk("nautilus: command line longer than %d bytes: shorten it\n", NK_CMDLINE_MAX - 1);
        arch_exit(3);
    }
    if (mem_init(b) < 0)
        arch_exit(3);
    nk_stacks_init(b);
    uint64_t t_mem = arch_cycles();
    if (arch_init(b) < 0)
        arch_exit(3);
    if (b->ncpus_found > NK_MAX_CPUS) {
        printk("nautilus: %d CPUs found, at most %d supported; run with fewer CPUs "
               "(QEMU -smp %d)\n", b->ncpus_found, NK_MAX_CPUS, NK_MAX_CPUS);
        arch_exit(3);
    }
    c->online = 1;
    nk_ncpus = 1;
    nk_thread_cache_prefill();
    uint64_t t_cpu0 = arch_cycles();
    if (start_cpus(b) < 0)
        arch_exit(3);
    uint64_t t_all = arch_cycles();
    printk("nautilus: %d CPUs online, tsc %lu Hz, %lu MiB free (entry to ready %lu us: memory %lu, "
           "CPU 0 %lu, other CPUs %lu)\n", nk_ncpus, arch_tsc_hz(), mem_free_bytes() >> 20,
           boot_us(t_entry, t_all), boot_us(t_entry, t_mem), boot_us(t_mem, t_cpu0), boot_us(t_cpu0, t_all));
    if (b->hrt)
        nk_store(&b->hrt->ready, (uint64_t)nk_ncpus);
    if (!nk_thread_create(main_thread, NULL, 0, NK_THREAD_DETACHED))
        panic("nk_main: cannot create the main thread");
    nk_sched_idle_loop();
}

void nk_ap_main(int cpu)
{
    if (arch_cpu_setup_remote()) {        /* CPU 0 set it up and counted it */
        arch_cpu_activate(nk_cpus[cpu]);
        nk_sched_idle_loop();
    }
    struct nk_cpu *c = cpu_init(cpu);
    arch_cpu_activate(c);
    c->online = 1;                        /* its descriptor cache fills in its idle loop */
    nk_fetch_add(&nk_ncpus, 1);
    nk_sched_idle_loop();
}
