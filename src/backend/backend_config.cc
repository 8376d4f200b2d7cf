#include "backend/backend_config.h"

#include "config/schema_document.h"

namespace es {
namespace {

const OptionSchema<BackendMqttConfig>& MqttSchema() {
  static const OptionSchema<BackendMqttConfig> kSchema = [] {
    using M = BackendMqttConfig;
    OptionSchema<M> s("mqtt", "the broker the devices publish to");
    s.Add("url", &M::url, AnyValue(), "mqtt[s]://[user@]host[:port]")
        .Add("password_file", &M::password_file, AnyValue(), "broker password (first line)")
        .Add("tls_cafile", &M::tls_cafile, AnyValue(), "CA file for mqtts://")
        .Add("group", &M::group, AnyValue(),
             "shared-subscription group: workers in one group split the messages")
        .Add("worker", &M::worker, AnyValue(), "this worker's id; empty: <hostname>-<pid>")
        .SetRules([](const M& m) -> Status {
          if (m.group.empty() || m.group.find_first_of("/+#") != std::string::npos) {
            return InvalidArgument("mqtt.group: expected a name without / + #, got '" + m.group +
                                   "'");
          }
          if (m.worker.find_first_of("/+#") != std::string::npos) {
            return InvalidArgument("mqtt.worker: expected a name without / + #");
          }
          return Status::Ok();
        });
    return s;
  }();
  return kSchema;
}

const OptionSchema<BackendNatsConfig>& NatsSchema() {
  static const OptionSchema<BackendNatsConfig> kSchema = [] {
    using N = BackendNatsConfig;
    OptionSchema<N> s("nats", "NATS JetStream instead of MQTT shared subscriptions");
    s.Add("url", &N::url, AnyValue(),
          "nats://host:port[,nats://...]; empty: consume through MQTT (mqtt.url)")
        .Add("stream", &N::stream, AnyValue(), "the work-queue stream (created when missing)")
        .Add("replicas", &N::replicas, Closed(1, 5), "stream replicas (3 in a 3-node cluster)")
        .Add("ack_wait_s", &N::ack_wait_s, Closed(1, 3600),
             "a message a worker has not acknowledged by then goes to another worker")
        .SetRules([](const N& n) -> Status {
          if (n.stream.empty() || n.stream.find_first_of(". *>") != std::string::npos) {
            return InvalidArgument("nats.stream: expected a name without spaces, . * >");
          }
          return Status::Ok();
        });
    return s;
  }();
  return kSchema;
}

const OptionSchema<BackendStoreConfig>& StoreSchema() {
  static const OptionSchema<BackendStoreConfig> kSchema = [] {
    using S = BackendStoreConfig;
    OptionSchema<S> s("store", "the event store");
    s.Add("path", &S::path, AnyValue(),
          "SQLite file (shared by the workers of one machine) or postgresql://user@host:port/db")
        .Add("busy_timeout_ms", &S::busy_timeout_ms, Closed(0, 600000),
             "how long a write waits for another worker's");
    return s;
  }();
  return kSchema;
}

const OptionSchema<BackendIngestConfig>& IngestSchema() {
  static const OptionSchema<BackendIngestConfig> kSchema = [] {
    using I = BackendIngestConfig;
    OptionSchema<I> s("ingest", "what is accepted");
    s.Add("max_payload_bytes", &I::max_payload_bytes, Closed(1024, 256.0 * 1024 * 1024),
          "larger messages are rejected (counted)")
        .Add("devices", &I::devices, AnyValue(), "device ids accepted; empty: any");
    return s;
  }();
  return kSchema;
}

const OptionSchema<BackendVerifyConfig>& VerifySchema() {
  static const OptionSchema<BackendVerifyConfig> kSchema = [] {
    using V = BackendVerifyConfig;
    OptionSchema<V> s("verify", "verification of escalated crops");
    s.Add("enabled", &V::enabled, AnyValue(), "verify escalations (false: store only)")
        .Add("model", &V::model, AnyValue(), "ONNX detector; empty: the embedded NanoDet")
        .Add("format", &V::format, OneOf({"nanodet", "yolov5", "yolov8", "yolo11"}),
             "the model's output head")
        .Add("input_size", &V::input_size, Closed(0, 4096), "network input; 0: from the model")
        .Add("threads", &V::threads, Closed(1, 256), "inference threads per verifier")
        .Add("verifiers", &V::verifiers, Closed(1, 64), "verify threads (one model each)")
        .Add("queue", &V::queue, Closed(1, 1000000),
             "escalations waiting at most; more are left to the edge's re-send")
        .Add("confirm_score", &V::confirm_score, Closed(0, 1),
             "same-class score at the box at or above which the verdict is confirmed")
        .Add("reject_score", &V::reject_score, Closed(0, 1),
             "same-class score below which the verdict is rejected")
        .Add("min_iou", &V::min_iou, Closed(0, 1), "overlap with the edge's box that counts")
        .Add("min_object_px", &V::min_object_px, Closed(0, 4096),
             "objects smaller than this in the crop are uncertain")
        .Add("skip_expired", &V::skip_expired, AnyValue(),
             "answer uncertain without work once the edge's deadline passed")
        .Add("pose", &V::pose, AnyValue(),
             "second check for persons: BlazePose's person-presence flag")
        .Add("pose_model", &V::pose_model, AnyValue(),
             "pose ONNX model; empty: blazepose-lite.onnx from the model cache (check off, with "
             "a warning, when absent)")
        .Add("pose_confirm", &V::pose_confirm, Closed(0, 1), "presence at or above: a person")
        .Add("pose_reject", &V::pose_reject, Closed(0, 1), "presence below: no person")
        .SetRules([](const V& v) -> Status {
          if (v.pose_reject > v.pose_confirm) {
            return InvalidArgument("verify.pose_reject: expected at most verify.pose_confirm (" +
                                   FormatNumber(v.pose_confirm) + "), got " +
                                   FormatNumber(v.pose_reject));
          }
          if (v.reject_score > v.confirm_score) {
            return InvalidArgument("verify.reject_score: expected at most verify.confirm_score (" +
                                   FormatNumber(v.confirm_score) + "), got " +
                                   FormatNumber(v.reject_score));
          }
          return Status::Ok();
        });
    return s;
  }();
  return kSchema;
}

const OptionSchema<BackendDetectConfig>& DetectSchema() {
  static const OptionSchema<BackendDetectConfig> kSchema = [] {
    using D = BackendDetectConfig;
    OptionSchema<D> s("detect",
                      "cloud-fallback: detection on frames of devices whose detector "
                      "cannot run");
    s.Add("enabled", &D::enabled, AnyValue(), "answer devices' frames with detections")
        .Add("model", &D::model, AnyValue(), "ONNX detector; empty: the embedded NanoDet")
        .Add("format", &D::format, OneOf({"nanodet", "yolov5", "yolov8", "yolo11"}),
             "the model's output head")
        .Add("input_size", &D::input_size, Closed(0, 4096), "network input; 0: from the model")
        .Add("threads", &D::threads, Closed(1, 256), "inference threads per detect thread")
        .Add("workers", &D::workers, Closed(1, 64), "detect threads (one model each)")
        .Add("queue", &D::queue, Closed(1, 10000),
             "frames waiting at most; the oldest is dropped (a late frame is worthless)")
        .Add("score_threshold", &D::score_threshold, Closed(0, 1),
             "detections kept at or above this score");
    return s;
  }();
  return kSchema;
}

const OptionSchema<BackendHttpConfig>& HttpSchema() {
  static const OptionSchema<BackendHttpConfig> kSchema = [] {
    using H = BackendHttpConfig;
    OptionSchema<H> s("http", "REST API and /metrics");
    s.Add("listen", &H::listen, AnyValue(), "HOST:PORT; empty: no server")
        .Add("token_file", &H::token_file, AnyValue(), "bearer token, required off loopback");
    return s;
  }();
  return kSchema;
}

const SchemaDocument<BackendConfig>& Document() {
  static const SchemaDocument<BackendConfig> kDocument = [] {
    SchemaDocument<BackendConfig> d;
    d.Section(&BackendConfig::mqtt, MqttSchema())
        .Section(&BackendConfig::nats, NatsSchema())
        .Section(&BackendConfig::store, StoreSchema())
        .Section(&BackendConfig::ingest, IngestSchema())
        .Section(&BackendConfig::verify, VerifySchema())
        .Section(&BackendConfig::detect, DetectSchema())
        .Section(&BackendConfig::http, HttpSchema());
    return d;
  }();
  return kDocument;
}

}  // namespace

Result<BackendConfig> LoadBackendConfig(const std::string& path) { return Document().Load(path); }

Result<BackendConfig> LoadBackendConfigString(const std::string& yaml, const std::string& path) {
  return Document().LoadString(yaml, path);
}

Status CheckBackendConfig(const BackendConfig& config) { return Document().Check(config); }

std::string DescribeBackendConfig() { return Document().Describe(); }

}  // namespace es
