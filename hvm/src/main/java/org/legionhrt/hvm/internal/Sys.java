/*
 * The few Linux system calls the VMM needs (open, close, ioctl, mmap, munmap, eventfd,
 * strerror), bound once through Panama FFM. Every call captures errno in the same native
 * call, so a failure is reported with the kernel's reason and never races another call.
 * Nothing here knows about KVM; callers pass request numbers and structures.
 */
package org.legionhrt.hvm.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** Thin, errno-checked wrappers over libc system calls; all methods are thread safe. */
public final class Sys {
    public static final int O_RDWR = 0x2;
    public static final int O_CLOEXEC = 0x80000;
    public static final int PROT_READ = 0x1;
    public static final int PROT_WRITE = 0x2;
    public static final int MAP_SHARED = 0x01;
    public static final int MAP_PRIVATE = 0x02;
    public static final int MAP_FIXED = 0x10;
    public static final int MAP_ANONYMOUS = 0x20;
    public static final int MAP_NORESERVE = 0x4000;
    public static final int MAP_FIXED_NOREPLACE = 0x100000;
    public static final int EFD_CLOEXEC = 0x80000;
    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
    public static final int ENOENT = 2;
    public static final int EACCES = 13;
    public static final int EPERM = 1;
    public static final long MAP_FAILED = -1L;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");

    private static final MethodHandle OPEN = bind("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), CAPTURE);
    private static final MethodHandle CLOSE = bind("close",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT), CAPTURE);
    private static final MethodHandle IOCTL_LONG = bind("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), Linker.Option.firstVariadicArg(2), CAPTURE);
    private static final MethodHandle IOCTL_PTR = bind("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(2), CAPTURE);
    private static final MethodHandle MMAP = bind("mmap",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), CAPTURE);
    private static final MethodHandle MUNMAP = bind("munmap",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG), CAPTURE);
    private static final MethodHandle MADVISE = bind("madvise",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT), CAPTURE);
    private static final MethodHandle GETTID = bind("gettid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle SETPRIORITY = bind("setpriority",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE);
    private static final MethodHandle EVENTFD = bind("eventfd",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE);
    private static final MethodHandle PTHREAD_SELF = bind("pthread_self",
            FunctionDescriptor.of(JAVA_LONG));
    private static final MethodHandle PTHREAD_KILL = bind("pthread_kill",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT));
    private static final MethodHandle STRERROR = bind("strerror",
            FunctionDescriptor.of(ADDRESS, JAVA_INT));

    /** Per-thread errno capture buffer: KVM_RUN is called millions of times, never allocate there. */
    private static final ThreadLocal<MemorySegment> STATE =
            ThreadLocal.withInitial(() -> Arena.global().allocate(CALL_STATE));

    private Sys() {
    }

    @SuppressWarnings("restricted")
    private static MethodHandle bind(String name, FunctionDescriptor fd, Linker.Option... options) {
        MemorySegment symbol = LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        // SAFETY: each descriptor matches the glibc prototype on x86_64 (int/long/pointer widths);
        // variadic ioctl/open are declared with firstVariadicArg so arguments go in the right registers.
        return LINKER.downcallHandle(symbol, fd, options);
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** {@return the C library's text for an errno value} */
    @SuppressWarnings("restricted")
    public static String strerror(int errno) {
        try {
            MemorySegment p = (MemorySegment) STRERROR.invokeExact(errno);
            // SAFETY: strerror returns a pointer to a static NUL-terminated string; we copy it at once.
            return p.reinterpret(4096).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    /** Opens {@code path} read-write, close-on-exec; {@return the fd}. */
    public static int open(String path, int flags) throws SysException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = STATE.get();
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path), flags);
            if (fd < 0) {
                throw new SysException("open " + path, errno(state));
            }
            return fd;
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Closes {@code fd}; errors other than EINTR are reported. */
    public static void close(int fd) throws SysException {
        try {
            MemorySegment state = STATE.get();
            int rc = (int) CLOSE.invokeExact(state, fd);
            if (rc < 0 && errno(state) != EINTR) {
                throw new SysException("close " + fd, errno(state));
            }
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** ioctl with an integer argument; {@return the non-negative result}. */
    public static int ioctl(int fd, long request, long arg) throws SysException {
        int rc = ioctlRaw(fd, request, arg);
        if (rc < 0) {
            throw new SysException(String.format("ioctl 0x%x", request), -rc);
        }
        return rc;
    }

    /** ioctl with an integer argument; {@return the result, or -errno on failure} (no exception). */
    public static int ioctlRaw(int fd, long request, long arg) {
        try {
            MemorySegment state = STATE.get();
            int rc = (int) IOCTL_LONG.invokeExact(state, fd, request, arg);
            return rc < 0 ? -errno(state) : rc;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** ioctl with a pointer argument; {@return the non-negative result}. */
    public static int ioctl(int fd, long request, MemorySegment arg) throws SysException {
        int rc = ioctlRaw(fd, request, arg);
        if (rc < 0) {
            throw new SysException(String.format("ioctl 0x%x", request), -rc);
        }
        return rc;
    }

    /** ioctl with a pointer argument; {@return the result, or -errno on failure}. */
    public static int ioctlRaw(int fd, long request, MemorySegment arg) {
        try {
            MemorySegment state = STATE.get();
            int rc = (int) IOCTL_PTR.invokeExact(state, fd, request, arg);
            return rc < 0 ? -errno(state) : rc;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** mmap; {@return the mapping's address}. */
    public static long mmap(long addr, long len, int prot, int flags, int fd, long off) throws SysException {
        try {
            MemorySegment state = STATE.get();
            long p = (long) MMAP.invokeExact(state, addr, len, prot, flags, fd, off);
            if (p == MAP_FAILED) {
                throw new SysException("mmap " + len + " bytes", errno(state));
            }
            return p;
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** munmap. */
    public static void munmap(long addr, long len) throws SysException {
        try {
            MemorySegment state = STATE.get();
            int rc = (int) MUNMAP.invokeExact(state, addr, len);
            if (rc < 0) {
                throw new SysException("munmap", errno(state));
            }
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** madvise: drop the pages; a private anonymous range reads back as zero. */
    public static final int MADV_DONTNEED = 4;
    /** madvise: transparent huge pages. */
    public static final int MADV_HUGEPAGE = 14;
    /** madvise: fault the range in now, writable (Linux 5.14). */
    public static final int MADV_POPULATE_WRITE = 23;

    /** madvise(addr, len, advice); {@return 0 or the errno value} (advice is best effort). */
    public static int madvise(long addr, long len, int advice) {
        try {
            MemorySegment state = STATE.get();
            int rc = (int) MADVISE.invokeExact(state, addr, len, advice);
            return rc < 0 ? errno(state) : 0;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Sets the calling thread's nice value (Linux: per thread); {@return 0 or the errno value}.
     * Lowering it below 0 needs CAP_SYS_NICE.
     */
    public static int setThreadNice(int nice) {
        try {
            int tid = (int) GETTID.invokeExact();
            MemorySegment state = STATE.get();
            int rc = (int) SETPRIORITY.invokeExact(state, 0, tid, nice);
            return rc < 0 ? errno(state) : 0;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** eventfd(initval, flags); {@return the fd}. */
    public static int eventfd(int initval, int flags) throws SysException {
        try {
            MemorySegment state = STATE.get();
            int fd = (int) EVENTFD.invokeExact(state, initval, flags);
            if (fd < 0) {
                throw new SysException("eventfd", errno(state));
            }
            return fd;
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** SIGPIPE: HotSpot installs a handler that ignores it, so it only interrupts a blocking call. */
    public static final int SIGPIPE = 13;

    /** {@return the calling thread's pthread_t} */
    public static long pthreadSelf() {
        try {
            return (long) PTHREAD_SELF.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Sends {@code sig} to a thread of this process; {@return 0 or an errno value}. Used with
     * SIGPIPE to make a vCPU thread's KVM_RUN return EINTR: HotSpot's own SIGPIPE handler
     * ignores the signal, so nothing else happens.
     */
    public static int pthreadKill(long thread, int sig) {
        try {
            return (int) PTHREAD_KILL.invokeExact(thread, sig);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * {@return a segment of {@code len} bytes at a raw address, valid while {@code arena} is
     * open}: used only for memory this process mapped itself (guest RAM, merged region,
     * kvm_run). The owner closes the arena before it unmaps, so a late access by any thread
     * fails with IllegalStateException instead of touching unmapped memory.
     */
    @SuppressWarnings("restricted")
    public static MemorySegment segment(long addr, long len, Arena arena) {
        // SAFETY: callers pass addresses returned by our own mmap, with the mapped length, and
        // an arena they close (a shared arena: closing waits out concurrent accesses) before munmap.
        return MemorySegment.ofAddress(addr).reinterpret(len, arena, null);
    }
}
