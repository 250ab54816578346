/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rtcheck: an LD_PRELOAD interposer that proves a JACK process callback never allocates, locks,
 * sleeps, logs or does I/O.
 *
 *   LD_PRELOAD=librtcheck.so RTCHECK_OUT=/tmp/rt.txt mixd ...
 *
 * jack_set_process_callback is wrapped so JACK calls our trampoline, which raises a thread-local
 * flag around the real callback. Every wrapped libc function checks that flag and, when it is
 * up, counts the call in its category and remembers the first few distinct function names. The
 * counts go to RTCHECK_OUT (rewritten atomically every 100 ms and at exit, so a killed daemon
 * still leaves a report at most 100 ms old), or to stderr at exit when RTCHECK_OUT is unset. Only a
 * process that registered a process callback reports: children that inherit LD_PRELOAD (an
 * auto-started jackd, a shell) leave the file alone.
 *
 * Report, one "key value" per line:
 *   callbacks N / alloc N / lock N / io N / sleep N / log N / unwrapped N / selftest N /
 *   violation NAME...
 * "unwrapped" counts process callbacks we could not wrap (slot table full): they run unchecked.
 *
 * The positive control (RTCHECK_SELFTEST=1): before the first real callback runs, the
 * trampoline makes one call of every kind it must catch, through the same global symbol lookup
 * the application's calls take, and checks each was counted in its category; then it takes
 * those counts back out. "selftest 1" says every one was seen; "selftest -1" and a
 * "selftest_missed NAME" line say which was not. A checker that trusts only a report with
 * "selftest 1" cannot pass an interposer that has stopped counting.
 *
 * Calls made by libc on behalf of a counted call (fopen -> malloc, printf -> write) are not
 * counted again: the flag is lowered while the real function runs. So each number is the count
 * of forbidden calls the callback code itself made.
 */
#undef _FORTIFY_SOURCE /* the inline fortify wrappers in the headers would clash with ours */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* The interposer defines both fopen and fopen64 (and open/open64): with meson's
 * -D_FILE_OFFSET_BITS=64 the headers would rename the first of each pair onto the second. */
#undef _FILE_OFFSET_BITS
#include <features.h>
/* No extern-inline bodies of putchar, vprintf and friends from the -O2 headers: we define those
 * names ourselves, and an earlier inline definition would make ours inline too. */
#undef __USE_EXTERN_INLINES

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/futex.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <jack/jack.h>

#define RTCHECK_SLOTS      16 /* process callbacks we can wrap per process */
#define RTCHECK_NAMES      16 /* distinct offending functions named in the report */
#define RTCHECK_PERIOD_NS  100000000L
#define RTCHECK_REPORT_MAX 2048

enum rt_cat { RT_ALLOC, RT_LOCK, RT_IO, RT_SLEEP, RT_LOG, RT_NCAT };

static const char *const rt_cat_name[RT_NCAT] = { "alloc", "lock", "io", "sleep", "log" };

/* glibc's allocator entry points: calling them directly, not via dlsym, means no wrapper has to
 * exist before dlsym (which itself calls calloc) is usable. */
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void __libc_free(void *p);
extern void *__libc_memalign(size_t align, size_t size);
extern void *__libc_valloc(size_t size);
extern void *__libc_pvalloc(size_t size);

/* The fortified (_FORTIFY_SOURCE) entry points a hardened build calls instead of the plain ones;
 * glibc exports them but declares none of them. */
int __printf_chk(int flag, const char *fmt, ...);
int __fprintf_chk(FILE *fp, int flag, const char *fmt, ...);
int __vprintf_chk(int flag, const char *fmt, va_list ap);
int __vfprintf_chk(FILE *fp, int flag, const char *fmt, va_list ap);
void __syslog_chk(int pri, int flag, const char *fmt, ...);
void __vsyslog_chk(int pri, int flag, const char *fmt, va_list ap);
ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen);
ssize_t __recv_chk(int fd, void *buf, size_t n, size_t buflen, int flags);
ssize_t __recvfrom_chk(int fd, void *buf, size_t n, size_t buflen, int flags, struct sockaddr *addr,
                       socklen_t *addrlen);
int __poll_chk(struct pollfd *fds, nfds_t nfds, int timeout, size_t fdslen);
int __open_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);

/* Raised only on the JACK thread, only while the user's callback runs. initial-exec: no
 * __tls_get_addr (which may allocate) on the malloc path, and fine for a preloaded library. */
static __thread int t_in_cb __attribute__((tls_model("initial-exec")));

/* Relaxed counters: they are statistics, read by the reporter; nothing is published through
 * them. */
static atomic_ulong g_count[RT_NCAT];
static atomic_ulong g_callbacks;
static atomic_ulong g_unwrapped;
static _Atomic(const char *) g_names[RTCHECK_NAMES];
/* The positive control: 0 not run (or not asked for), 1 every probe counted, -1 one was not
 * (named in g_selftest_missed, written before the release store of -1). */
static atomic_int g_selftest;
static const char *g_selftest_missed = "";

/* --- the check ------------------------------------------------------------------------- */

/* Remember name among the first RTCHECK_NAMES distinct offenders, in order of first offence.
 * Lock-free and bounded: the CAS claims an empty slot, so racing threads never add a name twice. */
static void
rt_note_name(const char *name)
{
	for (int i = 0; i < RTCHECK_NAMES; i++) {
		const char *seen = NULL;

		/* Release: pairs with the reporter's acquire before it reads the string. */
		if (atomic_compare_exchange_strong_explicit(
		        &g_names[i], &seen, name, memory_order_release, memory_order_relaxed))
			return;
		if (seen == name)
			return;
	}
}

/* Called first by every wrapper. Returns true (and counts) if the caller is the process
 * callback; the flag then stays down until rt_leave so libc's own nested calls are not
 * counted twice. Allocation-free and lock-free: it runs inside malloc. */
static inline bool
rt_enter(enum rt_cat cat, const char *name)
{
	if (__builtin_expect(!t_in_cb, 1))
		return false;
	t_in_cb = 0;
	atomic_fetch_add_explicit(&g_count[cat], 1, memory_order_relaxed);
	rt_note_name(name);
	return true;
}

static inline void
rt_leave(bool counted)
{
	if (counted)
		t_in_cb = 1;
}

/* --- the real functions, resolved lazily with dlsym(RTLD_NEXT) ---------------------------- */

/* name, symbol version to prefer (NULL: the default one). glibc keeps an old pthread_cond_*
 * ABI next to the current one, and an application linked today calls the GLIBC_2.3.2 one. */
#define RT_SYMS(X)                               \
	X(pthread_mutex_lock, NULL)              \
	X(pthread_mutex_trylock, NULL)           \
	X(pthread_rwlock_rdlock, NULL)           \
	X(pthread_rwlock_wrlock, NULL)           \
	X(pthread_cond_wait, "GLIBC_2.3.2")      \
	X(pthread_cond_timedwait, "GLIBC_2.3.2") \
	X(pthread_cond_signal, "GLIBC_2.3.2")    \
	X(pthread_cond_broadcast, "GLIBC_2.3.2") \
	X(sem_wait, NULL)                        \
	X(sem_post, NULL)                        \
	X(sched_yield, NULL)                     \
	X(syscall, NULL)                         \
	X(mmap, NULL)                            \
	X(mmap64, NULL)                          \
	X(munmap, NULL)                          \
	X(mremap, NULL)                          \
	X(writev, NULL)                          \
	X(readv, NULL)                           \
	X(sendmmsg, NULL)                        \
	X(recvmsg, NULL)                         \
	X(recvmmsg, NULL)                        \
	X(sem_timedwait, NULL)                   \
	X(nanosleep, NULL)                       \
	X(clock_nanosleep, NULL)                 \
	X(usleep, NULL)                          \
	X(sleep, NULL)                           \
	X(write, NULL)                           \
	X(read, NULL)                            \
	X(__read_chk, NULL)                      \
	X(open, NULL)                            \
	X(open64, NULL)                          \
	X(__open_2, NULL)                        \
	X(openat, NULL)                          \
	X(openat64, NULL)                        \
	X(__openat_2, NULL)                      \
	X(close, NULL)                           \
	X(fopen, NULL)                           \
	X(fopen64, NULL)                         \
	X(sendto, NULL)                          \
	X(send, NULL)                            \
	X(sendmsg, NULL)                         \
	X(recvfrom, NULL)                        \
	X(__recvfrom_chk, NULL)                  \
	X(recv, NULL)                            \
	X(__recv_chk, NULL)                      \
	X(poll, NULL)                            \
	X(__poll_chk, NULL)                      \
	X(select, NULL)                          \
	X(epoll_wait, NULL)                      \
	X(vsyslog, NULL)                         \
	X(__vsyslog_chk, NULL)                   \
	X(vprintf, NULL)                         \
	X(__vprintf_chk, NULL)                   \
	X(vfprintf, NULL)                        \
	X(__vfprintf_chk, NULL)                  \
	X(puts, NULL)                            \
	X(fputs, NULL)                           \
	X(fwrite, NULL)                          \
	X(putchar, NULL)                         \
	X(fputc, NULL)                           \
	X(putc, NULL)                            \
	X(jack_set_process_callback, NULL)

#define RT_SYM_ENUM(name, ver) RS_##name,
#define RT_SYM_TAB(name, ver)  { #name, ver },
enum { RT_SYMS(RT_SYM_ENUM) RS_N };

static const struct {
	const char *name;
	const char *version;
} rt_sym_tab[RS_N] = { RT_SYMS(RT_SYM_TAB) };

typedef void (*rt_fn)(void);

/* Relaxed: every thread that races to fill a slot stores the same value, and the code it points
 * to was mapped before anyone could call us, so no other data rides on it. */
static _Atomic(rt_fn) rt_sym_cache[RS_N];

/* Look a symbol up once; NULL if the next object in the search order does not define it. */
static rt_fn
rt_resolve(int i)
{
	rt_fn fn = atomic_load_explicit(&rt_sym_cache[i], memory_order_relaxed);
	void *p = NULL;

	if (__builtin_expect(fn != NULL, 1))
		return fn;
	if (rt_sym_tab[i].version)
		p = dlvsym(RTLD_NEXT, rt_sym_tab[i].name, rt_sym_tab[i].version);
	if (!p)
		p = dlsym(RTLD_NEXT, rt_sym_tab[i].name);
	if (!p)
		return NULL;
	/* POSIX guarantees dlsym's void * converts to a function pointer; memcpy says so without
	 * the object-to-function cast that -pedantic rejects. */
	memcpy(&fn, &p, sizeof(fn));
	atomic_store_explicit(&rt_sym_cache[i], fn, memory_order_relaxed);
	return fn;
}

/* A wrapped function with nothing behind it cannot be honoured: say so without stdio (we may be
 * inside a stdio wrapper) and stop. */
static rt_fn
rt_real(int i)
{
	static const char msg[] = "rtcheck: cannot resolve a wrapped function\n";
	rt_fn fn = rt_resolve(i);

	if (__builtin_expect(fn == NULL, 0)) {
		(void)!syscall(SYS_write, 2, msg, sizeof(msg) - 1);
		abort();
	}
	return fn;
}

#define REAL(name) ((__typeof__(&name))rt_real(RS_##name))

/* --- allocation: straight to glibc's allocator, never through dlsym ---------------------- */

void *
malloc(size_t size)
{
	bool c = rt_enter(RT_ALLOC, "malloc");
	void *p = __libc_malloc(size);

	rt_leave(c);
	return p;
}

void *
calloc(size_t n, size_t size)
{
	bool c = rt_enter(RT_ALLOC, "calloc");
	void *p = __libc_calloc(n, size);

	rt_leave(c);
	return p;
}

void *
realloc(void *ptr, size_t size)
{
	bool c = rt_enter(RT_ALLOC, "realloc");
	void *p = __libc_realloc(ptr, size);

	rt_leave(c);
	return p;
}

/* glibc's reallocarray calls its internal realloc, which would bypass us. */
void *
reallocarray(void *ptr, size_t n, size_t size)
{
	bool c = rt_enter(RT_ALLOC, "reallocarray");
	void *p = NULL;

	if (size && n > SIZE_MAX / size)
		errno = ENOMEM;
	else
		p = __libc_realloc(ptr, n * size);
	rt_leave(c);
	return p;
}

/* free(NULL) does nothing, so it is not a violation. */
void
free(void *ptr)
{
	bool c = ptr ? rt_enter(RT_ALLOC, "free") : false;

	__libc_free(ptr);
	rt_leave(c);
}

static bool
rt_pow2(size_t x)
{
	return x && !(x & (x - 1));
}

int
posix_memalign(void **memptr, size_t align, size_t size)
{
	bool c = rt_enter(RT_ALLOC, "posix_memalign");
	int ret = 0;

	/* The checks glibc's posix_memalign makes, which __libc_memalign does not. */
	if (!rt_pow2(align) || align % sizeof(void *)) {
		ret = EINVAL;
	} else {
		void *p = __libc_memalign(align, size);

		if (p)
			*memptr = p;
		else
			ret = ENOMEM;
	}
	rt_leave(c);
	return ret;
}

void *
aligned_alloc(size_t align, size_t size)
{
	bool c = rt_enter(RT_ALLOC, "aligned_alloc");
	void *p = NULL;

	/* glibc >= 2.36 rejects alignments that are not powers of two; so do we. */
	if (rt_pow2(align))
		p = __libc_memalign(align, size);
	else
		errno = EINVAL;
	rt_leave(c);
	return p;
}

void *
memalign(size_t align, size_t size)
{
	bool c = rt_enter(RT_ALLOC, "memalign");
	void *p = __libc_memalign(align, size);

	rt_leave(c);
	return p;
}

void *
valloc(size_t size)
{
	bool c = rt_enter(RT_ALLOC, "valloc");
	void *p = __libc_valloc(size);

	rt_leave(c);
	return p;
}

void *
pvalloc(size_t size)
{
	bool c = rt_enter(RT_ALLOC, "pvalloc");
	void *p = __libc_pvalloc(size);

	rt_leave(c);
	return p;
}

/* --- everything else: count, then forward to the next definition ------------------------ */

/* A fixed-argument wrapper: count in category cat, call the real name, return its result. */
#define RT_WRAP(cat, type, name, params, args) \
	type name params                       \
	{                                      \
		bool c = rt_enter(cat, #name); \
		type ret = REAL(name) args;    \
                                               \
		rt_leave(c);                   \
		return ret;                    \
	}

/* Hand-formatted: clang-format would space the pointer stars in these macro arguments. */
/* clang-format off */
RT_WRAP(RT_LOCK, int, pthread_mutex_lock, (pthread_mutex_t *m), (m))
RT_WRAP(RT_LOCK, int, pthread_mutex_trylock, (pthread_mutex_t *m), (m))
RT_WRAP(RT_LOCK, int, pthread_rwlock_rdlock, (pthread_rwlock_t *l), (l))
RT_WRAP(RT_LOCK, int, pthread_rwlock_wrlock, (pthread_rwlock_t *l), (l))
RT_WRAP(RT_LOCK, int, pthread_cond_wait, (pthread_cond_t *cv, pthread_mutex_t *m), (cv, m))
RT_WRAP(RT_LOCK, int, pthread_cond_timedwait,
	(pthread_cond_t *cv, pthread_mutex_t *m, const struct timespec *t), (cv, m, t))
RT_WRAP(RT_LOCK, int, pthread_cond_signal, (pthread_cond_t *cv), (cv))
RT_WRAP(RT_LOCK, int, pthread_cond_broadcast, (pthread_cond_t *cv), (cv))
RT_WRAP(RT_LOCK, int, sem_wait, (sem_t *s), (s))
RT_WRAP(RT_LOCK, int, sem_post, (sem_t *s), (s))
RT_WRAP(RT_LOCK, int, sem_timedwait, (sem_t *s, const struct timespec *t), (s, t))

RT_WRAP(RT_SLEEP, int, nanosleep, (const struct timespec *req, struct timespec *rem), (req, rem))
RT_WRAP(RT_SLEEP, int, clock_nanosleep,
	(clockid_t id, int flags, const struct timespec *req, struct timespec *rem),
	(id, flags, req, rem))
RT_WRAP(RT_SLEEP, int, usleep, (useconds_t us), (us))
RT_WRAP(RT_SLEEP, unsigned int, sleep, (unsigned int s), (s))
RT_WRAP(RT_SLEEP, int, sched_yield, (void), ())

RT_WRAP(RT_ALLOC, void *, mmap, (void *a, size_t n, int prot, int fl, int fd, off_t off),
	(a, n, prot, fl, fd, off))
RT_WRAP(RT_ALLOC, void *, mmap64, (void *a, size_t n, int prot, int fl, int fd, off64_t off),
	(a, n, prot, fl, fd, off))
RT_WRAP(RT_ALLOC, int, munmap, (void *a, size_t n), (a, n))

RT_WRAP(RT_IO, ssize_t, write, (int fd, const void *buf, size_t n), (fd, buf, n))
RT_WRAP(RT_IO, ssize_t, read, (int fd, void *buf, size_t n), (fd, buf, n))
RT_WRAP(RT_IO, ssize_t, __read_chk, (int fd, void *buf, size_t n, size_t buflen),
	(fd, buf, n, buflen))
RT_WRAP(RT_IO, int, __open_2, (const char *path, int flags), (path, flags))
RT_WRAP(RT_IO, int, __openat_2, (int dirfd, const char *path, int flags), (dirfd, path, flags))
RT_WRAP(RT_IO, int, close, (int fd), (fd))
RT_WRAP(RT_IO, FILE *, fopen, (const char *path, const char *mode), (path, mode))
RT_WRAP(RT_IO, FILE *, fopen64, (const char *path, const char *mode), (path, mode))
RT_WRAP(RT_IO, ssize_t, sendto,
	(int fd, const void *buf, size_t n, int flags, __CONST_SOCKADDR_ARG addr, socklen_t len),
	(fd, buf, n, flags, addr, len))
RT_WRAP(RT_IO, ssize_t, send, (int fd, const void *buf, size_t n, int flags),
	(fd, buf, n, flags))
RT_WRAP(RT_IO, ssize_t, sendmsg, (int fd, const struct msghdr *msg, int flags), (fd, msg, flags))
RT_WRAP(RT_IO, int, sendmmsg, (int fd, struct mmsghdr *v, unsigned int n, int flags),
	(fd, v, n, flags))
RT_WRAP(RT_IO, ssize_t, recvmsg, (int fd, struct msghdr *msg, int flags), (fd, msg, flags))
RT_WRAP(RT_IO, int, recvmmsg,
	(int fd, struct mmsghdr *v, unsigned int n, int flags, struct timespec *t),
	(fd, v, n, flags, t))
RT_WRAP(RT_IO, ssize_t, writev, (int fd, const struct iovec *v, int n), (fd, v, n))
RT_WRAP(RT_IO, ssize_t, readv, (int fd, const struct iovec *v, int n), (fd, v, n))
RT_WRAP(RT_IO, ssize_t, recvfrom,
	(int fd, void *buf, size_t n, int flags, __SOCKADDR_ARG addr, socklen_t *len),
	(fd, buf, n, flags, addr, len))
RT_WRAP(RT_IO, ssize_t, __recvfrom_chk,
	(int fd, void *buf, size_t n, size_t buflen, int flags, struct sockaddr *addr,
	 socklen_t *len),
	(fd, buf, n, buflen, flags, addr, len))
RT_WRAP(RT_IO, ssize_t, recv, (int fd, void *buf, size_t n, int flags), (fd, buf, n, flags))
RT_WRAP(RT_IO, ssize_t, __recv_chk, (int fd, void *buf, size_t n, size_t buflen, int flags),
	(fd, buf, n, buflen, flags))
RT_WRAP(RT_IO, int, poll, (struct pollfd *fds, nfds_t n, int timeout), (fds, n, timeout))
RT_WRAP(RT_IO, int, __poll_chk, (struct pollfd *fds, nfds_t n, int timeout, size_t fdslen),
	(fds, n, timeout, fdslen))
RT_WRAP(RT_IO, int, select,
	(int n, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *timeout),
	(n, rd, wr, ex, timeout))
RT_WRAP(RT_IO, int, epoll_wait, (int epfd, struct epoll_event *ev, int max, int timeout),
	(epfd, ev, max, timeout))

/* stdio is "log": the lock inside every FILE, and the write behind it, are the problem. */
RT_WRAP(RT_LOG, int, vprintf, (const char *fmt, va_list ap), (fmt, ap))
RT_WRAP(RT_LOG, int, __vprintf_chk, (int flag, const char *fmt, va_list ap), (flag, fmt, ap))
RT_WRAP(RT_LOG, int, vfprintf, (FILE *fp, const char *fmt, va_list ap), (fp, fmt, ap))
RT_WRAP(RT_LOG, int, __vfprintf_chk, (FILE *fp, int flag, const char *fmt, va_list ap),
	(fp, flag, fmt, ap))
RT_WRAP(RT_LOG, int, puts, (const char *s), (s))
RT_WRAP(RT_LOG, int, fputs, (const char *s, FILE *fp), (s, fp))
RT_WRAP(RT_LOG, size_t, fwrite, (const void *p, size_t size, size_t n, FILE *fp),
	(p, size, n, fp))
/* The compiler turns printf("\n") into putchar and fprintf(f, "x") into fputc. */
RT_WRAP(RT_LOG, int, putchar, (int ch), (ch))
RT_WRAP(RT_LOG, int, fputc, (int ch, FILE *fp), (ch, fp))
RT_WRAP(RT_LOG, int, putc, (int ch, FILE *fp), (ch, fp))
/* clang-format on */

/* syscall(2) is variadic: the kernel takes at most six register arguments, so forwarding six
 * longs passes whatever the caller gave. A futex is a lock (or a wake of one); anything else a
 * callback asks of the kernel directly is I/O as far as real time is concerned. */
long
syscall(long number, ...)
{
	bool c = rt_enter(number == SYS_futex ? RT_LOCK : RT_IO, "syscall");
	long a[6], ret;
	va_list ap;

	va_start(ap, number);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	ret = REAL(syscall)(number, a[0], a[1], a[2], a[3], a[4], a[5]);
	rt_leave(c);
	return ret;
}

/* mremap takes a new address only with MREMAP_FIXED. */
void *
mremap(void *old, size_t old_n, size_t new_n, int flags, ...)
{
	bool c = rt_enter(RT_ALLOC, "mremap");
	void *want = NULL, *ret;
	va_list ap;

	va_start(ap, flags);
	if (flags & MREMAP_FIXED)
		want = va_arg(ap, void *);
	va_end(ap);
	ret = REAL(mremap)(old, old_n, new_n, flags, want);
	rt_leave(c);
	return ret;
}

/* open and openat take a mode only when they may create the file. */
#define RT_OPEN_MODE(flags, last)               \
	mode_t mode = 0;                        \
	if ((flags) & (O_CREAT | O_TMPFILE)) {  \
		va_list ap;                     \
		va_start(ap, last);             \
		mode = (mode_t)va_arg(ap, int); \
		va_end(ap);                     \
	}

int
open(const char *path, int flags, ...)
{
	bool c = rt_enter(RT_IO, "open");
	int ret;
	RT_OPEN_MODE(flags, flags)

	ret = REAL(open)(path, flags, mode);
	rt_leave(c);
	return ret;
}

int
open64(const char *path, int flags, ...)
{
	bool c = rt_enter(RT_IO, "open64");
	int ret;
	RT_OPEN_MODE(flags, flags)

	ret = REAL(open64)(path, flags, mode);
	rt_leave(c);
	return ret;
}

int
openat(int dirfd, const char *path, int flags, ...)
{
	bool c = rt_enter(RT_IO, "openat");
	int ret;
	RT_OPEN_MODE(flags, flags)

	ret = REAL(openat)(dirfd, path, flags, mode);
	rt_leave(c);
	return ret;
}

int
openat64(int dirfd, const char *path, int flags, ...)
{
	bool c = rt_enter(RT_IO, "openat64");
	int ret;
	RT_OPEN_MODE(flags, flags)

	ret = REAL(openat64)(dirfd, path, flags, mode);
	rt_leave(c);
	return ret;
}

/* The variadic printers forward to their va_list twins through REAL, not through our own
 * wrappers of those twins, so one call counts once. */
int
printf(const char *fmt, ...)
{
	bool c = rt_enter(RT_LOG, "printf");
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = REAL(vprintf)(fmt, ap);
	va_end(ap);
	rt_leave(c);
	return ret;
}

int
__printf_chk(int flag, const char *fmt, ...)
{
	bool c = rt_enter(RT_LOG, "__printf_chk");
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = REAL(__vprintf_chk)(flag, fmt, ap);
	va_end(ap);
	rt_leave(c);
	return ret;
}

int
fprintf(FILE *fp, const char *fmt, ...)
{
	bool c = rt_enter(RT_LOG, "fprintf");
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = REAL(vfprintf)(fp, fmt, ap);
	va_end(ap);
	rt_leave(c);
	return ret;
}

int
__fprintf_chk(FILE *fp, int flag, const char *fmt, ...)
{
	bool c = rt_enter(RT_LOG, "__fprintf_chk");
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = REAL(__vfprintf_chk)(fp, flag, fmt, ap);
	va_end(ap);
	rt_leave(c);
	return ret;
}

void
vsyslog(int pri, const char *fmt, va_list ap)
{
	bool c = rt_enter(RT_LOG, "vsyslog");

	REAL(vsyslog)(pri, fmt, ap);
	rt_leave(c);
}

void
__vsyslog_chk(int pri, int flag, const char *fmt, va_list ap)
{
	bool c = rt_enter(RT_LOG, "__vsyslog_chk");

	REAL(__vsyslog_chk)(pri, flag, fmt, ap);
	rt_leave(c);
}

void
syslog(int pri, const char *fmt, ...)
{
	bool c = rt_enter(RT_LOG, "syslog");
	va_list ap;

	va_start(ap, fmt);
	REAL(vsyslog)(pri, fmt, ap);
	va_end(ap);
	rt_leave(c);
}

void
__syslog_chk(int pri, int flag, const char *fmt, ...)
{
	bool c = rt_enter(RT_LOG, "__syslog_chk");
	va_list ap;

	va_start(ap, fmt);
	REAL(__vsyslog_chk)(pri, flag, fmt, ap);
	va_end(ap);
	rt_leave(c);
}

/* --- the report ------------------------------------------------------------------------- */

static pthread_mutex_t g_report_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t g_report_once = PTHREAD_ONCE_INIT;
static char g_out[PATH_MAX];
static char g_tmp[PATH_MAX + 4];
/* Seq-cst, rarely touched: the pid that registered a callback (0: none, so do not report), and
 * "the final report is written", after which the periodic thread must not overwrite it. */
static atomic_int g_owner;
static atomic_bool g_final;

static size_t
rt_format(char *buf, size_t size)
{
	int len;

	len = snprintf(buf, size, "callbacks %lu\n",
	               atomic_load_explicit(&g_callbacks, memory_order_relaxed));
	for (int cat = 0; cat < RT_NCAT; cat++)
		len += snprintf(buf + len, size - (size_t)len, "%s %lu\n", rt_cat_name[cat],
		                atomic_load_explicit(&g_count[cat], memory_order_relaxed));
	len += snprintf(buf + len, size - (size_t)len, "unwrapped %lu\n",
	                atomic_load_explicit(&g_unwrapped, memory_order_relaxed));
	/* Acquire: pairs with the release that publishes the selftest's result and its name. */
	len += snprintf(buf + len, size - (size_t)len, "selftest %d\n",
	                atomic_load_explicit(&g_selftest, memory_order_acquire));
	if (atomic_load_explicit(&g_selftest, memory_order_acquire) < 0)
		len += snprintf(buf + len, size - (size_t)len, "selftest_missed %s\n",
		                g_selftest_missed);
	for (int i = 0; i < RTCHECK_NAMES; i++) {
		/* Acquire: pairs with the release in rt_note_name. Slots fill in order, so the
		 * first empty one ends the list. */
		const char *name = atomic_load_explicit(&g_names[i], memory_order_acquire);

		if (!name)
			break;
		len += snprintf(buf + len, size - (size_t)len, "violation %s\n", name);
	}
	/* Every line is short and bounded: RTCHECK_REPORT_MAX is far above the worst case. */
	return (size_t)len < size ? (size_t)len : size - 1;
}

static int
rt_write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Write the report: to RTCHECK_OUT through a temporary file and rename, so a reader never sees
 * a half-written one; without RTCHECK_OUT, to stderr once at exit. Runs outside any callback,
 * so its own I/O is not counted. */
static void
rt_write_report(bool final)
{
	char buf[RTCHECK_REPORT_MAX];
	size_t len;
	int fd;

	pthread_mutex_lock(&g_report_lock);
	if (atomic_load(&g_final) || atomic_load(&g_owner) != (int)getpid())
		goto out;
	len = rt_format(buf, sizeof(buf));
	if (!g_out[0]) {
		if (final)
			(void)rt_write_all(2, buf, len);
		goto out;
	}
	fd = open(g_tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		goto out;
	if (rt_write_all(fd, buf, len) < 0 || close(fd) < 0 || rename(g_tmp, g_out) < 0)
		unlink(g_tmp);
out:
	if (final)
		atomic_store(&g_final, true);
	pthread_mutex_unlock(&g_report_lock);
}

/* The periodic writer, so that a daemon killed by a signal still leaves a fresh report. */
static void *
rt_reporter(void *arg)
{
	const struct timespec period = { 0, RTCHECK_PERIOD_NS };

	(void)arg;
	while (!atomic_load(&g_final)) {
		nanosleep(&period, NULL);
		rt_write_report(false);
	}
	return NULL;
}

/* Once per process, from the first jack_set_process_callback: claim the report for this pid
 * and start the periodic writer. Started here rather than in the constructor so processes that
 * never run a JACK callback (jackd itself, shells, tools) get no thread and write nothing. */
static void
rt_start_reporter(void)
{
	const char *out = getenv("RTCHECK_OUT");
	sigset_t all, old;
	pthread_attr_t attr;
	pthread_t tid;

	atomic_store(&g_owner, (int)getpid());
	if (!out || !*out || strlen(out) + 5 > sizeof(g_out))
		return;
	strcpy(g_out, out);
	snprintf(g_tmp, sizeof(g_tmp), "%s.tmp", out);

	/* Block every signal in the new thread (it inherits our mask): a daemon that takes
	 * SIGTERM through signalfd must not have it delivered to, and kill, our thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (pthread_attr_init(&attr) == 0) {
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		pthread_create(&tid, &attr, rt_reporter, NULL);
		pthread_attr_destroy(&attr);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* --- JACK -------------------------------------------------------------------------------- */

struct rt_slot {
	JackProcessCallback fn;
	void *arg;
};

static struct rt_slot g_slots[RTCHECK_SLOTS];
static pthread_once_t g_selftest_once = PTHREAD_ONCE_INIT;
static atomic_uint g_n_slots;

/* --- the positive control ----------------------------------------------------------------- */

/* One call of every kind the interposer must catch, each made through the function pointer the
 * global lookup gives (dlsym(RTLD_DEFAULT)): the same definition an application's call reaches,
 * so a wrapper that is not interposed any more shows up as a probe not counted. Resolved when
 * the callback is registered, never inside it. */
enum rt_probe {
	P_MALLOC,
	P_FREE,
	P_MMAP,
	P_MUNMAP,
	P_MUTEX,
	P_COND_SIGNAL,
	P_COND_BROADCAST,
	P_SEM_POST,
	P_FUTEX,
	P_WRITE,
	P_READ,
	P_WRITEV,
	P_SENDMMSG,
	P_RECVMSG,
	P_SENDTO,
	P_POLL,
	P_CLOSE,
	P_NANOSLEEP,
	P_SCHED_YIELD,
	P_FPUTS,
	P_N
};

static const struct {
	const char *name;
	enum rt_cat cat;
} rt_probe_tab[P_N] = {
	[P_MALLOC] = { "malloc", RT_ALLOC },
	[P_FREE] = { "free", RT_ALLOC },
	[P_MMAP] = { "mmap", RT_ALLOC },
	[P_MUNMAP] = { "munmap", RT_ALLOC },
	[P_MUTEX] = { "pthread_mutex_lock", RT_LOCK },
	[P_COND_SIGNAL] = { "pthread_cond_signal", RT_LOCK },
	[P_COND_BROADCAST] = { "pthread_cond_broadcast", RT_LOCK },
	[P_SEM_POST] = { "sem_post", RT_LOCK },
	[P_FUTEX] = { "syscall", RT_LOCK },
	[P_WRITE] = { "write", RT_IO },
	[P_READ] = { "read", RT_IO },
	[P_WRITEV] = { "writev", RT_IO },
	[P_SENDMMSG] = { "sendmmsg", RT_IO },
	[P_RECVMSG] = { "recvmsg", RT_IO },
	[P_SENDTO] = { "sendto", RT_IO },
	[P_POLL] = { "poll", RT_IO },
	[P_CLOSE] = { "close", RT_IO },
	[P_NANOSLEEP] = { "nanosleep", RT_SLEEP },
	[P_SCHED_YIELD] = { "sched_yield", RT_SLEEP },
	[P_FPUTS] = { "fputs", RT_LOG },
};

static rt_fn g_probe[P_N];
static atomic_bool g_selftest_armed;
static atomic_bool g_selftest_taken;

/* Control thread (from jack_set_process_callback): arm the control when asked for. */
static void
rt_selftest_arm(void)
{
	const char *v = getenv("RTCHECK_SELFTEST");

	if (!v || strcmp(v, "1"))
		return;
	for (int i = 0; i < P_N; i++) {
		void *sym = dlsym(RTLD_DEFAULT, rt_probe_tab[i].name);

		/* as in rt_resolve: dlsym's void * to a function pointer without the cast */
		memcpy(&g_probe[i], &sym, sizeof(g_probe[i]));
		if (!sym) {
			g_selftest_missed = rt_probe_tab[i].name;
			atomic_store_explicit(&g_selftest, -1, memory_order_release);
			return;
		}
	}
	atomic_store(&g_selftest_armed, true);
}

/* Makes probe i's one call; the arguments make each call harmless (fd -1, zero lengths, an
 * object nobody waits on). */
static void
rt_probe_call(int i, void **mem)
{
	static pthread_mutex_t mx = PTHREAD_MUTEX_INITIALIZER;
	static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
	static sem_t sem;
	static int word;
	const struct timespec zero = { 0, 0 };
	char byte = 0;
	struct iovec iov = { &byte, 0 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	rt_fn p = g_probe[i];

	switch ((enum rt_probe)i) {
	case P_MALLOC:
		*mem = ((void *(*)(size_t))p)(16);
		break;
	case P_FREE:
		((void (*)(void *))p)(*mem);
		break;
	case P_MMAP:
		*mem = ((void *(*)(void *, size_t, int, int, int, off_t))p)(
		    NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		break;
	case P_MUNMAP:
		if (*mem != MAP_FAILED)
			((int (*)(void *, size_t))p)(*mem, 4096);
		else
			((int (*)(void *, size_t))p)(NULL, 0); /* still a call: EINVAL */
		break;
	case P_MUTEX:
		((int (*)(pthread_mutex_t *))p)(&mx);
		pthread_mutex_unlock(&mx);
		break;
	case P_COND_SIGNAL:
		((int (*)(pthread_cond_t *))p)(&cv);
		break;
	case P_COND_BROADCAST:
		((int (*)(pthread_cond_t *))p)(&cv);
		break;
	case P_SEM_POST:
		sem_init(&sem, 0, 0);
		((int (*)(sem_t *))p)(&sem);
		break;
	case P_FUTEX:
		((long (*)(long, ...))p)(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
		break;
	case P_WRITE:
		((ssize_t(*)(int, const void *, size_t))p)(-1, &byte, 0);
		break;
	case P_READ:
		((ssize_t(*)(int, void *, size_t))p)(-1, &byte, 0);
		break;
	case P_WRITEV:
		((ssize_t(*)(int, const struct iovec *, int))p)(-1, &iov, 1);
		break;
	case P_SENDMMSG:
		((int (*)(int, struct mmsghdr *, unsigned int, int))p)(-1, NULL, 0, 0);
		break;
	case P_RECVMSG:
		((ssize_t(*)(int, struct msghdr *, int))p)(-1, &mh, 0);
		break;
	case P_SENDTO:
		((ssize_t(*)(int, const void *, size_t, int, const struct sockaddr *, socklen_t))p)(
		    -1, &byte, 0, 0, NULL, 0);
		break;
	case P_POLL:
		((int (*)(struct pollfd *, nfds_t, int))p)(NULL, 0, 0);
		break;
	case P_CLOSE:
		((int (*)(int))p)(-1);
		break;
	case P_NANOSLEEP:
		((int (*)(const struct timespec *, struct timespec *))p)(&zero, NULL);
		break;
	case P_SCHED_YIELD:
		((int (*)(void))p)();
		break;
	case P_FPUTS:
		((int (*)(const char *, FILE *))p)("", stderr);
		break;
	case P_N:
		break;
	}
}

/* RT, once, before the first real callback: each probe inside the raised flag must move its
 * category's counter. Afterwards the counters and the offender list are as they were, so the
 * report counts the application alone. */
static void
rt_selftest(void)
{
	unsigned long before[RT_NCAT];
	const char *missed = NULL;
	void *mem = NULL;
	int first_free = 0;

	while (first_free < RTCHECK_NAMES &&
	       atomic_load_explicit(&g_names[first_free], memory_order_relaxed))
		first_free++;
	for (int c = 0; c < RT_NCAT; c++)
		before[c] = atomic_load_explicit(&g_count[c], memory_order_relaxed);
	for (int i = 0; i < P_N && !missed; i++) {
		enum rt_cat cat = rt_probe_tab[i].cat;
		unsigned long was = atomic_load_explicit(&g_count[cat], memory_order_relaxed);

		t_in_cb = 1;
		rt_probe_call(i, &mem);
		t_in_cb = 0;
		if (atomic_load_explicit(&g_count[cat], memory_order_relaxed) == was)
			missed = rt_probe_tab[i].name;
	}
	for (int c = 0; c < RT_NCAT; c++)
		atomic_store_explicit(&g_count[c], before[c], memory_order_relaxed);
	for (int i = first_free; i < RTCHECK_NAMES; i++)
		atomic_store_explicit(&g_names[i], NULL, memory_order_relaxed);
	if (missed)
		g_selftest_missed = missed;
	/* Release: the name above is visible to whoever reads -1. */
	atomic_store_explicit(&g_selftest, missed ? -1 : 1, memory_order_release);
}

/* What JACK calls instead of the application's callback: the flag brackets exactly the
 * application's code, not JACK's own cycle handling around it. */
static int
rt_trampoline(jack_nframes_t n_frames, void *arg)
{
	const struct rt_slot *s = arg;
	int ret;

	if (atomic_load_explicit(&g_selftest_armed, memory_order_relaxed) &&
	    !atomic_exchange(&g_selftest_taken, true))
		rt_selftest();
	atomic_fetch_add_explicit(&g_callbacks, 1, memory_order_relaxed);
	t_in_cb = 1;
	ret = s->fn(n_frames, s->arg);
	t_in_cb = 0;
	return ret;
}

/* The slot is filled before JACK gets its address; JACK's own activation (thread start or
 * server handshake) orders that before the first call on the process thread. */
int
jack_set_process_callback(jack_client_t *client, JackProcessCallback cb, void *arg)
{
	unsigned int i;

	if (!cb)
		return REAL(jack_set_process_callback)(client, cb, arg);
	pthread_once(&g_report_once, rt_start_reporter);
	pthread_once(&g_selftest_once, rt_selftest_arm);
	/* a client that reconnects (mixd after a server restart) sets the same callback again: its
	 * slot serves again, or a soak's restarts would use up the table */
	for (i = 0; i < atomic_load_explicit(&g_n_slots, memory_order_relaxed) && i < RTCHECK_SLOTS;
	     i++)
		if (g_slots[i].fn == cb && g_slots[i].arg == arg)
			return REAL(jack_set_process_callback)(client, rt_trampoline, &g_slots[i]);
	i = atomic_fetch_add_explicit(&g_n_slots, 1, memory_order_relaxed);
	if (i >= RTCHECK_SLOTS) {
		atomic_fetch_add_explicit(&g_unwrapped, 1, memory_order_relaxed);
		return REAL(jack_set_process_callback)(client, cb, arg);
	}
	g_slots[i].fn = cb;
	g_slots[i].arg = arg;
	return REAL(jack_set_process_callback)(client, rt_trampoline, &g_slots[i]);
}

/* --- load and exit ----------------------------------------------------------------------- */

/* Resolve everything now, outside any callback, so the first forbidden call in a callback does
 * not also run dlsym there. Names absent at load time (libjack dlopen'ed later) are retried on
 * first use. */
__attribute__((constructor)) static void
rt_init(void)
{
	for (int i = 0; i < RS_N; i++)
		(void)rt_resolve(i);
}

__attribute__((destructor)) static void
rt_fini(void)
{
	rt_write_report(true);
}
