// CropCollector: keeps the best crop of each track and commits it, as a JPEG, to the outbox
// when the track ends.
//
// Contract
// - OnFrame(frame, tracks, events) is called once per frame in stream order with the tracker's
//   confirmed tracks and the analytics events of that frame (the end-of-stream packet, with an
//   empty image, too). For every track updated by a detection this frame (predicted boxes are
//   guesses and are skipped) it rates the view
//       quality = score x box area x (edge_penalty if the box is cut by the frame edge, else 1)
//   ("cut" = within edge_margin_px of a border), and keeps a downscaled copy (longest side
//   <= max_side) of the box plus a context margin when the view beats the one it holds.
// - A track's crop is committed when the frame's events contain the track's "track"/"end"
//   event (after this frame's tracks were rated), on Flush(track_id) or FlushAll() (end of run),
//   and, to bound memory, when more than max_tracks tracks are held (the track seen longest ago
//   goes first). Committing = JPEG (libjpeg-turbo, quality jpeg_quality, lowered in steps down to
//   min_quality and then downscaled until it fits max_jpeg_bytes) framed as crop_payload.h,
//   Outbox::Append(kCrop, "edgesight/v1/<device>/<stream>/crops", payload, id) with
//   id = "<track start event id>/crop", linked to the event ids of the track's start and end.
//   With options.on_crop the crop also goes there; the outbox may then be null (crops for a
//   local consumer only).
// - Crops are optional: a crop that cannot be encoded or that the outbox refuses under its size
//   policy (outbox full, or a crop larger than the whole outbox) is counted in stats().dropped and
//   the call returns OK. An outbox I/O failure is returned (and counted); the caller decides
//   whether that stops the run (the events' own commit will fail the same way).
// - Cost: one ROI resize when a track's view improves; one JPEG encode (~1 ms for 256 px) and
//   one durable append per track, when it ends.
// Thread-safety: not thread-safe; one caller thread (the pipeline's output or track thread).
// The outbox (and publisher, if given) must outlive the collector.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "analytics/event.h"
#include "edgesight/status.h"
#include "edgesight/types.h"
#include "uplink/mqtt_publisher.h"
#include "uplink/outbox.h"

namespace es {

// A committed crop, for a consumer besides the outbox (the local event store).
struct CropView {
  std::string stream;
  int track_id = 0;
  std::string start_id;  // the track's start event id ("" if the track had none)
  std::string end_id;
  std::string_view jpeg;
};

struct CropOptions {
  std::string device = "edge0";
  // Also called with every crop committed (after the outbox took it, or instead of the outbox
  // when there is none); on the collector's thread.
  std::function<void(const CropView&)> on_crop;
  int max_side = 256;                  // longest side of the JPEG, px (never upscaled); >= 16
  int jpeg_quality = 80;               // first try, 1..100
  int min_quality = 40;                // lowest quality before downscaling further
  int64_t max_jpeg_bytes = 48 * 1024;  // bound of the JPEG; >= 1024
  float context = 0.1f;                // margin on each side, fraction of the box's size
  float edge_margin_px = 2.f;          // a box this close to a border is "cut by the edge"
  float edge_penalty = 0.25f;          // quality factor of a cut view, 0..1
  float min_box_side = 8.f;            // smaller boxes are not worth a crop, px
  size_t max_tracks = 128;             // tracks held at once (memory bound)
};

struct CropStats {
  int64_t views_kept = 0;  // times a better view replaced the held one
  int64_t committed = 0;   // crops appended to the outbox
  int64_t dropped = 0;     // not encodable, refused by the outbox, or outbox failure
  int64_t bytes = 0;       // payload bytes committed
  std::string last_error;
};

// Rating used to pick the best view (see the contract); exposed for tests.
double CropQuality(const TrackOutput& t, int frame_width, int frame_height,
                   const CropOptions& o, bool* edge_cut = nullptr);

class CropCollector {
 public:
  static Result<std::unique_ptr<CropCollector>> Create(Outbox* outbox, CropOptions options,
                                                       MqttPublisher* publisher = nullptr);

  Status OnFrame(const Frame& frame, const std::vector<TrackOutput>& tracks,
                 const std::vector<Event>& events);
  // Commits the held crop of (stream, track_id) now, if any, and forgets the track.
  Status Flush(const std::string& stream, int track_id);
  Status FlushAll();

  size_t held() const { return held_.size(); }
  const CropStats& stats() const { return stats_; }

 private:
  struct Held {
    cv::Mat image;  // the downscaled crop (owned copy)
    double quality = 0;
    TrackOutput track;
    BBox crop_box;
    bool edge_cut = false;
    int64_t frame_seq = -1;
    int64_t pts_us = 0;
    int64_t last_seen = 0;  // frame seq when last rated
    std::string start_id, end_id;
  };
  using Key = std::pair<std::string, int>;  // (stream, track id)

  CropCollector(Outbox* outbox, CropOptions options, MqttPublisher* publisher)
      : outbox_(outbox), o_(std::move(options)), publisher_(publisher) {}
  void Rate(const Frame& frame, const TrackOutput& t);
  Status Commit(const Key& key, const Held& h);
  Status EvictIfNeeded();

  Outbox* outbox_;
  CropOptions o_;
  MqttPublisher* publisher_;
  std::map<Key, Held> held_;  // also tracks with a start event and no view yet
  CropStats stats_;
};

}  // namespace es
