// The Boost.MPI objects behind MpiContext (private to the exec layer).
#pragma once
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>

#include "eos/exec/scheduler.h"

namespace eos {

struct MpiContext::World {
  World(int& argc, char**& argv) : env(argc, argv, boost::mpi::threading::funneled) {}
  boost::mpi::environment env;
  boost::mpi::communicator comm;
};

}  // namespace eos
