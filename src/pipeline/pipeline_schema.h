// The configuration section(s) declared by the pipeline module (core/option_schema.h): keys, types,
// ranges, meanings and the section's own rules. The module validates its options with it, and
// config/config_schema.cc mounts it into the config file's schema, so each rule is written once.
// Rules: pipeline.max_period_s >= pipeline.detect_period_s; output.annotate is not the
// events_out file.
#pragma once

#include "core/option_schema.h"
#include "pipeline/pipeline_options.h"

namespace es {

inline const OptionSchema<PipelineOptions>& PipelineSchema() {
  static const OptionSchema<PipelineOptions> kSchema = [] {
    using PO = PipelineOptions;
    OptionSchema<PipelineOptions> s("pipeline", "queues and scheduling");
    s.Add("detect_interval", &PO::detect_interval, Closed(1, 1000),
          "run the detector every Nth frame; the tracker predicts between")
        .Add("detect_period_s", &PO::detect_period_s, Closed(0, 60),
             "detection period (time); 0 = every frame the detector can take")
        .Add("max_period_s", &PO::max_period_s, Closed(0.05, 600),
             "load shedding never stretches the period beyond this")
        .Add("priority", &PO::priority, Closed(0, 100),
             "order of cameras due together on the shared detector (higher first)")
        .Add("queue_capacity", &PO::queue_capacity, Closed(1, 1024),
             "frames between decode and detect (flow limiter)")
        .Add("queue_policy", &PO::queue_policy, OneOf({"auto", "drop_oldest", "block"}),
             "full frame queue: auto = block for files read as fast as possible, "
             "drop_oldest for live sources")
        .Add("max_frames", &PO::max_frames, AtLeast(0),
             "stop after this many frames; 0 = until the source ends")
        .Add("stop_timeout_s", &PO::stop_timeout_s, Closed(1, 600),
             "after SIGINT/SIGTERM, finish the stop within this or exit 1")
        .Add("stall_after_s", &PO::stall_after_s, OpenClosed(0, 3600),
             "/readyz: a camera whose last frame is older than this is not ready");
    s.SetRules([](const PipelineOptions& o) -> Status {
      if (o.max_period_s < o.detect_period_s) {
        return InvalidArgument("pipeline.max_period_s: must be >= pipeline.detect_period_s (" +
                               FormatNumber(o.detect_period_s) + "), got " +
                               FormatNumber(o.max_period_s));
      }
      return Status::Ok();
    });
    return s;
  }();
  return kSchema;
}

inline const OptionSchema<OutputOptions>& OutputSchema() {
  static const OptionSchema<OutputOptions> kSchema = [] {
    using OO = OutputOptions;
    OptionSchema<OutputOptions> s("output", "local outputs");
    s.Add("events_out", &OO::events_out, AnyValue(),
          "JSON lines file, one object per frame; empty = off")
        .Add(
            "annotate", &OO::annotate, AnyValue(),
            "annotated video file (boxes, ids, trails): .mp4, .m4v, .mov, .mkv or .ts; empty = off")
        .Add("trail_length", &OO::trail_length, Closed(0, 1000),
             "points per trail in the annotated video");
    s.SetRules([](const OutputOptions& o) -> Status {
      if (!o.events_out.empty() && o.events_out == o.annotate) {
        return InvalidArgument("output.annotate: same file as output.events_out (" +
                               QuoteString(o.annotate) + ")");
      }
      return Status::Ok();
    });
    return s;
  }();
  return kSchema;
}

}  // namespace es
