// The edge-of-stochastic-stability figure (Andreyev & Beneventano, arXiv 2412.20553, Fig. 1): for
// runs at several batch sizes, the full-batch sharpness λ_max (solid) and the batch sharpness S_B
// (dashed, ± its standard error) against the step, with 2/η and, for momentum, 2(1−β)/η and
// 2(1+β)/η; the full-batch loss below. docs/minibatch.md.
#pragma once
#include <vector>

#include "eos/io/trace_file.h"
#include "eos/post/figure.h"
#include "eos/post/trace_figure.h"

namespace eos {

// Do these traces all come from runs with batch keys (a batch_sharpness column)?
bool minibatch_traces(const std::vector<TraceTable>& traces);

// One colour per run, in order of batch size (the full batch last); throws InputError when there
// are fewer than two traces.
Figure minibatch_figure(const std::vector<TraceTable>& traces, const std::vector<TraceSource>& sources);

}  // namespace eos
