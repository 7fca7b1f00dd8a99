/* Every function of utklar.h, its answers on a small hand-computed data set, and every error
 * path: NULL arguments, bad UTF-8, bad enumeration values, indexes out of range, buffers too
 * small, strict-mode failures naming the row and field. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* Day numbers (days since 1970-01-01). */
#define D_2025_03_01 20148
#define MAR(d) (D_2025_03_01 + (d) - 1)

static const char BAD_UTF8[] = {'e', (char)0xff, '1'};

static utklar_str bad_utf8(void) {
  utklar_str s;
  s.data = BAD_UTF8;
  s.len = sizeof BAD_UTF8;
  return s;
}

static utklar_episode row(const char *id, uint16_t muni, uint8_t care, int32_t ready,
                          int32_t discharge) {
  utklar_episode e;
  CHECK_OK(utklar_episode_init(&e));
  e.episode_id = cstr(id);
  e.municipality = muni;
  e.care_type = care;
  e.ready_day = ready;
  e.discharge_day = discharge;
  return e;
}

static void test_version_and_messages(void) {
  utklar_str v = utklar_version();
  char buf[256];
  size_t n = 0;
  unsigned r;

  CHECK(v.len >= 5);
  CHECK(v.data[v.len] == '\0');
  {
    /* The library's version is the header's (UTKLAR_VERSION_*), and they are compatible. */
    char expected[32];
    snprintf(expected, sizeof expected, "%d.%d.%d", UTKLAR_VERSION_MAJOR, UTKLAR_VERSION_MINOR,
             UTKLAR_VERSION_PATCH);
    CHECK(str_eq(v, expected));
    CHECK(utklar_version_compatible(UTKLAR_VERSION_MAJOR, UTKLAR_VERSION_MINOR));
    CHECK(utklar_version_compatible(UTKLAR_VERSION_MAJOR, 0));
    CHECK(!utklar_version_compatible(UTKLAR_VERSION_MAJOR, UTKLAR_VERSION_MINOR + 1));
    CHECK(!utklar_version_compatible(UTKLAR_VERSION_MAJOR + 1, 0));
  }

  /* Every code has a message; unknown values are described too. */
  for (r = 0; r <= 15; r++) {
    CHECK_OK(utklar_result_message(r, buf, sizeof buf, &n));
    CHECK(n > 0 && n == strlen(buf));
  }
  CHECK_OK(utklar_result_message(UTKLAR_RESULT_OTHER, buf, sizeof buf, &n));
  CHECK_OK(utklar_result_message(UTKLAR_RESULT_MISSING_AMOUNT, buf, sizeof buf, &n));
  CHECK(strstr(buf, "amount") != NULL);
  CHECK_OK(utklar_result_message(4242, buf, sizeof buf, &n));
  CHECK(strstr(buf, "4242") != NULL);

  /* Buffer conventions: too small writes nothing but the needed length; NULL buf with len 0
   * asks for the length; NULL out_n is an error. */
  memset(buf, 'x', sizeof buf);
  n = 0;
  CHECK_RC(utklar_result_message(UTKLAR_RESULT_OK, buf, 3, &n), UTKLAR_RESULT_BUFFER_TOO_SMALL);
  CHECK(n == strlen("success"));
  CHECK(buf[0] == 'x');
  n = 0;
  CHECK_RC(utklar_result_message(UTKLAR_RESULT_OK, NULL, 0, &n), UTKLAR_RESULT_BUFFER_TOO_SMALL);
  CHECK(n == strlen("success"));
  CHECK_OK(utklar_result_message(UTKLAR_RESULT_OK, buf, n + 1, &n));
  CHECK(strcmp(buf, "success") == 0);
  CHECK_RC(utklar_result_message(UTKLAR_RESULT_OK, buf, sizeof buf, NULL),
           UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_RC(utklar_result_message(UTKLAR_RESULT_OK, NULL, 100, &n), UTKLAR_RESULT_NULL_ARGUMENT);

  /* The last error names the argument; asking for it does not change it. */
  CHECK_RC(utklar_episodes_new(NULL), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK(strstr(last_error(), "out") != NULL);
  CHECK_RC(utklar_last_error_message(buf, 2, &n), UTKLAR_RESULT_BUFFER_TOO_SMALL);
  CHECK(n == strlen(last_error()));
  CHECK(strstr(last_error(), "NULL") != NULL);
  CHECK_RC(utklar_last_error_message(buf, sizeof buf, NULL), UTKLAR_RESULT_NULL_ARGUMENT);
}

static void test_names(void) {
  utklar_str s;
  char buf[512];
  size_t n;
  utklar_problem p;

  CHECK_OK(utklar_municipality_name(880, &s));
  CHECK(str_eq(s, "Kalmar"));
  CHECK_OK(utklar_municipality_name(1480, &s));
  CHECK(str_eq(s, "G\xc3\xb6teborg"));
  s = cstr("unchanged");
  CHECK_RC(utklar_municipality_name(9999, &s), UTKLAR_RESULT_UNKNOWN_MUNICIPALITY);
  CHECK(str_eq(s, "unchanged"));
  CHECK(strstr(last_error(), "9999") != NULL);
  CHECK_RC(utklar_municipality_name(880, NULL), UTKLAR_RESULT_NULL_ARGUMENT);

  CHECK_OK(utklar_county_name(8, &s));
  CHECK(str_eq(s, "Kalmar l\xc3\xa4n"));
  CHECK_RC(utklar_county_name(99, &s), UTKLAR_RESULT_UNKNOWN_COUNTY);
  CHECK_RC(utklar_county_name(8, NULL), UTKLAR_RESULT_NULL_ARGUMENT);

  CHECK_OK(utklar_field_name(UTKLAR_FIELD_READY_AT, &s));
  CHECK(str_eq(s, "ready_at"));
  CHECK_OK(utklar_field_name(UTKLAR_FIELD_REGION_BLOCKED, &s));
  CHECK(str_eq(s, "region_blocked"));
  CHECK_RC(utklar_field_name(14, &s), UTKLAR_RESULT_INVALID_ARGUMENT);
  CHECK_RC(utklar_field_name(0, NULL), UTKLAR_RESULT_NULL_ARGUMENT);

  CHECK_OK(utklar_reason_name(UTKLAR_REASON_NEGATIVE_DAYS, &s));
  CHECK(str_eq(s, "negative_days"));
  CHECK_OK(utklar_reason_name(UTKLAR_REASON_DUPLICATE_EPISODE_ID, &s));
  CHECK(str_eq(s, "duplicate_episode_id"));
  CHECK_RC(utklar_reason_name(UTKLAR_REASON_OTHER, &s), UTKLAR_RESULT_INVALID_ARGUMENT);
  CHECK_RC(utklar_reason_name(0, NULL), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_OK(utklar_reason_hint(UTKLAR_REASON_UNKNOWN_MUNICIPALITY, &s));
  CHECK(s.len > 10);
  CHECK_RC(utklar_reason_hint(11, &s), UTKLAR_RESULT_INVALID_ARGUMENT);
  CHECK_RC(utklar_reason_hint(0, NULL), UTKLAR_RESULT_NULL_ARGUMENT);

  p.row = 3;
  p.field = UTKLAR_FIELD_READY_AT;
  p.reason = UTKLAR_REASON_DATE_OUT_OF_RANGE;
  CHECK_OK(utklar_problem_message(&p, buf, sizeof buf, &n));
  CHECK(strncmp(buf, "row 3: ready_at: date_out_of_range", 34) == 0);
  CHECK_RC(utklar_problem_message(NULL, buf, sizeof buf, &n), UTKLAR_RESULT_NULL_ARGUMENT);
  p.field = 77;
  CHECK_RC(utklar_problem_message(&p, buf, sizeof buf, &n), UTKLAR_RESULT_INVALID_ARGUMENT);
}

/* Kalmar (880), March 2025: somatic 4 days, day 0, 2 days; psychiatric 1 day; one open. */
static utklar_episodes *kalmar_march(void) {
  utklar_episodes *set = NULL;
  utklar_episode e;
  CHECK_OK(utklar_episodes_new(&set));
  e = row("e1", 880, UTKLAR_CARE_TYPE_SOMATIC, MAR(3), MAR(7));
  e.ready_second = 10 * 3600;
  e.patient_id = cstr("p1");
  e.age = 81;
  CHECK_OK(utklar_episodes_push(set, &e));
  e = row("e2", 880, UTKLAR_CARE_TYPE_SOMATIC, MAR(3), MAR(3));
  e.age = 90;
  CHECK_OK(utklar_episodes_push(set, &e));
  e = row("e3", 880, UTKLAR_CARE_TYPE_SOMATIC, MAR(4), MAR(6));
  e.admitted_day = MAR(1);
  e.age = 40;
  CHECK_OK(utklar_episodes_push(set, &e));
  e = row("e4", 880, UTKLAR_CARE_TYPE_PSYCHIATRIC, MAR(3), MAR(4));
  e.age = 70;
  CHECK_OK(utklar_episodes_push(set, &e));
  e = row("e5", 880, UTKLAR_CARE_TYPE_SOMATIC, MAR(20), -1);
  CHECK_OK(utklar_episodes_push(set, &e));
  CHECK(utklar_episodes_len(set) == 5);
  return set;
}

static void test_indicators(void) {
  utklar_episodes *set = kalmar_march();
  utklar_indicator_options o;
  utklar_indicator_report *rep = NULL;
  utklar_indicator_report *sentinel = (utklar_indicator_report *)&o;
  utklar_population *pop = NULL;
  utklar_beds *beds = NULL;
  utklar_indicator_row r;
  utklar_exclusions ex;
  uint64_t count = 99;

  CHECK_OK(utklar_indicator_options_init(&o));
  CHECK(o.period == UTKLAR_PERIOD_KIND_MONTH && o.group_by == UTKLAR_GROUP_BY_MUNICIPALITY);
  CHECK(o.mode == UTKLAR_MODE_STRICT && o.negative_days == UTKLAR_NEGATIVE_DAYS_EXCLUDE);
  CHECK(o.min_age == -1);
  CHECK_RC(utklar_indicator_options_init(NULL), UTKLAR_RESULT_NULL_ARGUMENT);

  CHECK_OK(utklar_population_new(&pop));
  CHECK_OK(utklar_population_set(pop, 880, 2025, 70000, 14000));
  CHECK_RC(utklar_population_set(pop, 9999, 2025, 1, 1), UTKLAR_RESULT_UNKNOWN_MUNICIPALITY);
  CHECK_RC(utklar_population_set(NULL, 880, 2025, 1, 1), UTKLAR_RESULT_NULL_ARGUMENT);

  CHECK_OK(utklar_episodes_indicators(set, &o, pop, NULL, &rep));
  CHECK(utklar_indicator_report_len(rep) == 2);
  CHECK_OK(utklar_indicator_report_get_row(rep, 0, &r));
  CHECK(r.group_by == UTKLAR_GROUP_BY_MUNICIPALITY && r.group_code == 880);
  CHECK(r.care_type == UTKLAR_CARE_TYPE_SOMATIC);
  CHECK(r.period.kind == UTKLAR_PERIOD_KIND_MONTH && r.period.year == 2025);
  CHECK(r.period.number == 3 && r.period.first_day == D_2025_03_01 && r.period.days == 31);
  CHECK(r.episodes == 3 && r.day0 == 1 && r.ready_ge1 == 2 && r.ready_days == 6);
  CHECK(fabs(r.goal_attainment - 1.0 / 3.0) < 1e-15);
  CHECK(r.mean_days == 3.0);
  CHECK(r.mean_days_incl_day0 == 2.0);
  CHECK(fabs(r.days_per_1000 - 6.0 / 14000.0 * 1000.0 * 12.0) < 1e-12);
  CHECK(fabs(r.occupied_beds - 6.0 / 31.0) < 1e-15);
  CHECK(isnan(r.bed_share_pct));
  CHECK_OK(utklar_indicator_report_get_row(rep, 1, &r));
  CHECK(r.care_type == UTKLAR_CARE_TYPE_PSYCHIATRIC && r.ready_days == 1);
  CHECK(r.goal_attainment == 0.0 && r.mean_days == 1.0);
  CHECK(fabs(r.days_per_1000 - 1.0 / 70000.0 * 1000.0 * 12.0) < 1e-12);
  r.episodes = 12345;
  CHECK_RC(utklar_indicator_report_get_row(rep, 2, &r), UTKLAR_RESULT_OUT_OF_RANGE);
  CHECK(r.episodes == 12345);
  CHECK_RC(utklar_indicator_report_get_row(NULL, 0, &r), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_RC(utklar_indicator_report_get_row(rep, 0, NULL), UTKLAR_RESULT_NULL_ARGUMENT);

  CHECK_OK(utklar_indicator_report_get_exclusions(rep, &ex));
  CHECK(ex.rows_in == 5 && ex.counted == 4 && ex.open == 1 && ex.outside_age == 0);
  CHECK(ex.excluded == 0);
  CHECK_RC(utklar_indicator_report_get_exclusions(NULL, &ex), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_RC(utklar_indicator_report_get_exclusions(rep, NULL), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_OK(utklar_indicator_report_excluded(rep, UTKLAR_REASON_NEGATIVE_DAYS, &count));
  CHECK(count == 0);
  CHECK_RC(utklar_indicator_report_excluded(rep, 200, &count), UTKLAR_RESULT_INVALID_ARGUMENT);
  CHECK_RC(utklar_indicator_report_excluded(rep, 0, NULL), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK(utklar_indicator_report_problem_count(rep) == 0);
  utklar_indicator_report_free(rep);
  rep = NULL;

  /* County grouping with beds gives the bed share; the minimum age leaves out e3 (40). */
  CHECK_OK(utklar_beds_new(&beds));
  CHECK_OK(utklar_beds_set(beds, 8, "2025-03", 7, 10.0));
  CHECK_RC(utklar_beds_set(beds, 99, "2025-03", 7, 10.0), UTKLAR_RESULT_UNKNOWN_COUNTY);
  CHECK_RC(utklar_beds_set(beds, 8, "2025-13", 7, 10.0), UTKLAR_RESULT_INVALID_ARGUMENT);
  CHECK_RC(utklar_beds_set(beds, 8, "2025-03", 7, -1.0), UTKLAR_RESULT_INVALID_ARGUMENT);
  CHECK_RC(utklar_beds_set(beds, 8, NULL, 7, 1.0), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_RC(utklar_beds_set(beds, 8, BAD_UTF8, sizeof BAD_UTF8, 1.0), UTKLAR_RESULT_INVALID_UTF8);
  CHECK_RC(utklar_beds_set(NULL, 8, "2025-03", 7, 1.0), UTKLAR_RESULT_NULL_ARGUMENT);
  o.group_by = UTKLAR_GROUP_BY_COUNTY;
  o.min_age = 65;
  CHECK_OK(utklar_episodes_indicators(set, &o, NULL, beds, &rep));
  CHECK(utklar_indicator_report_len(rep) == 2);
  CHECK_OK(utklar_indicator_report_get_row(rep, 0, &r));
  CHECK(r.group_by == UTKLAR_GROUP_BY_COUNTY && r.group_code == 8);
  CHECK(r.episodes == 2 && r.ready_days == 4);
  CHECK(fabs(r.bed_share_pct - 4.0 / 31.0 / 10.0 * 100.0) < 1e-12);
  CHECK(isnan(r.days_per_1000));
  CHECK_OK(utklar_indicator_report_get_exclusions(rep, &ex));
  CHECK(ex.outside_age == 1 && ex.counted == 3);
  utklar_indicator_report_free(rep);
  rep = NULL;

  /* Quarter and nation. */
  o.group_by = UTKLAR_GROUP_BY_NATION;
  o.period = UTKLAR_PERIOD_KIND_QUARTER;
  o.min_age = -1;
  CHECK_OK(utklar_episodes_indicators(set, &o, NULL, NULL, &rep));
  CHECK_OK(utklar_indicator_report_get_row(rep, 0, &r));
  CHECK(r.group_code == 0 && r.period.kind == UTKLAR_PERIOD_KIND_QUARTER);
  CHECK(r.period.number == 1 && r.period.days == 90 && r.episodes == 3);
  utklar_indicator_report_free(rep);
  rep = NULL;

  /* Bad option values and NULLs: nothing is written. */
  o.period = 3;
  rep = sentinel;
  CHECK_RC(utklar_episodes_indicators(set, &o, NULL, NULL, &rep), UTKLAR_RESULT_INVALID_ARGUMENT);
  CHECK(rep == sentinel);
  CHECK(strstr(last_error(), "period") != NULL);
  o.period = UTKLAR_PERIOD_KIND_MONTH;
  o.group_by = 9;
  CHECK_RC(utklar_episodes_indicators(set, &o, NULL, NULL, &rep), UTKLAR_RESULT_INVALID_ARGUMENT);
  o.group_by = UTKLAR_GROUP_BY_MUNICIPALITY;
  o.mode = 2;
  CHECK_RC(utklar_episodes_indicators(set, &o, NULL, NULL, &rep), UTKLAR_RESULT_INVALID_ARGUMENT);
  o.mode = UTKLAR_MODE_STRICT;
  o.negative_days = 3;
  CHECK_RC(utklar_episodes_indicators(set, &o, NULL, NULL, &rep), UTKLAR_RESULT_INVALID_ARGUMENT);
  o.negative_days = UTKLAR_NEGATIVE_DAYS_EXCLUDE;
  o.min_age = 70000;
  CHECK_RC(utklar_episodes_indicators(set, &o, NULL, NULL, &rep), UTKLAR_RESULT_INVALID_ARGUMENT);
  o.min_age = 151; /* no row can be older than 150: refused, as on every surface */
  CHECK_RC(utklar_episodes_indicators(set, &o, NULL, NULL, &rep), UTKLAR_RESULT_INVALID_ARGUMENT);
  o.min_age = 150;
  CHECK_RC(utklar_episodes_indicators(set, &o, NULL, NULL, &rep), UTKLAR_RESULT_OK);
  utklar_indicator_report_free(rep);
  rep = sentinel;
  o.min_age = -1;
  CHECK_RC(utklar_episodes_indicators(NULL, &o, NULL, NULL, &rep), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_RC(utklar_episodes_indicators(set, NULL, NULL, NULL, &rep), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_RC(utklar_episodes_indicators(set, &o, NULL, NULL, NULL), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK(rep == sentinel);

  /* NULL objects: counts are 0, frees are no-ops. */
  CHECK(utklar_indicator_report_len(NULL) == 0);
  CHECK(utklar_indicator_report_problem_count(NULL) == 0);
  CHECK(utklar_episodes_len(NULL) == 0);
  utklar_indicator_report_free(NULL);
  utklar_episodes_free(NULL);
  utklar_population_free(NULL);
  utklar_beds_free(NULL);
  utklar_validation_free(NULL);

  utklar_population_free(pop);
  utklar_beds_free(beds);
  utklar_episodes_free(set);
}

static void test_builtin_population(void) {
  utklar_population *pop = NULL;
  utklar_episodes *set = kalmar_march();
  utklar_indicator_options o;
  utklar_indicator_report *rep = NULL;
  utklar_indicator_row r;

  CHECK_OK(utklar_population_new_builtin(&pop));
  CHECK_RC(utklar_population_new_builtin(NULL), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_RC(utklar_population_new(NULL), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_OK(utklar_indicator_options_init(&o));
  CHECK_OK(utklar_episodes_indicators(set, &o, pop, NULL, &rep));
  CHECK_OK(utklar_indicator_report_get_row(rep, 0, &r));
  /* Kalmar's 65+ population in the embedded table (SCB, 30 September 2022) is 14 695. */
  CHECK(fabs(r.days_per_1000 - 6.0 / 14695.0 * 1000.0 * 12.0) < 1e-12);
  utklar_indicator_report_free(rep);
  utklar_population_free(pop);
  utklar_episodes_free(set);
}

/* Population and beds rows are checked as the core checks a reference file's rows: a bad row
 * is an error naming the argument, never its value, and sets nothing. */
static void test_checked_reference_rows(void) {
  utklar_population *pop = NULL;
  utklar_beds *beds = NULL;
  utklar_episodes *set = kalmar_march();
  utklar_indicator_options o;
  utklar_indicator_report *rep = NULL;
  utklar_indicator_row r;

  CHECK_OK(utklar_population_new(&pop));
  CHECK_OK(utklar_population_set(pop, 880, 2025, 70000, 14000));
  /* More people aged 65 or older than in total. */
  CHECK_RC(utklar_population_set(pop, 880, 2025, 1234, 5678), UTKLAR_RESULT_INVALID_ARGUMENT);
  CHECK(strstr(last_error(), "pop_65plus") != NULL);
  CHECK(strstr(last_error(), "1234") == NULL && strstr(last_error(), "5678") == NULL);
  /* More than 100 000 000 people. */
  CHECK_RC(utklar_population_set(pop, 880, 2025, 191212121212ULL, 0), UTKLAR_RESULT_INVALID_ARGUMENT);
  CHECK(strstr(last_error(), "pop_total") != NULL);
  CHECK(strstr(last_error(), "191212121212") == NULL);
  /* Years outside 1990–2100. */
  CHECK_RC(utklar_population_set(pop, 880, 2101, 10, 1), UTKLAR_RESULT_INVALID_ARGUMENT);
  CHECK(strstr(last_error(), "year") != NULL && strstr(last_error(), "2101") == NULL);
  CHECK_RC(utklar_population_set(pop, 880, 1989, 10, 1), UTKLAR_RESULT_INVALID_ARGUMENT);
  CHECK_RC(utklar_population_set(pop, 880, INT32_MIN, 10, 1), UTKLAR_RESULT_INVALID_ARGUMENT);
  /* The limits themselves are accepted. */
  CHECK_OK(utklar_population_set(pop, 881, 1990, 100000000, 100000000));
  CHECK_OK(utklar_population_set(pop, 881, 2100, 0, 0));
  /* The failed calls set nothing: Kalmar's 65+ population is still 14 000. */
  CHECK_OK(utklar_indicator_options_init(&o));
  CHECK_OK(utklar_episodes_indicators(set, &o, pop, NULL, &rep));
  CHECK_OK(utklar_indicator_report_get_row(rep, 0, &r));
  CHECK(fabs(r.days_per_1000 - 6.0 / 14000.0 * 1000.0 * 12.0) < 1e-12);
  utklar_indicator_report_free(rep);
  rep = NULL;

  CHECK_OK(utklar_beds_new(&beds));
  CHECK_OK(utklar_beds_set(beds, 8, "2025-03", 7, 10.0));
  CHECK_RC(utklar_beds_set(beds, 8, "2025-03", 7, NAN), UTKLAR_RESULT_INVALID_ARGUMENT);
  CHECK(strstr(last_error(), "available_beds") != NULL);
  CHECK_RC(utklar_beds_set(beds, 8, "2025-03", 7, INFINITY), UTKLAR_RESULT_INVALID_ARGUMENT);
  CHECK_RC(utklar_beds_set(beds, 8, "2025-03", 7, -0.5), UTKLAR_RESULT_INVALID_ARGUMENT);
  CHECK(strstr(last_error(), "0.5") == NULL);
  CHECK_RC(utklar_beds_set(beds, 8, "2025-03", 7, 1234567.0), UTKLAR_RESULT_INVALID_ARGUMENT);
  CHECK(strstr(last_error(), "available_beds") != NULL && strstr(last_error(), "1234567") == NULL);
  CHECK_OK(utklar_beds_set(beds, 8, "2025-04", 7, 1000000.0));
  /* A period outside 1990–2100, and one that is not a period (named, not echoed). */
  CHECK_RC(utklar_beds_set(beds, 8, "2101-01", 7, 1.0), UTKLAR_RESULT_INVALID_ARGUMENT);
  CHECK(strstr(last_error(), "period") != NULL && strstr(last_error(), "2101") == NULL);
  CHECK_RC(utklar_beds_set(beds, 8, "1989", 4, 1.0), UTKLAR_RESULT_INVALID_ARGUMENT);
  CHECK_RC(utklar_beds_set(beds, 8, "19121212-1212", 13, 1.0), UTKLAR_RESULT_INVALID_ARGUMENT);
  CHECK(strstr(last_error(), "period") != NULL && strstr(last_error(), "1212") == NULL);
  /* The failed calls set nothing: the bed share is that of 10 beds. */
  o.group_by = UTKLAR_GROUP_BY_COUNTY;
  CHECK_OK(utklar_episodes_indicators(set, &o, NULL, beds, &rep));
  CHECK_OK(utklar_indicator_report_get_row(rep, 0, &r));
  CHECK(fabs(r.bed_share_pct - 6.0 / 31.0 / 10.0 * 100.0) < 1e-12);
  utklar_indicator_report_free(rep);
  utklar_beds_free(beds);
  utklar_population_free(pop);
  utklar_episodes_free(set);
}

static void test_bad_rows(void) {
  utklar_episodes *set = NULL;
  utklar_episode e;
  utklar_indicator_options o;
  utklar_indicator_report *rep = NULL;
  utklar_validation *v = NULL;
  utklar_problem p;
  utklar_exclusions ex;
  uint64_t count = 0;
  size_t i, n;

  CHECK_OK(utklar_episodes_new(&set));
  e = row("ok1", 880, 0, MAR(3), MAR(5));
  CHECK_OK(utklar_episodes_push(set, &e));                 /* row 0 */
  e = row("bad-muni", 9999, 0, MAR(3), MAR(5));
  CHECK_OK(utklar_episodes_push(set, &e));                 /* row 1 */
  e = row("ok1", 880, 0, MAR(3), MAR(5));
  CHECK_OK(utklar_episodes_push(set, &e));                 /* row 2: duplicate id */
  e = row("neg", 880, 0, MAR(5), MAR(3));
  CHECK_OK(utklar_episodes_push(set, &e));                 /* row 3: negative days */
  e = row("old", 880, 0, MAR(3), MAR(5));
  e.age = 200;
  CHECK_OK(utklar_episodes_push(set, &e));                 /* row 4: bad age */
  e = row("care", 880, 5, MAR(3), MAR(5));
  CHECK_OK(utklar_episodes_push(set, &e));                 /* row 5: unknown care type */
  e = row("range", 880, 0, 100, MAR(5));
  CHECK_OK(utklar_episodes_push(set, &e));                 /* row 6: ready before 1990 */
  e = row("minute", 880, 0, MAR(3), MAR(5));
  e.ready_second = 86400;
  CHECK_OK(utklar_episodes_push(set, &e));                 /* row 7: bad time of day */
  e = row("adm", 880, 0, MAR(3), MAR(5));
  e.admitted_day = MAR(6);
  CHECK_OK(utklar_episodes_push(set, &e));                 /* row 8: admitted after both */
  e = row("", 880, 0, MAR(3), MAR(5));
  CHECK_OK(utklar_episodes_push(set, &e));                 /* row 9: missing id */
  CHECK(utklar_episodes_len(set) == 10);

  /* Argument errors add nothing. */
  e = row("x", 880, 0, MAR(3), MAR(5));
  e.episode_id = bad_utf8();
  CHECK_RC(utklar_episodes_push(set, &e), UTKLAR_RESULT_INVALID_UTF8);
  e = row("x", 880, 0, MAR(3), MAR(5));
  e.patient_id = bad_utf8();
  CHECK_RC(utklar_episodes_push(set, &e), UTKLAR_RESULT_INVALID_UTF8);
  CHECK(strstr(last_error(), "patient_id") != NULL);
  CHECK_RC(utklar_episodes_push(set, NULL), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_RC(utklar_episodes_push(NULL, &e), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_RC(utklar_episode_init(NULL), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK(utklar_episodes_len(set) == 10);

  CHECK_OK(utklar_episodes_validate(set, UTKLAR_NEGATIVE_DAYS_EXCLUDE, &v));
  n = utklar_validation_len(v);
  {
    /* Expected (row, field, reason), in row order. */
    static const uint32_t want[][3] = {
        {1, UTKLAR_FIELD_MUNICIPALITY, UTKLAR_REASON_UNKNOWN_MUNICIPALITY},
        {2, UTKLAR_FIELD_EPISODE_ID, UTKLAR_REASON_DUPLICATE_EPISODE_ID},
        {3, UTKLAR_FIELD_DISCHARGED_AT, UTKLAR_REASON_NEGATIVE_DAYS},
        {4, UTKLAR_FIELD_AGE, UTKLAR_REASON_UNPARSEABLE_INTEGER},
        {5, UTKLAR_FIELD_CARE_TYPE, UTKLAR_REASON_UNKNOWN_CARE_TYPE},
        {6, UTKLAR_FIELD_READY_AT, UTKLAR_REASON_DATE_OUT_OF_RANGE},
        {7, UTKLAR_FIELD_READY_AT, UTKLAR_REASON_UNPARSEABLE_DATE},
        {8, UTKLAR_FIELD_DISCHARGED_AT, UTKLAR_REASON_DISCHARGE_BEFORE_ADMISSION},
        {8, UTKLAR_FIELD_READY_AT, UTKLAR_REASON_READY_BEFORE_ADMISSION},
        {9, UTKLAR_FIELD_EPISODE_ID, UTKLAR_REASON_MISSING_FIELD},
    };
    CHECK(n == sizeof want / sizeof want[0]);
    for (i = 0; i < n && i < sizeof want / sizeof want[0]; i++) {
      CHECK_OK(utklar_validation_get_problem(v, i, &p));
      if (p.row != want[i][0] || p.field != want[i][1] || p.reason != want[i][2])
        fprintf(stderr, "problem %u: got row %u field %u reason %u\n", (unsigned)i,
                (unsigned)p.row, (unsigned)p.field, (unsigned)p.reason);
      CHECK(p.row == want[i][0] && p.field == want[i][1] && p.reason == want[i][2]);
    }
  }
  p.row = 77;
  CHECK_RC(utklar_validation_get_problem(v, n, &p), UTKLAR_RESULT_OUT_OF_RANGE);
  CHECK(p.row == 77);
  CHECK_RC(utklar_validation_get_problem(NULL, 0, &p), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_RC(utklar_validation_get_problem(v, 0, NULL), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK(utklar_validation_len(NULL) == 0);
  utklar_validation_free(v);
  v = NULL;

  /* Under the day0 policy negative days are no problem. */
  CHECK_OK(utklar_episodes_validate(set, UTKLAR_NEGATIVE_DAYS_DAY0, &v));
  CHECK(utklar_validation_len(v) == n - 1);
  utklar_validation_free(v);
  v = NULL;
  CHECK_RC(utklar_episodes_validate(set, 7, &v), UTKLAR_RESULT_INVALID_ARGUMENT);
  CHECK_RC(utklar_episodes_validate(NULL, 0, &v), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_RC(utklar_episodes_validate(set, 0, NULL), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK(v == NULL);

  /* Strict mode (the default) fails and names the rows and fields. */
  CHECK_OK(utklar_indicator_options_init(&o));
  CHECK_RC(utklar_episodes_indicators(set, &o, NULL, NULL, &rep), UTKLAR_RESULT_INVALID_ROWS);
  CHECK(rep == NULL);
  CHECK(strstr(last_error(), "row 1: municipality: unknown_municipality") != NULL);
  CHECK(strstr(last_error(), "row 2: episode_id: duplicate_episode_id") != NULL);

  /* Lenient mode excludes them and reports why. */
  o.mode = UTKLAR_MODE_LENIENT;
  CHECK_OK(utklar_episodes_indicators(set, &o, NULL, NULL, &rep));
  CHECK_OK(utklar_indicator_report_get_exclusions(rep, &ex));
  CHECK(ex.rows_in == 10 && ex.counted == 1 && ex.excluded == 9);
  CHECK_OK(utklar_indicator_report_excluded(rep, UTKLAR_REASON_NEGATIVE_DAYS, &count));
  CHECK(count == 1);
  CHECK_OK(utklar_indicator_report_excluded(rep, UTKLAR_REASON_DUPLICATE_EPISODE_ID, &count));
  CHECK(count == 1);
  CHECK(utklar_indicator_report_problem_count(rep) == 10);
  CHECK_OK(utklar_indicator_report_get_problem(rep, 0, &p));
  CHECK(p.row == 1 && p.field == UTKLAR_FIELD_MUNICIPALITY);
  CHECK_RC(utklar_indicator_report_get_problem(rep, 10, &p), UTKLAR_RESULT_OUT_OF_RANGE);
  CHECK_RC(utklar_indicator_report_get_problem(NULL, 0, &p), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_RC(utklar_indicator_report_get_problem(rep, 0, NULL), UTKLAR_RESULT_NULL_ARGUMENT);
  utklar_indicator_report_free(rep);
  rep = NULL;

  /* Negative days under the error policy fail the call, even in lenient mode. */
  o.negative_days = UTKLAR_NEGATIVE_DAYS_ERROR;
  CHECK_RC(utklar_episodes_indicators(set, &o, NULL, NULL, &rep), UTKLAR_RESULT_INVALID_ROWS);
  CHECK(strstr(last_error(), "row 3: discharged_at: negative_days") != NULL);
  CHECK(rep == NULL);
  utklar_episodes_free(set);
}

static void test_text_rows(void) {
  utklar_episodes *set = NULL;
  utklar_validation *v = NULL;
  utklar_indicator_options o;
  utklar_indicator_report *rep = NULL;
  utklar_indicator_row r;
  utklar_problem p;
  utklar_str f[14];
  size_t i;

  CHECK_OK(utklar_episodes_new(&set));
  for (i = 0; i < 14; i++) {
    f[i].data = NULL;
    f[i].len = 0;
  }
  f[UTKLAR_FIELD_EPISODE_ID] = cstr("t1");
  f[UTKLAR_FIELD_MUNICIPALITY] = cstr("0880");
  f[UTKLAR_FIELD_CARE_TYPE] = cstr("somatic");
  f[UTKLAR_FIELD_READY_AT] = cstr("2025-03-03T13:15");
  f[UTKLAR_FIELD_DISCHARGED_AT] = cstr("2025-03-08");
  f[UTKLAR_FIELD_SIP_REQUIRED] = cstr("true");
  f[UTKLAR_FIELD_SIP_CALLED] = cstr("1");
  CHECK_OK(utklar_episodes_push_text(set, f, 14));
  f[UTKLAR_FIELD_EPISODE_ID] = cstr("t2");
  f[UTKLAR_FIELD_CARE_TYPE] = cstr("psykiatrisk");
  CHECK_OK(utklar_episodes_push_text(set, f, 7)); /* the flags left out */
  f[UTKLAR_FIELD_EPISODE_ID] = cstr("t3");
  f[UTKLAR_FIELD_READY_AT] = cstr("2025-02-30");
  CHECK_OK(utklar_episodes_push_text(set, f, 14)); /* row 2: no such date */
  f[UTKLAR_FIELD_EPISODE_ID] = cstr("t1");
  f[UTKLAR_FIELD_READY_AT] = cstr("2025-03-03");
  CHECK_OK(utklar_episodes_push_text(set, f, 14)); /* row 3: duplicate id */
  f[UTKLAR_FIELD_EPISODE_ID] = cstr("t4");
  f[UTKLAR_FIELD_SIP_CALLED] = cstr("maybe");
  CHECK_OK(utklar_episodes_push_text(set, f, 14)); /* row 4: bad boolean */
  CHECK(utklar_episodes_len(set) == 5);

  /* A struct row with an id seen in a text row is a duplicate too. */
  {
    utklar_episode e = row("t2", 880, 0, MAR(3), MAR(4));
    CHECK_OK(utklar_episodes_push(set, &e)); /* row 5 */
  }

  f[UTKLAR_FIELD_SIP_CALLED] = bad_utf8();
  CHECK_RC(utklar_episodes_push_text(set, f, 14), UTKLAR_RESULT_INVALID_UTF8);
  CHECK_RC(utklar_episodes_push_text(set, f, 15), UTKLAR_RESULT_INVALID_ARGUMENT);
  CHECK_RC(utklar_episodes_push_text(set, NULL, 14), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_RC(utklar_episodes_push_text(NULL, f, 14), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK(utklar_episodes_len(set) == 6);

  CHECK_OK(utklar_episodes_validate(set, UTKLAR_NEGATIVE_DAYS_EXCLUDE, &v));
  CHECK(utklar_validation_len(v) == 4);
  CHECK_OK(utklar_validation_get_problem(v, 0, &p));
  CHECK(p.row == 2 && p.field == UTKLAR_FIELD_READY_AT && p.reason == UTKLAR_REASON_UNPARSEABLE_DATE);
  CHECK_OK(utklar_validation_get_problem(v, 1, &p));
  CHECK(p.row == 3 && p.reason == UTKLAR_REASON_DUPLICATE_EPISODE_ID);
  CHECK_OK(utklar_validation_get_problem(v, 2, &p));
  CHECK(p.row == 4 && p.field == UTKLAR_FIELD_SIP_CALLED &&
        p.reason == UTKLAR_REASON_UNPARSEABLE_BOOLEAN);
  CHECK_OK(utklar_validation_get_problem(v, 3, &p));
  CHECK(p.row == 5 && p.reason == UTKLAR_REASON_DUPLICATE_EPISODE_ID);
  utklar_validation_free(v);

  CHECK_OK(utklar_indicator_options_init(&o));
  o.mode = UTKLAR_MODE_LENIENT;
  CHECK_OK(utklar_episodes_indicators(set, &o, NULL, NULL, &rep));
  CHECK(utklar_indicator_report_len(rep) == 2);
  CHECK_OK(utklar_indicator_report_get_row(rep, 0, &r));
  CHECK(r.care_type == UTKLAR_CARE_TYPE_SOMATIC && r.ready_days == 5 && r.episodes == 1);
  CHECK_OK(utklar_indicator_report_get_row(rep, 1, &r));
  CHECK(r.care_type == UTKLAR_CARE_TYPE_PSYCHIATRIC && r.ready_days == 5);
  utklar_indicator_report_free(rep);
  utklar_episodes_free(set);
}

/* CSV files and buffers: the command line's rows, problems and lines; file errors add nothing. */
static void test_personal_ids(void) {
  static const char pnr[] =
      "episode_id,patient_id,municipality,care_type,ready_at,discharged_at\n"
      "e1,19121212-1212,0880,somatic,2024-03-01,2024-03-05\n"
      "e2,p2,0880,somatic,2024-03-01,2024-03-05\n";
  utklar_episodes *set = NULL;
  utklar_validation *v = NULL;
  utklar_validation *sentinel = (utklar_validation *)&set;
  utklar_indicator_options o;
  utklar_indicator_report *rep = NULL;

  CHECK_OK(utklar_episodes_new(&set));
  CHECK_OK(utklar_episodes_read_csv_buffer(set, (const uint8_t *)pnr, sizeof pnr - 1));
  v = sentinel;
  CHECK_RC(utklar_episodes_validate(set, UTKLAR_NEGATIVE_DAYS_EXCLUDE, &v),
           UTKLAR_RESULT_PERSONAL_DATA);
  CHECK(v == sentinel);
  CHECK(strstr(last_error(), "patient_id") != NULL);
  CHECK(strstr(last_error(), "1212") == NULL);
  CHECK_OK(utklar_indicator_options_init(&o));
  o.mode = UTKLAR_MODE_LENIENT;
  CHECK_RC(utklar_episodes_indicators(set, &o, NULL, NULL, &rep), UTKLAR_RESULT_PERSONAL_DATA);
  CHECK_RC(utklar_episodes_allow_personal_ids(NULL, 1), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_OK(utklar_episodes_allow_personal_ids(set, 1));
  CHECK_OK(utklar_episodes_validate(set, UTKLAR_NEGATIVE_DAYS_EXCLUDE, &v));
  CHECK(utklar_validation_len(v) == 0);
  utklar_validation_free(v);
  CHECK_OK(utklar_episodes_indicators(set, &o, NULL, NULL, &rep));
  utklar_indicator_report_free(rep);
  utklar_episodes_free(set);
}

/* No message prints a cell: personal identity numbers (three spellings of one, and a
 * coordination number) planted in every column of a CSV buffer, in a text row, in a file
 * without a header, a header cell, an extra field, an unclosed quote and beside bytes that are
 * not UTF-8; every message the calls leave (last error, every problem's message) is scanned,
 * with personal ids refused and allowed. */
static const char *const PLANTED[] = {"19121212-1212", "191212121212", "121212+1212",
                                      "198112892388"};
static const char PNR_HEADER[] =
    "episode_id,patient_id,municipality,care_type,admitted_at,ready_at,discharged_at,"
    "home_ready_at,planned_discharge_date,age,admission_notice_sent,sip_required,sip_called,"
    "region_blocked\n";
static const char *const GOOD[14] = {"e1",         "p1",         "0880",  "somatic", "2025-02-25",
                                     "2025-03-01", "2025-03-05", "",      "2025-03-04", "81",
                                     "true",       "false",      "false", "false"};

static int leaks(const char *s) {
  return strstr(s, "121212") != NULL || strstr(s, "1212+") != NULL ||
         strstr(s, "8112892388") != NULL;
}

static void check_problem_message(const utklar_problem *p) {
  char buf[1024];
  size_t n = 0;
  CHECK_OK(utklar_problem_message(p, buf, sizeof buf, &n));
  CHECK(!leaks(buf));
}

/* Validation, indicators and an invoice of `set`, every message scanned. */
static void scan_set(utklar_episodes *set) {
  utklar_validation *v = NULL;
  utklar_indicator_options o;
  utklar_indicator_report *rep = NULL;
  utklar_agreement *a = NULL;
  utklar_amounts *am = NULL;
  utklar_invoice *inv = NULL;
  utklar_problem p;
  size_t i;

  if (utklar_episodes_validate(set, UTKLAR_NEGATIVE_DAYS_EXCLUDE, &v) == UTKLAR_RESULT_OK) {
    for (i = 0; i < utklar_validation_len(v); i++) {
      CHECK_OK(utklar_validation_get_problem(v, i, &p));
      check_problem_message(&p);
    }
    utklar_validation_free(v);
  }
  CHECK(!leaks(last_error()));
  CHECK_OK(utklar_indicator_options_init(&o));
  o.mode = UTKLAR_MODE_LENIENT;
  if (utklar_episodes_indicators(set, &o, NULL, NULL, &rep) == UTKLAR_RESULT_OK) {
    for (i = 0; i < utklar_indicator_report_problem_count(rep); i++) {
      CHECK_OK(utklar_indicator_report_get_problem(rep, i, &p));
      check_problem_message(&p);
    }
    utklar_indicator_report_free(rep);
  }
  CHECK(!leaks(last_error()));
  CHECK_OK(utklar_agreement_preset("kalmar", 6, &a));
  CHECK_OK(utklar_amounts_new(&am));
  CHECK_OK(utklar_amounts_set(am, 2025, 1000000));
  if (utklar_episodes_invoice(set, a, am, UTKLAR_MODE_LENIENT, &inv) == UTKLAR_RESULT_OK)
    utklar_invoice_free(inv);
  CHECK(!leaks(last_error()));
  utklar_amounts_free(am);
  utklar_agreement_free(a);
}

/* Reads `csv` into a new set (personal ids allowed or not) and scans every message. */
static void scan_csv(const char *csv, size_t len, int allow) {
  utklar_episodes *set = NULL;
  CHECK_OK(utklar_episodes_new(&set));
  CHECK_OK(utklar_episodes_allow_personal_ids(set, allow));
  (void)utklar_episodes_read_csv_buffer(set, (const uint8_t *)csv, len);
  CHECK(!leaks(last_error()));
  scan_set(set);
  utklar_episodes_free(set);
}

static void test_no_cell_in_messages(void) {
  char csv[2048];
  utklar_str f[14];
  utklar_episodes *set = NULL;
  size_t k, j, c;
  int allow, n;

  for (allow = 0; allow <= 1; allow++) {
    for (k = 0; k < 14; k++) {
      for (j = 0; j < 4; j++) {
        /* A good row, then the same row with the number in column k (CSV and text row). */
        size_t len = (size_t)snprintf(csv, sizeof csv, "%s", PNR_HEADER);
        for (c = 0; c < 14; c++)
          len += (size_t)snprintf(csv + len, sizeof csv - len, "%s%s", GOOD[c], c < 13 ? "," : "\n");
        for (c = 0; c < 14; c++)
          len += (size_t)snprintf(csv + len, sizeof csv - len, "%s%s", c == k ? PLANTED[j] : GOOD[c],
                                  c < 13 ? "," : "\n");
        scan_csv(csv, len, allow);

        CHECK_OK(utklar_episodes_new(&set));
        CHECK_OK(utklar_episodes_allow_personal_ids(set, allow));
        for (c = 0; c < 14; c++) f[c] = cstr(c == k ? PLANTED[j] : GOOD[c]);
        (void)utklar_episodes_push_text(set, f, 14);
        CHECK(!leaks(last_error()));
        scan_set(set);
        utklar_episodes_free(set);
      }
    }
    /* No header: the first line is a row of data. */
    n = snprintf(csv, sizeof csv, "%s,p1,0880,somatic,,2025-03-01\n%s,p1,0880,somatic,,2025-03-01\n",
                 PLANTED[0], PLANTED[1]);
    scan_csv(csv, (size_t)n, allow);
    /* A header cell that is a number, with a required column missing. */
    n = snprintf(csv, sizeof csv, "episode_id,%s,municipality,care_type\ne1,x,0880,somatic\n",
                 PLANTED[1]);
    scan_csv(csv, (size_t)n, allow);
    /* More fields than the header; an unclosed quote; bytes that are not UTF-8. */
    n = snprintf(csv, sizeof csv, "episode_id,municipality,care_type,ready_at\ne1,0880,somatic,2025-03-01,%s\n",
                 PLANTED[0]);
    scan_csv(csv, (size_t)n, allow);
    n = snprintf(csv, sizeof csv, "episode_id,municipality,care_type,ready_at\n\"e1,%s,0880\n", PLANTED[2]);
    scan_csv(csv, (size_t)n, allow);
    n = snprintf(csv, sizeof csv, "episode_id,municipality,care_type,ready_at\n%s\xE5,0880,somatic,%s\xE5\n",
                 PLANTED[3], PLANTED[0]);
    scan_csv(csv, (size_t)n, allow);
  }
}

static void test_csv(void) {
  static const char excel[] =
      "\xEF\xBB\xBF" "Episode_ID;Municipality;Care_Type;Ready_At;Discharged_At;note\r\n"
      "c1;0880;somatic;2025-03-03T13:15;2025-03-08;\"two\r\nlines\"\r\n"
      "c2;0999;somatic;2025-03-03;2025-03-04;\r\n"
      "\r\n"
      "c1;0880;somatic;2025-03-03;2025-03-05;x\r\n";
  static const char short_row[] =
      "episode_id,municipality,care_type,ready_at\nd1,0880,somatic,2025-03-03\nd2,0880\n";
  static const char twice[] = "episode_id,MUNICIPALITY,municipality,care_type,ready_at\n";
  static const char no_header[] = "e1,0880,somatic,2025-03-03\n";
  static const char latin1[] =
      "episode_id,patient_id,municipality,care_type,ready_at\ne1,P\xF6,0880,somatic,2025-03-03\n";
  const char *path = "utklar-test-api.csv";
  utklar_episodes *set = NULL;
  utklar_validation *v = NULL;
  utklar_problem p;
  uint64_t line = 99;
  FILE *f;

  CHECK_OK(utklar_episodes_new(&set));
  CHECK_OK(utklar_episodes_read_csv_buffer(set, (const uint8_t *)excel, sizeof excel - 1));
  CHECK(utklar_episodes_len(set) == 3);
  CHECK_OK(utklar_episodes_line(set, 0, &line));
  CHECK(line == 2);
  CHECK_OK(utklar_episodes_line(set, 1, &line));
  CHECK(line == 4);
  CHECK_OK(utklar_episodes_line(set, 2, &line));
  CHECK(line == 6);
  CHECK_RC(utklar_episodes_line(set, 3, &line), UTKLAR_RESULT_OUT_OF_RANGE);
  CHECK_RC(utklar_episodes_line(set, 0, NULL), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_OK(utklar_episodes_validate(set, UTKLAR_NEGATIVE_DAYS_EXCLUDE, &v));
  CHECK(utklar_validation_len(v) == 2);
  CHECK_OK(utklar_validation_get_problem(v, 0, &p));
  CHECK(p.row == 1 && p.field == UTKLAR_FIELD_MUNICIPALITY &&
        p.reason == UTKLAR_REASON_UNKNOWN_MUNICIPALITY);
  CHECK_OK(utklar_validation_get_problem(v, 1, &p));
  CHECK(p.row == 2 && p.reason == UTKLAR_REASON_DUPLICATE_EPISODE_ID);
  utklar_validation_free(v);

  /* A record of the wrong shape: an error naming its line, and no row added. */
  CHECK_RC(utklar_episodes_read_csv_buffer(set, (const uint8_t *)short_row, sizeof short_row - 1),
           UTKLAR_RESULT_INVALID_FILE);
  CHECK(strstr(last_error(), "line 3 has 2 fields but the header has 4") != NULL);
  CHECK(utklar_episodes_len(set) == 3);
  CHECK_RC(utklar_episodes_read_csv_buffer(set, (const uint8_t *)twice, sizeof twice - 1),
           UTKLAR_RESULT_INVALID_FILE);
  CHECK(strstr(last_error(), "`MUNICIPALITY` and `municipality`") != NULL);
  CHECK_RC(utklar_episodes_read_csv_buffer(set, (const uint8_t *)no_header, sizeof no_header - 1),
           UTKLAR_RESULT_INVALID_FILE);
  CHECK(strstr(last_error(), "no header row") != NULL && strstr(last_error(), "0880") == NULL);
  CHECK_RC(utklar_episodes_read_csv_buffer(set, (const uint8_t *)latin1, sizeof latin1 - 1),
           UTKLAR_RESULT_INVALID_FILE);
  CHECK(strstr(last_error(), "line 2, column `patient_id` is not UTF-8") != NULL);
  CHECK_RC(utklar_episodes_read_csv_buffer(set, NULL, 0), UTKLAR_RESULT_INVALID_FILE);
  CHECK_RC(utklar_episodes_read_csv_buffer(set, NULL, 5), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_RC(utklar_episodes_read_csv_buffer(NULL, (const uint8_t *)excel, 3),
           UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK(utklar_episodes_len(set) == 3);
  utklar_episodes_free(set);

  /* The same bytes from a file give the same rows and lines. */
  f = fopen(path, "wb");
  CHECK(f != NULL);
  if (f) {
    fwrite(excel, 1, sizeof excel - 1, f);
    fclose(f);
  }
  CHECK_OK(utklar_episodes_new(&set));
  CHECK_OK(utklar_episodes_read_csv_file(set, path, strlen(path)));
  CHECK(utklar_episodes_len(set) == 3);
  CHECK_OK(utklar_episodes_line(set, 2, &line));
  CHECK(line == 6);
  remove(path);
  CHECK_RC(utklar_episodes_read_csv_file(set, path, strlen(path)), UTKLAR_RESULT_INVALID_FILE);
  CHECK(strcmp(last_error(), "no such file") == 0);
  CHECK_RC(utklar_episodes_read_csv_file(set, NULL, 0), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK(utklar_episodes_len(set) == 3);
  utklar_episodes_free(set);
}

static void test_columns(void) {
  /* The Kalmar March data as columns, with a bad row at index 2. */
  const uint16_t muni[] = {880, 880, 9999, 880, 880};
  const uint8_t care[] = {0, 0, 0, 1, 0};
  const int32_t ready[] = {MAR(3), MAR(3), MAR(3), MAR(3), MAR(20)};
  const int32_t dis[] = {MAR(7), MAR(3), MAR(5), MAR(4), -1};
  const int32_t age[] = {81, 90, 50, 70, -1};
  utklar_str ids[5];
  utklar_columns c;
  utklar_episodes *set = NULL;
  utklar_indicator_options o;
  utklar_indicator_report *rep = NULL;
  utklar_indicator_row r;
  utklar_exclusions ex;
  utklar_validation *v = NULL;
  utklar_problem p;

  ids[0] = cstr("c0");
  ids[1] = cstr("c1");
  ids[2] = cstr("c2");
  ids[3] = cstr("c3");
  ids[4] = cstr("c4");
  CHECK_OK(utklar_columns_init(&c));
  CHECK(c.len == 0 && c.municipality == NULL && c.episode_id == NULL);
  CHECK_RC(utklar_columns_init(NULL), UTKLAR_RESULT_NULL_ARGUMENT);
  c.len = 5;
  c.municipality = muni;
  c.care_type = care;
  c.ready_day = ready;
  c.discharge_day = dis;
  c.age = age;

  CHECK_OK(utklar_indicator_options_init(&o));
  CHECK_RC(utklar_columns_indicators(&c, &o, NULL, NULL, &rep), UTKLAR_RESULT_INVALID_ROWS);
  CHECK(strstr(last_error(), "row 2: municipality") != NULL);
  o.mode = UTKLAR_MODE_LENIENT;
  CHECK_OK(utklar_columns_indicators(&c, &o, NULL, NULL, &rep));
  CHECK(utklar_indicator_report_len(rep) == 2);
  CHECK_OK(utklar_indicator_report_get_row(rep, 0, &r));
  CHECK(r.episodes == 2 && r.ready_days == 4 && r.day0 == 1);
  CHECK_OK(utklar_indicator_report_get_exclusions(rep, &ex));
  CHECK(ex.rows_in == 5 && ex.excluded == 1 && ex.open == 1 && ex.counted == 3);
  utklar_indicator_report_free(rep);
  rep = NULL;

  /* The same columns into an episode set: without ids, a row's id is its row number. */
  CHECK_OK(utklar_episodes_new(&set));
  CHECK_OK(utklar_episodes_push_columns(set, &c));
  CHECK_OK(utklar_episodes_push_columns(set, &c)); /* rows 5-9: ids "5".."9", no duplicates */
  CHECK(utklar_episodes_len(set) == 10);
  CHECK_OK(utklar_episodes_validate(set, UTKLAR_NEGATIVE_DAYS_EXCLUDE, &v));
  CHECK(utklar_validation_len(v) == 2);
  CHECK_OK(utklar_validation_get_problem(v, 1, &p));
  CHECK(p.row == 7 && p.field == UTKLAR_FIELD_MUNICIPALITY);
  utklar_validation_free(v);
  v = NULL;
  /* With ids, the second batch repeats them. */
  c.episode_id = ids;
  CHECK_OK(utklar_episodes_push_columns(set, &c));
  CHECK_OK(utklar_episodes_push_columns(set, &c));
  CHECK_OK(utklar_episodes_validate(set, UTKLAR_NEGATIVE_DAYS_EXCLUDE, &v));
  CHECK(utklar_validation_len(v) == 2 + 2 + 5);
  utklar_validation_free(v);
  CHECK_OK(utklar_episodes_indicators(set, &o, NULL, NULL, &rep));
  CHECK_OK(utklar_indicator_report_get_row(rep, 0, &r));
  CHECK(r.episodes == 6 && r.ready_days == 12);
  utklar_indicator_report_free(rep);
  rep = NULL;

  /* Argument errors: a required column NULL, a bad string; nothing is added. */
  ids[3] = bad_utf8();
  CHECK_RC(utklar_episodes_push_columns(set, &c), UTKLAR_RESULT_INVALID_UTF8);
  CHECK(utklar_episodes_len(set) == 20);
  c.episode_id = NULL;
  c.ready_day = NULL;
  CHECK_RC(utklar_episodes_push_columns(set, &c), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK(strstr(last_error(), "ready_day") != NULL);
  CHECK_RC(utklar_columns_indicators(&c, &o, NULL, NULL, &rep), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK(rep == NULL);
  CHECK_RC(utklar_episodes_push_columns(set, NULL), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_RC(utklar_episodes_push_columns(NULL, &c), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_RC(utklar_columns_indicators(NULL, &o, NULL, NULL, &rep), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_RC(utklar_columns_indicators(&c, NULL, NULL, NULL, &rep), UTKLAR_RESULT_NULL_ARGUMENT);
  c.ready_day = ready;
  CHECK_RC(utklar_columns_indicators(&c, &o, NULL, NULL, NULL), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK(utklar_episodes_len(set) == 20);

  /* No rows: NULL columns are fine, the report is empty. */
  CHECK_OK(utklar_columns_init(&c));
  CHECK_OK(utklar_columns_indicators(&c, &o, NULL, NULL, &rep));
  CHECK(utklar_indicator_report_len(rep) == 0);
  utklar_indicator_report_free(rep);
  utklar_episodes_free(set);
}

#define DEC24(d) (20058 + (d) - 1) /* 2024-12-01 is day 20058 */

static void test_agreements_and_amounts(void) {
  utklar_agreement *a = NULL, *b = NULL;
  utklar_agreement *sentinel = (utklar_agreement *)&a;
  utklar_amounts *am = NULL;
  utklar_str s;
  int64_t ore = 0;
  char *toml;
  size_t n = 0, i;
  static const char *const NAMES[] = {"statutory", "kalmar", "vgr", "sormland", "stockholm"};

  CHECK(utklar_preset_count() == 5);
  for (i = 0; i < 5; i++) {
    CHECK_OK(utklar_preset_name(i, &s));
    CHECK(str_eq(s, NAMES[i]));
    CHECK_OK(utklar_agreement_preset(s.data, s.len, &a));
    CHECK_OK(utklar_agreement_name(a, &s));
    CHECK(str_eq(s, NAMES[i]));
    utklar_agreement_free(a);
    a = NULL;
  }
  CHECK_RC(utklar_preset_name(5, &s), UTKLAR_RESULT_OUT_OF_RANGE);
  CHECK_RC(utklar_preset_name(0, NULL), UTKLAR_RESULT_NULL_ARGUMENT);

  /* Unknown preset, bad UTF-8, NULL: nothing written. */
  a = sentinel;
  CHECK_RC(utklar_agreement_preset("gotland", 7, &a), UTKLAR_RESULT_UNKNOWN_PRESET);
  CHECK(strstr(last_error(), "gotland") != NULL);
  CHECK_RC(utklar_agreement_preset(BAD_UTF8, sizeof BAD_UTF8, &a), UTKLAR_RESULT_INVALID_UTF8);
  CHECK_RC(utklar_agreement_preset(NULL, 6, &a), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_RC(utklar_agreement_preset("kalmar", 6, NULL), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK(a == sentinel);

  /* TOML out and back in; the length query first. */
  CHECK_OK(utklar_agreement_preset("KALMAR", 6, &a));
  CHECK_RC(utklar_agreement_to_toml(a, NULL, 0, &n), UTKLAR_RESULT_BUFFER_TOO_SMALL);
  CHECK(n > 100);
  toml = malloc(n + 1);
  CHECK(toml != NULL);
  CHECK_OK(utklar_agreement_to_toml(a, toml, n + 1, &n));
  CHECK(strlen(toml) == n && strstr(toml, "threshold_days = 0.8") != NULL);
  CHECK_OK(utklar_agreement_from_toml(toml, n, &b));
  CHECK_OK(utklar_agreement_name(b, &s));
  CHECK(str_eq(s, "kalmar"));
  utklar_agreement_free(b);
  b = sentinel;
  /* Bad TOML, an unknown field (named in the message), a contradiction, bad UTF-8, NULL. */
  CHECK_RC(utklar_agreement_from_toml("name = = 1", 10, &b), UTKLAR_RESULT_INVALID_AGREEMENT);
  {
    char *edited = malloc(n + 32);
    CHECK(edited != NULL);
    memcpy(edited, "colour = \"blue\"\n", 16);
    memcpy(edited + 16, toml, n);
    CHECK_RC(utklar_agreement_from_toml(edited, n + 16, &b), UTKLAR_RESULT_INVALID_AGREEMENT);
    CHECK(strstr(last_error(), "colour") != NULL);
    free(edited);
  }
  {
    char *p = strstr(toml, "threshold_days = 0.8");
    memcpy(p, "threshold_days = -1 ", 20);
    CHECK_RC(utklar_agreement_from_toml(toml, n, &b), UTKLAR_RESULT_INVALID_AGREEMENT);
    CHECK(strstr(last_error(), "threshold") != NULL);
  }
  CHECK_RC(utklar_agreement_from_toml(BAD_UTF8, sizeof BAD_UTF8, &b), UTKLAR_RESULT_INVALID_UTF8);
  CHECK_RC(utklar_agreement_from_toml(NULL, 3, &b), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_RC(utklar_agreement_from_toml("x", 1, NULL), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK(b == sentinel);
  CHECK_RC(utklar_agreement_name(NULL, &s), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_RC(utklar_agreement_name(a, NULL), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_RC(utklar_agreement_to_toml(NULL, toml, n, &n), UTKLAR_RESULT_NULL_ARGUMENT);
  free(toml);
  utklar_agreement_free(a);
  utklar_agreement_free(NULL);

  /* Amounts: the sourced national years, nothing else until set. */
  CHECK_OK(utklar_amounts_new(&am));
  CHECK_OK(utklar_amounts_get(am, 2024, &ore));
  CHECK(ore == 1160000);
  CHECK_OK(utklar_amounts_get(am, 2019, &ore));
  CHECK(ore == 780000);
  ore = 7;
  CHECK_RC(utklar_amounts_get(am, 2025, &ore), UTKLAR_RESULT_MISSING_AMOUNT);
  CHECK(ore == 7);
  CHECK(strstr(last_error(), "2025") != NULL);
  CHECK_OK(utklar_amounts_set(am, 2025, 1090000));
  CHECK_OK(utklar_amounts_get(am, 2025, &ore));
  CHECK(ore == 1090000);
  CHECK_RC(utklar_amounts_set(am, 2025, -1), UTKLAR_RESULT_INVALID_ARGUMENT);
  CHECK_RC(utklar_amounts_set(am, 1800, 1), UTKLAR_RESULT_INVALID_ARGUMENT);
  CHECK_RC(utklar_amounts_set(NULL, 2025, 1), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_RC(utklar_amounts_get(NULL, 2025, &ore), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_RC(utklar_amounts_get(am, 2025, NULL), UTKLAR_RESULT_NULL_ARGUMENT);
  utklar_amounts_free(am);
  am = NULL;
  CHECK_OK(utklar_amounts_new_empty(&am));
  CHECK_RC(utklar_amounts_get(am, 2024, &ore), UTKLAR_RESULT_MISSING_AMOUNT);
  utklar_amounts_free(am);
  utklar_amounts_free(NULL);
  CHECK_RC(utklar_amounts_new(NULL), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_RC(utklar_amounts_new_empty(NULL), UTKLAR_RESULT_NULL_ARGUMENT);
}

static void test_invoice(void) {
  utklar_episodes *set = NULL;
  utklar_agreement *law = NULL;
  utklar_amounts *am = NULL;
  utklar_invoice *inv = NULL;
  utklar_invoice *sentinel = (utklar_invoice *)&set;
  utklar_invoice_summary sum;
  utklar_invoice_line l;
  utklar_invoice_total t;
  utklar_not_billed nb;
  utklar_episode e;
  utklar_str s;
  uint64_t count = 0;

  CHECK_OK(utklar_episodes_new(&set));
  e = row("a", 880, 0, DEC24(2), DEC24(10)); /* ready before noon: days 4-8 billed */
  e.ready_second = (9 * 60 + 30) * 60;
  CHECK_OK(utklar_episodes_push(set, &e));
  e = row("b", 880, 0, DEC24(2), DEC24(6)); /* after noon: 4 grace days, within grace */
  e.ready_second = (12 * 60 + 1) * 60;
  CHECK_OK(utklar_episodes_push(set, &e));
  e = row("c", 880, 0, DEC24(20), -1); /* still in hospital */
  CHECK_OK(utklar_episodes_push(set, &e));
  e = row("a", 880, 0, DEC24(2), DEC24(12)); /* a repeated id */
  CHECK_OK(utklar_episodes_push(set, &e));
  e = row("e", 880, 0, DEC24(1), DEC24(20)); /* no admission notice */
  e.admission_notice_sent = 0;
  CHECK_OK(utklar_episodes_push(set, &e));
  e = row("f", 9999, 0, DEC24(1), DEC24(20)); /* cannot be read */
  CHECK_OK(utklar_episodes_push(set, &e));

  CHECK_OK(utklar_agreement_preset("statutory", 9, &law));
  inv = sentinel;
  CHECK_RC(utklar_episodes_invoice(set, law, NULL, UTKLAR_MODE_STRICT, &inv),
           UTKLAR_RESULT_INVALID_ROWS);
  CHECK(strstr(last_error(), "row 5: municipality") != NULL);
  CHECK(inv == sentinel);
  CHECK_RC(utklar_episodes_invoice(set, law, NULL, 5, &inv), UTKLAR_RESULT_INVALID_ARGUMENT);
  CHECK_RC(utklar_episodes_invoice(NULL, law, NULL, 1, &inv), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_RC(utklar_episodes_invoice(set, NULL, NULL, 1, &inv), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_RC(utklar_episodes_invoice(set, law, NULL, 1, NULL), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK(inv == sentinel);

  CHECK_OK(utklar_episodes_invoice(set, law, NULL, UTKLAR_MODE_LENIENT, &inv));
  CHECK_OK(utklar_invoice_get_summary(inv, &sum));
  /* The repeated id and the unknown municipality are rows that are no episode. */
  CHECK(sum.rows_in == 6 && sum.rows_not_read == 2 && sum.episodes_in == 6);
  CHECK(sum.billed_episodes == 1 && sum.not_billed == 5);
  CHECK(sum.billed_days == 5.0 && sum.amount_ore == 5 * 1160000);
  CHECK_OK(utklar_invoice_agreement(inv, &s));
  CHECK(str_eq(s, "statutory"));

  CHECK(utklar_invoice_line_count(inv) == 1);
  CHECK_OK(utklar_invoice_get_line(inv, 0, &l));
  CHECK(str_eq(l.episode_id, "a") && l.row == 0 && l.municipality == 880);
  CHECK(l.care_type == UTKLAR_CARE_TYPE_SOMATIC && l.billed_days == 5.0);
  CHECK(l.amount_ore == 5 * 1160000 && l.rule == UTKLAR_RULE_INDIVIDUAL && l.episodes == 1);
  CHECK(l.period.kind == UTKLAR_PERIOD_KIND_MONTH && l.period.year == 2024 && l.period.number == 12);
  CHECK_RC(utklar_invoice_get_line(inv, 1, &l), UTKLAR_RESULT_OUT_OF_RANGE);
  CHECK_OK(utklar_rule_name(l.rule, &s));
  CHECK(str_eq(s, "individual"));
  CHECK_OK(utklar_rule_name(UTKLAR_RULE_AVERAGE_OVER_THRESHOLD, &s));
  CHECK(str_eq(s, "average_over_threshold"));
  CHECK_RC(utklar_rule_name(UTKLAR_RULE_OTHER, &s), UTKLAR_RESULT_INVALID_ARGUMENT);
  CHECK_RC(utklar_rule_name(0, NULL), UTKLAR_RESULT_NULL_ARGUMENT);

  CHECK(utklar_invoice_total_count(inv) == 1);
  CHECK_OK(utklar_invoice_get_total(inv, 0, &t));
  CHECK(t.municipality == 880 && t.amount_ore == 5 * 1160000 && t.billed_days == 5.0);
  CHECK(t.triggered == -1 && isnan(t.threshold) && isnan(t.mean_days));
  CHECK_RC(utklar_invoice_get_total(inv, 1, &t), UTKLAR_RESULT_OUT_OF_RANGE);

  CHECK(utklar_invoice_not_billed_count(inv) == 5);
  {
    static const size_t rows[] = {1, 2, 3, 4, 5};
    static const uint32_t reasons[] = {
        UTKLAR_NOT_BILLED_REASON_WITHIN_GRACE, UTKLAR_NOT_BILLED_REASON_OPEN,
        UTKLAR_NOT_BILLED_REASON_DUPLICATE_EPISODE_ID,
        UTKLAR_NOT_BILLED_REASON_MISSING_ADMISSION_NOTICE, UTKLAR_NOT_BILLED_REASON_INVALID_ROW};
    size_t i;
    for (i = 0; i < 5; i++) {
      CHECK_OK(utklar_invoice_get_not_billed(inv, i, &nb));
      CHECK(nb.row == rows[i] && nb.reason == reasons[i]);
    }
    CHECK_OK(utklar_invoice_get_not_billed(inv, 2, &nb));
    CHECK(str_eq(nb.episode_id, "a"));
    CHECK_OK(utklar_invoice_get_not_billed(inv, 4, &nb));
    CHECK(str_eq(nb.episode_id, "f"));
  }
  CHECK_RC(utklar_invoice_get_not_billed(inv, 5, &nb), UTKLAR_RESULT_OUT_OF_RANGE);
  CHECK_OK(utklar_invoice_not_billed_by_reason(inv, UTKLAR_NOT_BILLED_REASON_OPEN, &count));
  CHECK(count == 1);
  CHECK_OK(utklar_invoice_not_billed_by_reason(inv, UTKLAR_NOT_BILLED_REASON_AVERAGE_NOT_EXCEEDED, &count));
  CHECK(count == 0);
  CHECK_RC(utklar_invoice_not_billed_by_reason(inv, 99, &count), UTKLAR_RESULT_INVALID_ARGUMENT);
  CHECK_OK(utklar_not_billed_reason_name(UTKLAR_NOT_BILLED_REASON_WITHIN_GRACE, &s));
  CHECK(str_eq(s, "within_grace"));
  CHECK_OK(utklar_not_billed_reason_name(UTKLAR_NOT_BILLED_REASON_INVALID_ROW, &s));
  CHECK(str_eq(s, "invalid_row"));
  CHECK_OK(utklar_not_billed_reason_name(UTKLAR_NOT_BILLED_REASON_BEFORE_LAW, &s));
  CHECK(str_eq(s, "before_law"));
  CHECK_RC(utklar_not_billed_reason_name(11, &s), UTKLAR_RESULT_INVALID_ARGUMENT);
  CHECK_RC(utklar_not_billed_reason_name(0, NULL), UTKLAR_RESULT_NULL_ARGUMENT);

  /* NULL everywhere. */
  CHECK_RC(utklar_invoice_get_summary(NULL, &sum), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_RC(utklar_invoice_get_summary(inv, NULL), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_RC(utklar_invoice_agreement(NULL, &s), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_RC(utklar_invoice_get_line(NULL, 0, &l), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_RC(utklar_invoice_get_line(inv, 0, NULL), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_RC(utklar_invoice_get_total(NULL, 0, &t), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_RC(utklar_invoice_get_not_billed(NULL, 0, &nb), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_RC(utklar_invoice_not_billed_by_reason(NULL, 0, &count), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_RC(utklar_invoice_not_billed_by_reason(inv, 0, NULL), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK(utklar_invoice_line_count(NULL) == 0 && utklar_invoice_total_count(NULL) == 0);
  CHECK(utklar_invoice_not_billed_count(NULL) == 0);
  utklar_invoice_free(inv);
  utklar_invoice_free(NULL);
  inv = NULL;

  /* A billed day in 2025, which has no sourced amount: the error names the year. */
  e = row("g", 880, 0, MAR(1), MAR(10));
  CHECK_OK(utklar_episodes_push(set, &e));
  CHECK_RC(utklar_episodes_invoice(set, law, NULL, UTKLAR_MODE_LENIENT, &inv),
           UTKLAR_RESULT_MISSING_AMOUNT);
  CHECK(strstr(last_error(), "2025") != NULL);
  CHECK(inv == NULL);
  CHECK_OK(utklar_amounts_new(&am));
  CHECK_OK(utklar_amounts_set(am, 2025, 1090000));
  CHECK_OK(utklar_episodes_invoice(set, law, am, UTKLAR_MODE_LENIENT, &inv));
  CHECK_OK(utklar_invoice_get_summary(inv, &sum));
  /* g: ready 1 March before noon (no time), discharged 10 March: days 4-9, 6 days. */
  CHECK(sum.amount_ore == 5 * 1160000 + 6 * 1090000);
  utklar_invoice_free(inv);

  utklar_amounts_free(am);
  utklar_agreement_free(law);
  utklar_episodes_free(set);
}

/* Structs that can grow carry their size: the library refuses a size below the published
 * layout, reads and writes only the bytes the caller's size covers, and accepts a larger struct
 * (a program built against a later header). */
static void test_struct_sizes(void) {
  utklar_episodes *set = NULL;
  utklar_indicator_options o;
  utklar_indicator_report *rep = NULL;
  utklar_episode e = row("e1", 880, UTKLAR_CARE_TYPE_SOMATIC, MAR(3), MAR(7));
  union {
    utklar_indicator_row row;
    unsigned char bytes[sizeof(utklar_indicator_row) + 16];
  } big;
  utklar_indicator_row small;
  size_t i;

  CHECK(e.struct_size == sizeof(utklar_episode));
  CHECK_OK(utklar_episodes_new(&set));
  CHECK_OK(utklar_indicator_options_init(&o));
  CHECK(o.struct_size == sizeof o);

  /* A struct not set up by its _init (struct_size 0, or too small) is refused, adding nothing. */
  e.struct_size = 0;
  CHECK_RC(utklar_episodes_push(set, &e), UTKLAR_RESULT_INVALID_ARGUMENT);
  e.struct_size = (uint32_t)sizeof(utklar_episode) - 4;
  CHECK_RC(utklar_episodes_push(set, &e), UTKLAR_RESULT_INVALID_ARGUMENT);
  CHECK(utklar_episodes_len(set) == 0);
  CHECK_RC(utklar_episode_init_sized(&e, 8), UTKLAR_RESULT_INVALID_ARGUMENT);
  e.struct_size = (uint32_t)sizeof(utklar_episode);
  CHECK_OK(utklar_episodes_push(set, &e));
  CHECK(utklar_episodes_len(set) == 1);

  o.struct_size = 0;
  CHECK_RC(utklar_episodes_indicators(set, &o, NULL, NULL, &rep), UTKLAR_RESULT_INVALID_ARGUMENT);
  CHECK(rep == NULL);
  CHECK_OK(utklar_indicator_options_init(&o));
  CHECK_OK(utklar_episodes_indicators(set, &o, NULL, NULL, &rep));

  /* An output smaller than the published layout: refused, nothing written. */
  memset(&small, 0xAB, sizeof small);
  CHECK_RC(utklar_indicator_report_get_row_sized(rep, 0, &small, sizeof small - 8),
           UTKLAR_RESULT_INVALID_ARGUMENT);
  CHECK(((unsigned char *)&small)[0] == 0xAB);

  /* A larger output (a later header's struct): the known bytes are written, the rest kept. */
  memset(&big, 0xCD, sizeof big);
  CHECK_OK(utklar_indicator_report_get_row_sized(rep, 0, &big.row, sizeof big));
  CHECK(big.row.struct_size == sizeof(utklar_indicator_row));
  CHECK(big.row.ready_days == 4);
  for (i = sizeof(utklar_indicator_row); i < sizeof big; i++) CHECK(big.bytes[i] == 0xCD);

  /* The macro passes this program's sizeof. */
  CHECK_OK(utklar_indicator_report_get_row(rep, 0, &small));
  CHECK(small.struct_size == sizeof small && small.ready_days == 4);

  utklar_indicator_report_free(rep);
  utklar_episodes_free(set);
}

/* utklar_episodes_explain: one row per row of the set, the invoice's own answers. */
static void test_explain(void) {
  utklar_episodes *set = NULL;
  utklar_agreement *law = NULL;
  utklar_explanation *x = NULL;
  utklar_invoice *inv = NULL;
  utklar_invoice_summary sum;
  utklar_explain_row r;
  utklar_episode e;
  int64_t own = 0, total = -1;
  size_t i;

  CHECK_OK(utklar_episodes_new(&set));
  e = row("a", 880, 0, DEC24(2), DEC24(10)); /* ready before noon: days 4-8 billed */
  e.ready_second = (9 * 60 + 30) * 60;
  CHECK_OK(utklar_episodes_push(set, &e));
  e = row("b", 880, 0, DEC24(20), -1); /* still in hospital */
  CHECK_OK(utklar_episodes_push(set, &e));
  e = row("c", 880, 0, DEC24(5), DEC24(3)); /* negative days */
  CHECK_OK(utklar_episodes_push(set, &e));
  e = row("d", 9999, 0, DEC24(1), DEC24(20)); /* cannot be read */
  CHECK_OK(utklar_episodes_push(set, &e));
  CHECK_OK(utklar_agreement_preset("statutory", 9, &law));

  CHECK_RC(utklar_episodes_explain(NULL, NULL, law, NULL, &x), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_RC(utklar_episodes_explain(set, NULL, law, NULL, NULL), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_OK(utklar_episodes_explain(set, NULL, law, NULL, &x));
  CHECK(utklar_explanation_len(x) == 4 && utklar_explanation_len(NULL) == 0);
  CHECK_OK(utklar_explanation_get_row(x, 0, &r));
  CHECK(r.row == 0 && str_eq(r.episode_id, "a") && r.read && r.municipality == 880);
  CHECK(r.counting == UTKLAR_COUNTING_COUNTED && r.has_ready_days && r.ready_days == 8);
  CHECK(r.period.year == 2024 && r.period.number == 12 && r.ready_day == DEC24(2));
  CHECK(r.billing == UTKLAR_BILLING_BILLED && r.billed_days == 5.0);
  CHECK(r.amount_ore == 5 * 1160000 && r.rule == UTKLAR_RULE_INDIVIDUAL);
  CHECK(r.has_invoice_period && isnan(r.threshold) && r.triggered == -1);
  CHECK_OK(utklar_explanation_get_row(x, 1, &r));
  CHECK(r.counting == UTKLAR_COUNTING_OPEN && r.discharge_day == -1);
  CHECK(r.billing == UTKLAR_BILLING_NOT_BILLED && r.not_billed == UTKLAR_NOT_BILLED_REASON_OPEN);
  CHECK(isnan(r.billed_days) && r.amount_ore == 0);
  CHECK_OK(utklar_explanation_get_row(x, 2, &r));
  CHECK(r.counting == UTKLAR_COUNTING_EXCLUDED && r.reason == UTKLAR_REASON_NEGATIVE_DAYS);
  CHECK(r.ready_days == -2 && r.not_billed == UTKLAR_NOT_BILLED_REASON_NEGATIVE_DAYS);
  CHECK_OK(utklar_explanation_get_row(x, 3, &r));
  CHECK(!r.read && r.municipality == 0 && r.reason == UTKLAR_REASON_UNKNOWN_MUNICIPALITY);
  CHECK(r.not_billed == UTKLAR_NOT_BILLED_REASON_INVALID_ROW && str_eq(r.episode_id, "d"));
  CHECK_RC(utklar_explanation_get_row(x, 4, &r), UTKLAR_RESULT_OUT_OF_RANGE);
  CHECK_RC(utklar_explanation_get_row_sized(x, 0, &r, 8), UTKLAR_RESULT_INVALID_ARGUMENT);

  /* The rows add up to the invoice. */
  CHECK_OK(utklar_episodes_invoice(set, law, NULL, UTKLAR_MODE_LENIENT, &inv));
  CHECK_OK(utklar_invoice_get_summary(inv, &sum));
  for (i = 0; i < utklar_explanation_len(x); i++) {
    CHECK_OK(utklar_explanation_get_row(x, i, &r));
    own += r.amount_ore;
  }
  CHECK_OK(utklar_explanation_amount_ore(x, &total));
  CHECK(own == sum.amount_ore && total == sum.amount_ore);
  CHECK_RC(utklar_explanation_amount_ore(NULL, &total), UTKLAR_RESULT_NULL_ARGUMENT);
  utklar_invoice_free(inv);
  utklar_explanation_free(x);

  /* Without an agreement: no billing. */
  CHECK_OK(utklar_episodes_explain(set, NULL, NULL, NULL, &x));
  CHECK_OK(utklar_explanation_get_row(x, 0, &r));
  CHECK_OK(utklar_explanation_amount_ore(x, &total));
  CHECK(r.billing == UTKLAR_BILLING_NONE && total == 0);
  utklar_explanation_free(x);
  utklar_explanation_free(NULL);
  utklar_agreement_free(law);
  utklar_episodes_free(set);
}

int main(void) {
  test_version_and_messages();
  test_names();
  test_indicators();
  test_builtin_population();
  test_checked_reference_rows();
  test_bad_rows();
  test_text_rows();
  test_csv();
  test_columns();
  test_agreements_and_amounts();
  test_invoice();
  test_explain();
  test_personal_ids();
  test_no_cell_in_messages();
  test_struct_sizes();
  return check_report("test_api");
}
