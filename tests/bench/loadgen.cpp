// ot-loadgen: a load generator for BitTorrent trackers on loopback (BEP 15 UDP, HTTP announce/scrape), an
// independent client used by scripts/bench to compare this port with Debian's opentracker under the same
// load. It links nothing of the tracker. Single-threaded, epoll; every reply is validated (validate.hpp).
//
//   ot-loadgen --mode udp|http|http-keepalive --port P [--duration S] [--requests N] [--warmup S]
//              [--preload] [--latency --rate R] ...        announce/scrape load, one summary line
//   ot-loadgen --mode fullscrape --port P --duration S     GET /scrape (gzip) in a loop
//   ot-loadgen --mode probe --port P [--wait S]           waits until the tracker answers announces
//   ot-loadgen --print-hashes N | --free-port | --self-test
//
// The summary line starts with "RESULT " and is a list of key=value pairs; a human line starts with "# ".

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "recorder.hpp"
#include "validate.hpp"
#include "workload.hpp"

namespace ot::bench {
namespace {

volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

std::int64_t NowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::int64_t kConnectionIdAge = 60 * kSecond;  // BEP 15 clients re-connect after a minute
constexpr std::uint64_t kUdpMagic = 0x41727101980ULL;

enum class Mode { kUdp, kHttp, kHttpKeepAlive, kFullScrape, kProbe };

struct Options {
  Mode mode = Mode::kUdp;
  std::string host = "127.0.0.1";
  std::uint32_t host_ip = 0x7f000001;
  int port = 0;
  int sockets = 16;     // UDP sockets / HTTP source addresses
  int window = 4;       // UDP requests in flight per socket
  int connections = 0;  // HTTP concurrent connections (0: default per mode)
  WorkloadOptions workload;
  std::uint32_t numwant = 30;
  double duration = 10;
  double warmup = 0;
  std::uint64_t requests = 0;  // 0: no bound
  bool preload = false;
  bool latency = false;
  double rate = 2000;
  int timeout_ms = 2000;
  std::uint64_t seed = 1;
  std::string label;
  int server_pid = 0;
  int ignore_pid = 0;  // a process of the benchmark itself, not counted as "other" load
  double wait = 30;    // probe
};

[[noreturn]] void Usage(const char* why) {
  if (why) std::fprintf(stderr, "ot-loadgen: %s\n", why);
  std::fprintf(stderr,
               "usage: ot-loadgen --mode udp|http|http-keepalive|fullscrape|probe --port P [options]\n"
               "       ot-loadgen --print-hashes N | --free-port | --self-test\n"
               "  --host A            tracker address on 127.0.0.0/8 (127.0.0.1)\n"
               "  --sockets N         UDP sockets = source addresses 127.0.1.x.. (16; raised so that\n"
               "                      peers/65535 addresses exist)\n"
               "  --window N          UDP requests in flight per socket (4, at most 256)\n"
               "  --connections N     HTTP concurrent connections (32; keep-alive: max(32, addresses))\n"
               "  --torrents N        info hashes, Zipf popularity (1000000)\n"
               "  --peers N           distinct (address, port) peers (2000000)\n"
               "  --zipf S            popularity exponent (1.0)\n"
               "  --seeders F         fraction of announces with left=0 (0.75)\n"
               "  --scrape-every N    one scrape (1-10 hashes) per N announces (100; 0: none)\n"
               "  --numwant N         (30)\n"
               "  --duration S        measured seconds (10; 0 with --preload: preload only)\n"
               "  --requests N        stop after N measured requests (0: no bound)\n"
               "  --warmup S          seconds of load before measuring (0)\n"
               "  --preload           first announce every torrent and peer once, as fast as possible\n"
               "  --latency           open loop: announces only, at --rate per second (2000)\n"
               "  --timeout-ms N      reply timeout, counted as a timeout (2000)\n"
               "  --seed N            workload seed (1)\n"
               "  --label TEXT        echoed in the summary\n"
               "  --server-pid PID    report the tracker's CPU use and VmRSS\n"
               "  --ignore-pid PID    a helper process (e.g. the full scrape client): not \"other\" load\n"
               "  --wait S            probe: give up after S seconds (30)\n");
  std::exit(2);
}

double ParseDouble(const char* s, const char* what) {
  char* end = nullptr;
  const double v = std::strtod(s, &end);
  if (end == s || *end != '\0' || !(v >= 0)) Usage((std::string("bad value for ") + what).c_str());
  return v;
}

std::uint64_t ParseCount(const char* s, const char* what) {
  std::uint64_t v = 0;
  const auto [ptr, ec] = std::from_chars(s, s + std::strlen(s), v);
  if (ec != std::errc() || *ptr != '\0') Usage((std::string("bad value for ") + what).c_str());
  return v;
}

// ---------------------------------------------------------------------------------------------------
// Small helpers

void PutBe16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}
void PutBe32(std::uint8_t* p, std::uint32_t v) {
  for (int i = 3; i >= 0; --i, v >>= 8) p[i] = static_cast<std::uint8_t>(v);
}
void PutBe64(std::uint8_t* p, std::uint64_t v) {
  for (int i = 7; i >= 0; --i, v >>= 8) p[i] = static_cast<std::uint8_t>(v);
}
std::uint32_t Be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

// peer_id: a client prefix and 12 hex digits of the peer number (BEP 20 style).
void PeerId(std::uint64_t peer, char out[20]) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::memcpy(out, "-OL0100-", 8);
  for (int i = 19; i >= 8; --i, peer >>= 4) out[i] = kHex[peer & 15];
}

void AppendNumber(std::string& s, std::uint64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof(buf), v);
  s.append(buf, r.ptr);
}

// Percent-encodes like common clients: unreserved bytes as they are, the rest %XX.
void AppendUrlEncoded(std::string& s, const std::uint8_t* p, std::size_t n) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint8_t c = p[i];
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      s.push_back(static_cast<char>(c));
    } else {
      s.push_back('%');
      s.push_back(kHex[c >> 4]);
      s.push_back(kHex[c & 15]);
    }
  }
}

// CPU seconds of every other process (kernel threads included), by pid, with its name: tells which
// process made a run noisy.
struct ProcessCpu {
  std::string name;
  double seconds = 0;
};
std::map<int, ProcessCpu> OtherProcesses(int server_pid, int ignore_pid) {
  std::map<int, ProcessCpu> out;
  DIR* d = opendir("/proc");
  if (!d) return out;
  const int self = static_cast<int>(getpid());
  while (dirent* e = readdir(d)) {
    const int pid = std::atoi(e->d_name);
    if (pid <= 0 || pid == self || pid == server_pid || pid == ignore_pid) continue;
    char path[64];
    std::snprintf(path, sizeof(path), "/proc/%d/stat", pid);
    FILE* f = std::fopen(path, "r");
    if (!f) continue;
    char buf[1024];
    const std::size_t n = std::fread(buf, 1, sizeof(buf) - 1, f);
    std::fclose(f);
    buf[n] = '\0';
    const char* open = std::strchr(buf, '(');
    const char* close = std::strrchr(buf, ')');
    unsigned long long utime = 0, stime = 0;
    if (!open || !close || close < open ||
        std::sscanf(close + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) !=
            2) {
      continue;
    }
    out[pid] = ProcessCpu{std::string(open + 1, close),
                          static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK))};
  }
  closedir(d);
  return out;
}

struct CpuSnapshot {
  double self_s = 0;
  double server_s = 0;
  double server_user_s = 0;
  bool server_ok = false;     // the tracker's /proc entry was readable
  double machine_busy_s = 0;  // every CPU, every process (/proc/stat)
  std::int64_t wall_ns = 0;
  std::map<int, ProcessCpu> others;
  double ignored_s = 0;
};

// Busy CPU seconds of the whole machine since boot: user, nice, system, irq, softirq, steal.
double MachineBusySeconds() {
  FILE* f = std::fopen("/proc/stat", "r");
  if (!f) return 0;
  unsigned long long v[8] = {};
  const int n = std::fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
                            &v[4], &v[5], &v[6], &v[7]);
  std::fclose(f);
  if (n < 8) return 0;
  return static_cast<double>(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) /
         static_cast<double>(sysconf(_SC_CLK_TCK));
}

// The tracker's user and system CPU seconds (all threads) from /proc/PID/stat.
bool ServerCpuSeconds(int pid, double* user, double* system) {
  *user = *system = 0;
  if (pid <= 0) return false;
  char path[64];
  std::snprintf(path, sizeof(path), "/proc/%d/stat", pid);
  FILE* f = std::fopen(path, "r");
  if (!f) return false;
  char buf[1024];
  const std::size_t n = std::fread(buf, 1, sizeof(buf) - 1, f);
  std::fclose(f);
  buf[n] = '\0';
  const char* p = std::strrchr(buf, ')');  // the command name may contain spaces
  if (!p) return false;
  unsigned long long utime = 0, stime = 0;
  // Fields after ")": state(3) ... utime(14) stime(15).
  if (std::sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2) {
    return false;
  }
  const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  *user = static_cast<double>(utime) / tick;
  *system = static_cast<double>(stime) / tick;
  return true;
}

long ServerRssKb(int pid) {
  if (pid <= 0) return 0;
  char path[64];
  std::snprintf(path, sizeof(path), "/proc/%d/status", pid);
  FILE* f = std::fopen(path, "r");
  if (!f) return 0;
  char line[256];
  long kb = 0;
  while (std::fgets(line, sizeof(line), f)) {
    if (std::strncmp(line, "VmRSS:", 6) == 0) kb = std::strtol(line + 6, nullptr, 10);
  }
  std::fclose(f);
  return kb;
}

CpuSnapshot TakeCpu(int server_pid, int ignore_pid) {
  CpuSnapshot s;
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  s.self_s = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
             static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  double system = 0;
  s.server_ok = ServerCpuSeconds(server_pid, &s.server_user_s, &system);
  s.server_s = s.server_user_s + system;
  s.machine_busy_s = MachineBusySeconds();
  s.others = OtherProcesses(server_pid, ignore_pid);
  if (ignore_pid > 0) {
    double user = 0, sys = 0;
    ServerCpuSeconds(ignore_pid, &user, &sys);  // same /proc layout
    s.ignored_s = user + sys;
  }
  s.wall_ns = NowNs();
  return s;
}

// ---------------------------------------------------------------------------------------------------
// What may be sent now: the phase, and the --requests budget of the measured phase.

struct Policy {
  Phase phase = kMeasure;
  bool sending = true;      // false while draining
  bool closed_loop = true;  // false in --latency mode: the driver paces sends
  std::uint64_t measured_sent = 0;
  std::uint64_t limit = 0;  // 0: none
  std::uint64_t sample_counter = 0;

  // Reserves one request of the current phase; false when no more may be sent.
  bool Take() {
    if (!sending) return false;
    if (phase == kMeasure) {
      if (limit != 0 && measured_sent >= limit) return false;
      ++measured_sent;
    }
    return true;
  }
};

class Engine {
 public:
  virtual ~Engine() = default;
  virtual bool Open(std::string* error) = 0;
  // Closed loop: fills every window. Open loop (latency): only keeps connections ready.
  virtual void FillAll(std::int64_t now) = 0;
  // Open loop: sends one announce if a socket or connection is free.
  virtual bool IssueOne(std::int64_t now) = 0;
  virtual void Poll(int timeout_ms) = 0;
  virtual void ScanTimeouts(std::int64_t now) = 0;
  virtual std::uint64_t Inflight() const = 0;
  virtual bool PreloadExhausted() const = 0;
  virtual std::uint64_t PreloadTotal() const = 0;
  virtual int Concurrency() const = 0;
  virtual std::uint32_t Addresses() const = 0;
};

// ---------------------------------------------------------------------------------------------------
// UDP (BEP 15)

class UdpEngine final : public Engine {
 public:
  UdpEngine(const Options& o, const Workload& w, Recorder& r, Policy& p)
      : o_(o), w_(w), r_(r), p_(p), timeout_ns_(static_cast<std::int64_t>(o.timeout_ms) * 1'000'000) {}
  ~UdpEngine() override {
    for (Sock& s : socks_) {
      if (s.fd >= 0) close(s.fd);
    }
    if (ep_ >= 0) close(ep_);
  }

  bool Open(std::string* error) override {
    ep_ = epoll_create1(EPOLL_CLOEXEC);
    if (ep_ < 0) return Err(error, "epoll_create1");
    const std::uint32_t n = w_.space().addresses();
    socks_.resize(n);
    const sockaddr_in server = SockaddrOf(o_.host_ip, static_cast<std::uint16_t>(o_.port));
    for (std::uint32_t i = 0; i < n; ++i) {
      Sock& s = socks_[i];
      s.address = i;
      s.rng = Rng(o_.seed * 1000003 + i);
      s.slots.assign(static_cast<std::size_t>(o_.window), Slot{});
      for (int k = o_.window - 1; k >= 0; --k) s.free.push_back(static_cast<std::uint16_t>(k));
      if (o_.preload) s.preload = PreloadCursor(w_.options().torrents, w_.space(), i);
      s.fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (s.fd < 0) return Err(error, "socket");
      const int buf = 1 << 20;
      setsockopt(s.fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
      const sockaddr_in local = SockaddrOf(SourceAddress(i), 0);
      if (bind(s.fd, reinterpret_cast<const sockaddr*>(&local), sizeof(local)) != 0)
        return Err(error, "bind");
      if (connect(s.fd, reinterpret_cast<const sockaddr*>(&server), sizeof(server)) != 0) {
        return Err(error, "connect");
      }
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.u32 = i;
      if (epoll_ctl(ep_, EPOLL_CTL_ADD, s.fd, &ev) != 0) return Err(error, "epoll_ctl");
    }
    for (const Sock& s : socks_) preload_total_ += o_.preload ? s.preload.Total() : 0;
    return true;
  }

  void FillAll(std::int64_t now) override {
    for (std::uint32_t i = 0; i < socks_.size(); ++i) Fill(i, now);
  }

  bool IssueOne(std::int64_t now) override {
    for (std::size_t tries = 0; tries < socks_.size(); ++tries) {
      const std::uint32_t i = rr_++ % static_cast<std::uint32_t>(socks_.size());
      Sock& s = socks_[i];
      if (NeedsConnect(s, now)) SendConnect(i, now);
      if (s.connecting || !s.have_id || s.free.empty()) continue;
      return SendBatch(i, now, 1) > 0;
    }
    return false;
  }

  void Poll(int timeout_ms) override {
    epoll_event events[256];
    const int n = epoll_wait(ep_, events, 256, timeout_ms);
    if (n <= 0) return;
    const std::int64_t now = NowNs();
    for (int e = 0; e < n; ++e) {
      const std::uint32_t i = events[e].data.u32;
      Drain(i);
      if (p_.closed_loop || p_.phase == kPreload) Fill(i, now);
    }
  }

  void ScanTimeouts(std::int64_t now) override {
    for (Sock& s : socks_) {
      if (s.inflight == 0) continue;
      for (std::size_t k = 0; k < s.slots.size(); ++k) {
        Slot& slot = s.slots[k];
        if (slot.kind == Kind::kFree || now - slot.sent_ns < timeout_ns_) continue;
        if (slot.kind == Kind::kConnect) s.connecting = false;
        r_.Timeout(slot.phase, now);
        Release(s, static_cast<std::uint16_t>(k));
      }
    }
  }

  std::uint64_t Inflight() const override {
    std::uint64_t n = 0;
    for (const Sock& s : socks_) n += static_cast<std::uint64_t>(s.inflight);
    return n;
  }
  bool PreloadExhausted() const override {
    for (const Sock& s : socks_) {
      if (!s.preload_done) return false;
    }
    return true;
  }
  std::uint64_t PreloadTotal() const override { return preload_total_; }
  int Concurrency() const override { return static_cast<int>(socks_.size()) * o_.window; }
  std::uint32_t Addresses() const override { return static_cast<std::uint32_t>(socks_.size()); }

 private:
  enum class Kind : std::uint8_t { kFree, kConnect, kAnnounce, kScrape };
  struct Slot {
    std::uint32_t seq = 0;
    Kind kind = Kind::kFree;
    Phase phase = kMeasure;
    bool stopped = false;
    std::uint8_t hashes = 0;
    std::int64_t sent_ns = 0;
  };
  struct Sock {
    int fd = -1;
    std::uint32_t address = 0;
    Rng rng{0};
    std::uint8_t connection_id[8] = {};
    bool have_id = false;
    bool connecting = false;
    std::int64_t id_ns = 0;
    std::uint32_t seq = 1;
    std::vector<Slot> slots;
    std::vector<std::uint16_t> free;
    int inflight = 0;
    PreloadCursor preload;
    bool preload_done = false;
    std::uint64_t scrape_counter = 0;
  };
  static constexpr int kBatch = 64;
  static constexpr std::size_t kPacket = 256;
  static constexpr std::size_t kReply = 2048;

  static bool Err(std::string* error, const char* what) {
    *error = std::string(what) + ": " + std::strerror(errno);
    return false;
  }

  static bool NeedsConnect(const Sock& s, std::int64_t now) {
    return !s.connecting && (!s.have_id || now - s.id_ns > kConnectionIdAge);
  }

  std::uint16_t Acquire(Sock& s) {
    const std::uint16_t k = s.free.back();
    s.free.pop_back();
    ++s.inflight;
    return k;
  }
  void Release(Sock& s, std::uint16_t k) {
    s.slots[k].kind = Kind::kFree;
    s.free.push_back(k);
    --s.inflight;
  }
  std::uint32_t TxidOf(Sock& s, std::uint16_t k) {
    const std::uint32_t seq = s.seq++ & 0xffffff;
    s.slots[k].seq = seq;
    return (seq << 8) | k;
  }

  void SendConnect(std::uint32_t i, std::int64_t now) {
    Sock& s = socks_[i];
    if (s.free.empty()) return;  // after the in-flight requests come back
    const std::uint16_t k = Acquire(s);
    Slot& slot = s.slots[k];
    slot.kind = Kind::kConnect;
    slot.phase = p_.phase;
    slot.sent_ns = now;
    std::uint8_t packet[16];
    PutBe64(packet, kUdpMagic);
    PutBe32(packet + 8, 0);
    PutBe32(packet + 12, TxidOf(s, k));
    if (send(s.fd, packet, sizeof(packet), 0) != static_cast<ssize_t>(sizeof(packet))) {
      r_.Error(p_.phase, ErrorKind::kSocket, now);
      Release(s, k);
      return;
    }
    s.connecting = true;
  }

  void Fill(std::uint32_t i, std::int64_t now) {
    Sock& s = socks_[i];
    if (NeedsConnect(s, now)) SendConnect(i, now);
    if (s.connecting || !s.have_id) return;
    if (!p_.closed_loop && p_.phase != kPreload) return;
    if (!s.free.empty()) SendBatch(i, now, static_cast<int>(s.free.size()));
  }

  // Builds and sends up to `max` requests on socket i; returns how many went out.
  int SendBatch(std::uint32_t i, std::int64_t now, int max) {
    Sock& s = socks_[i];
    mmsghdr msgs[kBatch];
    iovec iov[kBatch];
    std::uint16_t used[kBatch];
    int n = 0;
    max = std::min(max, kBatch);
    while (n < max && !s.free.empty()) {
      std::uint8_t* packet = out_[n];
      std::size_t length = 0;
      Kind kind;
      bool stopped = false;
      int hashes = 0;
      if (p_.phase == kPreload) {
        std::uint64_t membership;
        if (!p_.sending || !s.preload.Next(&membership)) {
          s.preload_done = true;
          break;
        }
        length = BuildAnnounce(s, packet, w_.PreloadAnnounce(membership, s.rng), &stopped);
        kind = Kind::kAnnounce;
      } else {
        if (!p_.Take()) break;
        if (p_.closed_loop && w_.ScrapeTurn(s.scrape_counter)) {
          const ScrapeSpec spec = w_.Scrape(s.rng);
          length = BuildScrape(s, packet, spec);
          hashes = spec.count;
          kind = Kind::kScrape;
        } else {
          length = BuildAnnounce(s, packet, w_.Announce(s.rng, s.address), &stopped);
          kind = Kind::kAnnounce;
        }
      }
      const std::uint16_t k = Acquire(s);
      Slot& slot = s.slots[k];
      slot.kind = kind;
      slot.phase = p_.phase;
      slot.stopped = stopped;
      slot.hashes = static_cast<std::uint8_t>(hashes);
      slot.sent_ns = now;
      PutBe32(packet + 12, TxidOf(s, k));
      ++r_.Of(p_.phase).sent;
      iov[n] = {packet, length};
      msgs[n] = {};
      msgs[n].msg_hdr.msg_iov = &iov[n];
      msgs[n].msg_hdr.msg_iovlen = 1;
      used[n] = k;
      ++n;
    }
    if (n == 0) return 0;
    int sent = 0;
    while (sent < n) {
      const int rc = sendmmsg(s.fd, msgs + sent, static_cast<unsigned>(n - sent), 0);
      if (rc <= 0) break;
      sent += rc;
    }
    for (int j = sent; j < n; ++j) {  // not sent (socket buffer full, or an ICMP error pending)
      r_.Error(s.slots[used[j]].phase, ErrorKind::kSocket, now);
      Release(s, used[j]);
    }
    return sent;
  }

  std::size_t BuildAnnounce(Sock& s, std::uint8_t* p, const AnnounceSpec& a, bool* stopped) {
    std::memcpy(p, s.connection_id, 8);
    PutBe32(p + 8, 1);
    const Hash h = InfoHashOf(a.torrent);
    std::memcpy(p + 16, h.data(), 20);
    PeerId(a.peer, reinterpret_cast<char*>(p + 36));
    PutBe64(p + 56, 0);  // downloaded
    PutBe64(p + 64, a.left);
    PutBe64(p + 72, 0);  // uploaded
    PutBe32(p + 80, static_cast<std::uint32_t>(a.event));
    PutBe32(p + 84, 0);  // ip: the tracker uses the source address
    PutBe32(p + 88, a.key);
    PutBe32(p + 92, o_.numwant);
    PutBe16(p + 96, w_.space().PortOf(a.peer));
    *stopped = a.event == Event::kStopped;
    return 98;
  }

  std::size_t BuildScrape(Sock& s, std::uint8_t* p, const ScrapeSpec& spec) {
    std::memcpy(p, s.connection_id, 8);
    PutBe32(p + 8, 2);
    for (int j = 0; j < spec.count; ++j) {
      const Hash h = InfoHashOf(spec.torrents[j]);
      std::memcpy(p + 16 + 20 * j, h.data(), 20);
    }
    return 16 + 20 * static_cast<std::size_t>(spec.count);
  }

  void Drain(std::uint32_t i) {
    Sock& s = socks_[i];
    for (;;) {
      mmsghdr msgs[kBatch];
      iovec iov[kBatch];
      for (int j = 0; j < kBatch; ++j) {
        iov[j] = {in_[j], kReply};
        msgs[j] = {};
        msgs[j].msg_hdr.msg_iov = &iov[j];
        msgs[j].msg_hdr.msg_iovlen = 1;
      }
      const int n = recvmmsg(s.fd, msgs, kBatch, MSG_DONTWAIT, nullptr);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return;
        if (errno == EINTR) continue;
        r_.Error(p_.phase, ErrorKind::kSocket, NowNs());  // e.g. ECONNREFUSED: nobody listens
        return;
      }
      const std::int64_t now = NowNs();
      for (int j = 0; j < n; ++j) {
        const bool truncated = (msgs[j].msg_hdr.msg_flags & MSG_TRUNC) != 0;
        Handle(s, in_[j], truncated ? kReply + 1 : msgs[j].msg_len, now);
      }
      if (n < kBatch) return;
    }
  }

  void Handle(Sock& s, const std::uint8_t* p, std::size_t n, std::int64_t now) {
    if (n < 8) {
      r_.Error(p_.phase, ErrorKind::kShort, now);
      return;
    }
    const std::uint32_t txid = Be32(p + 4);
    const std::uint16_t k = static_cast<std::uint16_t>(txid & 0xff);
    if (k >= s.slots.size()) {
      r_.Error(p_.phase, ErrorKind::kTxid, now);
      return;
    }
    Slot& slot = s.slots[k];
    if (slot.kind == Kind::kFree || slot.seq != (txid >> 8)) {
      ++r_.Of(p_.phase).late;  // answer to a request already timed out (or a duplicate)
      return;
    }
    const Phase phase = slot.phase;
    ErrorKind kind = ErrorKind::kCount;
    bool ok = false;
    switch (slot.kind) {
      case Kind::kConnect: {
        std::uint64_t id;
        s.connecting = false;
        if (CheckUdpConnect(p, n, txid, &id, &kind)) {
          std::memcpy(s.connection_id, &id, 8);
          s.have_id = true;
          s.id_ns = now;
          ++r_.Of(phase).connects;
          Release(s, k);
          return;
        }
        break;
      }
      case Kind::kAnnounce:
        ok = CheckUdpAnnounce(p, n, txid, o_.numwant, slot.stopped, &kind);
        break;
      case Kind::kScrape:
        ok = CheckUdpScrape(p, n, txid, slot.hashes, &kind);
        break;
      case Kind::kFree:
        break;
    }
    if (ok) {
      r_.Response(phase, slot.kind == Kind::kScrape, n, now - slot.sent_ns, now);
    } else {
      r_.Error(phase, kind, now);
      if (kind == ErrorKind::kErrorReply) s.have_id = false;  // e.g. an expired id: connect again
    }
    Release(s, k);
  }

  const Options& o_;
  const Workload& w_;
  Recorder& r_;
  Policy& p_;
  std::int64_t timeout_ns_;
  int ep_ = -1;
  std::vector<Sock> socks_;
  std::uint32_t rr_ = 0;
  std::uint64_t preload_total_ = 0;
  std::uint8_t out_[kBatch][kPacket] = {};
  std::uint8_t in_[kBatch][kReply] = {};
};

// ---------------------------------------------------------------------------------------------------
// HTTP: a connection per request (the client sends Connection: close and reads to the server's close, as
// opentracker clients do), or keep-alive connections with one request at a time.

class HttpEngine final : public Engine {
 public:
  HttpEngine(const Options& o, const Workload& w, Recorder& r, Policy& p, bool keep_alive)
      : o_(o),
        w_(w),
        r_(r),
        p_(p),
        keep_alive_(keep_alive),
        timeout_ns_(static_cast<std::int64_t>(o.timeout_ms) * 1'000'000),
        buf_(65536) {}
  ~HttpEngine() override {
    for (Conn& c : conns_) {
      if (c.fd >= 0) close(c.fd);
    }
    if (ep_ >= 0) close(ep_);
  }

  bool Open(std::string* error) override {
    ep_ = epoll_create1(EPOLL_CLOEXEC);
    if (ep_ < 0) {
      *error = std::string("epoll_create1: ") + std::strerror(errno);
      return false;
    }
    int n = o_.connections;
    if (n == 0) n = keep_alive_ ? std::max<int>(32, static_cast<int>(w_.space().addresses())) : 32;
    conns_.resize(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
      Conn& c = conns_[static_cast<std::size_t>(i)];
      c.index = static_cast<std::uint32_t>(i);
      c.rng = Rng(o_.seed * 1000003 + static_cast<std::uint64_t>(i));
      c.address = static_cast<std::uint32_t>(i) % w_.space().addresses();
      c.in.reserve(4096);
      c.out.reserve(1024);
    }
    host_header_ = "Host: " + o_.host + ":" + std::to_string(o_.port) + "\r\nUser-Agent: ot-loadgen/1.0\r\n";
    if (!keep_alive_) host_header_ += "Connection: close\r\n";
    host_header_ += "\r\n";
    if (o_.preload) preload_limit_ = std::max(w_.options().torrents, w_.space().peers());
    return true;
  }

  void FillAll(std::int64_t now) override {
    if (!p_.closed_loop && p_.phase != kPreload) return;
    for (Conn& c : conns_) {
      if ((c.state == State::kIdle || c.state == State::kKeepIdle) && now >= c.retry_ns) Start(c, now);
    }
  }

  bool IssueOne(std::int64_t now) override {
    for (std::size_t tries = 0; tries < conns_.size(); ++tries) {
      Conn& c = conns_[rr_++ % conns_.size()];
      if ((c.state == State::kIdle || c.state == State::kKeepIdle) && now >= c.retry_ns) return Start(c, now);
    }
    return false;
  }

  void Poll(int timeout_ms) override {
    epoll_event events[256];
    const int n = epoll_wait(ep_, events, 256, timeout_ms);
    for (int e = 0; e < n; ++e) {
      const std::uint32_t i = static_cast<std::uint32_t>(events[e].data.u64);
      const std::uint32_t gen = static_cast<std::uint32_t>(events[e].data.u64 >> 32);
      Conn& c = conns_[i];
      if (c.fd < 0 || c.gen != gen) continue;  // an event of a connection closed in this batch
      Progress(c);
    }
  }

  void ScanTimeouts(std::int64_t now) override {
    for (Conn& c : conns_) {
      if (!Busy(c) || now < c.deadline_ns) continue;
      if (c.state == State::kAwaitClose) {
        r_.Error(c.phase, ErrorKind::kHttpFraming, now);  // answered but never closed as asked
      } else {
        r_.Timeout(c.phase, now);
      }
      Close(c);
    }
    FillAll(now);
  }

  std::uint64_t Inflight() const override {
    std::uint64_t n = 0;
    for (const Conn& c : conns_) n += Busy(c) ? 1 : 0;
    return n;
  }
  bool PreloadExhausted() const override { return preload_next_ >= preload_limit_; }
  std::uint64_t PreloadTotal() const override { return preload_limit_; }
  int Concurrency() const override { return static_cast<int>(conns_.size()); }
  std::uint32_t Addresses() const override { return w_.space().addresses(); }

 private:
  enum class State { kIdle, kConnecting, kReading, kAwaitClose, kKeepIdle };
  struct Conn {
    std::uint32_t index = 0;
    int fd = -1;
    std::uint32_t gen = 0;
    std::uint32_t interest = 0;
    State state = State::kIdle;
    std::uint32_t address = 0;
    Rng rng{0};
    std::uint64_t scrape_counter = 0;
    std::string out;
    std::size_t out_done = 0;
    std::string in;
    bool reused = false;  // the request went out on a kept-alive connection
    // The request in flight.
    Phase phase = kMeasure;
    bool scrape = false;
    bool stopped = false;
    ScrapeSpec spec;
    std::int64_t sent_ns = 0;
    std::int64_t deadline_ns = 0;
    std::int64_t retry_ns = 0;
    // A validated reply waiting for the server's close (connection per request).
    bool result_ok = false;
    ErrorKind result_kind = ErrorKind::kCount;
    std::size_t result_bytes = 0;
    std::int64_t result_ns = 0;
  };

  static bool Busy(const Conn& c) {
    return c.state == State::kConnecting || c.state == State::kReading || c.state == State::kAwaitClose;
  }

  void SetInterest(Conn& c, std::uint32_t events) {
    if (c.interest == events) return;
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = (static_cast<std::uint64_t>(c.gen) << 32) | c.index;
    epoll_ctl(ep_, c.interest == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, c.fd, &ev);
    c.interest = events;
  }

  void Close(Conn& c) {
    if (c.fd >= 0) close(c.fd);  // also leaves the epoll set
    c.fd = -1;
    ++c.gen;
    c.interest = 0;
    c.state = State::kIdle;
    c.in.clear();
  }

  bool OpenSocket(Conn& c, std::uint32_t address, std::int64_t now) {
    c.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c.fd < 0) return false;
    // Source address = peer address; the port is picked at connect() so the 4-tuple, not the local
    // address alone, needs to be unique (many connections per address).
    const int one = 1;
    setsockopt(c.fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
    const sockaddr_in local = SockaddrOf(SourceAddress(address), 0);
    const sockaddr_in server = SockaddrOf(o_.host_ip, static_cast<std::uint16_t>(o_.port));
    if (bind(c.fd, reinterpret_cast<const sockaddr*>(&local), sizeof(local)) != 0 ||
        (connect(c.fd, reinterpret_cast<const sockaddr*>(&server), sizeof(server)) != 0 &&
         errno != EINPROGRESS)) {
      close(c.fd);
      c.fd = -1;
      return false;
    }
    ++c.gen;
    c.interest = 0;
    c.address = address;
    ++r_.Of(p_.phase).connects;
    (void)now;
    return true;
  }

  // Picks the next request for this connection and sends it. False if none may be sent.
  bool Start(Conn& c, std::int64_t now) {
    std::uint32_t address = c.address;
    AnnounceSpec a;
    c.scrape = false;
    if (p_.phase == kPreload) {
      if (!p_.sending || preload_next_ >= preload_limit_) return false;
      const std::uint64_t k = preload_next_++;
      a = w_.PreloadAnnounce(k, c.rng);
      address = w_.space().AddressOf(a.peer);
    } else {
      if (!p_.Take()) return false;
      if (!keep_alive_) address = static_cast<std::uint32_t>(c.rng.Below(w_.space().addresses()));
      if (p_.closed_loop && w_.ScrapeTurn(c.scrape_counter)) {
        c.scrape = true;
        c.spec = w_.Scrape(c.rng);
      } else {
        a = w_.Announce(c.rng, keep_alive_ ? c.address : address);
      }
    }
    c.phase = p_.phase;
    c.stopped = !c.scrape && a.event == Event::kStopped;
    BuildRequest(c, a);
    ++r_.Of(c.phase).sent;
    c.sent_ns = now;
    c.deadline_ns = now + timeout_ns_;
    c.in.clear();
    c.out_done = 0;
    c.reused = c.fd >= 0;
    if (c.fd < 0 && !OpenSocket(c, address, now)) {
      r_.Error(c.phase, ErrorKind::kSocket, now);
      c.retry_ns = now + 10'000'000;  // the tracker is not there: retry at the next timeout scan
      return true;
    }
    c.state = State::kConnecting;
    Progress(c);
    return true;
  }

  void BuildRequest(Conn& c, const AnnounceSpec& a) {
    std::string& s = c.out;
    s.clear();
    if (c.scrape) {
      s += "GET /scrape?";
      for (int j = 0; j < c.spec.count; ++j) {
        const Hash h = InfoHashOf(c.spec.torrents[j]);
        s += j == 0 ? "info_hash=" : "&info_hash=";
        AppendUrlEncoded(s, h.data(), 20);
      }
    } else {
      const Hash h = InfoHashOf(a.torrent);
      char peer_id[20];
      PeerId(a.peer, peer_id);
      s += "GET /announce?info_hash=";
      AppendUrlEncoded(s, h.data(), 20);
      s += "&peer_id=";
      s.append(peer_id, 20);
      s += "&port=";
      AppendNumber(s, w_.space().PortOf(a.peer));
      s += "&uploaded=0&downloaded=0&left=";
      AppendNumber(s, a.left);
      s += "&corrupt=0&key=";
      AppendNumber(s, a.key);
      if (a.event != Event::kNone) {
        s += "&event=";
        s += EventName(a.event);
      }
      s += "&numwant=";
      AppendNumber(s, o_.numwant);
      s += "&compact=1&no_peer_id=1";
    }
    s += " HTTP/1.1\r\n";
    s += host_header_;
  }

  // Moves the exchange on as far as the socket allows (events only say "try again").
  void Progress(Conn& c) {
    const std::int64_t now = NowNs();
    if (c.state == State::kKeepIdle) {  // an idle kept-alive connection: only a close is expected
      const ssize_t n = recv(c.fd, buf_.data(), buf_.size(), 0);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
      if (n > 0) r_.Error(p_.phase, ErrorKind::kHttpFraming, now);  // bytes nobody asked for
      Close(c);                                                     // the next request opens a new connection
      return;
    }
    if (c.state == State::kConnecting) {
      while (c.out_done < c.out.size()) {
        const ssize_t n = send(c.fd, c.out.data() + c.out_done, c.out.size() - c.out_done, MSG_NOSIGNAL);
        if (n > 0) {
          c.out_done += static_cast<std::size_t>(n);
          continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
          SetInterest(c, EPOLLOUT);
          return;
        }
        if (n < 0 && errno == EINTR) continue;
        if (c.reused) return Retry(c, now);  // the kept-alive connection had been closed
        r_.Error(c.phase, ErrorKind::kSocket, now);
        Close(c);
        c.retry_ns = now + 10'000'000;
        return;
      }
      c.state = State::kReading;
      SetInterest(c, EPOLLIN);
    }
    if (c.state != State::kReading && c.state != State::kAwaitClose) return;
    for (;;) {
      const ssize_t n = recv(c.fd, buf_.data(), buf_.size(), 0);
      if (n > 0) {
        if (c.state == State::kAwaitClose) {  // bytes after a complete reply on a closing connection
          c.result_ok = false;
          c.result_kind = ErrorKind::kHttpFraming;
          continue;
        }
        c.in.append(buf_.data(), static_cast<std::size_t>(n));
        if (c.in.size() > (1u << 20)) return Finish(c, false, ErrorKind::kHttpFraming, now, true);
        if (TryComplete(c, now, false)) {
          if (c.fd < 0 || c.state != State::kAwaitClose) return;  // next request started, or closed
        }
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      if (n < 0 && errno == EINTR) continue;
      // End of stream (0) or reset.
      if (c.state == State::kAwaitClose) return Commit(c, now);
      if (c.in.empty() && c.reused) return Retry(c, now);
      if (n == 0 && TryComplete(c, now, true)) {
        if (c.state == State::kAwaitClose) Commit(c, now);
        return;
      }
      return Finish(c, false, n == 0 ? ErrorKind::kHttpFraming : ErrorKind::kSocket, now, true);
    }
  }

  // A kept-alive connection was closed by the server before answering: the request goes again on a new
  // connection (what HTTP clients do for idempotent requests); not an error.
  void Retry(Conn& c, std::int64_t now) {
    ++r_.Of(c.phase).retries;
    Close(c);
    c.reused = false;
    if (!OpenSocket(c, c.address, now)) {
      r_.Error(c.phase, ErrorKind::kSocket, now);
      c.retry_ns = now + 10'000'000;
      return;
    }
    c.out_done = 0;
    c.state = State::kConnecting;
    Progress(c);
  }

  // True when c.in holds a whole response (at_eof: the server closed, which ends a length-less body).
  bool TryComplete(Conn& c, std::int64_t now, bool at_eof) {
    HttpHead head;
    const int rc = ParseHttpHead(c.in, &head);
    if (rc < 0) {
      Finish(c, false, ErrorKind::kHttpFraming, now, true);
      return true;
    }
    if (rc == 0) return false;
    std::string_view body = std::string_view(c.in).substr(head.header_length);
    if (head.chunked) {  // tracker replies to announces are small; de-chunk into a copy
      ChunkedDecoder d;
      std::string plain;
      if (!d.Feed(body.data(), body.size(), [&](const char* p, std::size_t n) { plain.append(p, n); })) {
        Finish(c, false, ErrorKind::kHttpFraming, now, true);
        return true;
      }
      if (!d.Done()) return false;
      return Validate(c, head, plain, now);
    }
    if (head.content_length == HttpHead::kNoLength) {
      if (!at_eof) return false;
      head.close = true;
      return Validate(c, head, body, now);
    }
    if (body.size() < head.content_length) return false;
    if (body.size() > head.content_length) {  // we never pipeline: nothing may follow
      Finish(c, false, ErrorKind::kHttpFraming, now, true);
      return true;
    }
    return Validate(c, head, body, now);
  }

  bool Validate(Conn& c, const HttpHead& head, std::string_view body, std::int64_t now) {
    ErrorKind kind = ErrorKind::kCount;
    bool ok = false;
    if (head.status != 200) {
      kind = ErrorKind::kHttpStatus;
    } else if (head.gzip) {
      kind = ErrorKind::kBencode;  // not asked for
    } else if (c.scrape) {
      ok = CheckBencodedScrape(body, c.spec, &kind);
    } else {
      ok = CheckBencodedAnnounce(body, o_.numwant, c.stopped, &kind);
    }
    const bool server_closes = head.close || !keep_alive_;
    Finish(c, ok, kind, now, server_closes);
    return true;
  }

  // Records the reply. With the server closing, the result is held until its close (Commit); on a
  // keep-alive connection the next request goes out at once.
  void Finish(Conn& c, bool ok, ErrorKind kind, std::int64_t now, bool closing) {
    c.result_ok = ok;
    c.result_kind = kind;
    c.result_bytes = c.in.size();
    c.result_ns = now;
    if (closing && kind != ErrorKind::kHttpFraming && kind != ErrorKind::kSocket) {
      c.state = State::kAwaitClose;
      c.deadline_ns = now + timeout_ns_;
      return;
    }
    if (closing) {
      Commit(c, now);
      return;
    }
    Record(c, now);
    c.state = State::kKeepIdle;
    c.in.clear();
    if (p_.closed_loop || p_.phase == kPreload) Start(c, now);
  }

  void Commit(Conn& c, std::int64_t now) {
    Record(c, now);
    Close(c);
    if (p_.closed_loop || p_.phase == kPreload) Start(c, now);
  }

  void Record(Conn& c, std::int64_t now) {
    if (c.result_ok) {
      r_.Response(c.phase, c.scrape, c.result_bytes, c.result_ns - c.sent_ns, now);
    } else {
      r_.Error(c.phase, c.result_kind, now);
    }
  }

  const Options& o_;
  const Workload& w_;
  Recorder& r_;
  Policy& p_;
  bool keep_alive_;
  std::int64_t timeout_ns_;
  int ep_ = -1;
  std::vector<Conn> conns_;
  std::vector<char> buf_;
  std::string host_header_;
  std::uint32_t rr_ = 0;
  std::uint64_t preload_next_ = 0;
  std::uint64_t preload_limit_ = 0;
};

// ---------------------------------------------------------------------------------------------------
// The driver: phases (preload, warm-up, measured, drain), pacing, and the summary.

const char* ModeName(Mode m) {
  switch (m) {
    case Mode::kUdp:
      return "udp";
    case Mode::kHttp:
      return "http";
    case Mode::kHttpKeepAlive:
      return "http-keepalive";
    case Mode::kFullScrape:
      return "fullscrape";
    case Mode::kProbe:
      return "probe";
  }
  return "?";
}

int RunLoad(const Options& o) {
  // No more addresses than peers: an address without a peer could announce nothing.
  const std::uint32_t addresses = static_cast<std::uint32_t>(std::min<std::uint64_t>(
      o.workload.peers, std::max<std::uint32_t>(static_cast<std::uint32_t>(o.sockets),
                                                PeerSpace::MinAddresses(o.workload.peers))));
  const PeerSpace space(o.workload.peers, addresses);
  const Workload workload(o.workload, space);
  Recorder rec;
  Policy policy;
  policy.closed_loop = !o.latency;
  policy.limit = o.requests;
  std::unique_ptr<Engine> engine;
  if (o.mode == Mode::kUdp) {
    engine = std::make_unique<UdpEngine>(o, workload, rec, policy);
  } else {
    engine = std::make_unique<HttpEngine>(o, workload, rec, policy, o.mode == Mode::kHttpKeepAlive);
  }
  std::string error;
  if (!engine->Open(&error)) {
    std::fprintf(stderr, "ot-loadgen: %s\n", error.c_str());
    return 1;
  }
  if (static_cast<int>(addresses) > o.sockets && o.mode == Mode::kUdp) {
    std::fprintf(stderr, "ot-loadgen: %u sockets (%llu peers need %u source addresses)\n", addresses,
                 static_cast<unsigned long long>(o.workload.peers),
                 PeerSpace::MinAddresses(o.workload.peers));
  }

  const std::int64_t start = NowNs();
  std::int64_t phase_start = start;
  std::int64_t preload_ns = 0;
  std::int64_t measure_start = 0;
  std::int64_t measure_stop = 0;
  std::int64_t drain_deadline = 0;
  CpuSnapshot cpu0, cpu1;
  bool draining = false;
  bool measured = o.duration > 0 || o.requests > 0;
  policy.phase = o.preload ? kPreload : (o.warmup > 0 ? kWarmup : kMeasure);
  if (policy.phase == kMeasure) {
    measure_start = start;
    cpu0 = TakeCpu(o.server_pid, o.ignore_pid);
  }
  const std::int64_t duration_ns = static_cast<std::int64_t>(o.duration * 1e9);
  const std::int64_t warmup_ns = static_cast<std::int64_t>(o.warmup * 1e9);
  const std::int64_t timeout_ns = static_cast<std::int64_t>(o.timeout_ms) * 1'000'000;
  // Open loop: requests are due at rate * elapsed; a burst after a stall is capped (no catch-up storm).
  std::int64_t rate_origin = start;
  std::uint64_t rate_issued = 0, rate_skipped = 0;
  std::int64_t last_scan = start;
  std::int64_t last_progress = start;
  engine->FillAll(start);

  for (;;) {
    std::int64_t now = NowNs();
    if (g_stop && !draining) {
      if (policy.phase != kMeasure) measured = false;
      draining = true;
      policy.sending = false;
      measure_stop = now;
      drain_deadline = now + timeout_ns;
      cpu1 = TakeCpu(o.server_pid, o.ignore_pid);
    }
    if (!draining) {
      if (policy.phase == kPreload && engine->PreloadExhausted() && engine->Inflight() == 0) {
        preload_ns = now - start;
        phase_start = now;
        policy.phase = o.warmup > 0 ? kWarmup : kMeasure;
        if (!measured) {
          draining = true;
          policy.sending = false;
          drain_deadline = now;
        } else if (policy.phase == kMeasure) {
          measure_start = now;
          cpu0 = TakeCpu(o.server_pid, o.ignore_pid);
        }
        rate_origin = now;
        rate_issued = 0;
        engine->FillAll(now);
      } else if (policy.phase == kWarmup && now - phase_start >= warmup_ns) {
        policy.phase = kMeasure;
        measure_start = now;
        cpu0 = TakeCpu(o.server_pid, o.ignore_pid);
      } else if (policy.phase == kMeasure && ((duration_ns > 0 && now - measure_start >= duration_ns) ||
                                              (o.requests > 0 && policy.measured_sent >= o.requests) ||
                                              (duration_ns == 0 && o.requests == 0))) {
        draining = true;
        policy.sending = false;
        measure_stop = now;
        drain_deadline = now + timeout_ns + 100'000'000;
        cpu1 = TakeCpu(o.server_pid, o.ignore_pid);
      }
      if (o.preload && policy.phase == kPreload && now - last_progress > 5 * kSecond) {
        last_progress = now;
        const PhaseCounters& c = rec.Of(kPreload);
        std::fprintf(stderr, "ot-loadgen: preload %llu/%llu announces, %llu errors, %llu timeouts\n",
                     static_cast<unsigned long long>(c.sent),
                     static_cast<unsigned long long>(engine->PreloadTotal()),
                     static_cast<unsigned long long>(c.errors), static_cast<unsigned long long>(c.timeouts));
      }
    }
    if (draining && (engine->Inflight() == 0 || now >= drain_deadline)) break;

    int wait_ms = 5;
    if (!draining && !policy.closed_loop && policy.phase != kPreload) {
      const double due_f = static_cast<double>(now - rate_origin) * o.rate / 1e9;
      std::uint64_t due = static_cast<std::uint64_t>(due_f);
      if (due >
          rate_issued + static_cast<std::uint64_t>(o.rate / 10 + 1)) {  // >100 ms behind: drop the backlog
        rate_skipped += due - rate_issued;
        rate_issued = due;
      }
      while (rate_issued < due) {
        if (!engine->IssueOne(now)) {
          ++rate_skipped;  // every socket busy: this request is not sent
        }
        ++rate_issued;
      }
      wait_ms = 1;
      engine->FillAll(now);  // keeps UDP connection ids fresh
    }
    engine->Poll(wait_ms);
    now = NowNs();
    if (now - last_scan >= 5'000'000) {
      last_scan = now;
      engine->ScanTimeouts(now);
      if (!draining && (policy.closed_loop || policy.phase == kPreload)) engine->FillAll(now);
    }
  }

  // Summary.
  const PhaseCounters& m = rec.Of(kMeasure);
  const PhaseCounters& pre = rec.Of(kPreload);
  std::int64_t end = std::max(rec.last_measured_ns(), measure_stop);
  const double seconds = measured && measure_start > 0 ? static_cast<double>(end - measure_start) / 1e9 : 0;
  const double rps = seconds > 0 ? static_cast<double>(m.responses) / seconds : 0;
  const double cpu_wall = static_cast<double>(cpu1.wall_ns - cpu0.wall_ns) / 1e9;
  const double self_cpu = cpu_wall > 0 ? 100.0 * (cpu1.self_s - cpu0.self_s) / cpu_wall : 0;
  const double server_cpu =
      cpu_wall > 0 && o.server_pid > 0 ? 100.0 * (cpu1.server_s - cpu0.server_s) / cpu_wall : 0;
  const long rss = ServerRssKb(o.server_pid);
  const double mean_bytes =
      m.responses ? static_cast<double>(m.reply_bytes) / static_cast<double>(m.responses) : 0;

  std::string line = "RESULT";
  auto kv = [&line](const char* k, const std::string& v) { line += std::string(" ") + k + "=" + v; };
  auto num = [](double v, int decimals) {
    char b[64];
    std::snprintf(b, sizeof(b), "%.*f", decimals, v);
    return std::string(b);
  };
  auto u = [](std::uint64_t v) { return std::to_string(v); };
  kv("mode", ModeName(o.mode));
  kv("latency_mode", o.latency ? "1" : "0");
  if (!o.label.empty()) kv("label", o.label);
  kv("target", o.host + ":" + std::to_string(o.port));
  kv("concurrency", std::to_string(engine->Concurrency()));
  kv("addresses", u(engine->Addresses()));
  kv("torrents", u(o.workload.torrents));
  kv("peers", u(o.workload.peers));
  kv("seconds", num(seconds, 3));
  kv("sent", u(m.sent));
  kv("responses", u(m.responses));
  kv("responses_per_s", num(rps, 0));
  kv("announces", u(m.announces));
  kv("scrapes", u(m.scrapes));
  kv("errors", u(m.errors));
  kv("timeouts", u(m.timeouts));
  kv("late", u(m.late));
  kv("connects", u(m.connects + rec.Of(kWarmup).connects + pre.connects));
  kv("retries", u(m.retries));
  kv("reply_bytes_mean", num(mean_bytes, 1));
  kv("reply_bytes_p50", u(rec.SizePercentile(0.5)));
  kv("reply_bytes_p99", u(rec.SizePercentile(0.99)));
  kv("latency_p50_us", u(rec.LatencyPercentile(0.5)));
  kv("latency_p99_us", u(rec.LatencyPercentile(0.99)));
  kv("latency_max_us", u(rec.LatencyPercentile(1.0)));
  kv("latency_samples", u(rec.latency_samples()));
  if (o.latency) {
    kv("rate", num(o.rate, 0));
    kv("rate_skipped", u(rate_skipped));
  }
  if (o.preload) {
    kv("preload_s", num(static_cast<double>(preload_ns) / 1e9, 3));
    kv("preload_announces", u(pre.responses));
    kv("preload_errors", u(pre.errors));
    kv("preload_timeouts", u(pre.timeouts));
    kv("preload_per_s", num(preload_ns > 0 ? static_cast<double>(pre.responses) * 1e9 / preload_ns : 0, 0));
  }
  const PhaseCounters& wu = rec.Of(kWarmup);
  if (o.warmup > 0) {
    kv("warmup_errors", u(wu.errors));
    kv("warmup_timeouts", u(wu.timeouts));
  }
  kv("loadgen_cpu_pct", num(self_cpu, 0));
  if (o.server_pid > 0 && !(cpu0.server_ok && cpu1.server_ok)) {
    kv("server_cpu_pct", "NA");  // the tracker was gone (it crashed, or was stopped) by the end
    kv("server_alive", "0");
  } else if (o.server_pid > 0) {
    kv("server_cpu_pct", num(server_cpu, 0));
    // User-space share of it: the rest is the kernel (sockets, loopback network stack).
    const double server_total = cpu1.server_s - cpu0.server_s;
    kv("server_user_share_pct",
       num(server_total > 0 ? 100.0 * (cpu1.server_user_s - cpu0.server_user_s) / server_total : 0, 0));
    // Tracker CPU per answer: comparable even when the load generator, not the tracker, is the bottleneck.
    kv("server_cpu_us_per_response", num(rps > 0 ? server_cpu / 100 / rps * 1e6 : 0, 2));
    kv("server_rss_kb", std::to_string(rss));
  }
  kv("loadgen_cpu_us_per_response", num(rps > 0 ? self_cpu / 100 / rps * 1e6 : 0, 2));
  // CPU used by anything else during the window (other processes, kernel threads): a busy machine makes
  // figures noisy, and scripts/bench flags such runs.
  const double machine = cpu_wall > 0 ? 100.0 * (cpu1.machine_busy_s - cpu0.machine_busy_s) / cpu_wall : 0;
  const double ignored = cpu_wall > 0 ? 100.0 * std::max(0.0, cpu1.ignored_s - cpu0.ignored_s) / cpu_wall : 0;
  kv("other_cpu_pct", num(std::max(0.0, machine - self_cpu - std::max(0.0, server_cpu) - ignored), 0));
  // The busiest other process of the window (a compiler, ksoftirqd, a second ot-loadgen, ...).
  std::string top_name = "-";
  double top_s = 0;
  for (const auto& [pid, after] : cpu1.others) {
    const auto before = cpu0.others.find(pid);
    const double used = after.seconds - (before != cpu0.others.end() ? before->second.seconds : 0);
    if (used > top_s) {
      top_s = used;
      top_name = after.name;
    }
  }
  for (char& c : top_name) {
    if (c == ' ' || c == '=' || c < 0x21 || c > 0x7e) c = '_';
  }
  kv("other_top", top_name + ":" + num(cpu_wall > 0 ? 100.0 * top_s / cpu_wall : 0, 0));
  for (int k = 0; k < static_cast<int>(ErrorKind::kCount); ++k) {
    const std::uint64_t n = m.error_kinds[k] + pre.error_kinds[k] + wu.error_kinds[k];
    if (n) kv((std::string("err_") + ErrorName(static_cast<ErrorKind>(k))).c_str(), u(n));
  }
  std::printf(
      "# %s %s:%d%s: %llu responses in %.2f s = %.0f/s, %llu errors, %llu timeouts, latency p50 %u us "
      "p99 %u us, reply %.0f bytes mean%s\n",
      ModeName(o.mode), o.host.c_str(), o.port, o.latency ? " (latency)" : "",
      static_cast<unsigned long long>(m.responses), seconds, rps, static_cast<unsigned long long>(m.errors),
      static_cast<unsigned long long>(m.timeouts), rec.LatencyPercentile(0.5), rec.LatencyPercentile(0.99),
      mean_bytes,
      o.preload ? (", preload " + num(static_cast<double>(preload_ns) / 1e9, 1) + " s for " +
                   u(pre.responses) + " announces")
                      .c_str()
                : "");
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
  return 0;
}

// ---------------------------------------------------------------------------------------------------
// Full scrape client: GET /scrape with gzip accepted, in a loop, one at a time, read as fast as possible.

int RunFullScrape(const Options& o) {
  const std::int64_t start = NowNs();
  const std::int64_t end = start + static_cast<std::int64_t>(o.duration * 1e9);
  std::vector<char> buf(1 << 20);
  const std::string request =
      "GET /scrape HTTP/1.1\r\nHost: " + o.host + ":" + std::to_string(o.port) +
      "\r\nUser-Agent: ot-loadgen/1.0\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n";
  std::uint64_t done = 0, errors = 0, bytes = 0, raw = 0;
  double total_s = 0, max_s = 0;
  std::uint64_t error_kinds[static_cast<int>(ErrorKind::kCount)] = {};
  while (!g_stop && NowNs() < end) {
    const std::int64_t t0 = NowNs();
    ErrorKind failure = ErrorKind::kCount;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    timeval tv{};
    tv.tv_sec = std::max(1, o.timeout_ms / 1000);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    const sockaddr_in server = SockaddrOf(o.host_ip, static_cast<std::uint16_t>(o.port));
    std::string head_bytes;
    HttpHead head;
    bool have_head = false;
    ChunkedDecoder chunks;
    std::uint64_t body = 0;
    std::uint8_t first[3] = {}, last[8] = {};
    std::uint64_t wire = 0;
    auto sink = [&](const char* p, std::size_t n) {
      for (std::size_t i = 0; i < n; ++i) {
        if (body + i < 3) first[body + i] = static_cast<std::uint8_t>(p[i]);
      }
      if (n >= 8) {
        std::memcpy(last, p + n - 8, 8);
      } else {
        std::memmove(last, last + n, 8 - n);
        std::memcpy(last + 8 - n, p, n);
      }
      body += n;
    };
    if (fd < 0 || connect(fd, reinterpret_cast<const sockaddr*>(&server), sizeof(server)) != 0 ||
        send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
      failure = ErrorKind::kSocket;
    } else {
      for (;;) {
        const ssize_t n = recv(fd, buf.data(), buf.size(), 0);
        if (n < 0 && errno == EINTR && !g_stop) continue;
        if (n < 0) {
          failure = ErrorKind::kSocket;  // includes the receive timeout
          break;
        }
        wire += static_cast<std::uint64_t>(n);
        if (n == 0) {
          if (!have_head || (head.chunked && !chunks.Done()) ||
              (head.content_length != HttpHead::kNoLength && body != head.content_length)) {
            failure = ErrorKind::kHttpFraming;
          }
          break;
        }
        const char* p = buf.data();
        std::size_t len = static_cast<std::size_t>(n);
        if (!have_head) {
          head_bytes.append(p, len);
          const int rc = ParseHttpHead(head_bytes, &head);
          if (rc < 0) {
            failure = ErrorKind::kHttpFraming;
            break;
          }
          if (rc == 0) continue;
          have_head = true;
          if (head.status != 200) {
            failure = ErrorKind::kHttpStatus;
            break;
          }
          p = head_bytes.data() + head.header_length;
          len = head_bytes.size() - head.header_length;
        }
        if (head.chunked) {
          if (!chunks.Feed(p, len, sink)) {
            failure = ErrorKind::kHttpFraming;
            break;
          }
        } else {
          sink(p, len);
        }
      }
    }
    if (fd >= 0) close(fd);
    if (failure == ErrorKind::kCount &&
        (!head.gzip || body < 18 || first[0] != 0x1f || first[1] != 0x8b || first[2] != 8)) {
      failure = ErrorKind::kGzip;
    }
    const double s = static_cast<double>(NowNs() - t0) / 1e9;
    if (g_stop && failure != ErrorKind::kCount) break;  // interrupted mid-scrape: neither done nor an error
    if (failure == ErrorKind::kCount) {
      ++done;
      bytes += wire;
      total_s += s;
      max_s = std::max(max_s, s);
      // gzip's trailer: the uncompressed size modulo 2^32 (little endian).
      raw += std::uint64_t{last[4]} | (std::uint64_t{last[5]} << 8) | (std::uint64_t{last[6]} << 16) |
             (std::uint64_t{last[7]} << 24);
    } else {
      ++errors;
      ++error_kinds[static_cast<int>(failure)];
      usleep(100'000);
    }
  }
  const double seconds = static_cast<double>(NowNs() - start) / 1e9;
  std::string extra;
  for (int k = 0; k < static_cast<int>(ErrorKind::kCount); ++k) {
    if (error_kinds[k])
      extra +=
          " err_" + std::string(ErrorName(static_cast<ErrorKind>(k))) + "=" + std::to_string(error_kinds[k]);
  }
  std::printf("# fullscrape %s:%d: %llu full scrapes in %.1f s, %.1f MB received, %.2f s mean, %llu errors\n",
              o.host.c_str(), o.port, static_cast<unsigned long long>(done), seconds,
              static_cast<double>(bytes) / 1e6, done ? total_s / static_cast<double>(done) : 0.0,
              static_cast<unsigned long long>(errors));
  std::printf(
      "RESULT mode=fullscrape%s%s target=%s:%d seconds=%.3f fullscrapes=%llu errors=%llu "
      "wire_bytes_mean=%.0f gzip_isize_mean=%.0f fullscrape_s_mean=%.3f fullscrape_s_max=%.3f%s\n",
      o.label.empty() ? "" : " label=", o.label.c_str(), o.host.c_str(), o.port, seconds,
      static_cast<unsigned long long>(done), static_cast<unsigned long long>(errors),
      done ? static_cast<double>(bytes) / static_cast<double>(done) : 0.0,
      done ? static_cast<double>(raw) / static_cast<double>(done) : 0.0,
      done ? total_s / static_cast<double>(done) : 0.0, max_s, extra.c_str());
  return 0;
}

// ---------------------------------------------------------------------------------------------------
// Probe: ready when a UDP announce of torrent 0 gets a full reply (a whitelist tracker loads its list after
// binding, and refuses announces until then) and a TCP connection is accepted. The probe peer then stops.

int RunProbe(const Options& o) {
  const std::int64_t deadline = NowNs() + static_cast<std::int64_t>(o.wait * 1e9);
  const sockaddr_in server = SockaddrOf(o.host_ip, static_cast<std::uint16_t>(o.port));
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  timeval tv{0, 200'000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  const sockaddr_in local = SockaddrOf(0x7f0000fe, 0);  // 127.0.0.254: not a load address
  if (fd < 0 || bind(fd, reinterpret_cast<const sockaddr*>(&local), sizeof(local)) != 0 ||
      connect(fd, reinterpret_cast<const sockaddr*>(&server), sizeof(server)) != 0) {
    std::fprintf(stderr, "ot-loadgen: probe socket: %s\n", std::strerror(errno));
    return 1;
  }
  std::uint32_t txid = 0x70000000;
  auto exchange = [&](std::uint8_t* packet, std::size_t n, std::uint8_t* reply) -> ssize_t {
    PutBe32(packet + 12, ++txid);
    if (send(fd, packet, n, 0) != static_cast<ssize_t>(n)) return -1;
    for (;;) {
      const ssize_t got = recv(fd, reply, 2048, 0);
      if (got < 0) return -1;
      if (got >= 8 && Be32(reply + 4) == txid) return got;
    }
  };
  bool udp_ok = false;
  std::uint8_t id[8];
  std::uint8_t reply[2048];
  while (!g_stop && NowNs() < deadline) {
    std::uint8_t connect_packet[16];
    PutBe64(connect_packet, kUdpMagic);
    PutBe32(connect_packet + 8, 0);
    std::uint64_t connection_id;
    ErrorKind kind;
    ssize_t n = exchange(connect_packet, 16, reply);
    if (n < 0 || !CheckUdpConnect(reply, static_cast<std::size_t>(n), txid, &connection_id, &kind)) {
      usleep(100'000);
      continue;
    }
    std::memcpy(id, &connection_id, 8);
    std::uint8_t announce[98] = {};
    std::memcpy(announce, id, 8);
    PutBe32(announce + 8, 1);
    const Hash h = InfoHashOf(0);
    std::memcpy(announce + 16, h.data(), 20);
    PeerId(0xffffffffffULL, reinterpret_cast<char*>(announce + 36));
    PutBe32(announce + 80, static_cast<std::uint32_t>(Event::kStarted));
    PutBe32(announce + 92, 0);
    PutBe16(announce + 96, 1);
    n = exchange(announce, 98, reply);
    if (n >= 0 && CheckUdpAnnounce(reply, static_cast<std::size_t>(n), txid, 0, false, &kind)) {
      PutBe32(announce + 80, static_cast<std::uint32_t>(Event::kStopped));
      exchange(announce, 98, reply);
      udp_ok = true;
      break;
    }
    usleep(100'000);
  }
  close(fd);
  bool tcp_ok = false;
  while (udp_ok && !g_stop && NowNs() < deadline) {
    int t = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    tcp_ok = t >= 0 && connect(t, reinterpret_cast<const sockaddr*>(&server), sizeof(server)) == 0;
    if (t >= 0) close(t);
    if (tcp_ok) break;
    usleep(100'000);
  }
  if (!udp_ok || !tcp_ok) {
    std::fprintf(stderr, "ot-loadgen: tracker at %s:%d not ready after %.0f s (udp %s, tcp %s)\n",
                 o.host.c_str(), o.port, o.wait, udp_ok ? "ok" : "no", tcp_ok ? "ok" : "no");
    return 1;
  }
  return 0;
}

int PrintHashes(std::uint64_t n) {
  std::string chunk;
  chunk.reserve(1 << 20);
  for (std::uint64_t i = 0; i < n; ++i) {
    chunk += InfoHashHex(i);
    chunk += '\n';
    if (chunk.size() > (1 << 20) - 64) {
      std::fwrite(chunk.data(), 1, chunk.size(), stdout);
      chunk.clear();
    }
  }
  std::fwrite(chunk.data(), 1, chunk.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}

// A port free for both TCP and UDP on 127.0.0.1 (the trackers bind both).
int FreePort() {
  for (int attempt = 0; attempt < 100; ++attempt) {
    int t = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a = SockaddrOf(0x7f000001, 0);
    socklen_t len = sizeof(a);
    if (t < 0 || bind(t, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 ||
        getsockname(t, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      return 1;
    }
    int u = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    const bool ok = u >= 0 && bind(u, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
    close(t);
    if (u >= 0) close(u);
    if (ok) {
      std::printf("%d\n", ntohs(a.sin_port));
      return 0;
    }
  }
  return 1;
}

}  // namespace
}  // namespace ot::bench

int main(int argc, char** argv) {
  using namespace ot::bench;
  Options o;
  bool mode_given = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) Usage((a + " needs a value").c_str());
      return argv[++i];
    };
    if (a == "--self-test") return SelfTest();
    if (a == "--free-port") return FreePort();
    if (a == "--print-hashes") return PrintHashes(ParseCount(value(), "--print-hashes"));
    if (a == "--help" || a == "-h") Usage(nullptr);
    if (a == "--mode") {
      const std::string m = value();
      mode_given = true;
      if (m == "udp") {
        o.mode = Mode::kUdp;
      } else if (m == "http") {
        o.mode = Mode::kHttp;
      } else if (m == "http-keepalive") {
        o.mode = Mode::kHttpKeepAlive;
      } else if (m == "fullscrape") {
        o.mode = Mode::kFullScrape;
      } else if (m == "probe") {
        o.mode = Mode::kProbe;
      } else {
        Usage("unknown mode");
      }
    } else if (a == "--host") {
      o.host = value();
      in_addr ip{};
      if (inet_pton(AF_INET, o.host.c_str(), &ip) != 1) Usage("--host takes an IPv4 address");
      o.host_ip = ntohl(ip.s_addr);
      // Loopback only: this tool sends millions of requests from spoofable-looking source addresses.
      if ((o.host_ip >> 24) != 127) Usage("--host must be on 127.0.0.0/8");
    } else if (a == "--port") {
      o.port = static_cast<int>(ParseCount(value(), "--port"));
    } else if (a == "--sockets") {
      o.sockets = static_cast<int>(ParseCount(value(), "--sockets"));
    } else if (a == "--window") {
      o.window = static_cast<int>(ParseCount(value(), "--window"));
    } else if (a == "--connections") {
      o.connections = static_cast<int>(ParseCount(value(), "--connections"));
    } else if (a == "--torrents") {
      o.workload.torrents = ParseCount(value(), "--torrents");
    } else if (a == "--peers") {
      o.workload.peers = ParseCount(value(), "--peers");
    } else if (a == "--zipf") {
      o.workload.zipf_exponent = ParseDouble(value(), "--zipf");
    } else if (a == "--seeders") {
      o.workload.seeder_fraction = ParseDouble(value(), "--seeders");
    } else if (a == "--scrape-every") {
      o.workload.scrape_every = static_cast<int>(ParseCount(value(), "--scrape-every"));
    } else if (a == "--numwant") {
      o.numwant = static_cast<std::uint32_t>(ParseCount(value(), "--numwant"));
    } else if (a == "--duration") {
      o.duration = ParseDouble(value(), "--duration");
    } else if (a == "--warmup") {
      o.warmup = ParseDouble(value(), "--warmup");
    } else if (a == "--requests") {
      o.requests = ParseCount(value(), "--requests");
    } else if (a == "--preload") {
      o.preload = true;
    } else if (a == "--latency") {
      o.latency = true;
    } else if (a == "--rate") {
      o.rate = ParseDouble(value(), "--rate");
    } else if (a == "--timeout-ms") {
      o.timeout_ms = static_cast<int>(ParseCount(value(), "--timeout-ms"));
    } else if (a == "--seed") {
      o.seed = ParseCount(value(), "--seed");
    } else if (a == "--label") {
      o.label = value();
    } else if (a == "--server-pid") {
      o.server_pid = static_cast<int>(ParseCount(value(), "--server-pid"));
    } else if (a == "--ignore-pid") {
      o.ignore_pid = static_cast<int>(ParseCount(value(), "--ignore-pid"));
    } else if (a == "--wait") {
      o.wait = ParseDouble(value(), "--wait");
    } else {
      Usage(("unknown option " + a).c_str());
    }
  }
  if (!mode_given) Usage("--mode is required");
  if (o.port <= 0 || o.port > 65535) Usage("--port is required (1-65535)");
  if (o.workload.torrents == 0 || o.workload.peers == 0) Usage("--torrents and --peers must be > 0");
  if (o.window < 1 || o.window > 256) Usage("--window must be 1..256");
  if (o.sockets < 1 || o.timeout_ms < 1) Usage("--sockets and --timeout-ms must be > 0");
  if (o.latency && o.rate <= 0) Usage("--rate must be > 0");
  if (o.preload && o.mode == Mode::kHttpKeepAlive) Usage("--preload needs --mode udp or http");
  if (o.label.find_first_of(" \t\n=") != std::string::npos) Usage("--label may not contain blanks or '='");

  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  // Many sockets: raise the descriptor limit as far as allowed.
  rlimit nofile{};
  if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
    nofile.rlim_cur = nofile.rlim_max;
    setrlimit(RLIMIT_NOFILE, &nofile);
  }

  switch (o.mode) {
    case Mode::kFullScrape:
      return RunFullScrape(o);
    case Mode::kProbe:
      return RunProbe(o);
    default:
      return RunLoad(o);
  }
}
