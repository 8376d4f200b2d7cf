#include "backend/nats_transport.h"

#include <nats/nats.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

namespace es {

std::string NatsSubjectForFilter(const std::string& filter) {
  std::string f = filter;
  if (f.rfind("$share/", 0) == 0) {
    const size_t slash = f.find('/', 7);
    if (slash == std::string::npos) return "";
    f = f.substr(slash + 1);
  }
  if (f.empty() || f.find('.') != std::string::npos) return "";
  std::string s;
  for (char c : f) {
    if (c == '/') {
      s += '.';
    } else if (c == '+') {
      s += '*';
    } else if (c == '#') {
      s += '>';
    } else {
      s += c;
    }
  }
  return s;
}

std::string MqttTopicForSubject(const std::string& subject) {
  std::string t = subject;
  std::replace(t.begin(), t.end(), '.', '/');
  return t;
}

std::string NatsSubjectForTopic(const std::string& topic) {
  std::string s = topic;
  std::replace(s.begin(), s.end(), '/', '.');
  return s;
}

namespace {

std::string NatsError(natsStatus s, jsErrCode jerr = static_cast<jsErrCode>(0)) {
  std::string text = natsStatus_GetText(s);
  if (const char* last = nats_GetLastError(nullptr); last != nullptr && *last != '\0') {
    text = OneLine(last);
  }
  if (jerr != 0) text += " (JetStream error " + std::to_string(static_cast<int>(jerr)) + ")";
  return text;
}

class NatsTransport final : public MqttTransport {
 public:
  NatsTransport(NatsOptions o, std::vector<std::string> subjects)
      : o_(std::move(o)), subjects_(std::move(subjects)) {}
  ~NatsTransport() override { Stop(); }

  Status Start(MqttTransportCallbacks callbacks) override {
    cb_ = std::move(callbacks);
    natsOptions* opts = nullptr;
    natsStatus s = natsOptions_Create(&opts);
    // cnats 3.4's SetURL does not split a list: give every server separately.
    std::vector<std::string> urls;
    for (size_t start = 0; start <= o_.url.size();) {
      const size_t comma = std::min(o_.url.find(',', start), o_.url.size());
      std::string u = o_.url.substr(start, comma - start);
      u.erase(0, u.find_first_not_of(' '));
      if (!u.empty()) urls.push_back(u);
      start = comma + 1;
    }
    std::vector<const char*> servers;
    for (const std::string& u : urls) servers.push_back(u.c_str());
    if (s == NATS_OK) {
      s = natsOptions_SetServers(opts, servers.data(), static_cast<int>(servers.size()));
    }
    if (s == NATS_OK) s = natsOptions_SetMaxReconnect(opts, -1);
    if (s == NATS_OK) s = natsOptions_SetReconnectWait(opts, 1000);
    // With a callback, Connect returns at once when no server answers and keeps trying.
    if (s == NATS_OK) {
      s = natsOptions_SetRetryOnFailedConnect(
          opts, true,
          [](natsConnection*, void* self) {
            auto* t = static_cast<NatsTransport*>(self);
            if (t->cb_.on_connect) t->cb_.on_connect(0);
          },
          this);
    }
    if (s == NATS_OK) {
      s = natsOptions_SetDisconnectedCB(
          opts,
          [](natsConnection*, void* self) {
            auto* t = static_cast<NatsTransport*>(self);
            if (t->cb_.on_disconnect) t->cb_.on_disconnect(1);
          },
          this);
    }
    if (s == NATS_OK) {
      s = natsOptions_SetReconnectedCB(
          opts,
          [](natsConnection*, void* self) {
            auto* t = static_cast<NatsTransport*>(self);
            if (t->cb_.on_connect) t->cb_.on_connect(0);
          },
          this);
    }
    if (s == NATS_OK) s = natsConnection_Connect(&nc_, opts);
    natsOptions_Destroy(opts);
    // Retry-on-failed-connect: NATS_NOT_YET_CONNECTED means it keeps trying in the background.
    if (s != NATS_OK && s != NATS_NOT_YET_CONNECTED) {
      return Unavailable("nats " + o_.url + ": " + NatsError(s));
    }
    if (s == NATS_OK && cb_.on_connect) cb_.on_connect(0);
    s = natsConnection_JetStream(&js_, nc_, nullptr);
    if (s != NATS_OK) return Internal("nats: JetStream context: " + NatsError(s));
    for (int i = 0; i < std::max(1, o_.fetchers); ++i) threads_.emplace_back([this] { Fetch(); });
    return Status::Ok();
  }

  Result<int> Publish(const std::string& topic, std::string_view payload, int, bool) override {
    natsStatus s = natsConnection_Publish(nc_, NatsSubjectForTopic(topic).c_str(), payload.data(),
                                          static_cast<int>(payload.size()));
    if (s == NATS_OK) s = natsConnection_FlushTimeout(nc_, 2000);
    if (s != NATS_OK) return Unavailable("nats publish: " + NatsError(s));
    const int mid = ++mid_;
    if (cb_.on_publish) cb_.on_publish(mid);
    return mid;
  }

  void Stop() override {
    if (stop_.exchange(true)) return;
    for (auto& t : threads_) t.join();
    threads_.clear();
    if (js_ != nullptr) jsCtx_Destroy(js_);
    js_ = nullptr;
    if (nc_ != nullptr) {
      natsConnection_Close(nc_);
      natsConnection_Destroy(nc_);
    }
    nc_ = nullptr;
  }

  std::string Describe() const override { return o_.url; }

 private:
  void Error(const std::string& text) {
    if (cb_.on_error) cb_.on_error(text);
  }

  // Creates the stream unless it exists (one thread at a time).
  bool EnsureStream() {
    std::lock_guard<std::mutex> lock(setup_mu_);
    jsErrCode jerr = static_cast<jsErrCode>(0);
    jsStreamInfo* si = nullptr;
    natsStatus s = js_GetStreamInfo(&si, js_, o_.stream.c_str(), nullptr, &jerr);
    if (s == NATS_OK) {
      jsStreamInfo_Destroy(si);
      return true;
    }
    std::vector<const char*> subjects;
    for (const std::string& x : subjects_) subjects.push_back(x.c_str());
    jsStreamConfig sc;
    jsStreamConfig_Init(&sc);
    sc.Name = o_.stream.c_str();
    sc.Subjects = subjects.data();
    sc.SubjectsLen = static_cast<int>(subjects.size());
    sc.Retention = js_WorkQueuePolicy;
    sc.Storage = js_FileStorage;
    sc.Replicas = o_.replicas;
    s = js_AddStream(&si, js_, &sc, nullptr, &jerr);
    if (s == NATS_OK) {
      jsStreamInfo_Destroy(si);
      return true;
    }
    Error("nats: cannot create stream " + o_.stream + ": " + NatsError(s, jerr));
    return false;
  }

  void Fetch() {
    natsSubscription* sub = nullptr;
    while (!stop_) {
      if (sub == nullptr) {
        jsErrCode jerr = static_cast<jsErrCode>(0);
        jsSubOptions so;
        jsSubOptions_Init(&so);
        so.Stream = o_.stream.c_str();
        so.Config.AckWait = static_cast<int64_t>(o_.ack_wait_s * 1e9);
        so.Config.AckPolicy = js_AckExplicit;
        natsStatus s = NATS_OK;
        if (EnsureStream()) {
          // The consumer takes every subject of the stream (no filter: one work queue).
          s = js_PullSubscribe(&sub, js_, subjects_.size() == 1 ? subjects_[0].c_str() : ">",
                               o_.durable.c_str(), nullptr, &so, &jerr);
          if (s != NATS_OK) {
            Error("nats: cannot bind consumer " + o_.durable + ": " + NatsError(s, jerr));
            sub = nullptr;
          }
        }
        if (sub == nullptr) {
          std::this_thread::sleep_for(std::chrono::seconds(1));
          continue;
        }
      }
      natsMsgList list = {nullptr, 0};
      jsErrCode jerr = static_cast<jsErrCode>(0);
      natsStatus s = natsSubscription_Fetch(&list, sub, o_.batch, 500, &jerr);
      if (s == NATS_TIMEOUT) continue;
      if (s != NATS_OK) {
        if (s == NATS_NOT_FOUND || jerr != 0 || s == NATS_INVALID_SUBSCRIPTION) {
          natsSubscription_Destroy(sub);  // the consumer or stream went away: set up again
          sub = nullptr;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        continue;
      }
      for (int i = 0; i < list.Count; ++i) {
        natsMsg* m = list.Msgs[i];
        if (stop_) break;  // unacknowledged: redelivered to another worker after ack_wait
        if (cb_.on_message) {
          cb_.on_message(
              MqttTopicForSubject(natsMsg_GetSubject(m)),
              std::string_view(natsMsg_GetData(m), static_cast<size_t>(natsMsg_GetDataLength(m))));
        }
        natsMsg_Ack(m, nullptr);
      }
      natsMsgList_Destroy(&list);
    }
    if (sub != nullptr) natsSubscription_Destroy(sub);
  }

  NatsOptions o_;
  std::vector<std::string> subjects_;
  MqttTransportCallbacks cb_;
  natsConnection* nc_ = nullptr;
  jsCtx* js_ = nullptr;
  std::mutex setup_mu_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stop_{false};
  std::atomic<int> mid_{0};
};

}  // namespace

Result<std::unique_ptr<MqttTransport>> MakeNatsTransport(const NatsOptions& options) {
  if (options.url.empty()) return InvalidArgument("nats url must not be empty");
  std::vector<std::string> subjects;
  for (const MqttSubscription& s : options.subscriptions) {
    const std::string subject = NatsSubjectForFilter(s.filter);
    if (subject.empty()) {
      return InvalidArgument("nats: cannot map the filter '" + s.filter + "' to a subject");
    }
    subjects.push_back(subject);
  }
  if (subjects.empty()) return InvalidArgument("nats: no subjects to consume");
  return std::unique_ptr<MqttTransport>(new NatsTransport(options, std::move(subjects)));
}

}  // namespace es
