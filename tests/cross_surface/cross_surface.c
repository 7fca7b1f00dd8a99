/*
 * The C side of the cross-surface test: reads a CSV file with libutklar and prints the
 * canonical lines that tests/cross_surface/run.py compares with every other surface.
 *
 *   cross_surface FILE PRESET...
 *
 * Lines (run.py sorts them):
 *   account rows_in N counted N open N
 *   exclusion REASON N
 *   problem ROW FIELD REASON
 *   indicator MUNICIPALITY CARE PERIOD EPISODES DAY0 READY_GE1 READY_DAYS
 *   invoice PRESET summary EPISODES_IN AMOUNT_ORE
 *   invoice PRESET line EPISODE_ID ROW MUNICIPALITY CARE PERIOD BILLED_DAYS AMOUNT_ORE RULE
 *   invoice PRESET total MUNICIPALITY CARE PERIOD BILLED_DAYS AMOUNT_ORE
 *   invoice PRESET not_billed ROW REASON
 *   census ROW EPISODE_ID MUNICIPALITY CARE READY_DATE WAITED_DAYS     (on 2024-03-31)
 *   readmission MUNICIPALITY CARE PERIOD DISCHARGES READMITTED        (30 days)
 *   persons MUNICIPALITY CARE PERIOD EPISODES PERSONS WITHOUT_PATIENT_ID
 *   accuracy EPISODES EXACT_SHARE MEAN_ABS_ERROR_DAYS BIAS_DAYS
 *   county CODE MODEL PRESET NAME SOURCE      (the registry; PRESET "-" when none)
 *   amount YEAR ORE SOURCE                    (the sourced national amounts)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utklar.h"

static void die(const char *what, utklar_result rc) {
  char msg[1024];
  utklar_last_error_message(msg, sizeof msg, NULL);
  fprintf(stderr, "cross_surface: %s failed (%d): %s\n", what, (int)rc, msg);
  exit(2);
}

#define OK(call)                 \
  do {                           \
    utklar_result rc_ = (call);  \
    if (rc_ != UTKLAR_RESULT_OK) \
      die(#call, rc_);           \
  } while (0)

static void period(char *out, size_t n, utklar_period p) {
  if (p.kind == UTKLAR_PERIOD_KIND_MONTH)
    snprintf(out, n, "%d-%02u", p.year, p.number);
  else if (p.kind == UTKLAR_PERIOD_KIND_QUARTER)
    snprintf(out, n, "%d-Q%u", p.year, p.number);
  else
    snprintf(out, n, "%d", p.year);
}

/* 2024-03-31, the census date of every surface. */
#define CENSUS_DAY 19813

static void date(char *out, size_t n, int32_t day) {
  /* Days since 1970-01-01 to YYYY-MM-DD (civil from days, H. Hinnant's algorithm). */
  int32_t z = day + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
  uint32_t doe = (uint32_t)(z - era * 146097);
  uint32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int32_t y = (int32_t)yoe + era * 400;
  uint32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
  uint32_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
  snprintf(out, n, "%d-%02u-%02u", (int)(y + (m <= 2)), m, d);
}

static void number(char *out, size_t n, double x) {
  if (isnan(x))
    snprintf(out, n, "nan");
  else
    snprintf(out, n, "%.6f", x);
}

static const char *care(utklar_care_type c) {
  return c == UTKLAR_CARE_TYPE_SOMATIC ? "somatic" : "psychiatric";
}

static void name(utklar_result (*f)(uint32_t, utklar_str *), uint32_t v, char *out, size_t n) {
  utklar_str s;
  OK(f(v, &s));
  snprintf(out, n, "%.*s", (int)s.len, (const char *)s.data);
}

/* One row per row of the set: the indicators' counting and the invoice's answer. */
static void explain(const utklar_episodes *set, const utklar_agreement *ag, const char *pre) {
  static const char *const counting[] = {"counted", "open", "outside_age", "excluded"};
  static const char *const billing[] = {"-", "billed", "period_line", "not_billed"};
  utklar_explanation *x = NULL;
  size_t i, n;
  char p[32], a[64], b[64], c[64], d[32], m[16], rd[32], am[32];
  OK(utklar_episodes_explain(set, NULL, ag, NULL, &x));
  n = utklar_explanation_len(x);
  for (i = 0; i < n; i++) {
    utklar_explain_row r;
    OK(utklar_explanation_get_row(x, i, &r));
    if (r.counting == UTKLAR_COUNTING_COUNTED)
      period(p, sizeof p, r.period);
    else
      snprintf(p, sizeof p, "-");
    if (r.counting == UTKLAR_COUNTING_EXCLUDED)
      name(utklar_reason_name, r.reason, a, sizeof a);
    else
      snprintf(a, sizeof a, "-");
    if (r.billing == UTKLAR_BILLING_BILLED || r.billing == UTKLAR_BILLING_PERIOD_LINE)
      name(utklar_rule_name, r.rule, b, sizeof b);
    else
      snprintf(b, sizeof b, "-");
    if (r.billing == UTKLAR_BILLING_NOT_BILLED)
      name(utklar_not_billed_reason_name, r.not_billed, c, sizeof c);
    else
      snprintf(c, sizeof c, "-");
    if (r.billing == UTKLAR_BILLING_BILLED) {
      snprintf(d, sizeof d, "%.4f", r.billed_days);
      snprintf(am, sizeof am, "%lld", (long long)r.amount_ore);
    } else {
      snprintf(d, sizeof d, "-");
      snprintf(am, sizeof am, "-");
    }
    if (r.read)
      snprintf(m, sizeof m, "%04u", (unsigned)r.municipality);
    else
      snprintf(m, sizeof m, "-");
    if (r.has_ready_days)
      snprintf(rd, sizeof rd, "%lld", (long long)r.ready_days);
    else
      snprintf(rd, sizeof rd, "-");
    printf("explain %s %zu %s %s %s %s %s %s %s %s %s %s\n", pre, r.row, m, p, rd,
           counting[r.counting], a, billing[r.billing], d, am, b, c);
  }
  utklar_explanation_free(x);
}

int main(int argc, char **argv) {
  utklar_episodes *set = NULL;
  utklar_indicator_options o;
  utklar_indicator_report *rep = NULL;
  utklar_exclusions ex;
  size_t i, n;
  char p[32], a[64], b[64];

  if (argc < 2) {
    fprintf(stderr, "usage: cross_surface FILE PRESET...\n");
    return 2;
  }
  OK(utklar_episodes_new(&set));
  OK(utklar_episodes_read_csv_file(set, argv[1], strlen(argv[1])));

  OK(utklar_indicator_options_init(&o));
  o.mode = UTKLAR_MODE_LENIENT;
  o.group_by = UTKLAR_GROUP_BY_MUNICIPALITY;
  OK(utklar_episodes_indicators(set, &o, NULL, NULL, &rep));
  OK(utklar_indicator_report_get_exclusions(rep, &ex));
  printf("account rows_in %llu counted %llu open %llu\n", (unsigned long long)ex.rows_in,
         (unsigned long long)ex.counted, (unsigned long long)ex.open);
  n = utklar_indicator_report_len(rep);
  for (i = 0; i < n; i++) {
    utklar_indicator_row r;
    OK(utklar_indicator_report_get_row(rep, i, &r));
    period(p, sizeof p, r.period);
    printf("indicator %04u %s %s %llu %llu %llu %llu\n", (unsigned)r.group_code, care(r.care_type),
           p, (unsigned long long)r.episodes, (unsigned long long)r.day0,
           (unsigned long long)r.ready_ge1, (unsigned long long)r.ready_days);
  }
  for (uint32_t r = UTKLAR_REASON_MISSING_FIELD; r <= UTKLAR_REASON_DUPLICATE_EPISODE_ID; r++) {
    uint64_t count = 0;
    OK(utklar_indicator_report_excluded(rep, r, &count));
    name(utklar_reason_name, r, b, sizeof b);
    if (count > 0)
      printf("exclusion %s %llu\n", b, (unsigned long long)count);
  }
  n = utklar_indicator_report_problem_count(rep);
  for (i = 0; i < n; i++) {
    utklar_problem pr;
    OK(utklar_indicator_report_get_problem(rep, i, &pr));
    name(utklar_field_name, pr.field, a, sizeof a);
    name(utklar_reason_name, pr.reason, b, sizeof b);
    printf("problem %zu %s %s\n", pr.row, a, b);
  }
  utklar_indicator_report_free(rep);

  {
    utklar_census *cen = NULL;
    utklar_readmissions *re = NULL;
    utklar_persons *pe = NULL;
    utklar_planned_accuracy acc;
    char x[32], y[32], z[32];
    OK(utklar_episodes_census(set, CENSUS_DAY, UTKLAR_MODE_LENIENT, &cen));
    n = utklar_census_len(cen);
    for (i = 0; i < n; i++) {
      utklar_waiting w;
      OK(utklar_census_get(cen, i, &w));
      date(a, sizeof a, w.ready_day);
      printf("census %zu %.*s %04u %s %s %d\n", w.row, (int)w.episode_id.len,
             (const char *)w.episode_id.data, (unsigned)w.municipality, care(w.care_type), a,
             (int)w.waited_days);
    }
    utklar_census_free(cen);
    OK(utklar_episodes_readmissions(set, &o, 30, &re));
    n = utklar_readmissions_len(re);
    for (i = 0; i < n; i++) {
      utklar_readmission_row r;
      OK(utklar_readmissions_get_row(re, i, &r));
      period(p, sizeof p, r.period);
      printf("readmission %04u %s %s %llu %llu\n", (unsigned)r.group_code, care(r.care_type), p,
             (unsigned long long)r.discharges, (unsigned long long)r.readmitted);
    }
    utklar_readmissions_free(re);
    OK(utklar_episodes_persons(set, &o, &pe));
    n = utklar_persons_len(pe);
    for (i = 0; i < n; i++) {
      utklar_person_row r;
      OK(utklar_persons_get_row(pe, i, &r));
      period(p, sizeof p, r.period);
      printf("persons %04u %s %s %llu %llu %llu\n", (unsigned)r.group_code, care(r.care_type), p,
             (unsigned long long)r.episodes, (unsigned long long)r.persons,
             (unsigned long long)r.without_patient_id);
    }
    utklar_persons_free(pe);
    OK(utklar_episodes_planned_accuracy(set, &o, &acc));
    number(x, sizeof x, acc.exact_share);
    number(y, sizeof y, acc.mean_abs_error_days);
    number(z, sizeof z, acc.bias_days);
    printf("accuracy %llu %s %s %s\n", (unsigned long long)acc.episodes, x, y, z);
    n = utklar_county_agreement_count();
    for (i = 0; i < n; i++) {
      utklar_county_agreement c;
      OK(utklar_county_agreement_get(i, &c));
      printf("county %02u %.*s %.*s %.*s %.*s\n", (unsigned)c.county, (int)c.model.len,
             (const char *)c.model.data, c.preset.data ? (int)c.preset.len : 1,
             c.preset.data ? (const char *)c.preset.data : "-", (int)c.name.len,
             (const char *)c.name.data, (int)c.source.len, (const char *)c.source.data);
    }
    n = utklar_national_amount_count();
    for (i = 0; i < n; i++) {
      utklar_national_amount am;
      OK(utklar_national_amount_get(i, &am));
      printf("amount %d %lld %.*s\n", (int)am.year, (long long)am.ore, (int)am.source.len,
             (const char *)am.source.data);
    }
  }

  for (int k = 2; k < argc; k++) {
    utklar_agreement *ag = NULL;
    utklar_invoice *inv = NULL;
    utklar_invoice_summary s;
    const char *pre = argv[k];
    OK(utklar_agreement_preset(pre, strlen(pre), &ag));
    OK(utklar_episodes_invoice(set, ag, NULL, UTKLAR_MODE_LENIENT, &inv));
    OK(utklar_invoice_get_summary(inv, &s));
    printf("invoice %s summary %llu %lld\n", pre, (unsigned long long)s.episodes_in,
           (long long)s.amount_ore);
    n = utklar_invoice_line_count(inv);
    for (i = 0; i < n; i++) {
      utklar_invoice_line l;
      OK(utklar_invoice_get_line(inv, i, &l));
      period(p, sizeof p, l.period);
      name(utklar_rule_name, l.rule, a, sizeof a);
      printf("invoice %s line %.*s %lld %04u %s %s %.4f %lld %s\n", pre, (int)l.episode_id.len,
             (const char *)l.episode_id.data, l.row == UTKLAR_NO_ROW ? -1LL : (long long)l.row,
             (unsigned)l.municipality, care(l.care_type), p, l.billed_days, (long long)l.amount_ore, a);
    }
    n = utklar_invoice_total_count(inv);
    for (i = 0; i < n; i++) {
      utklar_invoice_total t;
      OK(utklar_invoice_get_total(inv, i, &t));
      period(p, sizeof p, t.period);
      printf("invoice %s total %04u %s %s %.4f %lld\n", pre, (unsigned)t.municipality,
             care(t.care_type), p, t.billed_days, (long long)t.amount_ore);
    }
    n = utklar_invoice_not_billed_count(inv);
    for (i = 0; i < n; i++) {
      utklar_not_billed nb;
      OK(utklar_invoice_get_not_billed(inv, i, &nb));
      name(utklar_not_billed_reason_name, nb.reason, a, sizeof a);
      printf("invoice %s not_billed %zu %s\n", pre, nb.row, a);
    }
    utklar_invoice_free(inv);
    explain(set, ag, pre);
    utklar_agreement_free(ag);
  }
  utklar_episodes_free(set);
  return 0;
}
