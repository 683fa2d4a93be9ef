/*
 * The application hook: a program linked into the kernel image with nautilus-core.a (the
 * HRT runtime, for instance) defines nk_app_main; the command-line word `app` runs it in
 * the main thread on CPU 0 once every CPU is online. Its return value is the exit code
 * (0 ok, 1 failed, 2 panic, 3 bad input) passed to arch_exit.
 */
#ifndef NK_APP_H
#define NK_APP_H

int nk_app_main(const char *cmdline) __attribute__((weak));

#endif /* NK_APP_H */
