// File: work/dump_stream.hpp
// A dump of the whole torrent table (full scrape, tpbs formats, statedump)
// produced a chunk at a time, so a large table streams with bounded memory:
// each step formats a few shards (each under its own lock, so every torrent
// is consistent but the whole is not a snapshot, as upstream) and, for gzip,
// deflates them. One worker runs a stream's steps one after another.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "opentracker/stats/scrape_formats.hpp"
#include "opentracker/tracker/torrent_store.hpp"

namespace ot::work {

enum class Compression : std::uint8_t { kNone, kGzip };

class DumpStream {
 public:
  // Upstream builds 1 MiB chunks. The port makes small ones: they stay below
  // malloc's mmap threshold (no mmap/munmap, with its TLB shootdowns, on the
  // reactor thread that frees them) and each step, gzip included, takes well
  // under a millisecond, so an announce waiting for the core never waits
  // long behind a piece of a full scrape.
  static constexpr std::size_t kChunkBytes = 16 * 1024;

  DumpStream(const tracker::TorrentStore& store, stats::DumpFormat format, Compression compression);
  ~DumpStream();
  DumpStream(const DumpStream&) = delete;
  DumpStream& operator=(const DumpStream&) = delete;

  // Appends the next piece of the (possibly compressed) dump to `out`.
  // Returns true while more follows; false once the dump is complete.
  bool Next(std::string& out);

  std::uint64_t raw_bytes() const noexcept { return raw_bytes_; }
  std::uint64_t torrents() const noexcept { return torrents_; }

 private:
  void Deflate(const std::string& raw, bool finish, std::string& out);

  const tracker::TorrentStore& store_;
  const stats::DumpFormat format_;
  const Compression compression_;
  struct Zlib;
  std::unique_ptr<Zlib> zlib_;
  std::size_t next_shard_ = 0;
  bool started_ = false;
  bool finished_ = false;
  std::uint64_t raw_bytes_ = 0;
  std::uint64_t torrents_ = 0;
  std::string raw_;
};

}  // namespace ot::work
