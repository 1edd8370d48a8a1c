// Several traces on one set of axes — Cohen et al.'s Figure 1: the sharpness against the step,
// each trace's 2/η dashed in its colour, the training loss below (and, when a trace has it, the
// distance between gradient flow and GD).
#pragma once
#include <vector>

#include "eos/io/trace_file.h"
#include "eos/post/figure.h"
#include "eos/post/trace_figure.h"

namespace eos {

// One line per trace, labelled by its η (2/two_over_eta) and, for a flow run, "flow". Throws
// InputError when there are fewer than two traces.
Figure overlay_figure(const std::vector<TraceTable>& traces, const std::vector<TraceSource>& sources);

}  // namespace eos
