/* kalmar.c: a regional system's use of libutklar, in one page.
 *
 * Reads episodes from a CSV file (the column names of docs/episodes.md), reports bad rows, prints March
 * 2025's indicators per municipality and the invoice under Kalmar län's agreement.
 *
 *   make run                  (builds against the installed library through pkg-config)
 *   ./kalmar episodes.csv
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utklar.h>

/* Stops with the detailed message of the failed call. */
static void check(utklar_result r, const char *what) {
  char msg[1024];
  size_t n = 0;
  if (r == UTKLAR_RESULT_OK) return;
  if (utklar_last_error_message(msg, sizeof msg, &n) != UTKLAR_RESULT_OK) msg[0] = '\0';
  fprintf(stderr, "%s failed (utklar_result %u): %s\n", what, (unsigned)r, msg);
  exit(1);
}

/* Reads a CSV file into an episode set: libutklar reads the header (the column names of
 * utklar_field, any order and case), the delimiter (comma, semicolon or tab), quotes, CRLF and
 * a byte-order mark, as the utklar command line does. A row with bad values is kept with its
 * problems; a file that cannot be read at all (no header, a row of the wrong shape) stops. */
static utklar_episodes *read_csv(const char *path) {
  utklar_episodes *set = NULL;
  check(utklar_episodes_new(&set), "utklar_episodes_new");
  check(utklar_episodes_read_csv_file(set, path, strlen(path)), path);
  return set;
}

static void print_problems(const utklar_episodes *set) {
  utklar_validation *v = NULL;
  check(utklar_episodes_validate(set, UTKLAR_NEGATIVE_DAYS_EXCLUDE, &v), "utklar_episodes_validate");
  printf("%zu row problem(s)\n", utklar_validation_len(v));
  for (size_t i = 0; i < utklar_validation_len(v); i++) {
    utklar_problem p;
    char msg[256];
    size_t n;
    uint64_t line = 0;
    check(utklar_validation_get_problem(v, i, &p), "utklar_validation_get_problem");
    check(utklar_problem_message(&p, msg, sizeof msg, &n), "utklar_problem_message");
    check(utklar_episodes_line(set, p.row, &line), "utklar_episodes_line");
    printf("  line %llu: %s\n", (unsigned long long)line, msg);
  }
  utklar_validation_free(v);
}

/* Prints a UTF-8 name padded to `width` characters (not bytes). */
static void print_padded(utklar_str s, int width) {
  int chars = 0;
  for (size_t i = 0; i < s.len; i++) chars += ((unsigned char)s.data[i] & 0xC0) != 0x80;
  printf("%.*s%*s", (int)s.len, s.data, width > chars ? width - chars : 0, "");
}

static void print_indicators(const utklar_episodes *set, int year, unsigned month) {
  utklar_indicator_options o;
  utklar_population *pop = NULL;
  utklar_indicator_report *report = NULL;
  utklar_exclusions ex;

  check(utklar_indicator_options_init(&o), "utklar_indicator_options_init");
  o.mode = UTKLAR_MODE_LENIENT; /* exclude bad rows and count them, rather than fail */
  check(utklar_population_new_builtin(&pop), "utklar_population_new_builtin");
  check(utklar_episodes_indicators(set, &o, pop, NULL, &report), "utklar_episodes_indicators");

  printf("\nIndicators %04d-%02u per municipality\n", year, month);
  printf("%-12s %-11s %8s %6s %8s %10s %9s\n", "municipality", "care", "episodes", "day 0",
         "goal %", "mean days", "days/1000");
  for (size_t i = 0; i < utklar_indicator_report_len(report); i++) {
    utklar_indicator_row r;
    utklar_str name;
    check(utklar_indicator_report_get_row(report, i, &r), "utklar_indicator_report_get_row");
    if (r.period.year != year || r.period.number != month) continue;
    check(utklar_municipality_name(r.group_code, &name), "utklar_municipality_name");
    print_padded(name, 13);
    printf("%-11s %8llu %6llu %8.1f %10.1f %9.1f\n",
           r.care_type == UTKLAR_CARE_TYPE_SOMATIC ? "somatic" : "psychiatric",
           (unsigned long long)r.episodes, (unsigned long long)r.day0, 100.0 * r.goal_attainment,
           r.mean_days, r.days_per_1000); /* NaN prints as nan: no episode with >= 1 day */
  }
  check(utklar_indicator_report_get_exclusions(report, &ex), "utklar_indicator_report_get_exclusions");
  printf("rows: %llu in, %llu counted, %llu still in hospital, %llu excluded\n",
         (unsigned long long)ex.rows_in, (unsigned long long)ex.counted,
         (unsigned long long)ex.open, (unsigned long long)ex.excluded);
  utklar_indicator_report_free(report);
  utklar_population_free(pop);
}

static void print_invoice(const utklar_episodes *set) {
  utklar_agreement *kalmar = NULL;
  utklar_amounts *amounts = NULL;
  utklar_invoice *inv = NULL;
  utklar_invoice_summary sum;

  check(utklar_agreement_preset("kalmar", 6, &kalmar), "utklar_agreement_preset");
  /* The sourced national amounts stop at 2024; 2025's must be given (illustrative here). */
  check(utklar_amounts_new(&amounts), "utklar_amounts_new");
  check(utklar_amounts_set(amounts, 2025, 1090000), "utklar_amounts_set"); /* 10 900 kr */
  check(utklar_episodes_invoice(set, kalmar, amounts, UTKLAR_MODE_LENIENT, &inv),
        "utklar_episodes_invoice");

  printf("\nInvoice under kalmar (mean incl. day 0 above 0.8 days: billed from day 4)\n");
  printf("%-13s%-12s %-8s %6s %9s %9s %12s\n", "municipality", "care", "period", "mean",
         "liable", "days", "amount kr");
  for (size_t i = 0; i < utklar_invoice_total_count(inv); i++) {
    utklar_invoice_total t;
    utklar_str name;
    char period[16];
    check(utklar_invoice_get_total(inv, i, &t), "utklar_invoice_get_total");
    check(utklar_municipality_name(t.municipality, &name), "utklar_municipality_name");
    if (t.period.kind == UTKLAR_PERIOD_KIND_QUARTER)
      snprintf(period, sizeof period, "%d-Q%u", (int)t.period.year, (unsigned)t.period.number);
    else
      snprintf(period, sizeof period, "%d-%02u", (int)t.period.year, (unsigned)t.period.number);
    print_padded(name, 13);
    printf("%-12s %-8s %6.2f %9s %9.0f %12.2f\n",
           t.care_type == UTKLAR_CARE_TYPE_SOMATIC ? "somatic" : "psychiatric", period,
           t.mean_days, t.triggered == 1 ? "yes" : "no", t.billed_days, t.amount_ore / 100.0);
  }
  check(utklar_invoice_get_summary(inv, &sum), "utklar_invoice_get_summary");
  printf("total %.2f kr for %.0f days; %llu episodes billed, %llu not billed:\n",
         sum.amount_ore / 100.0, sum.billed_days, (unsigned long long)sum.billed_episodes,
         (unsigned long long)sum.not_billed);
  for (uint32_t r = 0; r <= UTKLAR_NOT_BILLED_REASON_INVALID_ROW; r++) {
    uint64_t n = 0;
    utklar_str name;
    check(utklar_invoice_not_billed_by_reason(inv, r, &n), "utklar_invoice_not_billed_by_reason");
    check(utklar_not_billed_reason_name(r, &name), "utklar_not_billed_reason_name");
    if (n) printf("  %.*s: %llu\n", (int)name.len, name.data, (unsigned long long)n);
  }
  utklar_invoice_free(inv);
  utklar_amounts_free(amounts);
  utklar_agreement_free(kalmar);
}

int main(int argc, char **argv) {
  utklar_str v = utklar_version();
  utklar_episodes *set;
  /* The library loaded at run time must serve the header this program was compiled with. */
  if (!utklar_version_compatible(UTKLAR_VERSION_MAJOR, UTKLAR_VERSION_MINOR)) {
    fprintf(stderr, "libutklar %.*s cannot serve a program built for %d.%d\n", (int)v.len, v.data,
            UTKLAR_VERSION_MAJOR, UTKLAR_VERSION_MINOR);
    return 1;
  }
  set = read_csv(argc > 1 ? argv[1] : "episodes.csv");

  printf("utklar %.*s: %zu episodes read\n", (int)v.len, v.data, utklar_episodes_len(set));
  print_problems(set);
  print_indicators(set, 2025, 3);
  print_invoice(set);
  utklar_episodes_free(set);
  return 0;
}
