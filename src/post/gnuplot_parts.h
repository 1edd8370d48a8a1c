// Pieces of the gnuplot backend shared by its sources (src/post only): quoting, numbers, colours,
// line styles, data blocks; and the heatmap part (gnuplot_heatmap.cpp).
#pragma once
#include <string>
#include <vector>

#include "eos/post/figure.h"

namespace eos::gp {

// A gnuplot single-quoted string (line breaks become spaces).
std::string q(const std::string& s);
// A gnuplot double-quoted string (line breaks become \n, which gnuplot prints as new lines).
std::string dq(const std::string& s);
// A number as it round-trips.
std::string num(double v);
// "'red'", "'#0072B2'": the colour of a role.
std::string rgb(const Color& c);
// "lw 1.5 dt 2 lc rgb 'red'"
std::string line_style(double width, Dash dash, const Color& color);
// "title 'T'", or "notitle" for an empty one.
std::string title_of(const std::string& t);
// A named data block: "NAME << EOD", a comment line, the rows, "EOD".
std::string block(const std::string& name, const std::string& comment, const std::string& rows);

// The light grey of the area without cells.
inline const char* const kOutside = "'#e5e5e5'";

// The heatmap of a panel named n ("p1"): its data blocks; its plot elements, drawn first (cells,
// then missing cells); and what it sets before the plot (colour bar, palette, the grey outside
// the cells, the axes an image is drawn on, which need the panel's ranges x and y).
std::string heatmap_data(const Heatmap& h, const std::string& n);
std::vector<std::string> heatmap_elements(const Heatmap& h, const std::string& n, const Axis& x, const Axis& y);
std::string heatmap_commands(const Heatmap& h, const Axis& x, const Axis& y);

}  // namespace eos::gp
