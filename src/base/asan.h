/*
 * AddressSanitizer's hand poisoning for memory perch hands out itself
 * (arena.c, json_pool.c): PERCH_ASAN is defined in a build with ASan, and
 * POISON / UNPOISON mark a region unusable / usable; without ASan they
 * do nothing.
 */
#ifndef PERCH_ASAN_H
#define PERCH_ASAN_H

#if defined(__SANITIZE_ADDRESS__)
#define PERCH_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PERCH_ASAN 1
#endif
#endif

#ifdef PERCH_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#endif
