// The results file and the row schema: resuming keeps exactly the whole, well-formed rows and
// their ids (a cut tail is cut off in place, damaged and repeated rows are rewritten away, error
// rows dropped on request), another header is refused untouched; the schema's header order for
// every model, error rows, typed values, and the layout readers recover from a header.
#define BOOST_TEST_MODULE results_file
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <set>

#include "eos/gd/stats.h"
#include "eos/io/results_file.h"
#include "eos/io/row_writer.h"
#include "eos/model/registry.h"
#include "eos/util/error.h"
#include "eos/util/hash.h"
#include "eos/gd/settings.h"
#include "support.h"

namespace fs = std::filesystem;
using namespace eos;

namespace {

fs::path scratch(const std::string& name) {
  const char* base = std::getenv("EOS_TEST_TMP");
  fs::path p = fs::path(base ? base : fs::temp_directory_path().string()) / "results_file_test" / name;
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void spit(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

const std::vector<std::string> kHeader = {"id", "model", "x", "regime", "wall_s", "message"};
const std::string kHead = "id,model,x,regime,wall_s,message\n";

std::string row(std::uint64_t id, const std::string& regime = "gf") {
  return hex_id(id) + ",m,1," + regime + ",0.1,\n";
}

bool has(const DoneIds& d, std::uint64_t id) { return d.contains(id); }

}  // namespace

BOOST_AUTO_TEST_CASE(a_new_file_gets_the_header_and_appended_rows_resume) {
  const fs::path f = scratch("new") / "results.csv";
  {
    ResultsFile file(f.string(), kHeader, false);
    BOOST_TEST(file.done().size() == 0u);
    file.append(row(1));
    file.append(row(2, "error"));
  }
  BOOST_TEST(slurp(f) == kHead + row(1) + row(2, "error"));
  ResultsFile again(f.string(), kHeader, false);
  BOOST_TEST(again.done().size() == 2u);
  BOOST_TEST(has(again.done(), 1));
  BOOST_TEST(has(again.done(), 2));
  BOOST_TEST(again.error_rows() == 1u);
}

BOOST_AUTO_TEST_CASE(a_row_cut_short_is_cut_off_in_place) {
  const fs::path f = scratch("cut") / "results.csv";
  spit(f, kHead + row(1) + row(2) + "00000000000000ff,m,1,g");  // a crash mid-row
  ResultsFile file(f.string(), kHeader, false);
  BOOST_TEST(file.done().size() == 2u);
  BOOST_TEST(!has(file.done(), 0xff));
  BOOST_TEST(slurp(f) == kHead + row(1) + row(2));
  file.append(row(3));
  BOOST_TEST(slurp(f) == kHead + row(1) + row(2) + row(3));
}

BOOST_AUTO_TEST_CASE(damaged_and_repeated_rows_are_rewritten_away) {
  const fs::path f = scratch("damaged") / "results.csv";
  const std::string repeat = hex_id(1) + ",m,2,eos,0.3,\n";  // same id, other values: the first stays
  spit(f, kHead + row(1) + "garbage,with,too,few\n" + repeat + row(2) + "nothex_id_abcdef,m,1,gf,0.1,\n" +
              "\"broken quote,m,1,gf,0.1,\n" + row(3));
  ResultsFile file(f.string(), kHeader, false);
  BOOST_TEST(file.done().size() == 3u);
  BOOST_TEST(slurp(f) == kHead + row(1) + row(2) + row(3));
  BOOST_TEST(!fs::exists(f.string() + ".tmp"));
}

BOOST_AUTO_TEST_CASE(retry_errors_drops_error_rows_so_they_run_again) {
  const fs::path f = scratch("errors") / "results.csv";
  spit(f, kHead + row(1) + row(2, "error") + row(3));
  ResultsFile keep(f.string(), kHeader, false);
  BOOST_TEST(keep.done().size() == 3u);
  BOOST_TEST(keep.error_rows() == 1u);
  ResultsFile drop(f.string(), kHeader, true);
  BOOST_TEST(drop.done().size() == 2u);
  BOOST_TEST(!has(drop.done(), 2));
  BOOST_TEST(drop.error_rows() == 0u);
  BOOST_TEST(slurp(f) == kHead + row(1) + row(3));
}

BOOST_AUTO_TEST_CASE(another_header_is_refused_and_the_file_left_alone) {
  const fs::path f = scratch("other") / "results.csv";
  const std::string text = "id,model,y,regime,wall_s,message\n" + row(1);
  spit(f, text);
  BOOST_CHECK_THROW(ResultsFile(f.string(), kHeader, false), InputError);
  BOOST_TEST(slurp(f) == text);
  // A header cut short (a crash while writing it) counts as an empty file.
  spit(f, kHead.substr(0, 10));
  ResultsFile file(f.string(), kHeader, false);
  BOOST_TEST(slurp(f) == kHead);
}

BOOST_AUTO_TEST_CASE(many_rows_resume_in_one_pass) {
  const fs::path f = scratch("many") / "results.csv";
  std::string text = kHead;
  for (std::uint64_t i = 0; i < 100000; ++i) text += row(i * 7919 + 1);
  spit(f, text);
  ResultsFile file(f.string(), kHeader, false);
  BOOST_TEST(file.done().size() == 100000u);
  BOOST_TEST(has(file.done(), 7919 * 99999 + 1));
  BOOST_TEST(!has(file.done(), 2));
}

BOOST_AUTO_TEST_CASE(schema_header_order_for_every_model) {
  for (const ModelInfo& m : model_registry())
    for (const int groups : {0, 1, 2, 3}) {
      const bool methods = groups & 1, flows = groups & 2;
      const auto h = Schema(m, {.methods = methods, .flows = flows}).header();
      std::set<std::string> names(h.begin(), h.end());
      BOOST_TEST_CONTEXT(m.name << (methods ? " with the method columns" : "") << (flows ? " with the flows'" : "")) {
        // Every column named once — but single-neuron's theory columns x0 and y0 (the start, also
        // when it is given as gap and ratio) repeat the names of its keys. Renaming them would
        // refuse every existing single-neuron folder; kept, and known.
        const std::size_t repeats = m.name == "single-neuron" ? 2 : 0;
        BOOST_TEST(names.size() + repeats == h.size());
        BOOST_TEST(h[0] == "id");
        BOOST_TEST(h[1] == "model");
        std::size_t i = 2;
        for (const auto& k : m.keys) BOOST_TEST(h[i++] == k.name);
        for (const char* c : {"eta", "eta_rel", "eta_star", "steps"}) BOOST_TEST(h[i++] == c);
        std::size_t run_keys = 0;
        for (const auto* group : {&method_keys(), &companion_keys()})
          for (const auto& k : *group)
            if ((group == &method_keys() ? methods : flows) && !find_key(m.keys, k.name)) {
              BOOST_TEST(h[i++] == k.name);
              ++run_keys;
            }
        for (const auto& c : run_columns())
          if (c.group == ColumnGroup::Base || (c.group == ColumnGroup::Method && methods) ||
              (c.group == ColumnGroup::Flows && flows))
            BOOST_TEST(h[i++] == c.name);
        for (const auto& t : m.tracked) {
          BOOST_TEST(h[i++] == t + "_final");
          BOOST_TEST(h[i++] == t + "_tail");
        }
        for (const auto& c : m.end_columns()) BOOST_TEST(h[i++] == c);
        BOOST_TEST(h[i++] == "wall_s");
        BOOST_TEST(h[i++] == "message");
        BOOST_TEST(i == h.size());
        // Readers recover the parameters from the header alone.
        const auto params = parameter_columns(h);
        BOOST_TEST(params.size() == m.keys.size() + 4 + run_keys);
        BOOST_TEST(model_key_columns(h).size() == m.keys.size());
        BOOST_TEST((m.theory.empty() || static_cast<bool>(m.predict)));
        // The groups a header holds are read back from it.
        BOOST_TEST(schema_options(h).methods == methods);
        BOOST_TEST(schema_options(h).flows == flows);
      }
    }
}

BOOST_AUTO_TEST_CASE(rows_are_typed_until_the_csv_writer_formats_them) {
  const test::TestJob job("model = sparse-relu\nd = 20\nn = 30\nn_test = 10\neta = 0.01\nsteps = 50\n");
  const Point& p = job.points()[0];
  const Schema schema(job.model());
  const PointResult r = job.run(p);
  const auto fields = schema.row(p, r);
  BOOST_REQUIRE(fields.size() == schema.header().size());
  BOOST_TEST(std::get<std::string>(fields[0]) == p.id);
  BOOST_TEST(std::get<std::string>(fields[schema.index("regime")]) == "gf");
  BOOST_TEST(std::get<long>(fields[schema.index("steps_run")]) == 50);
  BOOST_TEST(std::holds_alternative<std::monostate>(fields[schema.index("diverged_step")]));
  BOOST_TEST(std::get<double>(fields[schema.index("bias_final")]) == r.run.tracked_final[0]);
  // An error row: regime error and the message; every other result column empty.
  const PointResult e = PointResult::failure("model failed, badly", 0.25);
  const auto ef = schema.row(p, e);
  for (std::size_t i = 0; i < ef.size(); ++i) {
    const std::string& name = schema.header()[i];
    if (name == "regime") BOOST_TEST(std::get<std::string>(ef[i]) == "error");
    else if (name == "message") BOOST_TEST(std::get<std::string>(ef[i]) == "model failed, badly");
    else if (name == "wall_s") BOOST_TEST(std::get<double>(ef[i]) == 0.25);
    else if (static_cast<int>(i) > schema.index("steps"))
      BOOST_TEST(std::holds_alternative<std::monostate>(ef[i]), name << " is not empty in an error row");
  }
  BOOST_TEST(csv_row(schema, p, e).find(",error,") != std::string::npos);
  BOOST_TEST(csv_row(schema, p, e).find("\"model failed, badly\"\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(labels_come_from_the_declarations) {
  const ModelInfo* m = find_model("sparse-relu");
  BOOST_TEST(column_label(m, "edge_max") == "η·S_max/2");
  BOOST_TEST(column_label(m, "eta_rel") == "η/η*");
  BOOST_TEST(column_label(m, "lambda") == "λ");
  BOOST_TEST(column_label(m, "bias_final") == "final bias b");
  BOOST_TEST(column_label(m, "bias_tail") == "bias b (tail mean)");
  BOOST_TEST(column_label(m, "test_acc") == "test accuracy");
  BOOST_TEST(column_label(nullptr, "unknown_column") == "unknown_column");
}
