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
    check(utklar_indicator_report_row(p_.get(), i, &r));
    return r;
  }
  utklar_exclusions exclusions() const {
    utklar_exclusions e;
    check(utklar_indicator_report_exclusions(p_.get(), &e));
    return e;
  }
  std::vector<utklar_problem> problems() const {
    std::vector<utklar_problem> out(utklar_indicator_report_problem_count(p_.get()));
    for (std::size_t i = 0; i < out.size(); ++i)
      check(utklar_indicator_report_problem(p_.get(), i, &out[i]));
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
    for (std::size_t i = 0; i < out.size(); ++i) check(utklar_validation_problem(v, i, &out[i]));
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
  const utklar_episodes *get() const noexcept { return p_.get(); }

 private:
  detail::owned<utklar_episodes, utklar_episodes_free> p_;
};

}  // namespace utklar

#endif  // UTKLAR_HPP
