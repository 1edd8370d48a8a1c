// The runner's keys and settings.
#include "eos/gd/settings.h"

#include <algorithm>

#include <cmath>

#include "eos/data/catalog.h"
#include "eos/model/run_options.h"
#include "eos/util/number.h"
#include "eos/util/text.h"

namespace eos {
namespace {

// A key of run_option_keys() as every model has it: out of the id at its default.
KeySpec offered(const std::string& name) {
  KeySpec k = *find_key(run_option_keys(), name);
  k.in_id_at_default = false;
  return k;
}

// The method keys each method reads.
std::vector<std::string> keys_used_by(MethodKind m) {
  switch (m) {
    case MethodKind::Gd: return {};
    case MethodKind::Flow: return {"flow_alpha", "flow_max_step"};
    case MethodKind::Polyak:
    case MethodKind::Nesterov: return {"momentum"};
    case MethodKind::Rmsprop: return {"beta2", "eps", "frozen"};
    case MethodKind::Adam: return {"beta1", "beta2", "eps", "bias_correction", "frozen"};
  }
  return {};
}

}  // namespace

const std::vector<KeySpec>& method_keys() {
  static const std::vector<KeySpec> keys = {
      offered("method"),
      {.name = "momentum", .default_value = "0",
       .doc = "polyak, nesterov: the momentum β (v ← βv + g, PyTorch's SGD), in [0, 1)", .axis = true, .min = 0,
       .max = 1, .max_exclusive = true, .in_id_at_default = false, .label = "momentum β"},
      {.name = "beta1", .default_value = "0.9", .doc = "adam: β₁ of the first moment m ← β₁m + (1−β₁)g, in [0, 1)",
       .axis = true, .min = 0, .max = 1, .max_exclusive = true, .in_id_at_default = false, .label = "β₁"},
      {.name = "beta2", .default_value = "0.999",
       .doc = "rmsprop, adam: β₂ of the second moment ν ← β₂ν + (1−β₂)g², in [0, 1) (PyTorch's RMSprop calls it "
              "alpha, default 0.99)",
       .axis = true, .min = 0, .max = 1, .max_exclusive = true, .in_id_at_default = false, .label = "β₂"},
      {.name = "eps", .default_value = "1e-8", .doc = "rmsprop, adam: ε of the denominator √ν + ε, > 0", .axis = true,
       .min = 0, .min_exclusive = true, .in_id_at_default = false, .label = "ε"},
      {.name = "bias_correction", .type = KeyType::Text, .default_value = "on",
       .doc = "adam: on (PyTorch's Adam: m/(1−β₁ᵗ), ν/(1−β₂ᵗ)) or off", .axis = true, .min = 0, .choices = {"on", "off"},
       .in_id_at_default = false},
      {.name = "frozen", .type = KeyType::Integer, .default_value = "0",
       .doc = "rmsprop, adam: freeze the preconditioner P from this step on (0: never), making the method "
              "preconditioned GD or momentum",
       .axis = true, .min = 0, .in_id_at_default = false},
      offered("flow_alpha"),
      offered("flow_max_step"),
  };
  return keys;
}

const std::vector<KeySpec>& companion_keys() {
  static const std::vector<KeySpec> keys = {
      {.name = "flows", .type = KeyType::Text, .default_value = "none",
       .doc = "companions beside GD from the same θ₀, compared at the same times: none, central (the central "
              "flow of Cohen, Damian et al.), gradient (gradient flow by RK4), or central gradient (docs/central-flows.md)",
       .axis = true, .min = 0, .choices = {"none", "central", "gradient", "central gradient"},
       .in_id_at_default = false},
      {.name = "cf_substeps", .type = KeyType::Integer, .default_value = "4",
       .doc = "central flow: Euler substeps per GD step", .min = 1, .max = 1000, .in_id_at_default = false},
      {.name = "cf_eigs", .type = KeyType::Integer, .default_value = "6",
       .doc = "central flow: the most eigenpairs it tracks (the critical set's size k, 1 to 6)", .min = 1, .max = 6,
       .in_id_at_default = false},
      {.name = "cf_window", .type = KeyType::Integer, .default_value = "10",
       .doc = "central flow: steps per window of GD's loss averaged for cf_loss_err", .min = 1,
       .in_id_at_default = false},
  };
  return keys;
}

const std::vector<KeySpec>& batch_keys() {
  static const std::vector<KeySpec> keys = {
      {.name = "batch_size", .type = KeyType::Integer,
       .doc = "minibatch size B (default: the full batch): epochs without replacement in the order of batch_seed, "
              "the last n mod B samples of each epoch dropped; B = n is full-batch GD; models with a finite training "
              "set (docs/minibatch.md)",
       .axis = true, .min = 1, .in_id_at_default = false, .label = "batch size B"},
      {.name = "batch_seed", .type = KeyType::Integer, .default_value = "0",
       .doc = "seed of the batch order (epoch e's permutation depends on batch_seed, n and e only) and of the "
              "batch-sharpness estimate's batches",
       .axis = true, .min = 0, .in_id_at_default = false},
      {.name = "bs_tol", .default_value = "0.02",
       .doc = "batch sharpness: stop its Monte Carlo estimate once the relative standard error is below this", .min = 0,
       .min_exclusive = true, .in_id_at_default = false},
      {.name = "bs_min_batches", .type = KeyType::Integer, .default_value = "10",
       .doc = "batch sharpness: batches before the stopping rule is applied", .min = 2, .in_id_at_default = false},
      {.name = "bs_max_batches", .type = KeyType::Integer, .default_value = "1000",
       .doc = "batch sharpness: the most batches of an estimate", .min = 2, .in_id_at_default = false},
  };
  return keys;
}

namespace {

// Is key k given a value other than its default? (The raw default first: it is the canonical one
// for nearly every key, and this runs for every point of a grid.)
bool off_default(const Params& p, const KeySpec& k) {
  if (!p.has(k.name)) return false;
  const std::string& v = p.text(k.name);
  return v != k.default_value && v != canonical_value(k, k.default_value);
}

// batch_size is needed by the other batch keys; minibatches are steps of GD and its relatives.
void check_batch_keys(const Params& p) {
  if (!p.has("batch_size")) {
    for (const auto& k : batch_keys())
      if (off_default(p, k)) throw InputError(k.name + ": used with batch_size only");
    return;
  }
  if (p.has("method") && p.text("method") == "flow")
    throw InputError("batch_size: method flow is gradient flow, which takes no minibatches");
  if (p.has("flows") && p.text("flows") != "none")
    throw InputError("batch_size: the flows run beside full-batch GD (flows = " + p.text("flows") + ")");
  if (p.integer("bs_min_batches") > p.integer("bs_max_batches"))
    throw InputError("bs_min_batches: " + p.text("bs_min_batches") + " is more than bs_max_batches = " +
                     p.text("bs_max_batches"));
}

// Companions run beside GD only; the cf_ keys belong to flows = central.
void check_companion_keys(const Params& p) {
  if (!p.has("flows")) return;
  const std::string flows = p.text("flows");
  if (flows != "none" && p.has("method") && p.text("method") != "gd")
    throw InputError("flows: the central and gradient flows run beside method gd, not " + p.text("method"));
  if (flows.find("central") != std::string::npos) return;
  for (const auto& k : companion_keys())
    if (k.name.rfind("cf_", 0) == 0 && off_default(p, k))
      throw InputError(k.name + ": used by flows = central only (flows = " + flows + ")");
}

}  // namespace

const std::vector<std::string>& runner_id_entries() {
  static const std::vector<std::string> entries = {"init_state_digest"};
  return entries;
}

std::vector<long> save_steps(const Params& p) {
  std::vector<long> steps;
  if (!p.has("save_states") || p.text("save_states") == "none") return steps;
  std::string text = p.text("save_states");
  std::replace(text.begin(), text.end(), ',', ' ');
  for (const auto& item : split_list(text, ' ')) {
    double v = 0;
    if (!parse_number(item, v) || v != std::floor(v) || v < 0)
      throw InputError("save_states: " + quote_input(item) + " is not a step (a whole number >= 0)");
    steps.push_back(static_cast<long>(v));
  }
  std::sort(steps.begin(), steps.end());
  return steps;
}

void resolve_run_keys(const ModelInfo& model, Params& p) {
  if (!p.has("init_state")) return;
  const std::string path = p.text("init_state");
  const auto head = [&] {
    try {
      return load_state_header(path);
    } catch (const InputError& e) {
      throw InputError(std::string("init_state: ") + e.what());
    }
  }();
  if (head->model != model.name)
    throw InputError("init_state: " + path + " holds a state of model " + quote_input(head->model) + ", not " + model.name);
  const long dim = model.dim ? model.dim(p) : head->dim;
  if (head->dim != dim)
    throw InputError("init_state: " + path + " holds " + std::to_string(head->dim) + " parameters, the model has " +
                     std::to_string(dim));
  p.set("init_state_digest", files_digest({path}));
  p.set("init_state_parent", head->point_id);
  p.set("init_state_step", std::to_string(head->step));
}

void check_run_keys(const Params& p) {
  check_companion_keys(p);
  const long first = p.has("init_state_step") ? p.integer("init_state_step") : 0;  // a branch counts on
  if (first > 0 && p.has("steps") && p.integer("steps") <= first)
    throw InputError("steps: " + p.text("steps") + " is not beyond step " + std::to_string(first) +
                     " of init_state (a branch counts its steps on from its state's)");
  for (long s : save_steps(p)) {
    if (p.has("steps") && s > p.integer("steps"))
      throw InputError("save_states: step " + std::to_string(s) + " is beyond steps = " + p.text("steps"));
    if (s < first)
      throw InputError("save_states: step " + std::to_string(s) + " is before step " + std::to_string(first) +
                       " of init_state, where the branch begins");
  }
  check_batch_keys(p);
  if (!p.has("method")) return;
  const MethodKind m = method_kind(p.text("method"));
  const auto used = keys_used_by(m);
  for (const auto& k : method_keys()) {
    if (k.name == "method" || !off_default(p, k) || std::count(used.begin(), used.end(), k.name)) continue;
    throw InputError(k.name + ": not used by method " + p.text("method") +
                     (used.empty() ? "" : " (it reads " + join(used, ", ") + ")"));
  }
}

const std::vector<KeySpec>& runner_keys() {
  static const std::vector<KeySpec> keys = [] {
    std::vector<KeySpec> all = {
      {.name = "eta", .doc = "step size η (give eta or eta_rel)", .axis = true, .min = 0, .min_exclusive = true,
       .label = "η"},
      {.name = "eta_rel", .doc = "step size relative to the model's η* (8π/d² for sparse-relu)", .axis = true, .min = 0,
       .min_exclusive = true, .max = 1e12, .in_id = false, .label = "η/η*"},
      {.name = "horizon", .default_value = "10", .doc = "steps = ⌈horizon/η⌉ unless steps is given", .axis = true,
       .min = 0, .min_exclusive = true, .in_id = false, .label = "horizon η·T"},
      {.name = "steps", .type = KeyType::Integer, .doc = "fixed number of GD steps (instead of horizon)", .axis = true,
       .min = 1, .label = "GD steps T"},
      {.name = "sharpness_every", .type = KeyType::Integer, .default_value = "100",
       .doc = "compute the sharpness every k steps (and at the end)", .min = 1},
      {.name = "tail", .default_value = "0.1", .doc = "fraction of the run averaged into the *_tail columns", .min = 0,
       .min_exclusive = true, .max = 1},
      {.name = "solver", .type = KeyType::Text, .default_value = "auto",
       .doc = "sharpness: auto, dense, lanczos, block (block Krylov warm-started from the last solve's Ritz vectors; "
              "mlp's auto), or check (dense and lanczos, compared)",
       .min = 0, .choices = {"auto", "dense", "lanczos", "block", "check"}, .in_id = false},
      {.name = "precision", .type = KeyType::Text, .default_value = "float64",
       .doc = "float64, or float32: single-precision matrices and products, double-precision reductions "
              "(models with a float32 path: mlp)",
       .axis = true, .min = 0, .choices = {"float64", "float32"}, .in_id_at_default = false},
      {.name = "lanczos_cutoff", .type = KeyType::Integer, .default_value = "64",
       .doc = "auto solver: dense up to this many parameters", .min = 1, .in_id = false},
      {.name = "diverge_loss", .default_value = "1e12", .doc = "a loss above this counts as diverged", .min = 0,
       .min_exclusive = true},
      {.name = "rise_tol", .default_value = "1e-9", .doc = "relative size of a loss increase that counts as a rise",
       .min = 0},
      {.name = "stop_grad_tol", .default_value = "0", .doc = "stop once the gradient norm is below this (0: never)",
       .min = 0},
      {.name = "trace_every", .type = KeyType::Integer, .default_value = "0",
       .doc = "write a per-step trace every k steps (0: none)", .min = 0, .in_id = false},
      {.name = "trace_points", .type = KeyType::Text, .default_value = "all",
       .doc = "points to trace: all, or a list of ids or grid indices", .min = 0, .in_id = false},
      {.name = "save_states", .type = KeyType::Text, .default_value = "none",
       .doc = "steps at which the point's state (θ, the method's state, warm starts) is written to "
              "DIR/states/ID-STEP.npz: a list of steps (none: never)",
       .list = true, .min = 0, .in_id = false},
      {.name = "init_state", .type = KeyType::Text,
       .doc = "start every point from this saved state (a DIR/states/ID-STEP.npz) instead of θ₀: θ, and the "
              "method's state and warm starts when the point runs the same method; its steps go on from the "
              "state's (steps is the last step); in the id by content",
       .axis = true, .min = 0, .in_id = false},
      {.name = "checkpoint_every", .default_value = "600",
       .doc = "a point running longer writes its whole state to DIR/checkpoints every this many seconds and "
              "when the sweep is stopped, and a rerun continues it from there (0: never)",
       .min = 0, .in_id = false, .in_id_at_default = false},
    };
    all.insert(all.end(), method_keys().begin(), method_keys().end());
    all.insert(all.end(), companion_keys().begin(), companion_keys().end());
    all.insert(all.end(), batch_keys().begin(), batch_keys().end());
    return all;
  }();
  return keys;
}

MethodSpec method_spec(const Params& p) {
  MethodSpec m;
  if (p.has("eta")) m.eta = p.real("eta");
  auto real = [&p](const char* key, double& v) {
    if (p.has(key)) v = p.real(key);
  };
  if (p.has("method")) m.kind = method_kind(p.text("method"));
  real("momentum", m.momentum);
  real("beta1", m.beta1);
  real("beta2", m.beta2);
  real("eps", m.eps);
  if (p.has("bias_correction")) m.bias_correction = p.text("bias_correction") == "on";
  if (p.has("frozen")) m.frozen = p.integer("frozen");
  real("flow_alpha", m.flow_alpha);
  real("flow_max_step", m.flow_max_step);
  return m;
}

RunConfig run_config(const Params& p) {
  RunConfig c;
  c.steps = p.integer("steps");
  c.sharpness_every = p.integer("sharpness_every");
  c.tail = p.real("tail");
  c.solver = p.text("solver");
  c.lanczos_cutoff = p.integer("lanczos_cutoff");
  c.diverge_loss = p.real("diverge_loss");
  c.rise_tol = p.real("rise_tol");
  c.stop_grad_tol = p.real("stop_grad_tol");
  c.trace_every = p.integer("trace_every");
  if (p.has("checkpoint_every")) c.checkpoint_every = p.real("checkpoint_every");
  if (p.has("eigs")) c.eigs = p.integer("eigs");
  c.method = method_spec(p);
  if (p.has("flows")) {
    const std::string f = p.text("flows");
    c.flows.central = f.find("central") != std::string::npos;
    c.flows.gradient = f.find("gradient") != std::string::npos;
  }
  if (p.has("cf_substeps")) c.flows.substeps = static_cast<int>(p.integer("cf_substeps"));
  if (p.has("cf_eigs")) c.flows.max_tracked = static_cast<int>(p.integer("cf_eigs"));
  if (p.has("cf_window")) c.flows.window = p.integer("cf_window");
  if (p.has("batch_size")) {
    c.batch.size = p.integer("batch_size");
    c.batch.seed = p.integer("batch_seed");
    c.batch.tol = p.real("bs_tol");
    c.batch.min_batches = p.integer("bs_min_batches");
    c.batch.max_batches = p.integer("bs_max_batches");
  }
  if (p.has("stop_loss")) c.stop_loss = p.real("stop_loss");
  if (p.has("stop_acc")) c.stop_acc = p.real("stop_acc");
  if (p.has("save_params")) c.keep_params = p.text("save_params") == "final";
  if (p.has("trace_sharpness")) c.trace_samples = p.text("trace_sharpness") == "rows";
  return c;
}

}  // namespace eos
