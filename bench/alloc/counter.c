/* An LD_PRELOAD allocation counter for bench/allocations.mjs.
 *
 * Counts every malloc, calloc, realloc, posix_memalign, aligned_alloc,
 * memalign and mmap call of the process (and the bytes asked for), per size
 * class (powers of two), and writes the totals as one JSON line to the file
 * named by ALLOC_COUNTER_OUT when the process exits. Running the same job
 * for N and 2N frames and subtracting cancels start-up, so what is left is
 * what each frame allocates. Built by bench/allocations.mjs; never committed
 * as a binary.
 *
 * glibc's __libc_* entry points do the real work: unlike dlsym(RTLD_NEXT),
 * they need no allocation to be found. Allocations glibc makes inside its
 * own functions (malloc's internal mmap of large blocks) are not calls of
 * ours and are not counted twice. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void *__mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset);

/* Size classes: class k holds requests of [2^(k-1), 2^k) bytes (class 0: 0). */
#define CLASSES 48

static _Atomic uint64_t calls[CLASSES];
static _Atomic uint64_t bytes[CLASSES];
static _Atomic uint64_t mmap_calls;
static _Atomic uint64_t mmap_bytes;

static void count(size_t size) {
  const int k = size == 0 ? 0 : 64 - __builtin_clzll((unsigned long long)size);
  const int c = k < CLASSES ? k : CLASSES - 1;
  atomic_fetch_add_explicit(&calls[c], 1, memory_order_relaxed);
  atomic_fetch_add_explicit(&bytes[c], size, memory_order_relaxed);
}

void *malloc(size_t size) {
  count(size);
  return __libc_malloc(size);
}

void *calloc(size_t n, size_t size) {
  count(n * size);
  return __libc_calloc(n, size);
}

void *realloc(void *ptr, size_t size) {
  count(size);
  return __libc_realloc(ptr, size);
}

int posix_memalign(void **out, size_t alignment, size_t size) {
  count(size);
  void *p = __libc_memalign(alignment, size);
  if (!p) return ENOMEM;
  *out = p;
  return 0;
}

void *aligned_alloc(size_t alignment, size_t size) {
  count(size);
  return __libc_memalign(alignment, size);
}

void *memalign(size_t alignment, size_t size) {
  count(size);
  return __libc_memalign(alignment, size);
}

void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset) {
  atomic_fetch_add_explicit(&mmap_calls, 1, memory_order_relaxed);
  atomic_fetch_add_explicit(&mmap_bytes, length, memory_order_relaxed);
  return __mmap(addr, length, prot, flags, fd, offset);
}

/* Node (V8's page allocator) links against this name. */
void *mmap64(void *addr, size_t length, int prot, int flags, int fd, off64_t offset) {
  return mmap(addr, length, prot, flags, fd, offset);
}

/* Written with write(2) into a stack buffer: nothing here may allocate. */
__attribute__((destructor)) static void report(void) {
  const char *path = getenv("ALLOC_COUNTER_OUT");
  if (!path) return;
  char out[8192];
  int n = snprintf(out, sizeof out, "{\"mmap\":{\"calls\":%llu,\"bytes\":%llu},\"classes\":[",
                   (unsigned long long)mmap_calls, (unsigned long long)mmap_bytes);
  for (int k = 0; k < CLASSES; k++) {
    n += snprintf(out + n, sizeof out - n, "%s[%llu,%llu]", k ? "," : "", (unsigned long long)calls[k],
                  (unsigned long long)bytes[k]);
  }
  n += snprintf(out + n, sizeof out - n, "]}\n");
  const int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return;
  ssize_t ignored = write(fd, out, (size_t)n);
  (void)ignored;
  close(fd);
}
