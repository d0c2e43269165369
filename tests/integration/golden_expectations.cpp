// The golden replay's expectation table: where the port deliberately answers
// differently from the captured upstream bytes. Read it as documentation;
// change a row when a port decision changes. Counter values in stats rows are
// the golden ones shifted by the port differences earlier in the same
// sequence; the comments say which. Sequences (see golden_replay_test.cpp):
//   DEB  (tracker B): http-B-main 01..133, udp-B 01..34, http-B-cross 500..511,
//        whitelist edit + SIGHUP, http-B-hup 600;
//   DEB  (tracker A): http-A-restricted 01..03;
//   HEAD (open, dual stack, -l state file): http-v4 01..137, http-v6 800..805,
//        udp-v4 01..34, udp-v6 01..34, http-v4-cross 500..510.
#include "golden_expectations.hpp"

#include <array>

namespace ot::integration {
namespace {

using A = Applies;
using R = Rule;

constexpr std::string_view kDeb = "http-B-main";
constexpr std::string_view kDebUdp = "udp-B";
constexpr std::string_view kDebCross = "http-B-cross";
constexpr std::string_view kHeadV4 = "upstream-head-localbuild/http-v4";
constexpr std::string_view kHeadV6 = "upstream-head-localbuild/http-v6";
constexpr std::string_view kHeadUdp4 = "upstream-head-localbuild/udp-v4";
constexpr std::string_view kHeadUdp6 = "upstream-head-localbuild/udp-v6";
constexpr std::string_view kHeadCross = "upstream-head-localbuild/http-v4-cross";

// Reasons, by PORT-DECISIONS section.
constexpr std::string_view kWhyCompact0 =
    "PORT-DECISIONS §4: compact=0 gets BEP 3 dictionary peers (ip, port) instead of 400";
constexpr std::string_view kWhyCompact0Counts =
    "the compact=0 announce (DEB 32 / HEAD 36) succeeds in the port: +1 announce, +1 renew[00], 400 COM -1";
constexpr std::string_view kWhyAsync = "brief: async stats replies use HEAD's HTTP/1.1 200 OK header";
constexpr std::string_view kWhyChunked =
    "brief/HEAD §7.2: full scrapes, tpbs and statedump over HTTP/1.1 are chunked application/octet-stream";
constexpr std::string_view kWhyHttp10Scrape =
    "brief: an HTTP/1.0 full scrape gets a Content-Length body (assumed: DEB's header, text/plain)";
constexpr std::string_view kWhyNoGzip =
    "PORT-DECISIONS §3: gzip only when Accept-Encoding (or the query) asks for it; HEAD rule for "
    "tpbs/statedump";
constexpr std::string_view kWhyUaGzip =
    "PORT-DECISIONS §3: gzip is chosen by Accept-Encoding; 'gzip' in User-Agent no longer counts";
constexpr std::string_view kWhyFscr =
    "PORT-DECISIONS §3: fscr counts full scrapes (line 1 = count x 1000 as upstream's "
    "format, line 2 = bytes sent)";
constexpr std::string_view kWhyHerr =
    "PORT-DECISIONS §3: herr prints each label's own counter (403, 404, 500) and adds the two 402 counters "
    "(NMD = not modest, PAY = payment required) as lines 8 and 9";
constexpr std::string_view kWhyTop =
    "assumed, PORT-DECISIONS 'where silent follow HEAD': HEAD's top lists (third block by leechers, ties: "
    "later hash "
    "first)";
constexpr std::string_view kWhyWoodpecker =
    "brief: woodpeckers/fulllog without their switch behave as HEAD (connection closed, no reply)";
constexpr std::string_view kWhyBusy = "PORT-DECISIONS §3: busy is answered (not 500)";
constexpr std::string_view kWhyInfoHash = "HEAD §6: /stats?info_hash= is 400";
constexpr std::string_view kWhyTpbsDefault = "PORT-DECISIONS §3: tpbs without format defaults to bencode";
constexpr std::string_view kWhyPipelined = "PORT-DECISIONS §1: pipelined requests are all answered, in order";
constexpr std::string_view kWhyUdpAuth =
    "PORT-DECISIONS §3: a not-authorised UDP announce gets an action=3 error packet";
constexpr std::string_view kWhyUdpPartial = "PORT-DECISIONS §3: a partial trailing scrape hash is ignored";
constexpr std::string_view kWhyPeers0 =
    "PORT-DECISIONS §2: DEB's 5:peers0: is kept when no v4 peers are returned";
constexpr std::string_view kWhyRestore =
    "PORT-DECISIONS §3: statedump restore never doubles downloaded (HEAD restored 7 as 14)";
constexpr std::string_view kWhyVersion =
    "brief: the HEAD sequence ignores the version text (the port prints DEB's)";
constexpr std::string_view kWhyS24s =
    "assumed: IPv4 networks printed dotted as DEB (HEAD's '7f00::' is quirk 13); lead to confirm";
constexpr std::string_view kWhyRandom = "spec §11.5: random peer choice when numwant < swarm size";
constexpr std::string_view kWhySilent = "golden: no reply, connection left open";
constexpr std::string_view kWhySecond = "ot_udp_probe.py: sent from the second client socket";

const auto kRules = std::to_array<CaseRule>({
    // ======================= DEB, tracker B: http-B-main =======================
    {kDeb, "26-ann-numwant-1", A::kBoth, R::kRandomPeers, "24-ann-event-unknown", "", kWhyRandom},
    {kDeb, "27-ann-numwant-2", A::kBoth, R::kRandomPeers, "24-ann-event-unknown", "", kWhyRandom},
    {kDeb, "32-ann-compact-0", A::kPort, R::kDictPeers, "34-ann-compact6", "", kWhyCompact0},
    {kDeb, "85-fullscrape-plain", A::kPort, R::kHeadFraming, "", "", kWhyChunked},
    {kDeb, "86-fullscrape-gzip", A::kPort, R::kHeadFraming, "", "", kWhyChunked},
    {kDeb, "87-fullscrape-gzip-in-ua", A::kPort, R::kHeadFraming, "", "", kWhyChunked},
    {kDeb, "87-fullscrape-gzip-in-ua", A::kPort, R::kNoGzip, "", "", kWhyUaGzip},
    // 88-fullscrape-http10: DEB's bytes (+ Connection: close).
    {kDeb, "89-stats-noargs", A::kPort, R::kAsyncHeader, "", "", kWhyAsync},
    {kDeb, "90-stats-mode-peer", A::kPort, R::kAsyncHeader, "", "", kWhyAsync},
    {kDeb, "91-stats-mode-conn", A::kPort, R::kSubstitute, "\n43\n", "\n44\n", kWhyCompact0Counts},
    {kDeb, "94-stats-mode-tcp4", A::kPort, R::kSubstitute, "\n43\n", "\n44\n", kWhyCompact0Counts},
    {kDeb, "95-stats-mode-torr", A::kPort, R::kAsyncHeader, "", "", kWhyAsync},
    // 4 full scrapes: 85..88.
    {kDeb, "96-stats-mode-fscr", A::kPort, R::kBody,
     "4000\n{+}\n{*} seconds ({*} hours)\nopentracker full scrape stats, {*} conns/s :: {*} bytes/s.", "",
     kWhyFscr},
    {kDeb, "97-stats-mode-s24s", A::kPort, R::kAsyncHeader, "", "", kWhyAsync},
    // 7 = the 404s of cases 03 04 05 10 11 12 65; COM 0: compact=0 is no error.
    {kDeb, "98-stats-mode-herr", A::kPort, R::kBody,
     "302 RED 2\n400 ... 4\n400 PAR 17\n400 COM 0\n403 IP  0\n404 INV 7\n500 SRV 0\n402 NMD 0\n402 PAY 0\n",
     "", kWhyHerr},
    {kDeb, "100-stats-mode-top10", A::kPort, R::kAsyncHeader, "", "", kWhyAsync},
    {kDeb, "100-stats-mode-top10", A::kPort, R::kBody,
     "Top 10 torrents by peers:\n\t10\t4142434445464748494A4B4C4D4E4F5051525354\n"
     "\t4\t0102030405060708090A0B0C0D0E0F1011121314\n\t1\tDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD\n"
     "Top 10 torrents by seeds:\n\t3\t4142434445464748494A4B4C4D4E4F5051525354\n"
     "\t1\tDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD\n\t1\t0102030405060708090A0B0C0D0E0F1011121314\n"
     "Top 10 torrents by leechers:\n\t7\t4142434445464748494A4B4C4D4E4F5051525354\n"
     "\t3\t0102030405060708090A0B0C0D0E0F1011121314\n",
     "", kWhyTop},
    {kDeb, "101-stats-mode-top100", A::kPort, R::kAsyncHeader, "", "", kWhyAsync},
    {kDeb, "101-stats-mode-top100", A::kPort, R::kBody,
     "Top 100 torrents by peers:\n\t10\t4142434445464748494A4B4C4D4E4F5051525354\n"
     "\t4\t0102030405060708090A0B0C0D0E0F1011121314\n\t1\tDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD\n"
     "Top 100 torrents by seeds:\n\t3\t4142434445464748494A4B4C4D4E4F5051525354\n"
     "\t1\tDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD\n\t1\t0102030405060708090A0B0C0D0E0F1011121314\n"
     "Top 100 torrents by leechers:\n\t7\t4142434445464748494A4B4C4D4E4F5051525354\n"
     "\t3\t0102030405060708090A0B0C0D0E0F1011121314\n",
     "", kWhyTop},
    {kDeb, "102-stats-mode-renew", A::kPort, R::kSubstitute, "00 20\n", "00 21\n", kWhyCompact0Counts},
    {kDeb, "105-stats-mode-everything", A::kPort, R::kAsyncHeader, "", "", kWhyAsync},
    {kDeb, "105-stats-mode-everything", A::kPort, R::kSubstitute, "<announce>43</announce>",
     "<announce>44</announce>", kWhyCompact0Counts},
    {kDeb, "105-stats-mode-everything", A::kPort, R::kSubstitute, "<count interval=\"00\">20</count>",
     "<count interval=\"00\">21</count>", kWhyCompact0Counts},
    {kDeb, "105-stats-mode-everything", A::kPort, R::kSubstitute, "(compact=0)\">1</count>",
     "(compact=0)\">0</count>", kWhyCompact0Counts},
    {kDeb, "106-stats-mode-woodpeckers", A::kPort, R::kNoReplyClosed, "", "", kWhyWoodpecker},
    {kDeb, "107-stats-mode-fulllog", A::kPort, R::kNoReplyClosed, "", "", kWhyWoodpecker},
    {kDeb, "108-stats-mode-busy", A::kPort, R::kBusyAnswered, "", "", kWhyBusy},
    {kDeb, "112-stats-unknown-param", A::kPort, R::kAsyncHeader, "", "", kWhyAsync},
    {kDeb, "113-stats-infohash-param", A::kPort, R::kStatusLike, "110-stats-mode-unknown", "", kWhyInfoHash},
    {kDeb, "115-stats-tpbs-txt", A::kPort, R::kHeadFraming, "", "", kWhyChunked},
    {kDeb, "115-stats-tpbs-txt", A::kPort, R::kNoGzip, "", "", kWhyNoGzip},
    {kDeb, "116-stats-tpbs-txtp", A::kPort, R::kHeadFraming, "", "", kWhyChunked},
    {kDeb, "116-stats-tpbs-txtp", A::kPort, R::kNoGzip, "", "", kWhyNoGzip},
    {kDeb, "117-stats-tpbs-bin", A::kPort, R::kHeadFraming, "", "", kWhyChunked},
    {kDeb, "117-stats-tpbs-bin", A::kPort, R::kNoGzip, "", "", kWhyNoGzip},
    {kDeb, "118-stats-tpbs-url", A::kPort, R::kHeadFraming, "", "", kWhyChunked},
    {kDeb, "118-stats-tpbs-url", A::kPort, R::kNoGzip, "", "", kWhyNoGzip},
    {kDeb, "119-stats-tpbs-ben", A::kPort, R::kHeadFraming, "", "", kWhyChunked},
    {kDeb, "119-stats-tpbs-ben", A::kPort, R::kNoGzip, "", "", kWhyNoGzip},
    {kDeb, "120-stats-tpbs-txt-gzip", A::kPort, R::kHeadFraming, "", "", kWhyChunked},
    {kDeb, "121-stats-statedump", A::kPort, R::kHeadFraming, "", "", kWhyChunked},
    {kDeb, "121-stats-statedump", A::kPort, R::kNoGzip, "", "", kWhyNoGzip},
    {kDeb, "122-stats-tpbs-noformat", A::kReference, R::kNoReplyStaysOpen, "", "", kWhySilent},
    {kDeb, "122-stats-tpbs-noformat", A::kPort, R::kAnswerLike, "119-stats-tpbs-ben", "", kWhyTpbsDefault},
    {kDeb, "122-stats-tpbs-noformat", A::kPort, R::kHeadFraming, "", "", kWhyChunked},
    {kDeb, "122-stats-tpbs-noformat", A::kPort, R::kNoGzip, "", "", kWhyNoGzip},
    // 131 accepted connections (one per case) and 44 announces (43 + compact=0).
    {kDeb, "131-pipelined-two", A::kPort, R::kPipelinedSecond,
     "{A+131}\n44\n{*} seconds ({*} hours)\nopentracker tcp4 stats, {*} conns/s :: {*} success/s.", "",
     kWhyPipelined},
    {kDeb, "133-no-terminator", A::kBoth, R::kNoReplyStaysOpen, "", "", kWhySilent},

    // ======================= DEB, tracker B: udp-B =============================
    {kDebUdp, "03-connect-other-port", A::kBoth, R::kUdpSecondSocket, "", "", kWhySecond},
    {kDebUdp, "15-announce-peer2-seeder", A::kBoth, R::kUdpSecondSocket, "", "", kWhySecond},
    {kDebUdp, "30-announce-stopped", A::kBoth, R::kUdpSecondSocket, "", "", kWhySecond},
    {kDebUdp, "17-announce-numwant-1", A::kBoth, R::kRandomPeers, "16-announce-peer3", "", kWhyRandom},
    // action 3, transaction id 0x1000000a, the HTTP failure text without a NUL.
    {kDebUdp, "23-announce-not-whitelisted", A::kPort, R::kUdpReply,
     "000000031000000a52657175657374656420646f776e6c6f6164206973206e6f7420617574686f72697a656420666f722075736"
     "5"
     "2077697468207468697320747261636b65722e",
     "", kWhyUdpAuth},
    {kDebUdp, "28-scrape-partial-hash", A::kPort, R::kUdpTruncate, "20", "", kWhyUdpPartial},

    // ======================= DEB, tracker B: http-B-cross ======================
    // 62 = 44 TCP + 14 UDP announces + 4 connects; +1 for compact=0.
    {kDebCross, "503-cross-stats-conn", A::kPort, R::kSubstitute, "\n62\n", "\n63\n", kWhyCompact0Counts},
    {kDebCross, "505-cross-stats-renew", A::kPort, R::kSubstitute, "00 27\n", "00 28\n", kWhyCompact0Counts},
    // PAR 22: 21 + /stats?info_hash (113); 404: 03 04 05 10 11 12 65 123 124;
    // 500: 127 and 129 only (woodpeckers/fulllog close silently, busy answers).
    {kDebCross, "506-cross-stats-herr", A::kPort, R::kBody,
     "302 RED 2\n400 ... 4\n400 PAR 22\n400 COM 0\n403 IP  0\n404 INV 9\n500 SRV 2\n402 NMD 0\n402 PAY 0\n",
     "", kWhyHerr},
    {kDebCross, "507-cross-stats-everything", A::kPort, R::kAsyncHeader, "", "", kWhyAsync},
    {kDebCross, "507-cross-stats-everything", A::kPort, R::kSubstitute, "<announce>44</announce>",
     "<announce>45</announce>", kWhyCompact0Counts},
    {kDebCross, "507-cross-stats-everything", A::kPort, R::kSubstitute, "<count interval=\"00\">27</count>",
     "<count interval=\"00\">28</count>", kWhyCompact0Counts},
    {kDebCross, "507-cross-stats-everything", A::kPort, R::kSubstitute, "(compact=0)\">1</count>",
     "(compact=0)\">0</count>", kWhyCompact0Counts},
    {kDebCross, "507-cross-stats-everything", A::kPort, R::kSubstitute, "Invalid Parameter\">21</count>",
     "Invalid Parameter\">22</count>", kWhyInfoHash},
    {kDebCross, "507-cross-stats-everything", A::kPort, R::kSubstitute, "Internal Server Error\">5</count>",
     "Internal Server Error\">2</count>", kWhyWoodpecker},
    {kDebCross, "508-cross-stats-top10", A::kPort, R::kAsyncHeader, "", "", kWhyAsync},
    {kDebCross, "508-cross-stats-top10", A::kPort, R::kBody,
     "Top 10 torrents by peers:\n\t10\t4142434445464748494A4B4C4D4E4F5051525354\n"
     "\t4\tAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n\t4\t0102030405060708090A0B0C0D0E0F1011121314\n"
     "\t1\tDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD\n"
     "Top 10 torrents by seeds:\n\t3\t4142434445464748494A4B4C4D4E4F5051525354\n"
     "\t1\tDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD\n\t1\tAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
     "\t1\t0102030405060708090A0B0C0D0E0F1011121314\n"
     "Top 10 torrents by leechers:\n\t7\t4142434445464748494A4B4C4D4E4F5051525354\n"
     "\t3\tAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n\t3\t0102030405060708090A0B0C0D0E0F1011121314\n",
     "", kWhyTop},
    {kDebCross, "509-cross-stats-statedump", A::kPort, R::kHeadFraming, "", "", kWhyChunked},
    {kDebCross, "509-cross-stats-statedump", A::kPort, R::kNoGzip, "", "", kWhyNoGzip},
    {kDebCross, "510-cross-fullscrape", A::kPort, R::kHeadFraming, "", "", kWhyChunked},

    // ======================= HEAD: http-v4 ======================================
    {kHeadV4, "*", A::kPort, R::kSubstitute, "10:downloadedi14e", "10:downloadedi7e", kWhyRestore},
    {kHeadV4, "*", A::kPort, R::kSubstitute, "5555555555555555555555555555555555555555:1:0:14\n",
     "5555555555555555555555555555555555555555:1:0:7\n", kWhyRestore},
    {kHeadV4, "03-state-statedump", A::kPort, R::kSubstitute,
     "5555555555555555555555555555555555555555:29930339:14\n",
     "5555555555555555555555555555555555555555:29930339:7\n", kWhyRestore},
    {kHeadV4, "29-ann-numwant-0", A::kPort, R::kAppendEmptyPeers, "", "", kWhyPeers0},
    {kHeadV4, "30-ann-numwant-1", A::kBoth, R::kRandomPeers, "28-ann-event-unknown", "", kWhyRandom},
    {kHeadV4, "31-ann-numwant-2", A::kBoth, R::kRandomPeers, "28-ann-event-unknown", "", kWhyRandom},
    {kHeadV4, "36-ann-compact-0", A::kPort, R::kDictPeers, "38-ann-compact6", "", kWhyCompact0},
    {kHeadV4, "91-fullscrape-gzip-in-ua", A::kPort, R::kNoGzip, "", "", kWhyUaGzip},
    {kHeadV4, "92-fullscrape-http10", A::kPort, R::kDebFraming, "", "", kWhyHttp10Scrape},
    {kHeadV4, "95-stats-mode-conn", A::kPort, R::kSubstitute, "\n44\n", "\n45\n", kWhyCompact0Counts},
    {kHeadV4, "98-stats-mode-tcp4", A::kPort, R::kSubstitute, "\n44\n", "\n45\n", kWhyCompact0Counts},
    // 5 full scrapes: 02 (statefile group) and 89..92.
    {kHeadV4, "100-stats-mode-fscr", A::kPort, R::kBody,
     "5000\n{+}\n{*} seconds ({*} hours)\nopentracker full scrape stats, {*} conns/s :: {*} bytes/s.", "",
     kWhyFscr},
    {kHeadV4, "101-stats-mode-s24s", A::kPort, R::kBody,
     "Networks, limit /28:\n00000020: 127.0.0.0\n\nNetworks, limit /24:\n00000020: 127.0.0.0\n\n", "",
     kWhyS24s},
    // 7 = the 404s of cases 07 08 09 14 15 16 69.
    {kHeadV4, "102-stats-mode-herr", A::kPort, R::kBody,
     "302 RED 2\n400 ... 4\n400 PAR 17\n400 COM 0\n403 IP  0\n404 INV 7\n500 SRV 0\n402 NMD 0\n402 PAY 0\n",
     "", kWhyHerr},
    {kHeadV4, "106-stats-mode-renew", A::kPort, R::kSubstitute, "00 20\n", "00 21\n", kWhyCompact0Counts},
    {kHeadV4, "108-stats-mode-version", A::kPort, R::kAnyVersionText, "", "", kWhyVersion},
    {kHeadV4, "109-stats-mode-everything", A::kPort, R::kAnyVersionText, "", "", kWhyVersion},
    {kHeadV4, "109-stats-mode-everything", A::kPort, R::kSubstitute, "<announce>44</announce>",
     "<announce>45</announce>", kWhyCompact0Counts},
    {kHeadV4, "109-stats-mode-everything", A::kPort, R::kSubstitute, "<count interval=\"00\">20</count>",
     "<count interval=\"00\">21</count>", kWhyCompact0Counts},
    {kHeadV4, "109-stats-mode-everything", A::kPort, R::kSubstitute, "(compact=0)\">1</count>",
     "(compact=0)\">0</count>", kWhyCompact0Counts},
    {kHeadV4, "110-stats-mode-woodpeckers", A::kBoth, R::kNoReplyClosed, "", "", kWhyWoodpecker},
    {kHeadV4, "111-stats-mode-fulllog", A::kBoth, R::kNoReplyClosed, "", "", kWhyWoodpecker},
    {kHeadV4, "112-stats-mode-busy", A::kPort, R::kBusyAnswered, "", "", kWhyBusy},
    {kHeadV4, "125-stats-statedump", A::kPort, R::kSubstitute,
     "5555555555555555555555555555555555555555:29930384:14\n",
     "5555555555555555555555555555555555555555:29930384:7\n", kWhyRestore},
    {kHeadV4, "126-stats-tpbs-noformat", A::kReference, R::kNoReplyStaysOpen, "", "", kWhySilent},
    {kHeadV4, "126-stats-tpbs-noformat", A::kPort, R::kAnswerLike, "123-stats-tpbs-ben", "", kWhyTpbsDefault},
    {kHeadV4, "129-split-request", A::kPort, R::kAnyVersionText, "", "", kWhyVersion},
    {kHeadV4, "130-split-request-many", A::kPort, R::kAnyVersionText, "", "", kWhyVersion},
    {kHeadV4, "132-large-single-under", A::kPort, R::kAnyVersionText, "", "", kWhyVersion},
    {kHeadV4, "134-keepalive-requested", A::kPort, R::kAnyVersionText, "", "", kWhyVersion},
    {kHeadV4, "135-pipelined-two", A::kPort, R::kAnyVersionText, "", "", kWhyVersion},
    // 135 accepted connections and 45 announces (44 + compact=0).
    {kHeadV4, "135-pipelined-two", A::kPort, R::kPipelinedSecond,
     "{A+135}\n45\n{*} seconds ({*} hours)\nopentracker tcp4 stats, {*} conns/s :: {*} success/s.", "",
     kWhyPipelined},
    {kHeadV4, "136-crlf-then-lf", A::kPort, R::kAnyVersionText, "", "", kWhyVersion},
    {kHeadV4, "137-no-terminator", A::kBoth, R::kNoReplyStaysOpen, "", "", kWhySilent},

    // ======================= HEAD: http-v6 ======================================
    {kHeadV6, "802-v6-announce-numwant-0", A::kPort, R::kAppendEmptyPeers, "", "", kWhyPeers0},
    {kHeadV6, "803-v6-announce-numwant-2", A::kBoth, R::kRandomPeers, "801-v6-announce-seeder", "",
     kWhyRandom},

    // ======================= HEAD: udp-v4 / udp-v6 ==============================
    {kHeadUdp4, "03-connect-other-port", A::kBoth, R::kUdpSecondSocket, "", "", kWhySecond},
    {kHeadUdp4, "15-announce-peer2-seeder", A::kBoth, R::kUdpSecondSocket, "", "", kWhySecond},
    {kHeadUdp4, "30-announce-stopped", A::kBoth, R::kUdpSecondSocket, "", "", kWhySecond},
    {kHeadUdp4, "17-announce-numwant-1", A::kBoth, R::kRandomPeers, "16-announce-peer3", "", kWhyRandom},
    {kHeadUdp4, "28-scrape-partial-hash", A::kPort, R::kUdpTruncate, "20", "", kWhyUdpPartial},
    {kHeadUdp6, "03-connect-other-port", A::kBoth, R::kUdpSecondSocket, "", "", kWhySecond},
    {kHeadUdp6, "15-announce-peer2-seeder", A::kBoth, R::kUdpSecondSocket, "", "", kWhySecond},
    {kHeadUdp6, "30-announce-stopped", A::kBoth, R::kUdpSecondSocket, "", "", kWhySecond},
    {kHeadUdp6, "17-announce-numwant-1", A::kBoth, R::kRandomPeers, "16-announce-peer3", "", kWhyRandom},
    {kHeadUdp6, "28-scrape-partial-hash", A::kPort, R::kUdpTruncate, "20", "", kWhyUdpPartial},

    // ======================= HEAD: http-v4-cross ================================
    {kHeadCross, "*", A::kPort, R::kSubstitute, "10:downloadedi14e", "10:downloadedi7e", kWhyRestore},
    // 86 = 50 TCP + 28 UDP announces + 8 connects; +1 for compact=0.
    {kHeadCross, "503-cross-stats-conn", A::kPort, R::kSubstitute, "\n86\n", "\n87\n", kWhyCompact0Counts},
    {kHeadCross, "505-cross-stats-renew", A::kPort, R::kSubstitute, "00 37\n", "00 38\n", kWhyCompact0Counts},
    // 404: 07 08 09 14 15 16 69 127 128; 500: 131 and 133 (busy is answered).
    {kHeadCross, "506-cross-stats-herr", A::kPort, R::kBody,
     "302 RED 2\n400 ... 4\n400 PAR 22\n400 COM 0\n403 IP  0\n404 INV 9\n500 SRV 2\n402 NMD 0\n402 PAY 0\n",
     "", kWhyHerr},
    {kHeadCross, "507-cross-stats-everything", A::kPort, R::kAnyVersionText, "", "", kWhyVersion},
    {kHeadCross, "507-cross-stats-everything", A::kPort, R::kSubstitute, "<announce>50</announce>",
     "<announce>51</announce>", kWhyCompact0Counts},
    {kHeadCross, "507-cross-stats-everything", A::kPort, R::kSubstitute, "<count interval=\"00\">37</count>",
     "<count interval=\"00\">38</count>", kWhyCompact0Counts},
    {kHeadCross, "507-cross-stats-everything", A::kPort, R::kSubstitute, "(compact=0)\">1</count>",
     "(compact=0)\">0</count>", kWhyCompact0Counts},
    {kHeadCross, "507-cross-stats-everything", A::kPort, R::kSubstitute, "Internal Server Error\">3</count>",
     "Internal Server Error\">2</count>", kWhyBusy},
    {kHeadCross, "509-cross-stats-statedump", A::kPort, R::kSubstitute,
     "5555555555555555555555555555555555555555:29930384:14\n",
     "5555555555555555555555555555555555555555:29930384:7\n", kWhyRestore},
});

}  // namespace

std::span<const CaseRule> GoldenCaseRules() { return kRules; }

std::vector<const CaseRule*> RulesFor(std::string_view dir, std::string_view stem, bool port_mode) {
  std::vector<const CaseRule*> out;
  for (const CaseRule& r : kRules) {
    if (r.dir != dir || (r.stem != stem && r.stem != "*")) continue;
    if (r.applies == Applies::kPort && !port_mode) continue;
    if (r.applies == Applies::kReference && port_mode) continue;
    out.push_back(&r);
  }
  return out;
}

}  // namespace ot::integration
