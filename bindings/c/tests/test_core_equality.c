/* The C API gives the Rust core's answers: the indicators of 20 000 generated episodes (with
 * bad rows), computed through libutklar three ways (column arrays read in place, an episode
 * set filled from columns, an episode set filled row by row), equal exactly (every count and
 * every double bit for bit) to what utklar_core computed and wrote into expected_*.tsv
 * (examples/c_test_data.rs).
 *
 * Usage: test_core_equality DIR, where DIR holds episodes.tsv and expected_{a,b,c}.tsv. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "check.h"

typedef struct {
  size_t n;
  uint16_t *muni;
  uint8_t *care, *notice, *sip_req, *sip_called, *blocked;
  int32_t *ready, *ready_min, *dis, *dis_min, *adm, *adm_min, *age;
  char (*id)[32];
  char (*patient)[32];
  utklar_str *ids, *patients;
} data;

static void *xcalloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size);
  if (!p) {
    fprintf(stderr, "out of memory\n");
    exit(2);
  }
  return p;
}

static FILE *open_in(const char *dir, const char *name) {
  char path[1024];
  FILE *f;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(2);
  }
  return f;
}

static data read_episodes(const char *dir) {
  FILE *f = open_in(dir, "episodes.tsv");
  char line[512];
  size_t cap = 0, i = 0;
  data d;
  memset(&d, 0, sizeof d);
  while (fgets(line, sizeof line, f))
    if (line[0] != '#') cap++;
  rewind(f);
  d.muni = xcalloc(cap, sizeof *d.muni);
  d.care = xcalloc(cap, 1);
  d.notice = xcalloc(cap, 1);
  d.sip_req = xcalloc(cap, 1);
  d.sip_called = xcalloc(cap, 1);
  d.blocked = xcalloc(cap, 1);
  d.ready = xcalloc(cap, sizeof(int32_t));
  d.ready_min = xcalloc(cap, sizeof(int32_t));
  d.dis = xcalloc(cap, sizeof(int32_t));
  d.dis_min = xcalloc(cap, sizeof(int32_t));
  d.adm = xcalloc(cap, sizeof(int32_t));
  d.adm_min = xcalloc(cap, sizeof(int32_t));
  d.age = xcalloc(cap, sizeof(int32_t));
  d.id = xcalloc(cap, sizeof *d.id);
  d.patient = xcalloc(cap, sizeof *d.patient);
  d.ids = xcalloc(cap, sizeof(utklar_str));
  d.patients = xcalloc(cap, sizeof(utklar_str));
  while (fgets(line, sizeof line, f)) {
    unsigned muni, care, notice, sip_req, sip_called, blocked;
    long ready, ready_min, dis, dis_min, adm, adm_min, age;
    if (line[0] == '#') continue;
    if (sscanf(line, "%u %u %ld %ld %ld %ld %ld %ld %ld %u %u %u %u %31s %31s", &muni, &care,
               &ready, &ready_min, &dis, &dis_min, &adm, &adm_min, &age, &notice, &sip_req,
               &sip_called, &blocked, d.id[i], d.patient[i]) != 15) {
      fprintf(stderr, "bad line in episodes.tsv: %s", line);
      exit(2);
    }
    d.muni[i] = (uint16_t)muni;
    d.care[i] = (uint8_t)care;
    d.ready[i] = (int32_t)ready;
    d.ready_min[i] = (int32_t)ready_min;
    d.dis[i] = (int32_t)dis;
    d.dis_min[i] = (int32_t)dis_min;
    d.adm[i] = (int32_t)adm;
    d.adm_min[i] = (int32_t)adm_min;
    d.age[i] = (int32_t)age;
    d.notice[i] = (uint8_t)notice;
    d.sip_req[i] = (uint8_t)sip_req;
    d.sip_called[i] = (uint8_t)sip_called;
    d.blocked[i] = (uint8_t)blocked;
    d.ids[i] = cstr(d.id[i]);
    if (strcmp(d.patient[i], "-") == 0) {
      d.patients[i].data = NULL;
      d.patients[i].len = 0;
    } else {
      d.patients[i] = cstr(d.patient[i]);
    }
    i++;
  }
  fclose(f);
  d.n = i;
  return d;
}

static void free_data(data *d) {
  free(d->muni);
  free(d->care);
  free(d->notice);
  free(d->sip_req);
  free(d->sip_called);
  free(d->blocked);
  free(d->ready);
  free(d->ready_min);
  free(d->dis);
  free(d->dis_min);
  free(d->adm);
  free(d->adm_min);
  free(d->age);
  free(d->id);
  free(d->patient);
  free(d->ids);
  free(d->patients);
}

static utklar_columns columns_of(const data *d) {
  utklar_columns c;
  CHECK_OK(utklar_columns_init(&c));
  c.len = d->n;
  c.municipality = d->muni;
  c.care_type = d->care;
  c.ready_day = d->ready;
  c.discharge_day = d->dis;
  c.ready_second = d->ready_min;
  c.discharge_second = d->dis_min;
  c.admitted_day = d->adm;
  c.admitted_second = d->adm_min;
  c.age = d->age;
  c.episode_id = d->ids;
  c.patient_id = d->patients;
  c.admission_notice_sent = d->notice;
  c.sip_required = d->sip_req;
  c.sip_called = d->sip_called;
  c.region_blocked = d->blocked;
  return c;
}

static utklar_episodes *set_by_rows(const data *d) {
  utklar_episodes *set = NULL;
  size_t i;
  CHECK_OK(utklar_episodes_new(&set));
  for (i = 0; i < d->n; i++) {
    utklar_episode e;
    CHECK_OK(utklar_episode_init(&e));
    e.episode_id = d->ids[i];
    e.patient_id = d->patients[i];
    e.municipality = d->muni[i];
    e.care_type = d->care[i];
    e.ready_day = d->ready[i];
    e.ready_second = d->ready_min[i];
    e.discharge_day = d->dis[i];
    e.discharge_second = d->dis_min[i];
    e.admitted_day = d->adm[i];
    e.admitted_second = d->adm_min[i];
    e.age = d->age[i];
    e.admission_notice_sent = d->notice[i];
    e.sip_required = d->sip_req[i];
    e.sip_called = d->sip_called[i];
    e.region_blocked = d->blocked[i];
    CHECK_OK(utklar_episodes_push(set, &e));
  }
  CHECK(utklar_episodes_len(set) == d->n);
  return set;
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static long days_from_civil(long y, unsigned m, unsigned d) {
  long era;
  unsigned yoe, doy, doe;
  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = (unsigned)(y - era * 400);
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (long)doe - 719468;
}

static int same(double a, double b) { return (isnan(a) && isnan(b)) || a == b; }

/* Compares a report with an expected file; returns the number of rows compared. */
static size_t compare(const char *dir, const char *file, const utklar_indicator_report *rep,
                      const char *what) {
  FILE *f = open_in(dir, file);
  char line[1024];
  unsigned long long want[16];
  utklar_exclusions ex;
  size_t rows = 0, i;
  int bad = 0;

  if (!fgets(line, sizeof line, f) ||
      sscanf(line,
             "exclusions %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu "
             "%llu %llu",
             &want[0], &want[1], &want[2], &want[3], &want[4], &want[5], &want[6], &want[7],
             &want[8], &want[9], &want[10], &want[11], &want[12], &want[13], &want[14],
             &want[15]) != 16) {
    fprintf(stderr, "%s: bad exclusions line\n", file);
    exit(2);
  }
  CHECK_OK(utklar_indicator_report_get_exclusions(rep, &ex));
  CHECK(ex.rows_in == want[0] && ex.counted == want[1] && ex.open == want[2] &&
        ex.outside_age == want[3] && ex.excluded == want[4]);
  for (i = 0; i < 11; i++) {
    uint64_t n = 0;
    CHECK_OK(utklar_indicator_report_excluded(rep, (uint32_t)i, &n));
    CHECK(n == want[5 + i]);
  }
  if (!fgets(line, sizeof line, f) || sscanf(line, "rows %zu", &rows) != 1) {
    fprintf(stderr, "%s: bad rows line\n", file);
    exit(2);
  }
  CHECK(utklar_indicator_report_len(rep) == rows);
  for (i = 0; i < rows && fgets(line, sizeof line, f); i++) {
    unsigned code, care, days, fm, fd;
    char period[16], got_period[16];
    unsigned long long eps, day0, ge1, rdays;
    char s[6][40];
    double v[6];
    long fy;
    int k;
    utklar_indicator_row r;
    if (sscanf(line, "%u %u %15s %llu %llu %llu %llu %39s %39s %39s %39s %39s %39s %ld-%u-%u %u",
               &code, &care, period, &eps, &day0, &ge1, &rdays, s[0], s[1], s[2], s[3], s[4],
               s[5], &fy, &fm, &fd, &days) != 17) {
      fprintf(stderr, "%s: bad row line: %s", file, line);
      exit(2);
    }
    for (k = 0; k < 6; k++) v[k] = strtod(s[k], NULL);
    CHECK_OK(utklar_indicator_report_get_row(rep, i, &r));
    if (r.period.kind == UTKLAR_PERIOD_KIND_MONTH)
      snprintf(got_period, sizeof got_period, "%04d-%02u", (int)r.period.year, (unsigned)r.period.number);
    else if (r.period.kind == UTKLAR_PERIOD_KIND_QUARTER)
      snprintf(got_period, sizeof got_period, "%04d-Q%u", (int)r.period.year, (unsigned)r.period.number);
    else
      snprintf(got_period, sizeof got_period, "%04d", (int)r.period.year);
    if (r.group_code != code || r.care_type != care || strcmp(got_period, period) != 0 ||
        r.episodes != eps || r.day0 != day0 || r.ready_ge1 != ge1 || r.ready_days != rdays ||
        !same(r.goal_attainment, v[0]) || !same(r.mean_days, v[1]) ||
        !same(r.mean_days_incl_day0, v[2]) || !same(r.days_per_1000, v[3]) ||
        !same(r.occupied_beds, v[4]) || !same(r.bed_share_pct, v[5]) ||
        r.period.first_day != days_from_civil(fy, fm, fd) || r.period.days != days) {
      if (bad++ < 5)
        fprintf(stderr, "%s, %s row %u differs from the core: %s", what, file, (unsigned)i, line);
    }
  }
  CHECK(i == rows);
  CHECK(bad == 0);
  fclose(f);
  return rows;
}

static void period_text(utklar_period p, char *out, size_t size) {
  if (p.kind == UTKLAR_PERIOD_KIND_MONTH)
    snprintf(out, size, "%04d-%02u", (int)p.year, (unsigned)p.number);
  else if (p.kind == UTKLAR_PERIOD_KIND_QUARTER)
    snprintf(out, size, "%04d-Q%u", (int)p.year, (unsigned)p.number);
  else
    snprintf(out, size, "%04d", (int)p.year);
}

/* Compares an invoice with the core's invoice_NAME.tsv; returns the items compared. */
static size_t compare_invoice(const char *dir, const char *name, const utklar_invoice *inv,
                              const char *what) {
  char file[64], line[512];
  FILE *f;
  unsigned long long eps_in, billed_eps, not_billed, amount;
  double billed_days;
  size_t n = 0, i, compared = 0;
  int bad = 0;
  utklar_invoice_summary sum;
  utklar_str agreement;

  snprintf(file, sizeof file, "invoice_%s.tsv", name);
  f = open_in(dir, file);
  if (!fgets(line, sizeof line, f) ||
      sscanf(line, "summary %llu %llu %llu %lf %llu", &eps_in, &billed_eps, &not_billed,
             &billed_days, &amount) != 5) {
    fprintf(stderr, "%s: bad summary line\n", file);
    exit(2);
  }
  CHECK_OK(utklar_invoice_get_summary(inv, &sum));
  CHECK(sum.episodes_in == eps_in && sum.billed_episodes == billed_eps &&
        sum.not_billed == not_billed && sum.billed_days == billed_days &&
        sum.amount_ore == (int64_t)amount);
  /* Five rows are no episode: four unreadable values and row 25, discharged before admission. */
  CHECK(sum.rows_in == 20000 && sum.rows_not_read == 5 && sum.episodes_in == sum.rows_in);
  CHECK(sum.billed_episodes + sum.not_billed == sum.episodes_in);
  CHECK_OK(utklar_invoice_agreement(inv, &agreement));
  CHECK(str_eq(agreement, name));

  if (!fgets(line, sizeof line, f) || sscanf(line, "lines %zu", &n) != 1) exit(2);
  CHECK(utklar_invoice_line_count(inv) == n);
  for (i = 0; i < n && fgets(line, sizeof line, f); i++) {
    char row[32], id[40], period[16], got_period[16], rule[40];
    unsigned muni, care;
    double days;
    long long amt;
    unsigned long long episodes;
    utklar_invoice_line l;
    utklar_str rule_name;
    int ok;
    if (sscanf(line, "%31s %39s %u %u %15s %lf %lld %39s %llu", row, id, &muni, &care, period,
               &days, &amt, rule, &episodes) != 9)
      exit(2);
    CHECK_OK(utklar_invoice_get_line(inv, i, &l));
    CHECK_OK(utklar_rule_name(l.rule, &rule_name));
    period_text(l.period, got_period, sizeof got_period);
    ok = l.municipality == muni && l.care_type == care && strcmp(got_period, period) == 0 &&
         l.billed_days == days && l.amount_ore == amt && str_eq(rule_name, rule) &&
         l.episodes == episodes;
    if (strcmp(row, "-") == 0)
      ok = ok && l.row == UTKLAR_NO_ROW && l.episode_id.data == NULL && l.episode_id.len == 0;
    else
      ok = ok && l.row == (size_t)strtoul(row, NULL, 10) && str_eq(l.episode_id, id);
    if (!ok && bad++ < 5) fprintf(stderr, "%s, %s line %u differs: %s", what, file, (unsigned)i, line);
    compared++;
  }
  if (!fgets(line, sizeof line, f) || sscanf(line, "totals %zu", &n) != 1) exit(2);
  CHECK(utklar_invoice_total_count(inv) == n);
  for (i = 0; i < n && fgets(line, sizeof line, f); i++) {
    char period[16], got_period[16], mean[40], threshold[40];
    unsigned muni, care;
    double days;
    long long amt;
    int triggered;
    unsigned long long episodes;
    utklar_invoice_total t;
    if (sscanf(line, "%u %u %15s %lf %lld %39s %39s %d %llu", &muni, &care, period, &days, &amt,
               mean, threshold, &triggered, &episodes) != 9)
      exit(2);
    CHECK_OK(utklar_invoice_get_total(inv, i, &t));
    period_text(t.period, got_period, sizeof got_period);
    if (!(t.municipality == muni && t.care_type == care && strcmp(got_period, period) == 0 &&
          t.billed_days == days && t.amount_ore == amt && same(t.mean_days, strtod(mean, NULL)) &&
          same(t.threshold, strtod(threshold, NULL)) && t.triggered == triggered &&
          t.episodes == episodes) &&
        bad++ < 5)
      fprintf(stderr, "%s, %s total %u differs: %s", what, file, (unsigned)i, line);
    compared++;
  }
  if (!fgets(line, sizeof line, f) || sscanf(line, "not_billed %zu", &n) != 1) exit(2);
  CHECK(utklar_invoice_not_billed_count(inv) == n);
  for (i = 0; i < n && fgets(line, sizeof line, f); i++) {
    size_t row;
    char id[40], reason[40];
    utklar_not_billed nb;
    utklar_str reason_name;
    if (sscanf(line, "%zu %39s %39s", &row, id, reason) != 3) exit(2);
    CHECK_OK(utklar_invoice_get_not_billed(inv, i, &nb));
    CHECK_OK(utklar_not_billed_reason_name(nb.reason, &reason_name));
    if (!(nb.row == row && str_eq(nb.episode_id, id) && str_eq(reason_name, reason)) && bad++ < 5)
      fprintf(stderr, "%s, %s not billed %u differs: %s", what, file, (unsigned)i, line);
    compared++;
  }
  CHECK(bad == 0);
  fclose(f);
  return compared;
}

static const struct {
  const char *file;
  uint32_t period, group_by, negative_days;
  int32_t min_age;
  int population, beds;
} CONFIGS[] = {
    {"expected_a.tsv", UTKLAR_PERIOD_KIND_MONTH, UTKLAR_GROUP_BY_MUNICIPALITY,
     UTKLAR_NEGATIVE_DAYS_EXCLUDE, -1, 1, 0},
    {"expected_b.tsv", UTKLAR_PERIOD_KIND_QUARTER, UTKLAR_GROUP_BY_COUNTY,
     UTKLAR_NEGATIVE_DAYS_DAY0, 65, 1, 1},
    {"expected_c.tsv", UTKLAR_PERIOD_KIND_YEAR, UTKLAR_GROUP_BY_NATION,
     UTKLAR_NEGATIVE_DAYS_EXCLUDE, -1, 0, 0},
};

int main(int argc, char **argv) {
  data d;
  utklar_columns c;
  utklar_episodes *by_cols = NULL, *by_rows;
  utklar_population *pop = NULL;
  utklar_beds *beds = NULL;
  unsigned county, q, counties = 0;
  size_t k, compared = 0;

  if (argc != 2) {
    fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  d = read_episodes(argv[1]);
  CHECK(d.n == 20000);
  c = columns_of(&d);
  CHECK_OK(utklar_episodes_new(&by_cols));
  CHECK_OK(utklar_episodes_push_columns(by_cols, &c));
  by_rows = set_by_rows(&d);

  CHECK_OK(utklar_population_new_builtin(&pop));
  /* The beds of examples/c_test_data.rs: 100 + county + quarter / 4, every county, 2025. */
  CHECK_OK(utklar_beds_new(&beds));
  for (county = 0; county < 30; county++) {
    for (q = 1; q <= 4; q++) {
      char period[8];
      utklar_result r;
      snprintf(period, sizeof period, "2025-Q%u", q);
      r = utklar_beds_set(beds, (uint8_t)county, period, strlen(period),
                          100.0 + county + q / 4.0);
      CHECK(r == UTKLAR_RESULT_OK || r == UTKLAR_RESULT_UNKNOWN_COUNTY);
      counties += r == UTKLAR_RESULT_OK && q == 1;
    }
  }
  CHECK(counties == 21);

  for (k = 0; k < sizeof CONFIGS / sizeof CONFIGS[0]; k++) {
    utklar_indicator_options o;
    utklar_indicator_report *rep = NULL;
    const utklar_population *p = CONFIGS[k].population ? pop : NULL;
    const utklar_beds *b = CONFIGS[k].beds ? beds : NULL;
    CHECK_OK(utklar_indicator_options_init(&o));
    o.period = CONFIGS[k].period;
    o.group_by = CONFIGS[k].group_by;
    o.negative_days = CONFIGS[k].negative_days;
    o.min_age = CONFIGS[k].min_age;
    o.mode = UTKLAR_MODE_LENIENT;

    CHECK_OK(utklar_columns_indicators(&c, &o, p, b, &rep));
    compared += compare(argv[1], CONFIGS[k].file, rep, "columns");
    utklar_indicator_report_free(rep);
    rep = NULL;
    CHECK_OK(utklar_episodes_indicators(by_cols, &o, p, b, &rep));
    compared += compare(argv[1], CONFIGS[k].file, rep, "set from columns");
    utklar_indicator_report_free(rep);
    rep = NULL;
    CHECK_OK(utklar_episodes_indicators(by_rows, &o, p, b, &rep));
    compared += compare(argv[1], CONFIGS[k].file, rep, "set from rows");
    utklar_indicator_report_free(rep);

    /* Strict mode refuses the bad rows. */
    o.mode = UTKLAR_MODE_STRICT;
    rep = NULL;
    CHECK_RC(utklar_columns_indicators(&c, &o, p, b, &rep), UTKLAR_RESULT_INVALID_ROWS);
    CHECK(rep == NULL);
  }
  printf("compared %u indicator rows with the Rust core\n", (unsigned)compared);
  CHECK(compared > 3 * 4000);

  /* Invoices: the sourced national amounts and 2025 (examples/c_test_data.rs). */
  {
    static const char *const PRESETS[] = {"statutory", "kalmar", "vgr"};
    utklar_amounts *amounts = NULL;
    size_t p, items = 0;
    CHECK_OK(utklar_amounts_new(&amounts));
    CHECK_OK(utklar_amounts_set(amounts, 2025, 1200000));
    for (p = 0; p < 3; p++) {
      utklar_agreement *a = NULL;
      utklar_invoice *inv = NULL;
      CHECK_OK(utklar_agreement_preset(PRESETS[p], strlen(PRESETS[p]), &a));
      CHECK_OK(utklar_episodes_invoice(by_rows, a, amounts, UTKLAR_MODE_LENIENT, &inv));
      items += compare_invoice(argv[1], PRESETS[p], inv, "invoice of rows");
      utklar_invoice_free(inv);
      inv = NULL;
      CHECK_OK(utklar_episodes_invoice(by_cols, a, amounts, UTKLAR_MODE_LENIENT, &inv));
      items += compare_invoice(argv[1], PRESETS[p], inv, "invoice of columns");
      utklar_invoice_free(inv);
      inv = NULL;
      /* Strict mode refuses the four unreadable rows. */
      CHECK_RC(utklar_episodes_invoice(by_rows, a, amounts, UTKLAR_MODE_STRICT, &inv),
               UTKLAR_RESULT_INVALID_ROWS);
      CHECK(inv == NULL);
      utklar_agreement_free(a);
    }
    printf("compared %u invoice lines, totals and not-billed episodes with the Rust core\n",
           (unsigned)items);
    CHECK(items > 3 * 20000);
    utklar_amounts_free(amounts);
  }

  utklar_population_free(pop);
  utklar_beds_free(beds);
  utklar_episodes_free(by_cols);
  utklar_episodes_free(by_rows);
  free_data(&d);
  return check_report("test_core_equality");
}
