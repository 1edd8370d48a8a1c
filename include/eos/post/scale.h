// Axis scales for figures: when values call for a log scale, cell edges around grid values, and
// 1-2-5 tics on short log axes.
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace eos {

// What the command line asked for an axis (--xscale, --yscale).
enum class ScaleChoice { Auto, Log, Lin };

// "auto", "log" or "lin" (throws InputError naming flag otherwise).
ScaleChoice parse_scale(const std::string& flag, const std::string& text);

// Are the sorted distinct values evenly spaced on this scale (to 1e-6 of their span)? One value
// is; none is not.
bool evenly_spaced(const std::vector<double>& values, bool log);

// Should an axis with these values be drawn on a log scale? True when they are all positive, not
// evenly spaced on a linear scale, and either evenly spaced on a log one (at least 3 values), or
// growing by nearly the same factor of at least 1.5 each step (at least 4 values: 50, 100, 200,
// 500, ...), or spanning a factor of 50 or more.
bool looks_log_spaced(std::vector<double> values);

// A log scale for an axis: as asked, or (auto) when its values look log-spaced, as a whole or
// within each group of at least 3 (the η values of each d, say, on a grid sheared by eta_rel).
// Log asked for an axis with a value <= 0 throws InputError naming flag.
bool choose_log(ScaleChoice choice, const std::vector<std::vector<double>>& groups, const std::string& flag);

// A position on the axis as drawn: log(v) on a log axis, v otherwise; and back.
double to_scale(double v, bool log);
double from_scale(double t, bool log);

// Cell edges (lo, hi) around sorted distinct centres: halfway between neighbours (the geometric
// mean on a log axis), the outer edges mirrored; a lone centre gets ±0.5 (×/÷ 1.5 on a log axis).
std::vector<std::pair<double, double>> cell_edges(const std::vector<double>& centres, bool log);

// Tics at 1, 2, 5 × 10^k within [lo, hi] on a log axis spanning less than two decades (a
// drawing program's default would label one or two powers of ten); empty otherwise.
std::vector<double> log_tics(double lo, double hi);

// [lo, hi] widened by pad (a fraction of its width) at both ends, in the axis's scale; a range of
// zero width gets ×/÷ 1.1 on a log axis, ±max(0.5, 10%) on a linear one.
std::pair<double, double> padded_range(double lo, double hi, double pad, bool log);

}  // namespace eos
