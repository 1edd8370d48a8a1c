// A point's checkpoint, DIR/checkpoints/ID.ckpt: its run's state at the top of a step
// (gd/run.h), the trace so far and the seconds spent, behind a header that ties it to the point
// (its id and a digest of every key's value) and to the code that wrote it (version and git
// commit), with a digest of the whole file at its end. Written durably — a temporary file,
// fsync, rename, fsync of the folder — so a folder holds the old checkpoint or the new one, never
// a part; read back only when everything matches. One that does not is set aside
// (ID.ckpt.bad-N) with a one-line reason, never continued.
#pragma once
#include <optional>
#include <string>

#include "eos/grid/grid.h"
#include "eos/io/results_store.h"

namespace eos {

struct Checkpoint {
  long step = 0;           // the step the run continues at
  std::string run_state;   // gd/run.h RunStates' state
  std::string trace;       // the trace's rows so far (TraceWriter::text), empty when not traced
  double wall_s = 0;       // seconds the point has run so far
};

// The file's bytes for point p, and back (nullopt with the reason when they are not a checkpoint
// of p written by this code).
std::string encode_checkpoint(const Point& p, const Checkpoint& c);
std::optional<Checkpoint> decode_checkpoint(const Point& p, const std::string& bytes, std::string& why);

// Write p's checkpoint into the store (throws std::runtime_error when it cannot).
void write_checkpoint(const ResultsStore& store, const Point& p, const Checkpoint& c);
// p's checkpoint in the store, when there is one that matches. One that does not is renamed to
// ResultsStore::set_aside and why says so in a line ("checkpoint …: cut short; set aside as …").
std::optional<Checkpoint> read_checkpoint(const ResultsStore& store, const Point& p, std::string& why);
// Set p's checkpoint aside (a state the run refused), saying why in the returned line.
std::string set_checkpoint_aside(const ResultsStore& store, const Point& p, const std::string& reason);
// Remove p's checkpoint (its row is written); no error when there is none.
void remove_checkpoint(const ResultsStore& store, const Point& p);

}  // namespace eos
