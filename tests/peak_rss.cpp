// peak_rss CMD [ARGS...]: run CMD, then print the peak resident set size in kB of it and of every
// descendant it waited for (the largest single process: under mpirun, the largest rank) on
// stderr's last line as "peak_rss_kb N", and exit with CMD's status. For the memory tests; needs
// no package (GNU time is not in a minimal Debian).
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: peak_rss CMD [ARGS...]\n");
    return 2;
  }
  const pid_t pid = fork();
  if (pid < 0) return 2;
  if (pid == 0) {
    execvp(argv[1], argv + 1);
    std::perror(argv[1]);
    _exit(127);
  }
  int status = 0;
  rusage ru{};
  if (wait4(pid, &status, 0, &ru) < 0) return 2;
  std::fprintf(stderr, "peak_rss_kb %ld\n", ru.ru_maxrss);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
