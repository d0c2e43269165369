#include "opentracker/work/dump_stream.hpp"

#include <zlib.h>

#include <cstring>
#include <stdexcept>

namespace ot::work {

struct DumpStream::Zlib {
  z_stream stream{};
};

DumpStream::DumpStream(const tracker::TorrentStore& store, stats::DumpFormat format, Compression compression)
    : store_(store), format_(format), compression_(compression) {
  if (compression_ == Compression::kGzip) {
    zlib_ = std::make_unique<Zlib>();
    // Upstream's parameters: level 7, gzip wrapper (windowBits 15 + 16), memLevel 9.
    if (deflateInit2(&zlib_->stream, 7, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
      throw std::runtime_error("deflateInit2 failed");
    }
  }
  raw_.reserve(kChunkBytes + 4096);
}

DumpStream::~DumpStream() {
  if (zlib_) deflateEnd(&zlib_->stream);
}

void DumpStream::Deflate(const std::string& raw, bool finish, std::string& out) {
  z_stream& z = zlib_->stream;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
  z.avail_in = static_cast<uInt>(raw.size());
  char buffer[64 * 1024];
  int flush = finish ? Z_FINISH : Z_NO_FLUSH;
  for (;;) {
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof(buffer);
    int rc = deflate(&z, flush);
    out.append(buffer, sizeof(buffer) - z.avail_out);
    if (rc == Z_STREAM_END) return;
    if (z.avail_out != 0 && z.avail_in == 0 && !finish) return;  // all input taken
    if (rc == Z_STREAM_ERROR) throw std::runtime_error("deflate failed");
  }
}

bool DumpStream::Next(std::string& out) {
  if (finished_) return false;
  raw_.clear();
  if (!started_) {
    stats::AppendDumpPrefix(format_, raw_);
    started_ = true;
  }
  while (next_shard_ < tracker::TorrentStore::kShardCount && raw_.size() < kChunkBytes) {
    store_.VisitShard(next_shard_++, [this](const tracker::TorrentView& t) {
      stats::AppendDumpRecord(format_, t.info_hash, t.counts, t.base_minutes, raw_);
      ++torrents_;
    });
  }
  const bool last = next_shard_ >= tracker::TorrentStore::kShardCount;
  if (last) {
    stats::AppendDumpSuffix(format_, raw_);
    finished_ = true;
  }
  raw_bytes_ += raw_.size();
  if (compression_ == Compression::kGzip) {
    Deflate(raw_, last, out);
  } else {
    out.append(raw_);
  }
  return !last;
}

}  // namespace ot::work
