// Diagnostics a model may ask for by name (ModelInfo::diagnostics) without knowing GD: each is an
// observer of the run with one end-of-run value, reported as a column of that name.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "eos/gd/observer.h"
#include "eos/gd/settings.h"

namespace eos {

class Diagnostic : public Observer {
 public:
  // The end-of-run value (NaN when the run never produced one).
  virtual double value() const = 0;
};

struct DiagnosticInfo {
  std::string name;
  std::string doc;
  std::unique_ptr<Diagnostic> (*make)(const RunConfig& cfg);
};

// Every diagnostic the GD core offers.
const std::vector<DiagnosticInfo>& diagnostics();
// The diagnostic called name for a run of cfg (throws std::invalid_argument for an unknown name).
std::unique_ptr<Diagnostic> make_diagnostic(const std::string& name, const RunConfig& cfg);

}  // namespace eos
