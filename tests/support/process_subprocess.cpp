#include "support/process_subprocess.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

namespace ot::test {
namespace {

// Child side between fork and exec: async-signal-safe calls only.
[[noreturn]] void ExecChild(const SpawnOptions& o, char* const* argv, int report_fd) {
  auto fail = [report_fd](int stage) {
    int payload[2] = {stage, errno};
    ssize_t ignored = ::write(report_fd, payload, sizeof payload);
    (void)ignored;
    ::_exit(127);
  };
  // Default dispositions and an empty mask: the daemon must set up its own.
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) ::sigaction(sig, &sa, nullptr);
  }
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);

  int devnull = ::open("/dev/null", O_RDONLY);
  if (devnull < 0 || ::dup2(devnull, 0) < 0) fail(1);
  const char* out = o.stdout_path.empty() ? "/dev/null" : o.stdout_path.c_str();
  const char* err = o.stderr_path.empty() ? "/dev/null" : o.stderr_path.c_str();
  int ofd = ::open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (ofd < 0 || ::dup2(ofd, 1) < 0) fail(2);
  int efd = ::open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (efd < 0 || ::dup2(efd, 2) < 0) fail(3);
  for (int fd : {devnull, ofd, efd}) {
    if (fd > 2) ::close(fd);
  }
  if (!o.cwd.empty() && ::chdir(o.cwd.c_str()) != 0) fail(4);
  ::execv(argv[0], argv);
  fail(5);
  ::_exit(127);
}

}  // namespace

Subprocess::Subprocess(const SpawnOptions& options) {
  if (options.argv.empty()) {
    error_ = "empty argv";
    return;
  }
  std::vector<std::string> args = options.argv;  // stable storage for argv pointers
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0) {
    error_ = std::string("pipe2: ") + std::strerror(errno);
    return;
  }
  pid_t pid = ::fork();
  if (pid < 0) {
    error_ = std::string("fork: ") + std::strerror(errno);
    ::close(pipefd[0]);
    ::close(pipefd[1]);
    return;
  }
  if (pid == 0) {
    ::close(pipefd[0]);
    ExecChild(options, argv.data(), pipefd[1]);
  }
  ::close(pipefd[1]);
  int payload[2] = {0, 0};
  ssize_t n;
  do {
    n = ::read(pipefd[0], payload, sizeof payload);
  } while (n < 0 && errno == EINTR);
  ::close(pipefd[0]);
  if (n == static_cast<ssize_t>(sizeof payload)) {
    static const char* const kStage[] = {"?", "stdin", "stdout", "stderr", "chdir", "exec"};
    int stage = payload[0] >= 1 && payload[0] <= 5 ? payload[0] : 0;
    error_ = std::string("child ") + kStage[stage] + " failed: " + std::strerror(payload[1]) + " (" +
             options.argv[0] + ")";
    int status;
    ::waitpid(pid, &status, 0);
    return;
  }
  pid_ = pid;
}

Subprocess::Subprocess(Subprocess&& other) noexcept
    : pid_(other.pid_), status_(other.status_), error_(std::move(other.error_)) {
  other.pid_ = -1;
}

Subprocess::~Subprocess() { Kill(); }

bool Subprocess::Signal(int sig) {
  if (pid_ <= 0 || status_) return false;
  return ::kill(pid_, sig) == 0;
}

std::optional<int> Subprocess::WaitExit(Millis timeout) {
  if (status_) return status_;
  if (pid_ <= 0) return std::nullopt;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto step = Millis(1);
  for (int rounds = 0; rounds < 1'000'000; ++rounds) {
    int status = 0;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      status_ = status;
      return status_;
    }
    if (r < 0 && errno != EINTR) return std::nullopt;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(step);
    if (step < Millis(20)) step *= 2;
  }
  return std::nullopt;
}

bool Subprocess::Running() {
  if (pid_ <= 0 || status_) return false;
  return !WaitExit(Millis(0)).has_value();
}

void Subprocess::Kill() {
  if (pid_ <= 0 || status_) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  status_ = status;
}

std::string DescribeWaitStatus(int status) {
  std::ostringstream os;
  if (WIFEXITED(status)) {
    os << "exited with status " << WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    os << "killed by signal " << WTERMSIG(status) << " (" << strsignal(WTERMSIG(status)) << ")";
    if (WCOREDUMP(status)) os << ", core dumped";
  } else {
    os << "wait status 0x" << std::hex << status;
  }
  return os.str();
}

bool ExitedWith(int status, int code) { return WIFEXITED(status) && WEXITSTATUS(status) == code; }

std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

RunResult RunToExit(const std::vector<std::string>& argv, Millis timeout, const std::string& scratch_dir) {
  RunResult result;
  static int counter = 0;
  std::string base = scratch_dir + "/run" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
  SpawnOptions o;
  o.argv = argv;
  o.stdout_path = base + ".out";
  o.stderr_path = base + ".err";
  Subprocess p(o);
  if (!p.Started()) {
    result.spawn_error = p.error();
    return result;
  }
  result.started = true;
  auto status = p.WaitExit(timeout);
  if (status) {
    result.finished = true;
    result.status = *status;
  } else {
    p.Kill();
  }
  result.out = ReadFileOrEmpty(o.stdout_path);
  result.err = ReadFileOrEmpty(o.stderr_path);
  ::unlink(o.stdout_path.c_str());
  ::unlink(o.stderr_path.c_str());
  return result;
}

}  // namespace ot::test
