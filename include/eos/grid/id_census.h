// Repeated ids in a grid. A point's id is a 64-bit hash, so two different points may share one (at
// 10⁸ points a chance of about 3 in 10⁴ per grid); resume and aggregation would then take them for
// one point. IdCensus collects every id and finds the repeats in bounded memory: ids are sorted in
// chunks, a full chunk is spilled to a temporary file, and the sorted runs are merged.
#pragma once
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace eos {

class IdCensus {
 public:
  // Ids held in memory by all the parts together (8 bytes each: 32 MB); a part of n that fills
  // its share, kBudget / n, spills it to a file.
  static constexpr std::size_t kBudget = std::size_t{1} << 22;
  static constexpr std::size_t kChunk = kBudget;
  explicit IdCensus(std::size_t chunk = kChunk);
  ~IdCensus();  // removes the temporary files
  IdCensus(const IdCensus&) = delete;
  IdCensus& operator=(const IdCensus&) = delete;

  // One thread's ids: add() them into a Part, then close() it. Parts of one census may be filled
  // by different threads at once.
  class Part {
   public:
    void add(std::uint64_t id);

   private:
    friend class IdCensus;
    explicit Part(IdCensus& census) : census_(census) {}
    IdCensus& census_;
    std::vector<std::uint64_t> buffer_;
  };
  Part part() { return Part(*this); }
  void close(Part& part);

  // After every part is closed: the ids seen more than once, sorted (throws std::runtime_error
  // when a temporary file cannot be written or read).
  std::vector<std::uint64_t> repeated();
  std::size_t spilled_runs() const { return files_.size(); }

 private:
  void spill(std::vector<std::uint64_t>& sorted);
  std::size_t chunk_;
  std::mutex mu_;
  std::vector<std::vector<std::uint64_t>> memory_;  // sorted runs kept in memory
  std::vector<std::string> files_;                  // sorted runs on disk
};

}  // namespace eos
