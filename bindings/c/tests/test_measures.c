/*
 * The county registry, the national amounts and the further measures (census, readmissions,
 * per-person counts, planned-date accuracy) through the C API, on hand-computed cases. Run
 * under AddressSanitizer + UBSan and under valgrind by `make test`.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "check.h"

/* Whether `s` contains the C string `needle`. */
static int contains(utklar_str s, const char *needle) {
  size_t n = strlen(needle), i;
  for (i = 0; i + n <= s.len; i++)
    if (memcmp(s.data + i, needle, n) == 0) return 1;
  return 0;
}

static void test_registry(void) {
  size_t n = utklar_county_agreement_count(), i, with_preset = 0;
  unsigned previous = 0;
  utklar_county_agreement c;
  CHECK(n == 21);
  CHECK_OK(utklar_county_agreement_get(0, &c));
  CHECK(c.struct_size == sizeof c);
  CHECK(c.county == 1);
  CHECK(str_eq(c.name, "Stockholms län"));
  CHECK(str_eq(c.model, "average"));
  CHECK(str_eq(c.preset, "stockholm"));
  for (i = 0; i < n; i++) {
    CHECK_OK(utklar_county_agreement_get(i, &c));
    CHECK(c.county > previous); /* in code order (01, 03, ..., 25) */
    previous = c.county;
    CHECK(c.name.len > 0 && c.source.len > 0 && c.model.len > 0);
    if (c.preset.data != NULL) {
      utklar_agreement *a = NULL;
      with_preset++;
      /* Every preset the registry names loads. */
      CHECK_OK(utklar_agreement_preset(c.preset.data, c.preset.len, &a));
      utklar_agreement_free(a);
      CHECK(!str_eq(c.source, "no public source found"));
    } else {
      CHECK(c.preset.len == 0);
      CHECK(str_eq(c.model, "unknown"));
      CHECK(str_eq(c.source, "no public source found"));
    }
    if (c.county == 9) { /* Gotland: no agreement found */
      CHECK(c.preset.data == NULL);
    }
    if (c.county == 8) {
      CHECK(str_eq(c.preset, "kalmar"));
      CHECK(str_eq(c.name, "Kalmar län"));
    }
  }
  CHECK(with_preset >= 4);
  CHECK_RC(utklar_county_agreement_get(n, &c), UTKLAR_RESULT_OUT_OF_RANGE);
  CHECK_RC(utklar_county_agreement_get(0, NULL), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_RC(utklar_county_agreement_get_sized(0, &c, 4), UTKLAR_RESULT_INVALID_ARGUMENT);
}

static void test_national_amounts(void) {
  size_t n = utklar_national_amount_count(), i;
  utklar_national_amount a;
  utklar_amounts *amounts = NULL;
  int previous = 0;
  CHECK(n >= 4);
  CHECK_OK(utklar_national_amount_get(0, &a));
  CHECK(a.struct_size == sizeof a);
  CHECK(a.year == 2019 && a.ore == 780000);
  CHECK(a.source.len > 0 && contains(a.source, "HSLF-FS 2018:67"));
  CHECK_OK(utklar_amounts_new(&amounts));
  for (i = 0; i < n; i++) {
    int64_t ore = -1;
    CHECK_OK(utklar_national_amount_get(i, &a));
    CHECK(a.year > previous); /* year order */
    previous = a.year;
    /* Each listed amount is the one the invoices use. */
    CHECK_OK(utklar_amounts_get(amounts, a.year, &ore));
    CHECK(ore == a.ore);
    if (a.year == 2024) {
      CHECK(a.ore == 1160000);
    }
  }
  utklar_amounts_free(amounts);
  CHECK_RC(utklar_national_amount_get(n, &a), UTKLAR_RESULT_OUT_OF_RANGE);
  CHECK_RC(utklar_national_amount_get(0, NULL), UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_RC(utklar_national_amount_get_sized(0, &a, 4), UTKLAR_RESULT_INVALID_ARGUMENT);
}

/* Rows 0-3: two patients, each discharged in January and admitted again 30 (p1) and 31 (p2)
 * days later; row 4 still in hospital; row 5 without a patient id; row 6 cannot be read (an
 * unknown municipality). */
static const char CSV[] =
    "episode_id,patient_id,municipality,care_type,admitted_at,ready_at,discharged_at,planned_discharge_date\n"
    "a,p1,0880,somatic,2025-01-01,2025-01-02,2025-01-03,2025-01-02\n"
    "b,p1,0880,somatic,2025-02-02,2025-02-03,2025-02-04,\n"
    "c,p2,0880,somatic,2025-01-01,2025-01-02,2025-01-03,2025-01-05\n"
    "d,p2,0880,somatic,2025-02-03,2025-02-04,2025-02-05,\n"
    "open,p3,0861,psychiatric,2025-01-01,2025-01-02,,\n"
    "e,,0880,somatic,2025-01-10,2025-01-12,2025-01-12,\n"
    "bad,p4,9999,somatic,2025-01-01,2025-01-02,2025-01-03,\n";

#define JAN_10_2025 20098
#define JAN_2_2025 20090

static utklar_episodes *read_set(void) {
  utklar_episodes *set = NULL;
  CHECK_OK(utklar_episodes_new(&set));
  CHECK_OK(utklar_episodes_read_csv_buffer(set, (const uint8_t *)CSV, sizeof CSV - 1));
  return set;
}

static void test_census(void) {
  utklar_episodes *set = read_set();
  utklar_census *c = NULL;
  utklar_waiting w;
  CHECK_RC(utklar_episodes_census(set, JAN_10_2025, UTKLAR_MODE_STRICT, &c),
           UTKLAR_RESULT_INVALID_ROWS);
  CHECK(c == NULL);
  CHECK_OK(utklar_episodes_census(set, JAN_10_2025, UTKLAR_MODE_LENIENT, &c));
  CHECK(utklar_census_len(c) == 1);
  CHECK_OK(utklar_census_get(c, 0, &w));
  CHECK(w.struct_size == sizeof w);
  CHECK(w.row == 4);
  CHECK(str_eq(w.episode_id, "open"));
  CHECK(w.municipality == 861);
  CHECK(w.care_type == UTKLAR_CARE_TYPE_PSYCHIATRIC);
  CHECK(w.ready_day == JAN_2_2025);
  CHECK(w.waited_days == 8);
  CHECK_RC(utklar_census_get(c, 1, &w), UTKLAR_RESULT_OUT_OF_RANGE);
  CHECK_RC(utklar_census_get_sized(c, 0, &w, 8), UTKLAR_RESULT_INVALID_ARGUMENT);
  utklar_census_free(c);
  c = NULL;
  /* A date outside 1990-2100 names the argument. */
  CHECK_RC(utklar_episodes_census(set, INT32_MAX, UTKLAR_MODE_LENIENT, &c),
           UTKLAR_RESULT_INVALID_ARGUMENT);
  CHECK(strstr(last_error(), "on") != NULL);
  CHECK(c == NULL);
  CHECK_RC(utklar_episodes_census(NULL, JAN_10_2025, UTKLAR_MODE_LENIENT, &c),
           UTKLAR_RESULT_NULL_ARGUMENT);
  CHECK_RC(utklar_episodes_census(set, JAN_10_2025, 7, &c), UTKLAR_RESULT_INVALID_ARGUMENT);
  CHECK(utklar_census_len(NULL) == 0);
  utklar_census_free(NULL);
  utklar_episodes_free(set);
}

static void test_readmissions(void) {
  utklar_episodes *set = read_set();
  utklar_indicator_options o;
  utklar_readmissions *r = NULL;
  utklar_readmission_row row;
  CHECK_OK(utklar_indicator_options_init(&o));
  o.group_by = UTKLAR_GROUP_BY_NATION;
  CHECK_RC(utklar_episodes_readmissions(set, &o, 30, &r), UTKLAR_RESULT_INVALID_ROWS);
  o.mode = UTKLAR_MODE_LENIENT;
  CHECK_OK(utklar_episodes_readmissions(set, &o, 30, &r));
  CHECK(utklar_readmissions_len(r) == 2);
  CHECK_OK(utklar_readmissions_get_row(r, 0, &row));
  CHECK(row.struct_size == sizeof row);
  CHECK(row.group_by == UTKLAR_GROUP_BY_NATION && row.group_code == 0);
  CHECK(row.period.year == 2025 && row.period.number == 1);
  CHECK(row.care_type == UTKLAR_CARE_TYPE_SOMATIC);
  /* a (p1, readmitted 30 days after) and c (p2, 31 days): e has no patient id. */
  CHECK(row.discharges == 2 && row.readmitted == 1);
  CHECK(row.share == 0.5);
  CHECK_OK(utklar_readmissions_get_row(r, 1, &row));
  CHECK(row.period.number == 2 && row.discharges == 2 && row.readmitted == 0 && row.share == 0.0);
  CHECK_RC(utklar_readmissions_get_row(r, 2, &row), UTKLAR_RESULT_OUT_OF_RANGE);
  utklar_readmissions_free(r);
  /* A window of 31 days readmits c too. */
  CHECK_OK(utklar_episodes_readmissions(set, &o, 31, &r));
  CHECK_OK(utklar_readmissions_get_row(r, 0, &row));
  CHECK(row.readmitted == 2 && row.share == 1.0);
  utklar_readmissions_free(r);
  /* By municipality: the rows name it. */
  o.group_by = UTKLAR_GROUP_BY_MUNICIPALITY;
  CHECK_OK(utklar_episodes_readmissions(set, &o, 30, &r));
  CHECK_OK(utklar_readmissions_get_row(r, 0, &row));
  CHECK(row.group_by == UTKLAR_GROUP_BY_MUNICIPALITY && row.group_code == 880);
  utklar_readmissions_free(r);
  CHECK_RC(utklar_episodes_readmissions(set, NULL, 30, &r), UTKLAR_RESULT_NULL_ARGUMENT);
  /* A window outside 0 to 3 650 days: the core's range, the message naming it. */
  CHECK_RC(utklar_episodes_readmissions(set, &o, -1, &r), UTKLAR_RESULT_INVALID_ARGUMENT);
  CHECK(strstr(last_error(), "window") != NULL);
  CHECK_RC(utklar_episodes_readmissions(set, &o, 3651, &r), UTKLAR_RESULT_INVALID_ARGUMENT);
  CHECK_OK(utklar_episodes_readmissions(set, &o, 3650, &r));
  utklar_readmissions_free(r);
  o.group_by = 9;
  CHECK_RC(utklar_episodes_readmissions(set, &o, 30, &r), UTKLAR_RESULT_INVALID_ARGUMENT);
  utklar_readmissions_free(NULL);
  CHECK(utklar_readmissions_len(NULL) == 0);
  utklar_episodes_free(set);
}

static void test_persons(void) {
  utklar_episodes *set = read_set();
  utklar_indicator_options o;
  utklar_persons *p = NULL;
  utklar_person_row row;
  CHECK_OK(utklar_indicator_options_init(&o));
  o.group_by = UTKLAR_GROUP_BY_COUNTY;
  o.mode = UTKLAR_MODE_LENIENT;
  CHECK_OK(utklar_episodes_persons(set, &o, &p));
  CHECK(utklar_persons_len(p) == 2);
  CHECK_OK(utklar_persons_get_row(p, 0, &row));
  CHECK(row.struct_size == sizeof row);
  CHECK(row.group_by == UTKLAR_GROUP_BY_COUNTY && row.group_code == 8);
  CHECK(row.period.number == 1);
  /* January: a (p1), c (p2), e (no id). */
  CHECK(row.episodes == 3 && row.persons == 2 && row.without_patient_id == 1);
  CHECK_OK(utklar_persons_get_row(p, 1, &row));
  CHECK(row.period.number == 2 && row.episodes == 2 && row.persons == 2);
  CHECK_RC(utklar_persons_get_row(p, 2, &row), UTKLAR_RESULT_OUT_OF_RANGE);
  utklar_persons_free(p);
  p = NULL;
  o.mode = UTKLAR_MODE_STRICT;
  CHECK_RC(utklar_episodes_persons(set, &o, &p), UTKLAR_RESULT_INVALID_ROWS);
  CHECK(p == NULL);
  utklar_persons_free(NULL);
  utklar_episodes_free(set);
}

static void test_planned_accuracy(void) {
  utklar_episodes *set = read_set();
  utklar_indicator_options o;
  utklar_planned_accuracy a;
  CHECK_OK(utklar_indicator_options_init(&o));
  o.mode = UTKLAR_MODE_LENIENT;
  CHECK_OK(utklar_episodes_planned_accuracy(set, &o, &a));
  CHECK(a.struct_size == sizeof a);
  /* a planned on its ready date, c three days late. */
  CHECK(a.episodes == 2);
  CHECK(a.exact_share == 0.5);
  CHECK(a.mean_abs_error_days == 1.5);
  CHECK(a.bias_days == 1.5);
  o.mode = UTKLAR_MODE_STRICT;
  CHECK_RC(utklar_episodes_planned_accuracy(set, &o, &a), UTKLAR_RESULT_INVALID_ROWS);
  CHECK_RC(utklar_episodes_planned_accuracy_sized(set, &o, &a, 4), UTKLAR_RESULT_INVALID_ARGUMENT);
  utklar_episodes_free(set);
  /* No planned dates at all: NaN, not 0. */
  {
    static const char none[] =
        "episode_id,municipality,care_type,ready_at,discharged_at\n"
        "x,0880,somatic,2025-01-02,2025-01-03\n";
    utklar_episodes *s = NULL;
    CHECK_OK(utklar_episodes_new(&s));
    CHECK_OK(utklar_episodes_read_csv_buffer(s, (const uint8_t *)none, sizeof none - 1));
    CHECK_OK(utklar_episodes_planned_accuracy(s, &o, &a));
    CHECK(a.episodes == 0 && isnan(a.exact_share) && isnan(a.bias_days));
    utklar_episodes_free(s);
  }
}

static void test_personal_ids_refused(void) {
  static const char pnr[] =
      "episode_id,patient_id,municipality,care_type,ready_at\n"
      "e1,19121212-1212,0880,somatic,2025-01-02\n";
  utklar_episodes *s = NULL;
  utklar_census *c = NULL;
  CHECK_OK(utklar_episodes_new(&s));
  CHECK_OK(utklar_episodes_read_csv_buffer(s, (const uint8_t *)pnr, sizeof pnr - 1));
  CHECK_RC(utklar_episodes_census(s, JAN_10_2025, UTKLAR_MODE_LENIENT, &c),
           UTKLAR_RESULT_PERSONAL_DATA);
  CHECK(strstr(last_error(), "19121212") == NULL);
  utklar_episodes_free(s);
}

int main(void) {
  test_registry();
  test_national_amounts();
  test_census();
  test_readmissions();
  test_persons();
  test_planned_accuracy();
  test_personal_ids_refused();
  return check_report("test_measures");
}
