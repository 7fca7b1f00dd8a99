// utklar.hpp: a thin header-only C++17 wrapper over utklar.h with RAII ownership.
//
// Each class owns one utklar object (move-only, freed by its destructor). A failing call
// throws utklar::error, which carries the utklar_result code and the detailed message of
// utklar_last_error_message. Nothing here computes anything: every call is a utklar_* call.
//
//   utklar::episodes set;
//   set.push(row);                                   // utklar_episode rows, text rows, columns
//   auto report = set.indicators(options, &population);
//   for (std::size_t i = 0; i < report.size(); ++i) { utklar_indicator_row r = report[i]; }
#ifndef UTKLAR_HPP
#define UTKLAR_HPP

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "utklar.h"

namespace utklar {

// A failed utklar call: the result code and the detailed message.
class error : public std::runtime_error {
 public:
  error(utklar_result code, const std::string &message)
      : std::runtime_error(message), code_(code) {}
  utklar_result code() const noexcept { return code_; }

 private:
  utklar_result code_;
};

// The detailed message of the last failed call on this thread.
inline std::string last_error_message() {
  size_t n = 0;
  if (utklar_last_error_message(nullptr, 0, &n) != UTKLAR_RESULT_BUFFER_TOO_SMALL) return {};
  std::string s(n + 1, '\0');
  if (utklar_last_error_message(&s[0], s.size(), &n) != UTKLAR_RESULT_OK) return {};
  s.resize(n);
  return s;
}

// Throws utklar::error unless `r` is UTKLAR_RESULT_OK.
inline void check(utklar_result r) {
  if (r != UTKLAR_RESULT_OK) throw error(r, last_error_message());
}

inline std::string_view view(utklar_str s) { return std::string_view(s.data, s.len); }
inline utklar_str str(std::string_view s) { return utklar_str{s.data(), s.size()}; }

inline std::string_view version() { return view(utklar_version()); }

namespace detail {
template <typename T, void (*Free)(T *)>
struct deleter {
  void operator()(T *p) const noexcept { Free(p); }
};
template <typename T, void (*Free)(T *)>
using owned = std::unique_ptr<T, deleter<T, Free>>;
}  // namespace detail

// Population per municipality and year.
class population {
 public:
  // An empty table.
  population() {
    utklar_population *p = nullptr;
    check(utklar_population_new(&p));
    p_.reset(p);
  }
  // The embedded table (SCB 2022).
  static population builtin() {
    utklar_population *p = nullptr;
    check(utklar_population_new_builtin(&p));
    return population(p);
  }
  void set(uint16_t municipality, int32_t year, uint64_t total, uint64_t aged_65plus) {
    check(utklar_population_set(p_.get(), municipality, year, total, aged_65plus));
  }
  const utklar_population *get() const noexcept { return p_.get(); }

 private:
  explicit population(utklar_population *p) : p_(p) {}
  detail::owned<utklar_population, utklar_population_free> p_;
};

// Available beds per county and period.
class beds {
 public:
  beds() {
    utklar_beds *p = nullptr;
    check(utklar_beds_new(&p));
    p_.reset(p);
  }
  void set(uint8_t county, std::string_view period, double available) {
    check(utklar_beds_set(p_.get(), county, period.data(), period.size(), available));
  }
  const utklar_beds *get() const noexcept { return p_.get(); }

 private:
  detail::owned<utklar_beds, utklar_beds_free> p_;
};

// Indicator rows and the account of the input rows.
class indicator_report {
 public:
  explicit indicator_report(utklar_indicator_report *p) : p_(p) {}
  std::size_t size() const noexcept { return utklar_indicator_report_len(p_.get()); }
  utklar_indicator_row operator[](std::size_t i) const {
    utklar_indicator_row r;
    check(utklar_indicator_report_get_row(p_.get(), i, &r));
    return r;
  }
  utklar_exclusions exclusions() const {
    utklar_exclusions e;
    check(utklar_indicator_report_get_exclusions(p_.get(), &e));
    return e;
  }
  std::vector<utklar_problem> problems() const {
    std::vector<utklar_problem> out(utklar_indicator_report_problem_count(p_.get()));
    for (std::size_t i = 0; i < out.size(); ++i)
      check(utklar_indicator_report_get_problem(p_.get(), i, &out[i]));
    return out;
  }
  const utklar_indicator_report *get() const noexcept { return p_.get(); }

 private:
  detail::owned<utklar_indicator_report, utklar_indicator_report_free> p_;
};

// The default options: month, per municipality, exclude negative days, strict.
inline utklar_indicator_options default_options() {
  utklar_indicator_options o;
  check(utklar_indicator_options_init(&o));
  return o;
}

// An agreement on payment liability: a preset or TOML text.
class agreement {
 public:
  static agreement preset(std::string_view name) {
    utklar_agreement *p = nullptr;
    check(utklar_agreement_preset(name.data(), name.size(), &p));
    return agreement(p);
  }
  static agreement from_toml(std::string_view toml) {
    utklar_agreement *p = nullptr;
    check(utklar_agreement_from_toml(toml.data(), toml.size(), &p));
    return agreement(p);
  }
  std::string_view name() const {
    utklar_str s;
    check(utklar_agreement_name(p_.get(), &s));
    return view(s);
  }
  std::string to_toml() const {
    size_t n = 0;
    utklar_result r = utklar_agreement_to_toml(p_.get(), nullptr, 0, &n);
    if (r != UTKLAR_RESULT_BUFFER_TOO_SMALL) check(r);
    std::string s(n + 1, '\0');
    check(utklar_agreement_to_toml(p_.get(), &s[0], s.size(), &n));
    s.resize(n);
    return s;
  }
  const utklar_agreement *get() const noexcept { return p_.get(); }

 private:
  explicit agreement(utklar_agreement *p) : p_(p) {}
  detail::owned<utklar_agreement, utklar_agreement_free> p_;
};

// Amounts per care day by year, in öre: the sourced national amounts to start with.
class amounts {
 public:
  amounts() {
    utklar_amounts *p = nullptr;
    check(utklar_amounts_new(&p));
    p_.reset(p);
  }
  amounts &set(int32_t year, int64_t ore) {
    check(utklar_amounts_set(p_.get(), year, ore));
    return *this;
  }
  int64_t get(int32_t year) const {
    int64_t ore = 0;
    check(utklar_amounts_get(p_.get(), year, &ore));
    return ore;
  }
  const utklar_amounts *get() const noexcept { return p_.get(); }

 private:
  detail::owned<utklar_amounts, utklar_amounts_free> p_;
};

// An invoice: summary, lines, totals and the episodes not billed.
class invoice {
 public:
  explicit invoice(utklar_invoice *p) : p_(p) {}
  utklar_invoice_summary summary() const {
    utklar_invoice_summary s;
    check(utklar_invoice_get_summary(p_.get(), &s));
    return s;
  }
  std::vector<utklar_invoice_line> lines() const {
    std::vector<utklar_invoice_line> out(utklar_invoice_line_count(p_.get()));
    for (std::size_t i = 0; i < out.size(); ++i) check(utklar_invoice_get_line(p_.get(), i, &out[i]));
    return out;
  }
  std::vector<utklar_invoice_total> totals() const {
    std::vector<utklar_invoice_total> out(utklar_invoice_total_count(p_.get()));
    for (std::size_t i = 0; i < out.size(); ++i) check(utklar_invoice_get_total(p_.get(), i, &out[i]));
    return out;
  }
  std::vector<utklar_not_billed> not_billed() const {
    std::vector<utklar_not_billed> out(utklar_invoice_not_billed_count(p_.get()));
    for (std::size_t i = 0; i < out.size(); ++i)
      check(utklar_invoice_get_not_billed(p_.get(), i, &out[i]));
    return out;
  }
  const utklar_invoice *get() const noexcept { return p_.get(); }

 private:
  detail::owned<utklar_invoice, utklar_invoice_free> p_;
};

// An episode set.
class episodes {
 public:
  episodes() {
    utklar_episodes *p = nullptr;
    check(utklar_episodes_new(&p));
    p_.reset(p);
  }
  std::size_t size() const noexcept { return utklar_episodes_len(p_.get()); }
  void push(const utklar_episode &row) { check(utklar_episodes_push(p_.get(), &row)); }
  // One row as text, values in utklar_field order (empty = absent).
  void push_text(const std::vector<std::string_view> &values) {
    std::vector<utklar_str> v;
    v.reserve(values.size());
    for (auto s : values) v.push_back(str(s));
    check(utklar_episodes_push_text(p_.get(), v.data(), v.size()));
  }
  void push_columns(const utklar_columns &columns) {
    check(utklar_episodes_push_columns(p_.get(), &columns));
  }
  std::vector<utklar_problem> validate(
      utklar_negative_days policy = UTKLAR_NEGATIVE_DAYS_EXCLUDE) const {
    utklar_validation *v = nullptr;
    check(utklar_episodes_validate(p_.get(), policy, &v));
    detail::owned<utklar_validation, utklar_validation_free> owner(v);
    std::vector<utklar_problem> out(utklar_validation_len(v));
    for (std::size_t i = 0; i < out.size(); ++i) check(utklar_validation_get_problem(v, i, &out[i]));
    return out;
  }
  indicator_report indicators(const utklar_indicator_options &options,
                              const population *pop = nullptr,
                              const beds *b = nullptr) const {
    utklar_indicator_report *r = nullptr;
    check(utklar_episodes_indicators(p_.get(), &options, pop ? pop->get() : nullptr,
                                     b ? b->get() : nullptr, &r));
    return indicator_report(r);
  }
  // The invoice under `a`, pricing days with `am` (nullptr: the sourced national amounts).
  invoice bill(const agreement &a, const amounts *am = nullptr,
               utklar_mode mode = UTKLAR_MODE_STRICT) const {
    utklar_invoice *r = nullptr;
    check(utklar_episodes_invoice(p_.get(), a.get(), am ? am->get() : nullptr, mode, &r));
    return invoice(r);
  }
  const utklar_episodes *get() const noexcept { return p_.get(); }

 private:
  detail::owned<utklar_episodes, utklar_episodes_free> p_;
};

}  // namespace utklar

#endif  // UTKLAR_HPP
