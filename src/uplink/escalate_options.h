// EscalateOptions: what one camera sends up to edgesight-backend for verification (YAML section
// `escalate`, per camera; the top-level section is every camera's default).
//
// Contract: plain values the config layer fills (escalate_schema.h declares keys and ranges;
// score_band and classes are list keys parsed by config/record_lists.h). A confirmed track is
// escalated when it is "uncertain" (its score in [score_lo, score_hi]), of one of `classes`, in
// one of `zones`, or picked for the audit sample (audit_rate of the other tracks, chosen by a
// hash of the camera and track id, so runs are reproducible); at most once per min_interval_s
// per track and max_per_hour per camera (escalation_policy.h). Each escalation has deadline_s
// for a verdict and is re-sent with the same id up to max_attempts times in all; after the last
// deadline the local decision stands (the escalation expires).
// Thread-safety: plain values.
#pragma once

#include <string>
#include <vector>

namespace es {

struct EscalateOptions {
  bool enabled = false;
  double score_lo = 0.3;  // `score_band: [lo, hi]`: scores in it are "uncertain"
  double score_hi = 0.6;
  std::vector<int> classes;        // class ids always escalated (COCO); [] = none
  std::vector<std::string> zones;  // tracks inside these zones are escalated; [] = none
  double audit_rate = 0.02;        // fraction of the other tracks escalated to audit precision
  double min_interval_s = 10;      // per track
  int max_per_hour = 120;          // per camera, sliding window of 3600 s
  double deadline_s = 10;          // for a verdict, per attempt
  int max_attempts = 3;            // sends in all (the first and the re-sends)
  double context = 0.1;            // crop margin on each side, fraction of the box size
};

}  // namespace es
