/* A minimal test harness for the C tests of utklar: CHECK records a failure and goes on. */
#ifndef UTKLAR_TEST_CHECK_H
#define UTKLAR_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

#include "utklar.h"

static int check_failures = 0;
static int check_count = 0;

#define CHECK(cond)                                                                  \
  do {                                                                               \
    check_count++;                                                                   \
    if (!(cond)) {                                                                   \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);       \
      check_failures++;                                                              \
    }                                                                                \
  } while (0)

/* Checks that a call returns the expected utklar_result, printing the last error if not. */
#define CHECK_RC(call, expected)                                                     \
  do {                                                                               \
    utklar_result check_rc_ = (call);                                                \
    check_count++;                                                                   \
    if (check_rc_ != (utklar_result)(expected)) {                                    \
      char check_msg_[512];                                                          \
      size_t check_n_ = 0;                                                           \
      if (utklar_last_error_message(check_msg_, sizeof check_msg_, &check_n_) !=     \
          UTKLAR_RESULT_OK)                                                          \
        check_msg_[0] = '\0';                                                        \
      fprintf(stderr, "%s:%d: %s returned %u, expected %u (%s)\n", __FILE__,         \
              __LINE__, #call, (unsigned)check_rc_, (unsigned)(expected),            \
              check_msg_);                                                           \
      check_failures++;                                                              \
    }                                                                                \
  } while (0)

#define CHECK_OK(call) CHECK_RC(call, UTKLAR_RESULT_OK)

/* The last error message of this thread, in a static buffer. */
static inline const char *last_error(void) {
  static char buf[4096];
  size_t n = 0;
  if (utklar_last_error_message(buf, sizeof buf, &n) != UTKLAR_RESULT_OK) return "";
  return buf;
}

/* Whether a utklar_str equals a C string. */
static inline int str_eq(utklar_str s, const char *expected) {
  return s.len == strlen(expected) && memcmp(s.data, expected, s.len) == 0;
}

/* A utklar_str over a C string literal. */
static inline utklar_str cstr(const char *s) {
  utklar_str r;
  r.data = s;
  r.len = strlen(s);
  return r;
}

static inline int check_report(const char *name) {
  if (check_failures) {
    fprintf(stderr, "%s: %d of %d checks FAILED\n", name, check_failures, check_count);
    return 1;
  }
  printf("%s: all %d checks passed\n", name, check_count);
  return 0;
}

#endif
