// Recorder: event clips for one stream — a pre-event ring of encoded packets, clips from
// pre_event_s before the first event to post_event_s after the last one, written by stream copy
// (H.264/H.265 sources) or from re-encoded frames (any other source), and retention by quota,
// age and free space.
//
// Inputs (see docs/recording.md)
// - OnPacket(): every encoded video packet of the source before decoding (FfmpegSource's packet
//   callback, capture thread). H.264/H.265 packets go into the ring (a reference, no copy);
//   packets of other codecs are ignored (the frames are re-encoded instead).
// - OnFrame(): every processed frame (track thread). Only when the source is not stream-copyable
//   (or gives no packets) is the frame (a reference to its image) queued for the encoder thread,
//   whose packets then feed the same ring. Otherwise it returns at once.
// - OnEvents(): the analytics events of a frame (track thread), in order. A start, update or
//   instant event starts a clip when none is open (from pre_event_s before the event's time t)
//   or extends the open one; a clip closes post_event_s after the last end/instant event once
//   no episode (start_id) it saw start is still open, or at the first keyframe after
//   max_clip_s, where a new clip continues without a gap while episodes are open. Each event
//   whose time falls in a clip gets Event::clip = the clip's file name (relative to
//   options.dir); when recording is degraded or off, events get no clip.
// Times: event t and packet times are both on the stream clock (FfmpegSource pts_us). A jump
// of the packet clock (a live reconnect) cuts the open clip and restarts the ring.
// Guarantees
// - Never blocks capture or tracking: the input calls take the recorder mutex for a ring push
//   or a queue push only. Disk I/O, muxing and retention run on the recorder's writer thread
//   behind a queue bounded by queue_max_bytes; when it is full, packets are dropped up to the
//   next keyframe (a clip stays decodable) and counted. The encoder thread's input queue keeps
//   the newest encode_queue_frames frames (drop oldest, counted).
// - A clip is written to <name>.part and renamed when complete: a clip name in the directory is
//   always a complete, playable file. Leftover .part files of this stream are removed at start.
// - A failure (cannot create or write a clip: ENOSPC, EFBIG, read-only or vanished directory;
//   a clip larger than the whole quota; free space below min_free_bytes with no clip left to
//   delete) aborts the clip being written (its partial file is deleted) and makes the recorder
//   degraded: no new clips, events get no clip name, the reason is in stats(). Every retry_s it
//   checks whether it can write again and recovers. Nothing is ever returned to the pipeline as
//   an error: a full disk degrades recording, never tracking.
// - Retention (clip_retention.h) runs at start, after every clip, every retention_interval_s and
//   whenever the clip being written would exceed the quota: oldest clips first, clips only.
// - Finish() closes the open clip at the last packet received, flushes the encoder and waits up
//   to finish_timeout_s for the queue to reach the disk (then abandons the rest, counted), and
//   joins both threads. Inputs after Finish() are ignored. The destructor calls Finish().
// Threads: the writer and the encoder are core/worker.h workers, each fed by a
// core/bounded_queue.h mailbox (the writer's unbounded in items, bounded in bytes by
// queue_max_bytes here; the encoder's kDropOldest of encode_queue_frames).
// Thread-safety: OnPacket from the capture thread; OnFrame/OnEvents from one (track) thread;
// stats() and Finish() from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "analytics/event.h"
#include "core/bounded_queue.h"
#include "core/worker.h"
#include "edgesight/status.h"
#include "edgesight/types.h"
#include "record/clip_retention.h"
#include "record/clip_writer.h"
#include "record/frame_encoder.h"
#include "record/packet_ring.h"
#include "record/recording_options.h"

namespace es {

struct RecorderStats {
  std::string mode = "waiting";  // waiting (no input yet), copy, reencode, off
  std::string codec;             // source codec, or the re-encoder's ("libx264")
  std::string off_reason;        // why mode is off
  int64_t clips_started = 0;
  int64_t clips_written = 0;    // complete clips renamed into place
  int64_t clips_failed = 0;     // aborted by a write error, quota or free space
  int64_t clips_abandoned = 0;  // still queued when Finish() timed out
  int64_t bytes_written = 0;    // of complete clips
  int64_t packets_written = 0;
  int64_t packets_dropped = 0;  // queue full (up to the next keyframe) or abandoned
  int64_t ring_packets = 0;
  int64_t ring_bytes = 0;
  int64_t frames_encoded = 0;
  int64_t frames_dropped = 0;  // encoder queue full (drop oldest)
  int64_t clips_deleted = 0;   // by retention
  int64_t bytes_deleted = 0;
  int64_t dir_clip_bytes = 0;  // complete clips in the directory at the last retention pass
  bool degraded = false;
  std::string degraded_reason;  // the current (or, after recovery, the last) reason
  int64_t degraded_count = 0;   // times the recorder became degraded
  nlohmann::json ToJson() const;
};

// Seams for tests (DESIGN: "a file system that fails"); defaults are the real thing.
struct RecorderEnv {
  FreeBytesFn free_bytes;  // default FileSystemFreeBytes
};

class Recorder {
 public:
  // Validates the options, creates options.dir, removes this stream's stale .part files,
  // applies retention once and starts the writer thread. Errors: InvalidArgument for options,
  // Unavailable when the directory cannot be created.
  static Result<std::shared_ptr<Recorder>> Create(RecordingOptions options, std::string stream,
                                                  RecorderEnv env = {});
  ~Recorder();
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  void OnPacket(const AVPacket& packet, const AVStream& stream);
  void OnFrame(const Frame& frame);
  void OnEvents(std::vector<Event>* events);
  void Finish();

  RecorderStats stats() const;
  const RecordingOptions& options() const { return options_; }

 private:
  enum class Mode { kWaiting, kCopy, kReencode, kOff };
  struct Job {
    enum Kind { kOpen, kPacket, kClose } kind = kPacket;
    uint64_t clip = 0;
    std::string name;
    std::shared_ptr<const PacketStreamInfo> info;
    PacketPtr packet;
  };
  struct ActiveClip {
    uint64_t id = 0;
    std::string name;
    int64_t start_us = 0;
    int64_t hard_end_us = 0;             // start + max_clip_s: cut at the next keyframe after this
    int64_t pending_end_us = INT64_MIN;  // last end/instant event + post_event_s
    std::set<std::string> episodes;      // start_ids seen starting and not yet ended
    bool fed = false;       // the ring's packets from start_us were queued (once it reached it)
    bool opened = false;    // Open job queued (needs stream info and a keyframe)
    bool need_key = false;  // a packet was dropped: skip to the next keyframe
  };
  struct ClosedClip {
    std::string name;
    int64_t start_us = 0, end_us = 0;
  };
  Recorder(RecordingOptions options, std::string stream, RecorderEnv env);

  // All with mu_ held.
  void IngestLocked(const AVPacket& packet, const std::shared_ptr<const PacketStreamInfo>& info,
                    int64_t t_us, int64_t dts_us);
  bool StartClipLocked(int64_t start_us, std::set<std::string> episodes, bool from_ring);
  void CloseClipLocked();
  void FeedFromRingLocked();
  void EnqueueLocked(ActiveClip& clip, const AVPacket& packet, bool key,
                     const std::shared_ptr<const PacketStreamInfo>& info);
  void PushJobLocked(Job job);
  std::string NameForLocked(int64_t t_us) const;

  void WriterLoop();
  void EncoderLoop();
  // Writer thread helpers (no lock held unless named Locked).
  void HandleJob(Job& job);
  void FailClip(const std::string& reason);
  void Degrade(const std::string& reason);
  bool Probe();
  void RunRetention(int64_t reserve_bytes);
  // False (and degraded) when the quota or the free space leaves no room even after retention.
  bool CheckSpaceForWrite(int64_t current_bytes, bool check_free);
  void SetOffLocked(const std::string& reason);

  const RecordingOptions options_;
  const std::string stream_;
  const std::string ext_;
  RecorderEnv env_;

  mutable std::mutex mu_;
  std::atomic<Mode> mode_{Mode::kWaiting};
  std::atomic<bool> degraded_{false};
  bool finishing_ = false, abandon_ = false;
  PacketRingBuffer ring_;
  std::shared_ptr<const PacketStreamInfo> source_info_;  // last copyable source stream
  std::shared_ptr<const PacketStreamInfo> ring_info_;    // stream of the ring's packets
  std::optional<ActiveClip> clip_;
  std::optional<ClosedClip> last_closed_;
  uint64_t next_clip_id_ = 1;
  int64_t last_dts_us_ = INT64_MIN;  // newest ingested packet, decode order, stream clock
  int64_t clock_offset_us_ = 0;      // added to packet times after a clock jump
  int64_t last_step_us_ = 40000;
  BoundedQueue<Job> jobs_;      // writer input
  int64_t queue_bytes_ = 0;     // packet bytes in jobs_, guarded by mu_
  BoundedQueue<Frame> frames_;  // encoder input
  double fps_hint_ = 0;
  int64_t last_frame_pts_ = INT64_MIN;
  RecorderStats stats_;  // counters (under mu_)

  // Writer thread state.
  std::unique_ptr<ClipWriter> writer_;
  uint64_t writer_clip_ = 0;
  std::string writer_name_;
  int64_t dir_bytes_ = 0;        // complete clips, last retention pass
  int64_t free_checked_at_ = 0;  // writer_->bytes() at the last free-space check
  std::chrono::steady_clock::time_point next_probe_;
  bool finished_ = false;
  Worker encoder_;  // started by the first frame that needs encoding
  Worker writer_thread_;
};

}  // namespace es
