// Defaults of the model interface.
#include "eos/model/model.h"

#include <stdexcept>

namespace eos {

void Model::hvp(const Vec& theta, const Vec& v, Vec& out) {
  Vec grad;
  Mat hess;
  evaluate(theta, grad, &hess);
  out = hess * v;
}

void Model::third(const Vec&, const Vec&, const Vec&, Vec&) {
  throw std::logic_error("this model offers no third derivative (Model::has_third() is false)");
}

void Model::third_pairs(const Vec& theta, const Mat& U, std::vector<Vec>& out) {
  const long k = U.cols();
  out.resize(static_cast<std::size_t>(k * (k + 1) / 2));
  std::size_t p = 0;
  for (long i = 0; i < k; ++i)
    for (long j = i; j < k; ++j) third(theta, U.col(i), U.col(j), out[p++]);
}

void third_by_differences(Model& m, const Vec& theta, const Vec& u, const Vec& v, double eps, Vec& out) {
  Vec plus, minus;
  m.hvp(theta + eps * v, u, plus);
  m.hvp(theta - eps * v, u, minus);
  out = (plus - minus) / (2 * eps);
}

double Model::evaluate_batch(const Vec&, std::span<const long>, Vec&, Mat*) {
  throw std::logic_error("this model has no finite training set to batch (Model::samples() is 0)");
}

void Model::hvp_batch(const Vec& theta, std::span<const long> rows, const Vec& v, Vec& out) {
  Vec grad;
  Mat hess;
  evaluate_batch(theta, rows, grad, &hess);
  out = hess * v;
}

void Model::track(const Vec&, double*) const {}
void Model::report(const Vec&, double*) {}

std::vector<std::string> ModelInfo::end_columns() const {
  std::vector<std::string> cols = theory;
  cols.insert(cols.end(), reports.begin(), reports.end());
  cols.insert(cols.end(), diagnostics.begin(), diagnostics.end());
  return cols;
}

std::vector<std::string> ModelInfo::result_columns() const {
  std::vector<std::string> cols;
  for (const auto& t : tracked) {
    cols.push_back(final_column(t));
    cols.push_back(tail_column(t));
  }
  for (const auto& c : end_columns()) cols.push_back(c);
  return cols;
}

std::string ModelInfo::label(const std::string& column) const {
  for (const auto& [name, text] : labels)
    if (name == column) return text;
  for (const auto& t : tracked) {
    if (column == final_column(t)) return "final " + label(t);
    if (column == tail_column(t)) return label(t) + " (tail mean)";
  }
  if (const KeySpec* k = find_key(keys, column); k && !k->label.empty()) return k->label;
  return column;
}

}  // namespace eos
