// The gnuplot backend's program: finding gnuplot ($EOS_GNUPLOT or PATH) and running it on a
// script, its error output kept for the message.
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "eos/post/gnuplot.h"
#include "eos/util/text.h"

extern char** environ;

namespace eos {

std::string find_gnuplot(std::string* why) {
  const char* env = std::getenv("EOS_GNUPLOT");
  auto runnable = [](const std::string& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0;
  };
  if (env && *env && std::strchr(env, '/')) {
    if (runnable(env)) return env;
    if (why) *why = std::string("EOS_GNUPLOT=") + env + " is not an executable file";
    return "";
  }
  const std::string name = env && *env ? env : "gnuplot";
  const char* path = std::getenv("PATH");
  const std::string dirs = path ? path : "";
  for (std::size_t pos = 0; pos <= dirs.size();) {
    std::size_t colon = dirs.find(':', pos);
    if (colon == std::string::npos) colon = dirs.size();
    const std::string dir = colon > pos ? dirs.substr(pos, colon - pos) : ".";
    if (runnable(dir + "/" + name)) return dir + "/" + name;
    pos = colon + 1;
  }
  if (why) *why = name + " was not found on PATH (install it: apt-get install gnuplot-nox)";
  return "";
}

namespace {

// Start gnuplot on script with stdin and stdout on /dev/null and stderr into a pipe; returns the
// error text when it could not start.
std::string spawn_gnuplot(const std::string& gnuplot, const std::string& script, pid_t& pid, int& err_fd) {
  int fds[2];
  if (::pipe(fds) != 0) return std::string("cannot create a pipe: ") + std::strerror(errno);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  posix_spawn_file_actions_addclose(&fa, fds[1]);
  std::vector<char*> argv = {const_cast<char*>(gnuplot.c_str()), const_cast<char*>(script.c_str()), nullptr};
  const int rc = ::posix_spawn(&pid, gnuplot.c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    return "cannot start " + gnuplot + ": " + std::strerror(rc);
  }
  err_fd = fds[0];
  return "";
}

// What comes out of fd until it closes (at most 64 KiB kept).
std::string read_all(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t r = ::read(fd, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    if (out.size() < 65536) out.append(buf, static_cast<std::size_t>(r));
  }
  ::close(fd);
  return out;
}

}  // namespace

std::string run_gnuplot(const std::string& gnuplot, const std::string& script) {
  pid_t pid = 0;
  int err_fd = -1;
  if (std::string why = spawn_gnuplot(gnuplot, script, pid, err_fd); !why.empty()) return why;
  std::string err = read_all(err_fd);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
  err = trim(err);
  const std::string what = WIFEXITED(status) ? "gnuplot exited with status " + std::to_string(WEXITSTATUS(status))
                                             : "gnuplot was killed by signal " + std::to_string(WTERMSIG(status));
  return what + (err.empty() ? "" : ": " + err);
}

}  // namespace eos
