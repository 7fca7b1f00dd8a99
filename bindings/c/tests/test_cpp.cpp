// The C++ wrapper: RAII ownership, exceptions carrying the code and the detailed message,
// the same answers as the C calls.
#include <cmath>
#include <cstdio>
#include <cstring>

#include <string>

#include "utklar.hpp"

static int failures = 0;
#define CHECK(cond)                                                              \
  do {                                                                           \
    if (!(cond)) {                                                               \
      std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                                \
    }                                                                            \
  } while (0)

static utklar_episode row(const char *id, uint16_t muni, int32_t ready, int32_t discharge) {
  utklar_episode e;
  utklar::check(utklar_episode_init(&e));
  e.episode_id = utklar::str(id);
  e.municipality = muni;
  e.ready_day = ready;
  e.discharge_day = discharge;
  return e;
}

int main() {
  CHECK(utklar::version() == std::to_string(UTKLAR_VERSION_MAJOR) + "." +
                                 std::to_string(UTKLAR_VERSION_MINOR) + "." +
                                 std::to_string(UTKLAR_VERSION_PATCH));
  utklar::episodes set;
  set.push(row("a", 880, 20150, 20154));
  set.push(row("b", 880, 20150, 20150));
  set.push_text({"c", "", "0880", "somatic", "", "2025-03-04", "2025-03-06"});
  CHECK(set.size() == 3);
  CHECK(set.validate().empty());

  auto pop = utklar::population::builtin();
  auto report = set.indicators(utklar::default_options(), &pop);
  CHECK(report.size() == 1);
  utklar_indicator_row r = report[0];
  CHECK(r.group_code == 880 && r.episodes == 3 && r.ready_days == 6 && r.day0 == 1);
  CHECK(r.mean_days == 3.0);
  CHECK(report.exclusions().counted == 3);

  // Errors are exceptions with the code and the message naming row and field.
  set.push(row("d", 9999, 20150, 20152));
  CHECK(set.validate().size() == 1);
  try {
    set.indicators(utklar::default_options());
    CHECK(false);
  } catch (const utklar::error &e) {
    CHECK(e.code() == UTKLAR_RESULT_INVALID_ROWS);
    CHECK(std::strstr(e.what(), "row 3: municipality") != nullptr);
  }
  try {
    (void)report[5];
    CHECK(false);
  } catch (const utklar::error &e) {
    CHECK(e.code() == UTKLAR_RESULT_OUT_OF_RANGE);
  }
  utklar::beds beds;
  try {
    beds.set(99, "2025-03", 1.0);
    CHECK(false);
  } catch (const utklar::error &e) {
    CHECK(e.code() == UTKLAR_RESULT_UNKNOWN_COUNTY);
  }
  // Agreements, amounts, invoices.
  auto kalmar = utklar::agreement::preset("kalmar");
  CHECK(kalmar.name() == "kalmar");
  auto again = utklar::agreement::from_toml(kalmar.to_toml());
  CHECK(again.name() == "kalmar");
  try {
    utklar::agreement::preset("gotland");
    CHECK(false);
  } catch (const utklar::error &e) {
    CHECK(e.code() == UTKLAR_RESULT_UNKNOWN_PRESET);
  }
  utklar::amounts am;
  CHECK(am.get(2024) == 1160000);
  try {
    (void)am.get(2025);
    CHECK(false);
  } catch (const utklar::error &e) {
    CHECK(e.code() == UTKLAR_RESULT_MISSING_AMOUNT);
    CHECK(std::strstr(e.what(), "2025") != nullptr);
  }
  am.set(2025, 1090000);
  // Strict: the unreadable row 3 fails the invoice; lenient does not bill it (invalid_row).
  try {
    set.bill(kalmar, &am);
    CHECK(false);
  } catch (const utklar::error &e) {
    CHECK(e.code() == UTKLAR_RESULT_INVALID_ROWS);
  }
  // a: 4 ready days, b: day 0, c: 2 days; mean incl. day 0 is 2.0 > 0.8: a billed day 4.
  auto inv = set.bill(kalmar, &am, UTKLAR_MODE_LENIENT);
  utklar_invoice_summary sum = inv.summary();
  CHECK(sum.rows_not_read == 1 && sum.episodes_in == 4 && sum.billed_episodes == 1);
  CHECK(sum.amount_ore == 1090000);
  CHECK(inv.lines().size() == 1 && utklar::view(inv.lines()[0].episode_id) == "a");
  CHECK(inv.totals().size() == 1 && inv.totals()[0].triggered == 1);
  CHECK(inv.not_billed().size() == 3);
  CHECK(inv.not_billed()[2].reason == UTKLAR_NOT_BILLED_REASON_INVALID_ROW);

  // Moving transfers ownership; the moved-from object is empty and safe to destroy.
  utklar::episodes moved = std::move(set);
  CHECK(moved.size() == 4);
  if (failures) {
    std::fprintf(stderr, "test_cpp: %d checks FAILED\n", failures);
    return 1;
  }
  std::printf("test_cpp: all checks passed\n");
  return 0;
}
