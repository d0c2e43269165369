#include "app/stats_responder.hpp"

#include "opentracker/proto/http_reply.hpp"

namespace ot::app {

net::HttpDisposition StatsResponderImpl::Stats(const proto::StatsQuery& query, const proto::HttpRequest& request,
                                               const net::ClientInfo&, net::ConnectionToken,
                                               const net::CancelFlag&, service::ThreadContext& context,
                                               std::string& out) {
  bool keep = request.version == proto::HttpVersion::k11 && !request.connection_close;
  if (query.Mode() == "version") {
    std::string body;
    for (int i = 0; i < 14; ++i) body += "$Source$: $Revision$\n";
    proto::AppendOkResponse(body, keep ? proto::CloseAfter::kNo : proto::CloseAfter::kYes, out);
    return keep ? net::HttpDisposition::kReply : net::HttpDisposition::kReplyAndClose;
  }
  context.counters.AddHttpError(HttpError::kInvalidParameter);
  proto::AppendErrorResponse(HttpError::kInvalidParameter, proto::CloseAfter::kYes, out);
  return net::HttpDisposition::kReplyAndClose;
}

net::HttpDisposition StatsResponderImpl::Metrics(const proto::HttpRequest&, net::ConnectionToken,
                                                 const net::CancelFlag&, service::ThreadContext& context,
                                                 std::string& out) {
  context.counters.AddHttpError(HttpError::kNotFound);
  proto::AppendErrorResponse(HttpError::kNotFound, proto::CloseAfter::kYes, out);
  return net::HttpDisposition::kReplyAndClose;
}

net::HttpDisposition StatsResponderImpl::FullScrape(const proto::HttpRequest&, const net::ClientInfo&,
                                                    net::ConnectionToken, const net::CancelFlag&,
                                                    service::ThreadContext& context, std::string& out) {
  context.counters.AddHttpError(HttpError::kNotFound);
  proto::AppendErrorResponse(HttpError::kNotFound, proto::CloseAfter::kYes, out);
  return net::HttpDisposition::kReplyAndClose;
}

}  // namespace ot::app
