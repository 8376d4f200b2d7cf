// MosquittoTransport: MqttTransport on libmosquitto's threaded loop.
#include "uplink/mqtt_transport.h"

#include <mosquitto.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <random>
#include <thread>

namespace es {
namespace {

std::once_flag g_lib_once;

std::string MosqError(int rc) {
  if (rc == MOSQ_ERR_ERRNO) return std::strerror(errno);
  return mosquitto_strerror(rc);
}

// Return codes on which libmosquitto's loop_forever gives up instead of reconnecting
// (libmosquitto 2.0 lib/loop.c).
bool LoopGivesUp(int rc) {
  switch (rc) {
    case MOSQ_ERR_NOMEM:
    case MOSQ_ERR_PROTOCOL:
    case MOSQ_ERR_INVAL:
    case MOSQ_ERR_NOT_FOUND:
    case MOSQ_ERR_TLS:
    case MOSQ_ERR_PAYLOAD_SIZE:
    case MOSQ_ERR_NOT_SUPPORTED:
    case MOSQ_ERR_AUTH:
    case MOSQ_ERR_ACL_DENIED:
    case MOSQ_ERR_UNKNOWN:
    case MOSQ_ERR_EAI:
    case MOSQ_ERR_PROXY:
      return true;
    default:
      return false;
  }
}

class MosquittoTransport final : public MqttTransport {
 public:
  explicit MosquittoTransport(const MosquittoOptions& o) : o_(o), rng_(std::random_device{}()) {}
  ~MosquittoTransport() override {
    Stop();
    if (mosq_) mosquitto_destroy(mosq_);
  }

  Status Init() {
    std::call_once(g_lib_once, [] { mosquitto_lib_init(); });
    if (o_.client_id.empty()) return InvalidArgument("mqtt client id must not be empty");
    if (o_.port <= 0 || o_.port > 65535) return InvalidArgument("mqtt port out of range");
    if (o_.reconnect_delay_min_s < 1 || o_.reconnect_delay_max_s < o_.reconnect_delay_min_s ||
        o_.reconnect_jitter_s < 0) {
      return InvalidArgument("mqtt reconnect delays must satisfy 1 <= min <= max, jitter >= 0");
    }
    mosq_ = mosquitto_new(o_.client_id.c_str(), o_.clean_session, this);
    if (!mosq_) return Internal(std::string("mosquitto_new: ") + std::strerror(errno));
    int rc = mosquitto_int_option(mosq_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
    if (rc == MOSQ_ERR_SUCCESS) {
      rc = mosquitto_max_inflight_messages_set(mosq_,
                                               static_cast<unsigned>(o_.max_inflight_messages));
    }
    if (rc != MOSQ_ERR_SUCCESS) return Internal("mosquitto options: " + MosqError(rc));
    if (!o_.username.empty()) {
      rc = mosquitto_username_pw_set(mosq_, o_.username.c_str(),
                                     o_.password.empty() ? nullptr : o_.password.c_str());
      if (rc != MOSQ_ERR_SUCCESS) return InvalidArgument("mqtt username: " + MosqError(rc));
    }
    if (!o_.tls_cafile.empty() || !o_.tls_capath.empty()) {
      if (!o_.tls_cafile.empty() && access(o_.tls_cafile.c_str(), R_OK) != 0) {
        return InvalidArgument("mqtt tls cafile '" + o_.tls_cafile + "' is not readable");
      }
      auto c = [](const std::string& s) { return s.empty() ? nullptr : s.c_str(); };
      rc = mosquitto_tls_set(mosq_, c(o_.tls_cafile), c(o_.tls_capath), c(o_.tls_certfile),
                             c(o_.tls_keyfile), nullptr);
      if (rc != MOSQ_ERR_SUCCESS) return InvalidArgument("mqtt tls options: " + MosqError(rc));
      rc = mosquitto_tls_insecure_set(mosq_, o_.tls_insecure);
      if (rc != MOSQ_ERR_SUCCESS) return InvalidArgument("mqtt tls insecure: " + MosqError(rc));
    }
    if (!o_.will_topic.empty()) {
      rc =
          mosquitto_will_set(mosq_, o_.will_topic.c_str(), static_cast<int>(o_.will_payload.size()),
                             o_.will_payload.data(), o_.will_qos, o_.will_retain);
      if (rc != MOSQ_ERR_SUCCESS) return InvalidArgument("mqtt last will: " + MosqError(rc));
    }
    SetJitteredDelay();
    for (const MqttSubscription& s : o_.subscriptions) {
      if (s.filter.empty() || s.qos < 0 || s.qos > 2 ||
          mosquitto_sub_topic_check(s.filter.c_str()) != MOSQ_ERR_SUCCESS) {
        return InvalidArgument("mqtt subscription '" + s.filter + "' is not a valid topic filter");
      }
    }
    mosquitto_connect_callback_set(mosq_, [](mosquitto* m, void* self, int rc) {
      auto* t = static_cast<MosquittoTransport*>(self);
      if (rc == 0) {
        for (const MqttSubscription& s : t->o_.subscriptions) {
          int src = mosquitto_subscribe(m, nullptr, s.filter.c_str(), s.qos);
          if (src != MOSQ_ERR_SUCCESS && t->cb_.on_error) {
            t->cb_.on_error("subscribe '" + s.filter + "' failed: " + MosqError(src));
          }
        }
      }
      if (t->cb_.on_connect) t->cb_.on_connect(rc);
    });
    mosquitto_message_callback_set(mosq_, [](mosquitto*, void* self, const mosquitto_message* msg) {
      auto* t = static_cast<MosquittoTransport*>(self);
      if (!t->cb_.on_message || msg == nullptr || msg->topic == nullptr) return;
      t->cb_.on_message(msg->topic,
                        std::string_view(static_cast<const char*>(msg->payload),
                                         static_cast<size_t>(std::max(0, msg->payloadlen))));
    });
    mosquitto_disconnect_callback_set(mosq_, [](mosquitto*, void* self, int rc) {
      auto* t = static_cast<MosquittoTransport*>(self);
      t->SetJitteredDelay();  // runs on the loop thread, which reads the delay next
      std::string detail = t->TakeLogError();
      if (rc != 0 && rc != MOSQ_ERR_CONN_LOST && rc != MOSQ_ERR_NO_CONN &&
          rc != MOSQ_ERR_CONN_REFUSED && t->cb_.on_error) {
        t->cb_.on_error("connection failed: " + MosqError(rc) +
                        (detail.empty() ? "" : " (" + detail + ")"));
      }
      if (t->cb_.on_disconnect) t->cb_.on_disconnect(rc);
      if (LoopGivesUp(rc)) {
        std::lock_guard<std::mutex> lock(t->mu_);
        t->loop_dead_ = true;
        t->cv_.notify_all();
      }
    });
    mosquitto_log_callback_set(mosq_, [](mosquitto*, void* self, int level, const char* text) {
      auto* t = static_cast<MosquittoTransport*>(self);
      if (level != MOSQ_LOG_ERR || text == nullptr) return;
      {
        std::lock_guard<std::mutex> lock(t->log_mu_);
        t->log_error_ = text;  // the last one is the most specific (OpenSSL's reason)
      }
      // Reported at once as well: a reconnect inside libmosquitto's loop that fails the TLS
      // handshake calls no other callback.
      if (t->cb_.on_error) t->cb_.on_error(std::string("connection failed: ") + text);
    });
    mosquitto_publish_callback_set(mosq_, [](mosquitto*, void* self, int mid) {
      auto* t = static_cast<MosquittoTransport*>(self);
      if (t->cb_.on_publish) t->cb_.on_publish(mid);
    });
    return Status::Ok();
  }

  Status Start(MqttTransportCallbacks callbacks) override {
    if (started_) return Internal("mqtt transport already started");
    cb_ = std::move(callbacks);
    started_ = true;
    // libmosquitto's loop reconnects only after a first successful connect, and gives up for
    // good on "fatal" errors: this thread connects with a jittered backoff until the loop runs,
    // then waits, and starts over when the loop has given up.
    connector_ = std::thread([this] {
      int attempt = 0;
      std::unique_lock<std::mutex> lock(mu_);
      while (!stop_) {
        if (!loop_started_) {
          int rc = mosquitto_connect_async(mosq_, o_.host.c_str(), o_.port, o_.keepalive_s);
          if (rc == MOSQ_ERR_SUCCESS) {
            loop_started_ = mosquitto_loop_start(mosq_) == MOSQ_ERR_SUCCESS;
            if (!loop_started_ && cb_.on_error) cb_.on_error("cannot start the mqtt loop");
          } else if (cb_.on_error) {
            std::string detail = TakeLogError();
            cb_.on_error("connect failed: " + MosqError(rc) +
                         (detail.empty() ? "" : " (" + detail + ")"));
          }
          if (loop_started_) {
            cv_.wait(lock, [this] { return stop_ || loop_dead_; });
            if (stop_) return;
          }
        }
        if (loop_dead_) {
          // The loop thread has returned (or is about to): reap it, then start over.
          lock.unlock();
          mosquitto_disconnect(mosq_);
          mosquitto_loop_stop(mosq_, false);
          lock.lock();
          loop_started_ = false;
          loop_dead_ = false;
        }
        std::uniform_int_distribution<int> jitter(0, 1000 * o_.reconnect_jitter_s);
        int delay_ms = std::min(1000 * o_.reconnect_delay_min_s * (attempt + 1) * (attempt + 1),
                                1000 * o_.reconnect_delay_max_s) +
                       jitter(rng_);
        ++attempt;
        cv_.wait_for(lock, std::chrono::milliseconds(delay_ms), [this] { return stop_; });
      }
    });
    return Status::Ok();
  }

  Result<int> Publish(const std::string& topic, std::string_view payload, int qos,
                      bool retain) override {
    int mid = 0;
    int rc = mosquitto_publish(mosq_, &mid, topic.c_str(), static_cast<int>(payload.size()),
                               payload.data(), qos, retain);
    if (rc == MOSQ_ERR_SUCCESS) return mid;
    if (rc == MOSQ_ERR_NO_CONN || rc == MOSQ_ERR_CONN_LOST || rc == MOSQ_ERR_ERRNO) {
      return Unavailable("mqtt publish: " + MosqError(rc));
    }
    return Internal("mqtt publish: " + MosqError(rc));
  }

  void Stop() override {
    if (!started_) return;
    started_ = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (connector_.joinable()) connector_.join();
    if (loop_started_) {
      mosquitto_disconnect(mosq_);
      mosquitto_loop_stop(mosq_, false);
    }
  }

  std::string Describe() const override { return o_.host + ":" + std::to_string(o_.port); }

 private:
  std::string TakeLogError() {
    std::lock_guard<std::mutex> lock(log_mu_);
    std::string e;
    e.swap(log_error_);
    return e;
  }

  void SetJitteredDelay() {
    std::uniform_int_distribution<int> d(0, o_.reconnect_jitter_s);
    int base = o_.reconnect_delay_min_s + d(rng_);
    int max = std::max(base, o_.reconnect_delay_max_s);
    mosquitto_reconnect_delay_set(mosq_, static_cast<unsigned>(base), static_cast<unsigned>(max),
                                  /*exponential=*/true);
  }

  MosquittoOptions o_;
  mosquitto* mosq_ = nullptr;
  MqttTransportCallbacks cb_;
  bool started_ = false;
  std::mt19937 rng_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool loop_started_ = false;
  bool loop_dead_ = false;
  std::mutex log_mu_;
  std::string log_error_;  // last libmosquitto error log line, under log_mu_
  std::thread connector_;
};

}  // namespace

MqttTransportCallbacks SubscriberCallbacks(
    std::atomic<bool>* connected,
    std::function<void(const std::string& topic, std::string_view payload)> on_message) {
  MqttTransportCallbacks cb;
  cb.on_connect = [connected](int rc) { *connected = rc == 0; };
  cb.on_disconnect = [connected](int) { *connected = false; };
  cb.on_publish = [](int) {};
  cb.on_message = std::move(on_message);
  return cb;
}

std::string ConnackReason(int rc) {
  switch (rc) {
    case 0:
      return "accepted";
    case 1:
      return "unacceptable protocol version";
    case 2:
      return "client identifier rejected";
    case 3:
      return "server unavailable";
    case 4:
      return "bad user name or password";
    case 5:
      return "not authorised";
    default:
      return "unknown reason";
  }
}

Result<std::unique_ptr<MqttTransport>> MakeMosquittoTransport(const MosquittoOptions& options) {
  auto t = std::make_unique<MosquittoTransport>(options);
  ES_RETURN_IF_ERROR(t->Init());
  return std::unique_ptr<MqttTransport>(std::move(t));
}

}  // namespace es
