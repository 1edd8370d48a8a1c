// The MPI world of a process: start-up, collectives of the run command, abort.
#include <mpi.h>

#include <algorithm>
#include <boost/mpi/collectives.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>
#include <cstdlib>

#include "mpi_world.h"

namespace eos {

MpiContext::MpiContext(int& argc, char**& argv) : world_(std::make_unique<World>(argc, argv)) {}
MpiContext::~MpiContext() = default;

int MpiContext::rank() const { return world_->comm.rank(); }
int MpiContext::size() const { return world_->comm.size(); }
void MpiContext::barrier() const { world_->comm.barrier(); }

bool MpiContext::all_ok(bool ok) const {
  int v = ok ? 1 : 0;
  boost::mpi::broadcast(world_->comm, v, 0);
  return v == 1;
}

std::vector<std::string> MpiContext::hosts() const {
  std::vector<std::string> all;
  boost::mpi::gather(world_->comm, boost::mpi::environment::processor_name(), all, 0);
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  return all;
}

std::string MpiContext::library_version() const {
  char buf[MPI_MAX_LIBRARY_VERSION_STRING];
  int len = 0;
  MPI_Get_library_version(buf, &len);
  std::string s(buf, static_cast<std::size_t>(len));
  auto nl = s.find_first_of("\r\n,");
  return nl == std::string::npos ? s : s.substr(0, nl);
}

void MpiContext::abort(int code) const {
  world_->comm.abort(code);
  std::_Exit(code);
}

}  // namespace eos
