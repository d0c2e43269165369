#include "app/completed_log.hpp"

#include <syslog.h>

#include <ctime>
#include <string>

#include "opentracker/proto/ip_text.hpp"

namespace ot::app {

void CompletedLog::OnAnnounce(const AnnounceRequest& request, const PeerEndpoint& peer,
                              const tracker::AnnounceOutcome& outcome, TimePoint now) {
  if (!outcome.completed) return;
  time_t t = static_cast<time_t>(now.unix_seconds);
  tm local{};
  localtime_r(&t, &local);
  char when[40];
  strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S%z", &local);
  std::string hash;
  proto::AppendHexUpper(request.info_hash.bytes, hash);
  std::string peer_id;
  if (request.peer_id) proto::AppendHexUpper(*request.peer_id, peer_id);
  syslog(LOG_INFO, "time=%s event=completed info_hash=%s peer_id=%s ip=%s", when, hash.c_str(), peer_id.c_str(),
         proto::FormatIp(peer.ip).c_str());
}

}  // namespace ot::app
