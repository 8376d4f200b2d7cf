// Annotated video output (`--annotate` / output.annotate): every frame with its detections
// (thin), tracks (thick, a colour per id, an id label), trails and a heads-up line, encoded with
// FFmpeg through the recorder's FrameEncoder (H.264 by libx264, MPEG-4 Part 2 without it) and
// muxed by its ClipWriter. No OpenCV videoio: that module loads GStreamer, libdc1394, libgphoto2
// and more for one file writer.
//
// Contract
// - MakeAnnotatedVideoSink(path, trail): the container follows the extension: .mp4 (also .m4v,
//   .mov), .mkv, .ts. The file is created (or truncated) at once, so an unwritable path fails
//   before the run starts; it is written from the first frame and finished by Close().
// - Frame times are the frames' own pts; a pts not above the previous one is moved 1 ms on (the
//   encoder's rule), so every frame is kept.
// Failure: an unknown extension or an unwritable path -> kInvalidArgument naming the path; an
// encoder or write error -> the FFmpeg message from Consume()/Close().
// Thread-safety: one pipeline thread (a FrameSink).
#pragma once

#include <memory>
#include <string>

#include "edgesight/status.h"
#include "pipeline/frame_sink.h"

namespace es {

Result<std::unique_ptr<FrameSink>> MakeAnnotatedVideoSink(const std::string& path,
                                                          int trail_length);

}  // namespace es
