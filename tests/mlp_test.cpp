// model = mlp: gradient and Hessian-vector products against finite differences for every
// activation and both losses, the loss against a per-sample loop, the layout of θ (PyTorch's),
// the preprocessing, Lanczos top-2 against the dense Hessian, ids that follow a data file's
// content (not its path) and an init_params file's, and passes over blocks of samples that give
// the one-block passes.
#define BOOST_TEST_MODULE mlp
#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <type_traits>

#include "eos/data/readers.h"
#include "eos/gd/run.h"
#include "eos/gd/sharpness.h"
#include "eos/model/registry.h"
#include "eos/models/mlp.h"
#include "eos/models/mlp_passes.h"
#include "support.h"

using namespace eos;
using namespace eos::test;
namespace fs = std::filesystem;

namespace {

// A small net on the first n digits: 64 inputs, depth hidden layers of width, 10 outputs.
Mlp small_net(const std::string& act, const std::string& loss, long width = 5, long depth = 2, long n = 30) {
  PreparedData d = prepare_data(load_data("digits"), n, 10, 10);
  const MlpShape shape = mlp_shape(64, width, depth, 10);
  MlpNet net(shape, activation_named(act), loss_named(loss), d.x_train, d.y_train);
  return Mlp(std::move(net), mlp_default_init(shape, 1), std::move(d));
}

// θ₀ moved at random so that every unit is generic (relu gates away from 0).
Vec generic_point(const Model& m, double scale = 0.3) { return m.initial() + random_vec(m.initial().size(), 7, scale); }

std::string scratch(const std::string& name) {
  const std::string dir = std::string(std::getenv("EOS_TEST_TMP") ? std::getenv("EOS_TEST_TMP") : "/tmp") + "/mlp_test/" + name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

}  // namespace

BOOST_AUTO_TEST_CASE(activations_match_their_differences) {
  for (const char* name : {"tanh", "relu", "elu", "softplus", "gelu", "identity"}) {
    const Activation a = activation_named(name);
    for (double z : {-2.3, -0.4, 0.3, 1.7}) {
      const double h = 1e-5;
      const auto v = activate(a, z), p = activate(a, z + h), m = activate(a, z - h);
      BOOST_TEST(std::fabs(v.d1 - (p.value - m.value) / (2 * h)) < 1e-8, name << " σ' at " << z);
      BOOST_TEST(std::fabs(v.d2 - (p.d1 - m.d1) / (2 * h)) < 1e-7, name << " σ'' at " << z);
    }
  }
  BOOST_TEST(activate(Activation::Tanh, 0.5).value == std::tanh(0.5));
  BOOST_TEST(std::fabs(activate(Activation::Gelu, 1.0).value - 0.8413447460685429) < 1e-15);
}

BOOST_AUTO_TEST_CASE(gradient_and_hvps_against_finite_differences) {
  for (const char* act : {"tanh", "relu", "elu", "softplus", "gelu", "identity"})
    for (const char* loss : {"mse", "ce"}) {
      BOOST_TEST_CONTEXT(act << " " << loss) {
        Mlp m = small_net(act, loss);
        FdCheck c;
        c.dense = false;  // 433 parameters: HVPs against differences of the gradient
        c.hess_tol = 2e-6;
        check_derivatives(m, generic_point(m), c);
      }
    }
}

// The passes go through the samples in blocks of columns; over 30 samples in blocks of 7 (the last
// of 2) the loss, gradient and products are those of one block to rounding (a product's column
// may round differently in a narrower product), for every activation, both losses and both
// precisions.
template <class T>
void check_blocks(const Mat& x, const std::vector<int>& y, const Vec& theta, const Vec& v) {
  using M = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
  const auto xt = std::make_shared<const M>(x.cast<T>());
  const MlpShape shape = mlp_shape(64, 5, 2, 10);
  const double tol = std::is_same_v<T, double> ? 1e-13 : 1e-5;
  for (const char* act : {"tanh", "relu", "elu", "softplus", "gelu", "identity"})
    for (const char* loss : {"mse", "ce"}) {
      BOOST_TEST_CONTEXT(act << " " << loss << (std::is_same_v<T, double> ? " float64" : " float32")) {
        MlpPasses<T> one(shape, activation_named(act), loss_named(loss), xt, y, x.cols());
        MlpPasses<T> blocks(shape, activation_named(act), loss_named(loss), xt, y, 7);
        Vec g1, gb, h1, hb;
        const double l1 = one.loss_grad(theta, g1), lb = blocks.loss_grad(theta, gb);
        one.hvp(theta, v, h1);
        blocks.hvp(theta, v, hb);
        BOOST_TEST(std::fabs(l1 - lb) <= tol * l1);
        BOOST_TEST((g1 - gb).norm() <= tol * g1.norm(), "gradient " << (g1 - gb).norm() / g1.norm());
        BOOST_TEST((h1 - hb).norm() <= tol * h1.norm(), "hvp " << (h1 - hb).norm() / h1.norm());
        blocks.hvp(theta, 2 * v, hb);  // a second product reuses the block buffers
        BOOST_TEST((2 * h1 - hb).norm() <= tol * h1.norm());
      }
    }
}

BOOST_AUTO_TEST_CASE(blocks_of_samples_give_the_one_block_passes) {
  PreparedData d = prepare_data(load_data("digits"), 30, 0, 10);
  const Mlp m = small_net("tanh", "mse");
  const Vec theta = generic_point(m), v = random_vec(theta.size(), 11);
  check_blocks<double>(d.x_train, d.y_train, theta, v);
  check_blocks<float>(d.x_train, d.y_train, theta, v);
}

BOOST_AUTO_TEST_CASE(dense_hessian_is_symmetric_and_matches_differences) {
  PreparedData d = prepare_data(load_data("digits"), 12, 0, 3);
  const MlpShape shape = mlp_shape(64, 3, 2, 3);  // 64·3+3 + 3·3+3 + 3·3+3 = 219 parameters
  Mlp m(MlpNet(shape, Activation::Tanh, LossKind::Ce, d.x_train, d.y_train), mlp_default_init(shape, 2), d);
  check_derivatives(m, generic_point(m), {});
}

BOOST_AUTO_TEST_CASE(loss_matches_a_per_sample_loop_in_pytorch_layout) {
  Mlp m = small_net("tanh", "mse", 4, 1, 20);
  const Vec th = generic_point(m);
  Vec g;
  const double L = m.evaluate(th, g, nullptr);
  PreparedData d = prepare_data(load_data("digits"), 20, 10, 10);
  double ref = 0;
  for (long i = 0; i < 20; ++i) {
    // Layer 1: W (4 × 64, row-major) then b (4); layer 2: W (10 × 4) then b (10).
    double h[4];
    for (int j = 0; j < 4; ++j) {
      double z = th[4 * 64 + j];
      for (int k = 0; k < 64; ++k) z += th[j * 64 + k] * d.x_train(k, i);
      h[j] = std::tanh(z);
    }
    for (int c = 0; c < 10; ++c) {
      double f = th[4 * 64 + 4 + 10 * 4 + c];
      for (int j = 0; j < 4; ++j) f += th[4 * 64 + 4 + c * 4 + j] * h[j];
      const double r = f - (c == d.y_train[static_cast<std::size_t>(i)] ? 1 : 0);
      ref += 0.5 * r * r / 20;
    }
  }
  BOOST_TEST(std::fabs(L - ref) < 1e-13 * ref);
}

BOOST_AUTO_TEST_CASE(preprocessing_standardises_the_training_set) {
  const PreparedData d = prepare_data(load_data("digits"), 300, 50, 10);
  BOOST_TEST(d.x_train.cols() == 300);
  BOOST_TEST(d.x_test.cols() == 50);
  for (long j = 0; j < 64; ++j) {
    const double mean = d.x_train.row(j).mean(), var = d.x_train.row(j).squaredNorm() / 300 - mean * mean;
    BOOST_TEST(std::fabs(mean) < 1e-12);
    BOOST_TEST((std::fabs(var - 1) < 1e-12 || d.x_train.row(j).isZero()), "feature " << j);
  }
  const PreparedData two = prepare_data(load_data("digits"), 100, 0, 2);
  for (int y : two.y_train) BOOST_TEST(y < 2);
  BOOST_CHECK_THROW(prepare_data(load_data("digits"), 1700, 200, 10), InputError);
}

BOOST_AUTO_TEST_CASE(lanczos_top_two_match_the_dense_hessian) {
  PreparedData d = prepare_data(load_data("digits"), 40, 0, 10);
  const MlpShape shape = mlp_shape(64, 6, 2, 10);
  Mlp m(MlpNet(shape, Activation::Tanh, LossKind::Mse, d.x_train, d.y_train), mlp_default_init(shape, 0), d);
  const Vec th = m.initial();
  Vec g;
  Mat H;
  m.evaluate(th, g, &H);
  const auto dense = top_eigenvalues(H, 2);
  LanczosOptions opt;
  const LanczosResult r = lanczos_sharpness(m, th, th.size(), {}, opt);
  BOOST_REQUIRE(r.values.size() >= 2);
  BOOST_TEST(std::fabs(r.values[0] - dense[0]) <= 1e-9 * dense[0]);
  BOOST_TEST(std::fabs(r.values[1] - dense[1]) <= 1e-8 * dense[0]);
}

BOOST_AUTO_TEST_CASE(default_init_is_uniform_on_one_over_sqrt_fan_in) {
  const MlpShape s = mlp_shape(64, 200, 2, 10);
  const Vec th = mlp_default_init(s, 3);
  BOOST_TEST(th.size() == 64 * 200 + 200 + 200 * 200 + 200 + 200 * 10 + 10);
  for (long l = 0; l < s.layers(); ++l) {
    const auto block = th.segment(s.weight_offset(l), (s.in(l) + 1) * s.out(l));
    const double bound = 1 / std::sqrt(static_cast<double>(s.in(l)));
    BOOST_TEST(block.cwiseAbs().maxCoeff() <= bound);
    BOOST_TEST(block.cwiseAbs().maxCoeff() > 0.99 * bound);
    BOOST_TEST(std::fabs(block.mean()) < 0.05 * bound);
  }
  BOOST_TEST((mlp_default_init(s, 3) == th));
  BOOST_TEST(!(mlp_default_init(s, 4) == th));
}

BOOST_AUTO_TEST_CASE(ids_follow_file_content_not_path) {
  const std::string dir = scratch("ids");
  std::string csv;
  for (int i = 0; i < 30; ++i) csv += std::to_string(i % 7) + "," + std::to_string((i * 3) % 5) + "," + std::to_string(i % 3) + "\n";
  write(dir + "/a.csv", csv);
  const std::string job = "model = mlp\neta = 0.1\nsteps = 3\nn = 20\nn_test = 5\nwidth = 3\ndataset = ";
  const std::string id_a = points_of(job + dir + "/a.csv")[0].id;
  fs::rename(dir + "/a.csv", dir + "/b.csv");
  BOOST_TEST(points_of(job + dir + "/b.csv")[0].id == id_a);
  write(dir + "/b.csv", csv + "1,1,1\n");
  BOOST_TEST(points_of(job + dir + "/b.csv")[0].id != id_a);
  // init_params likewise: the same bytes under another name give the same id.
  const MlpShape s = mlp_shape(2, 3, 2, 3);
  const Vec th = mlp_default_init(s, 0);
  write_npy_vector(dir + "/p.npy", th.data(), th.size());
  write_npy_vector(dir + "/q.npy", th.data(), th.size());
  const std::string with = job + dir + "/b.csv\ninit_params = ";
  const std::string id_p = points_of(with + dir + "/p.npy")[0].id;
  BOOST_TEST(points_of(with + dir + "/q.npy")[0].id == id_p);
  BOOST_TEST(id_p != points_of(job + dir + "/b.csv")[0].id);
  Vec other = th;
  other[0] += 1;
  write_npy_vector(dir + "/q.npy", other.data(), other.size());
  BOOST_TEST(points_of(with + dir + "/q.npy")[0].id != id_p);
}

BOOST_AUTO_TEST_CASE(init_params_start_the_run_and_npy_round_trips) {
  const std::string dir = scratch("init");
  PreparedData d = prepare_data(load_data("digits"), 50, 0, 10);
  const MlpShape s = mlp_shape(64, 4, 2, 10);
  const Vec th = mlp_default_init(s, 9);
  write_npy_vector(dir + "/p.npy", th.data(), th.size());
  const auto back = read_npy_vector(dir + "/p.npy");
  BOOST_TEST((Eigen::Map<const Vec>(back.data(), static_cast<long>(back.size())) == th));
  TestJob job("model = mlp\neta = 0.1\nsteps = 2\nn = 50\nn_test = 0\nwidth = 4\ninit_params = " + dir + "/p.npy");
  auto model = job.model().make(job.points()[0].params);
  BOOST_TEST((model->initial() == th));
}

namespace {

const char* kSmallJob = "model = mlp\nn = 200\nn_test = 50\nwidth = 12\ndepth = 2\nsharpness_every = 10\n";

}  // namespace

BOOST_AUTO_TEST_CASE(goals_stop_the_run_as_in_cohen) {
  const TestJob acc(kSmallJob, {"eta=0.5", "steps=400", "stop_acc=0.9"});
  const Point& p = acc.points()[0];
  const PointResult r = acc.run(p);
  BOOST_TEST(r.run.stats.steps_run < 400);
  BOOST_TEST(acc.number(p, r, "train_acc_final") >= 0.9);
  const TestJob loss(kSmallJob, {"eta=0.5", "steps=400", "stop_loss=0.2"});
  const PointResult q = loss.run(loss.points()[0]);
  BOOST_TEST(q.run.stats.steps_run < 400);
  BOOST_TEST(q.run.stats.loss_final < 0.2);
  BOOST_TEST(q.run.stats.sharpness_samples > 0);  // the stopped state is sampled
}

BOOST_AUTO_TEST_CASE(trace_rows_sample_the_sharpness_only_when_asked) {
  // sharpness_every = 10, trace_every = 5: by default a trace row between samples costs no
  // eigen-solve (nan); trace_sharpness = rows samples at every row, as the other models do.
  auto trace = [](const std::string& mode) {
    const TestJob job(kSmallJob, {"eta=0.5", "steps=20", "trace_every=5", "trace_sharpness=" + mode});
    std::vector<double> sharpness, lambda2;
    const PointResult r = job.run(job.points()[0], [&](long, double, double s, const std::vector<double>& v) {
      sharpness.push_back(s);
      lambda2.push_back(v.at(v.size() - 1));
    });
    return std::make_tuple(sharpness, lambda2, r.run.stats.sharpness_samples);
  };
  const auto [s, l2, n] = trace("samples");
  const auto [all, all2, n_all] = trace("rows");
  BOOST_REQUIRE_EQUAL(s.size(), 5u);  // steps 0, 5, 10, 15, 20
  BOOST_TEST(n == 3);
  BOOST_TEST(n_all == 5);
  for (std::size_t k = 0; k < s.size(); ++k) {
    BOOST_TEST(std::isnan(s[k]) == (k % 2 == 1));
    BOOST_TEST(std::isnan(l2[k]) == (k % 2 == 1));
    BOOST_TEST(std::isfinite(all[k]));
    BOOST_TEST(std::isfinite(all2[k]));
    if (k % 2 == 0) BOOST_TEST(std::fabs(s[k] - all[k]) < 1e-7 * all[k]);  // other warm starts (tol 1e-7)
  }
}

BOOST_AUTO_TEST_CASE(flow_is_rk4_and_gd_leaves_it_as_eta_grows) {
  // RK4 at steps α/S: halving α changes the end point by far less than the GD–flow distance.
  auto flow = [](const std::string& alpha, const std::string& eta) {
    const TestJob job(kSmallJob, {"eta=" + eta, "steps=40", "method=flow", "flow_alpha=" + alpha, "trace_every=40"});
    std::vector<double> last;
    const PointResult r = job.run(job.points()[0], [&](long, double, double, const std::vector<double>& v) { last = v; });
    const auto cols = trace_columns(job.model(), run_config(job.points()[0].params));
    const auto at = std::find(cols.begin(), cols.end(), "gd_distance") - cols.begin();
    return std::make_pair(r.run.stats.loss_final, last.at(static_cast<std::size_t>(at)));  // the loss, gd_distance at step 40
  };
  const auto [coarse, d_coarse] = flow("1", "0.1");
  const auto [fine, d_fine] = flow("0.25", "0.1");
  BOOST_TEST(std::fabs(coarse - fine) < 1e-8 * fine);
  BOOST_TEST(std::fabs(d_coarse - d_fine) < 1e-4 * d_fine);
  const auto [big, d_big] = flow("1", "0.4");
  BOOST_TEST(d_big > 3 * d_fine);  // GD departs from the flow at larger η (same time η·t: 4× longer)
  // The flow's loss falls monotonically: no rise certificate.
  const TestJob job(kSmallJob, {"eta=0.4", "steps=40", "method=flow"});
  BOOST_TEST(job.run(job.points()[0]).run.stats.loss_rises == 0);
}

BOOST_AUTO_TEST_CASE(fashion_mnist_subset_from_its_own_test_set) {
  const DataSource src = load_data("fashion-mnist");
  BOOST_TEST(src.train->samples == 60000);
  BOOST_TEST(src.test->samples == 10000);
  BOOST_TEST(src.train->features == 784);
  const PreparedData d = prepare_data(src, 300, 100, 10);
  BOOST_TEST(d.x_train.rows() == 784);
  BOOST_TEST(d.x_test.cols() == 100);
  BOOST_TEST(d.y_test[0] == src.test->labels[0]);  // the test set's first image
  BOOST_TEST(d.y_train[0] == src.train->labels[0]);
  BOOST_TEST(std::fabs(d.x_train.row(400).mean()) < 1e-12);
  BOOST_TEST(&*load_data("fashion-mnist").train == &*src.train);  // read once per process
}
