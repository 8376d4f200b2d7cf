// BackendConfig: edgesight-backend's configuration file (backend.yaml) and its reference.
//
// Sections (every key optional; `edgesight-backend --keys` lists them with defaults):
//   mqtt:   url, password_file, tls_cafile, group (shared-subscription group), worker (id;
//           "" = <hostname>-<pid>)
//   nats:   url ("" = consume through MQTT; nats://host:port[,...] = a JetStream work-queue
//           stream that the devices fill through NATS's MQTT listener), stream, replicas,
//           ack_wait_s (docs/hybrid.md "NATS JetStream")
//   store:  path (SQLite file shared by the workers of one machine, or a postgresql:// URI for
//           workers on several machines), busy_timeout_ms
//   ingest: max_payload_bytes, devices (allow list; empty = any)
//   verify: enabled, model ("" = the embedded NanoDet), format, input_size, threads (inference
//           threads per verifier), verifiers (verify threads), queue, confirm_score,
//           reject_score, min_iou, min_object_px, skip_expired, pose (person check with
//           BlazePose), pose_model ("" = the cache's blazepose-lite.onnx), pose_confirm,
//           pose_reject
//   detect: enabled, model ("" = the embedded NanoDet), format, input_size, threads (inference
//           threads per instance), workers (detect threads), queue, score_threshold —
//           cloud-fallback detection on whole frames (backend/frame_detector.h)
//   http:   listen ("" = off), token_file
// Contract: LoadBackendConfig / LoadBackendConfigString return the config or one line naming
// the file and the key ("backend.yaml: verify.confirm_score: expected a number in [0, 1], got
// 2"; unknown keys and sections with did-you-mean). Rules: reject_score <= confirm_score.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "edgesight/status.h"

namespace es {

struct BackendMqttConfig {
  std::string url = "mqtt://127.0.0.1:1883";
  std::string password_file;
  std::string tls_cafile;
  std::string group = "verifiers";
  std::string worker;
};

struct BackendNatsConfig {
  std::string url;  // "" = consume through MQTT (mqtt.url); else NATS JetStream
  std::string stream = "EDGESIGHT";
  int replicas = 1;
  double ack_wait_s = 30;
};

struct BackendStoreConfig {
  std::string path = "edgesight-backend.db";
  int busy_timeout_ms = 5000;
};

struct BackendIngestConfig {
  int64_t max_payload_bytes = 4 * 1024 * 1024;
  std::vector<std::string> devices;
};

struct BackendVerifyConfig {
  bool enabled = true;
  std::string model;
  std::string format = "nanodet";
  int input_size = 0;
  int threads = 1;
  int verifiers = 1;
  int queue = 256;
  double confirm_score = 0.5;
  double reject_score = 0.2;
  double min_iou = 0.3;
  double min_object_px = 8;
  bool skip_expired = false;
  bool pose = true;
  std::string pose_model;
  double pose_confirm = 0.5;
  double pose_reject = 0.1;
};

struct BackendDetectConfig {
  bool enabled = true;
  std::string model;
  std::string format = "nanodet";
  int input_size = 0;
  int threads = 1;
  int workers = 1;
  int queue = 8;
  double score_threshold = 0.35;
};

struct BackendHttpConfig {
  std::string listen = "127.0.0.1:8090";
  std::string token_file;
};

struct BackendConfig {
  BackendMqttConfig mqtt;
  BackendNatsConfig nats;
  BackendStoreConfig store;
  BackendIngestConfig ingest;
  BackendVerifyConfig verify;
  BackendDetectConfig detect;
  BackendHttpConfig http;
};

Result<BackendConfig> LoadBackendConfig(const std::string& path);
Result<BackendConfig> LoadBackendConfigString(const std::string& yaml, const std::string& path);
// Every key's range and every section's rules, for a config changed after loading (flags).
Status CheckBackendConfig(const BackendConfig& config);
// "section.key<TAB>type<TAB>constraint<TAB>default<TAB>help" per key.
std::string DescribeBackendConfig();

}  // namespace es
