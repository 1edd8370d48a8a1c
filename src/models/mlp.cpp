// model = mlp: its keys, checks at load time (every data file read and checked before a sweep
// starts), the content digests in its ids, and the model built from a point.
#include "eos/models/mlp.h"

#include <cmath>

#include "eos/model/run_options.h"
#include "eos/numerics/lanczos.h"
#include "eos/util/error.h"
#include "eos/util/rng.h"

namespace eos {
namespace {

constexpr int kBiasLayers = 3;  // hidden layers whose biases are tracked

// Run fn, prefixing an InputError with "key: ".
template <class F>
auto for_key(const std::string& key, F&& fn) {
  try {
    return fn();
  } catch (const InputError& e) {
    throw InputError(key + ": " + e.what());
  }
}

DataSource source_of(const Params& p) {
  return for_key("dataset", [&] { return load_data(p.text("dataset")); });
}

int classes_of(const Params& p, const DataSource& src) {
  return p.has("classes") ? static_cast<int>(p.integer("classes")) : src.train->classes;
}

MlpShape shape_of(const Params& p, const DataSource& src) {
  return mlp_shape(src.train->features, p.integer("width"), p.integer("depth"), classes_of(p, src));
}

std::shared_ptr<const std::vector<double>> init_params_of(const Params& p) {
  return for_key("init_params", [&] { return load_vector(p.text("init_params")); });
}

void resolve_mlp(Params& p) {
  p.set("dataset_digest", for_key("dataset", [&] { return dataset_digest(p.text("dataset")); }));
  const bool init = p.has("init_params");
  p.set("init_params_digest", init ? for_key("init_params", [&] { return files_digest({p.text("init_params")}); })
                                   : std::string("none"));
}

void check_mlp(const Params& p) {
  const DataSource src = source_of(p);
  const int k = classes_of(p, src);
  if (k > src.train->classes)
    throw InputError("classes: " + std::to_string(k) + " asked, the data set has " + std::to_string(src.train->classes));
  check_sample_counts(src, p.integer("n"), p.integer("n_test"), k);
  if (p.has("init_params")) {
    const long want = shape_of(p, src).dim(), got = static_cast<long>(init_params_of(p)->size());
    if (got != want)
      throw InputError("init_params: " + p.text("init_params") + " holds " + std::to_string(got) +
                       " parameters, the network has " + std::to_string(want));
  }
}

std::unique_ptr<Model> make_mlp(const Params& p) {
  const DataSource src = source_of(p);
  PreparedData data = prepare_data(src, p.integer("n"), p.integer("n_test"), classes_of(p, src));
  const MlpShape shape = shape_of(p, src);
  Vec theta0;
  if (p.has("init_params")) {
    const auto v = init_params_of(p);
    theta0 = Eigen::Map<const Vec>(v->data(), static_cast<long>(v->size()));
  } else {
    theta0 = mlp_default_init(shape, p.integer("seed"));
  }
  Mat x = std::move(data.x_train);
  std::vector<int> y = std::move(data.y_train);
  const Precision precision = p.has("precision") ? precision_named(p.text("precision")) : Precision::Float64;
  MlpNet net(shape, activation_named(p.text("activation")), loss_named(p.text("loss")), std::move(x), std::move(y),
             precision);
  return std::make_unique<Mlp>(std::move(net), std::move(theta0), std::move(data));
}

double step_cost_of(const Params& p) {
  const DataSource src = source_of(p);
  return static_cast<double>(p.integer("n")) * static_cast<double>(shape_of(p, src).dim());
}

std::vector<KeySpec> mlp_keys() {
  std::vector<KeySpec> keys = {
      {.name = "dataset", .type = KeyType::Text, .default_value = "digits",
       .doc = "digits (scikit-learn's 8×8), fashion-mnist, or a file: .csv/.csv.gz (label last), .npz, .npy (+ "
              "NAME-labels.npy), *-images-idx3-ubyte[.gz] (+ labels); in the id by content",
       .axis = true, .min = 0, .in_id = false},
      {.name = "n", .type = KeyType::Integer, .default_value = "1000",
       .doc = "training samples: the first n (of the kept classes), in file order", .axis = true, .min = 1},
      {.name = "n_test", .type = KeyType::Integer, .default_value = "200",
       .doc = "test samples (digits and files: the ones after the n training samples; fashion-mnist: its test set)",
       .min = 0},
      {.name = "classes", .type = KeyType::Integer, .doc = "keep only the first k classes (default: all)", .axis = true,
       .min = 2},
      {.name = "width", .type = KeyType::Integer, .default_value = "200", .doc = "units per hidden layer", .axis = true,
       .min = 1, .max = 1e5},
      {.name = "depth", .type = KeyType::Integer, .default_value = "2", .doc = "number of hidden layers", .axis = true,
       .min = 0, .max = 100},
      {.name = "activation", .type = KeyType::Text, .default_value = "tanh", .doc = "tanh, relu, elu, softplus, gelu or identity",
       .axis = true, .min = 0, .choices = {"tanh", "relu", "elu", "softplus", "gelu", "identity"}},
      {.name = "loss", .type = KeyType::Text, .default_value = "mse",
       .doc = "mse: (1/n)Σ½‖f(x) − e_y‖² (one-hot targets), or ce: mean cross-entropy", .axis = true, .min = 0,
       .choices = {"mse", "ce"}},
      {.name = "seed", .type = KeyType::Integer, .default_value = "0",
       .doc = "seed of the initialisation (PyTorch's nn.Linear default: W, b uniform on ±1/√fan_in)", .axis = true,
       .min = 0},
      {.name = "init_params", .type = KeyType::Text,
       .doc = "start from this .npy (float64, flat: per layer W out×in row-major, then b); in the id by content",
       .min = 0, .in_id = false},
  };
  for (const auto& k : run_option_keys()) keys.push_back(k);
  return keys;
}

std::vector<std::string> tracked_names() {
  std::vector<std::string> t = {"train_acc"};
  for (int l = 1; l <= kBiasLayers; ++l) {
    t.push_back("bias_mean_l" + std::to_string(l));
    t.push_back("frac_neg_bias_l" + std::to_string(l));
  }
  return t;
}

std::vector<std::pair<std::string, std::string>> labels() {
  std::vector<std::pair<std::string, std::string>> out = {{"train_acc", "training accuracy"},
                                                          {"test_acc", "test accuracy"},
                                                          {"test_loss", "test loss"},
                                                          {"width", "width"},
                                                          {"depth", "hidden layers"}};
  for (int l = 1; l <= kBiasLayers; ++l) {
    out.emplace_back("bias_mean_l" + std::to_string(l), "mean bias of hidden layer " + std::to_string(l));
    out.emplace_back("frac_neg_bias_l" + std::to_string(l), "fraction of negative biases, layer " + std::to_string(l));
  }
  return out;
}

}  // namespace

Mlp::Mlp(MlpNet net, Vec theta0, PreparedData data)
    : net_(std::move(net)), theta0_(std::move(theta0)), x_test_(std::move(data.x_test)), y_test_(std::move(data.y_test)) {}

double Mlp::evaluate(const Vec& theta, Vec& grad, Mat* hess) {
  const double loss = net_.loss_grad(theta, grad);
  if (hess) *hess = hessian_from_products([&](const Vec& e, Vec& col) { net_.hvp(theta, e, col); }, theta.size());
  return loss;
}

double Mlp::evaluate_batch(const Vec& theta, std::span<const long> rows, Vec& grad, Mat* hess) {
  const double loss = net_.loss_grad_rows(theta, rows, grad);
  if (hess)
    *hess = hessian_from_products([&](const Vec& e, Vec& col) { net_.hvp_rows(theta, rows, e, col); }, theta.size());
  return loss;
}

void Mlp::hvp_batch(const Vec& theta, std::span<const long> rows, const Vec& v, Vec& out) {
  net_.hvp_rows(theta, rows, v, out);
}

void Mlp::hvp(const Vec& theta, const Vec& v, Vec& out) { net_.hvp(theta, v, out); }

void Mlp::third(const Vec& theta, const Vec& u, const Vec& v, Vec& out) { third_.product(net_, theta, u, v, out); }

void Mlp::third_pairs(const Vec& theta, const Mat& U, std::vector<Vec>& out) { third_.products(net_, theta, U, out); }

void Mlp::track(const Vec& theta, double* out) const {
  out[0] = net_.train_accuracy(theta);
  const MlpShape& s = net_.shape();
  for (long l = 0; l < kBiasLayers; ++l) {
    double mean = std::nan(""), neg = std::nan("");
    if (l < s.layers() - 1) {
      const auto b = theta.segment(s.bias_offset(l), s.out(l));
      mean = b.mean();
      neg = static_cast<double>((b.array() < 0).count()) / static_cast<double>(b.size());
    }
    out[1 + 2 * l] = mean;
    out[2 + 2 * l] = neg;
  }
}

void Mlp::report(const Vec& theta, double* out) {
  double loss = 0, acc = 0;
  net_.evaluate_on(theta, x_test_, y_test_, loss, acc);
  out[0] = acc;
  out[1] = loss;
}

Vec mlp_default_init(const MlpShape& shape, long seed) {
  Vec theta(shape.dim());
  for (long l = 0; l < shape.layers(); ++l) {
    Rng rng("init-mlp", {static_cast<double>(seed), static_cast<double>(l), static_cast<double>(shape.in(l)),
                         static_cast<double>(shape.out(l))});
    const double bound = 1.0 / std::sqrt(static_cast<double>(shape.in(l)));
    const long from = shape.weight_offset(l), to = shape.bias_offset(l) + shape.out(l);
    for (long k = from; k < to; ++k) theta[k] = bound * (2 * rng.uniform() - 1);
  }
  return theta;
}

ModelInfo mlp_info() {
  return {.name = "mlp",
      .doc = "fully connected network on real data (Cohen et al.'s fc nets): depth hidden layers of width units",
      .keys = mlp_keys(),
      .tracked = tracked_names(),
      .reports = {"test_acc", "test_loss"},
      .diagnostics = {"lambda2_final", "lambda2_tail", "lambda2_max"},
      .labels = labels(),
      .trace_panels = {"loss", "sharpness", "train_acc"},
      .step_cost = step_cost_of,
      .dim = [](const Params& p) { return shape_of(p, source_of(p)).dim(); },
      .auto_block_solver = true,
      .float32 = true,
      .samples = [](const Params& p) { return p.integer("n"); },
      .check = check_mlp,
      .id_entries = {"dataset_digest", "init_params_digest"},
      .resolve = resolve_mlp,
      .make = make_mlp,
  };
}

}  // namespace eos
