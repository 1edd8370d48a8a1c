// The figure of a trace with companions (flows = central and/or gradient), after Cohen, Damian et
// al.'s central-flow figures: GD's loss with the central flow's predicted time-averaged loss and
// the gradient flow's loss; the sharpness of all three with 2/η; the central flow's predicted
// oscillation variance against GD's measured squared offset along its top direction; and the
// distances of GD from each flow.
#pragma once
#include "eos/io/trace_file.h"
#include "eos/post/figure.h"
#include "eos/post/trace_figure.h"

namespace eos {

// Does the trace hold companion columns (cf_* or gf_*)?
bool has_flows(const TraceTable& t);

// The figure (throws InputError when the trace has no companion columns).
Figure flows_figure(const TraceTable& t, const TraceSource& source);

}  // namespace eos
