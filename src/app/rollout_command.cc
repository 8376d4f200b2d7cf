#include "app/rollout_command.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "app/exit_codes.h"
#include "app/log_line.h"
#include "app/model_updater.h"
#include "app/mqtt_url.h"
#include "app/shutdown_signals.h"
#include "backend/backend_config.h"
#include "backend/rollout.h"
#include "core/password_file.h"
#include "core/text_file.h"
#include "models/bundle.h"
#include "models/signing_key.h"
#include "uplink/outbox.h"

namespace es {
namespace {

namespace fs = std::filesystem;

constexpr int kExitHalted = 3;  // paused or aborted past the failure threshold

struct RolloutFlags {
  std::string bundle, pub, devices, stages = "5,25,100", soak = "10m", report_timeout = "10m";
  std::string on_failure = "pause", mqtt, config, state, discover = "3s";
  double max_failure_rate = 0.2;
  bool json = false;
};

int Fail(const Status& s) {
  std::cerr << "edgesight-backend: error: rollout: " << OneLine(s.message()) << std::endl;
  return ExitCodeFor(s);
}

int64_t NowMs() { return WallNowMicros() / 1000; }

std::string StatePath(const RolloutFlags& f) {
  return f.state.empty() ? f.bundle + ".rollout.json" : f.state;
}

// Written beside, then renamed over: a reader (or a crash) sees the old state or the new one.
Status SaveState(const std::string& path, const Rollout& r) {
  const std::string tmp = path + ".tmp";
  ES_RETURN_IF_ERROR(WriteTextFile(tmp, r.ToJson().dump(2) + "\n"));
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return InvalidArgument("cannot write '" + path + "': " + ec.message());
  return Status::Ok();
}

Result<Rollout> LoadState(const std::string& path) {
  ES_ASSIGN_OR_RETURN(std::string text, ReadTextFile(path));
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return DataLoss("'" + path + "' is not a rollout state (not JSON)");
  auto r = Rollout::FromJson(j);
  if (!r.ok()) return r.status().WithContext(path);
  return r;
}

std::string Table(const Rollout& r) {
  std::ostringstream o;
  o << "rollout " << r.plan().model << ": " << RolloutStateName(r.state()) << ", stage "
    << r.stage() + 1 << " of " << r.stage_count();
  if (!r.reason().empty()) o << " (" << r.reason() << ")";
  o << "\n";
  o << std::left << std::setw(20) << "device" << std::setw(7) << "stage" << std::setw(10) << "state"
    << std::setw(9) << "online" << std::setw(20) << "model"
    << "reason\n";
  for (const RolloutDevice& d : r.devices()) {
    o << std::setw(20) << d.id << std::setw(7) << d.stage + 1 << std::setw(10)
      << RolloutDeviceStateName(d.state) << std::setw(9) << (d.online ? "yes" : "no")
      << std::setw(20) << (d.model.empty() ? "-" : d.model) << d.reason << "\n";
  }
  return o.str();
}

int Print(const Rollout& r, bool json) {
  if (json) {
    std::cout << r.ToJson().dump(2) << std::endl;
  } else {
    std::cout << Table(r);
  }
  return r.state() == RolloutState::kDone      ? kExitOk
         : r.state() == RolloutState::kRunning ? kExitRuntime
                                               : kExitHalted;
}

Result<MosquittoOptions> Broker(const RolloutFlags& f) {
  BackendConfig c;
  if (!f.config.empty()) {
    ES_ASSIGN_OR_RETURN(c, LoadBackendConfig(f.config));
  }
  if (!f.mqtt.empty()) c.mqtt.url = f.mqtt;
  MosquittoOptions o;
  ES_RETURN_IF_ERROR(ParseMqttUrl(c.mqtt.url, &o));
  if (!c.mqtt.password_file.empty()) {
    ES_ASSIGN_OR_RETURN(o.password, ReadPasswordFile("mqtt.password_file", c.mqtt.password_file));
  }
  if (!c.mqtt.tls_cafile.empty()) o.tls_cafile = c.mqtt.tls_cafile;
  o.client_id = "edgesight-rollout-" + std::to_string(getpid());
  o.clean_session = true;
  o.subscriptions = {{"edgesight/v1/+/status", 1}, {"edgesight/v1/+/device/events", 1}};
  return o;
}

// What arrives on the transport thread, handed to the main loop.
struct Inbox {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::pair<std::string, std::string>> messages;  // topic, payload
  std::deque<int> acked;                                     // mids
  bool connected = false;
  std::string error;
  bool stop = false;
};

// "edgesight/v1/<device>/<rest>" -> device, when rest matches.
std::string DeviceOf(const std::string& topic, const std::string& rest) {
  const std::string prefix = "edgesight/v1/";
  if (topic.rfind(prefix, 0) != 0 || topic.size() <= prefix.size() + rest.size() + 1) return "";
  if (topic.compare(topic.size() - rest.size() - 1, std::string::npos, "/" + rest) != 0) return "";
  return topic.substr(prefix.size(), topic.size() - prefix.size() - rest.size() - 1);
}

class Controller {
 public:
  Controller(RolloutFlags f, std::string bundle, std::string path)
      : f_(std::move(f)), bundle_(std::move(bundle)), path_(std::move(path)) {}

  int Run(std::optional<Rollout> resumed, RolloutPlan plan) {
    auto options = Broker(f_);
    if (!options.ok()) return Fail(options.status());
    const std::string broker = options->host + ":" + std::to_string(options->port);
    auto transport = MakeMosquittoTransport(*options);
    if (!transport.ok()) return Fail(transport.status());
    transport_ = std::move(transport).value();
    MqttTransportCallbacks cb;
    cb.on_connect = [this](int rc) {
      std::lock_guard lock(in_.mu);
      in_.connected = rc == 0;
      if (rc != 0) in_.error = ConnackReason(rc);
      in_.cv.notify_all();
    };
    cb.on_disconnect = [this](int) {
      std::lock_guard lock(in_.mu);
      in_.connected = false;
    };
    cb.on_publish = [this](int mid) {
      std::lock_guard lock(in_.mu);
      in_.acked.push_back(mid);
      in_.cv.notify_all();
    };
    cb.on_error = [this](const std::string& text) {
      std::lock_guard lock(in_.mu);
      in_.error = text;
    };
    cb.on_message = [this](const std::string& topic, std::string_view payload) {
      std::lock_guard lock(in_.mu);
      in_.messages.emplace_back(topic, std::string(payload));
      in_.cv.notify_all();
    };
    if (Status s = transport_->Start(std::move(cb)); !s.ok()) return Fail(s);
    ShutdownSignals signals(Duration::Seconds(30));
    signals.OnStop([this] {
      std::lock_guard lock(in_.mu);
      in_.stop = true;
      in_.cv.notify_all();
    });
    const int code = Drive(std::move(resumed), std::move(plan), broker);
    transport_->Stop();
    signals.Disarm();
    return code;
  }

 private:
  int Drive(std::optional<Rollout> resumed, RolloutPlan plan, const std::string& broker) {
    {
      std::unique_lock lock(in_.mu);
      in_.cv.wait_for(lock, std::chrono::seconds(30), [&] { return in_.connected || in_.stop; });
      if (!in_.connected) {
        std::cerr << "edgesight-backend: rollout: error: broker " << broker << " not reachable"
                  << (in_.error.empty() ? "" : ": " + in_.error) << std::endl;
        return kExitRuntime;
      }
    }
    // Retained statuses arrive right after the subscription.
    auto discover = ParseSeconds(f_.discover);
    if (!discover.ok()) return Fail(discover.status().WithContext("--discover"));
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(*discover);
    std::map<std::string, RolloutCandidate> seen;
    std::deque<std::pair<std::string, std::string>> early;
    while (std::chrono::steady_clock::now() < until) {
      for (auto& [topic, payload] : Take(100)) {
        if (std::string d = DeviceOf(topic, "status"); !d.empty()) {
          const nlohmann::json j = nlohmann::json::parse(payload, nullptr, false);
          if (!j.is_object()) continue;
          seen[d] = {d, j.value("state", "") == "online", j.value("model", "")};
        }
        early.emplace_back(topic, payload);
      }
      if (Stopped()) return kExitRuntime;
    }
    if (resumed) {
      rollout_ = std::move(*resumed);
      Log("resuming from " + path_);
    } else {
      std::vector<RolloutCandidate> candidates;
      for (auto& [id, c] : seen) candidates.push_back(c);
      auto planned = Rollout::Plan(plan, std::move(candidates), NowMs());
      if (!planned.ok()) return Fail(planned.status());
      rollout_ = std::move(planned).value();
    }
    for (auto& [topic, payload] : early) Handle(topic, payload);
    // The loop: messages in, sends out, the state saved after every change.
    std::string saved;
    auto halted_at = std::optional<std::chrono::steady_clock::time_point>();
    while (true) {
      for (auto& [topic, payload] : Take(200)) Handle(topic, payload);
      for (int mid : TakeAcked()) {
        if (auto it = inflight_.find(mid); it != inflight_.end()) {
          rollout_->MarkDelivered(it->second);
          Log(it->second + ": bundle delivered (retained)");
          inflight_.erase(it);
        }
      }
      const std::vector<std::string> sends = rollout_->Tick(NowMs());
      for (const std::string& d : sends) Send(d, bundle_);
      for (std::string& line : rollout_->TakeLog()) Log(line);
      if (std::string now = rollout_->ToJson().dump(); now != saved) {
        if (Status s = SaveState(path_, *rollout_); !s.ok()) return Fail(s);
        saved = now;
      }
      if (Stopped()) {
        Log("stopped by a signal; the state is in " + path_ + ": run the command again to resume");
        return Print(*rollout_, f_.json) == kExitOk ? kExitOk : kExitRuntime;
      }
      if (rollout_->state() == RolloutState::kRunning) continue;
      if (!halted_at) {
        halted_at = std::chrono::steady_clock::now();
        if (rollout_->state() == RolloutState::kAborted) ClearRetained();
      }
      // Done or halted: leave once the last sends (and clears) are acknowledged (a send that
      // found no connection is retried on the next pass), or after 30 s.
      if ((sends.empty() && inflight_.empty()) ||
          std::chrono::steady_clock::now() - *halted_at > std::chrono::seconds(30)) {
        break;
      }
    }
    return Print(*rollout_, f_.json);
  }

  // The aborted rollout's bundle is taken back from every device that has not promoted it.
  void ClearRetained() {
    for (const RolloutDevice& d : rollout_->devices()) {
      if (d.state == RolloutDeviceState::kPromoted || d.state == RolloutDeviceState::kPassed) {
        continue;
      }
      if (d.state != RolloutDeviceState::kPending) Send(d.id, "");
    }
  }

  void Send(const std::string& device, const std::string& payload) {
    for (const auto& [mid, d] : inflight_) {
      if (d == device && !payload.empty()) return;  // already on its way
    }
    auto mid = transport_->Publish(ModelsTopic(device), payload, 1, /*retain=*/true);
    if (!mid.ok()) return;  // not connected: the next tick sends it again
    inflight_[*mid] = device;
    if (payload.empty()) Log(device + ": retained bundle cleared");
  }

  void Handle(const std::string& topic, const std::string& payload) {
    const nlohmann::json j = nlohmann::json::parse(payload, nullptr, false);
    if (!j.is_object()) return;
    if (std::string d = DeviceOf(topic, "status"); !d.empty()) {
      rollout_->OnStatus(d, j.value("state", "") == "online", j.value("model", ""), NowMs());
    } else if (!DeviceOf(topic, "device/events").empty()) {
      rollout_->OnEvent(j, NowMs());
    }
  }

  std::deque<std::pair<std::string, std::string>> Take(int wait_ms) {
    std::unique_lock lock(in_.mu);
    in_.cv.wait_for(lock, std::chrono::milliseconds(wait_ms),
                    [&] { return !in_.messages.empty() || !in_.acked.empty() || in_.stop; });
    return std::exchange(in_.messages, {});
  }
  std::deque<int> TakeAcked() {
    std::lock_guard lock(in_.mu);
    return std::exchange(in_.acked, {});
  }
  bool Stopped() {
    std::lock_guard lock(in_.mu);
    return in_.stop;
  }
  void Log(const std::string& line) {
    const std::string model = rollout_ ? rollout_->plan().model : "";
    LogLine(LogLevel::kInfo, "rollout " + model + ": " + line);
  }

  RolloutFlags f_;
  std::string bundle_;
  std::string path_;
  Inbox in_;
  std::unique_ptr<MqttTransport> transport_;
  std::optional<Rollout> rollout_;
  std::map<int, std::string> inflight_;  // mid -> device
};

int Start(const RolloutFlags& f) {
  auto key = ReadPublicKey(f.pub);
  if (!key.ok()) return Fail(key.status().WithContext("--pub"));
  auto bytes = ReadTextFile(f.bundle, kMaxBundleBytes);
  if (!bytes.ok()) return Fail(bytes.status());
  auto bundle = DecodeBundle(*bytes, {*key});
  if (!bundle.ok()) return Fail(bundle.status());
  RolloutPlan plan;
  plan.model = ModelId(bundle->manifest);
  plan.bundle_sha256 = Sha256Hex(*bytes);
  plan.selector = f.devices;
  auto stages = ParseStages(f.stages);
  if (!stages.ok()) return Fail(stages.status());
  plan.stages = *stages;
  plan.max_failure_rate = f.max_failure_rate;
  auto soak = ParseSeconds(f.soak);
  if (!soak.ok()) return Fail(soak.status().WithContext("--soak"));
  plan.soak_s = *soak;
  auto timeout = ParseSeconds(f.report_timeout);
  if (!timeout.ok()) return Fail(timeout.status().WithContext("--report-timeout"));
  plan.report_timeout_s = *timeout;
  if (f.on_failure != "pause" && f.on_failure != "abort") {
    return Fail(
        InvalidArgument("--on-failure: expected pause or abort, got '" + f.on_failure + "'"));
  }
  plan.abort_on_failure = f.on_failure == "abort";
  if (Status s = CheckPlan(plan); !s.ok()) return Fail(s);
  const std::string path = StatePath(f);
  std::optional<Rollout> resumed;
  if (fs::exists(path)) {
    auto r = LoadState(path);
    if (!r.ok()) return Fail(r.status());
    if (r->plan().bundle_sha256 != plan.bundle_sha256) {
      return Fail(InvalidArgument("state file '" + path + "' belongs to another bundle (" +
                                  r->plan().model + "); pass another --state"));
    }
    if (r->state() != RolloutState::kRunning) return Print(*r, f.json);
    resumed = std::move(r).value();
  }
  Controller c(f, std::move(bytes).value(), path);
  return c.Run(std::move(resumed), std::move(plan));
}

}  // namespace

int RolloutMain(int argc, char** argv) {
  CLI::App app{"edgesight-backend rollout: stage a signed model bundle across a fleet"};
  app.name("edgesight-backend rollout");
  RolloutFlags f;
  app.add_option("--bundle", f.bundle, "the bundle (edgesight model pack)");
  app.add_option("--pub", f.pub, "public key the bundle must verify with (model keygen)");
  app.add_option("--devices", f.devices, "comma-separated globs on device ids, e.g. 'site-*'");
  app.add_option("--stages", f.stages, "cumulative percentages of the devices, ending at 100")
      ->capture_default_str();
  app.add_option("--max-failure-rate", f.max_failure_rate,
                 "pause when failed / devices so far exceeds this")
      ->capture_default_str();
  app.add_option("--soak", f.soak, "how long a promoted model must hold (600, 30s, 10m, 2h)")
      ->capture_default_str();
  app.add_option("--report-timeout", f.report_timeout,
                 "an online device silent this long has failed")
      ->capture_default_str();
  app.add_option("--on-failure", f.on_failure, "pause | abort (abort clears retained bundles)")
      ->capture_default_str();
  app.add_option("--mqtt", f.mqtt, "broker URL (overrides mqtt.url of --config)");
  app.add_option("--config", f.config, "backend.yaml (its mqtt section)");
  app.add_option("--state", f.state, "state file (default BUNDLE.rollout.json)");
  app.add_option("--discover", f.discover, "how long to read the devices' retained statuses")
      ->capture_default_str();
  app.add_flag("--json", f.json, "print the final state as JSON");
  CLI::App* status = app.add_subcommand("status", "print a rollout's per-device state");
  std::string status_state, status_bundle;
  bool status_json = false;
  status->add_option("--state", status_state, "state file");
  status->add_option("--bundle", status_bundle, "the bundle (state file BUNDLE.rollout.json)");
  status->add_flag("--json", status_json, "JSON instead of a table");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::cerr << "edgesight-backend: error: rollout: " << e.what() << " (see --help)" << std::endl;
    return kExitBadInput;
  }
  if (status->parsed()) {
    if (status_state.empty() && status_bundle.empty()) {
      return Fail(InvalidArgument("rollout status: pass --state FILE or --bundle B"));
    }
    const std::string path = status_state.empty() ? status_bundle + ".rollout.json" : status_state;
    auto r = LoadState(path);
    if (!r.ok()) return Fail(r.status());
    Print(*r, status_json);
    return kExitOk;
  }
  for (const auto& [flag, value] :
       {std::pair{"--bundle", f.bundle}, {"--pub", f.pub}, {"--devices", f.devices}}) {
    if (value.empty()) return Fail(InvalidArgument(std::string(flag) + " is required"));
  }
  return Start(f);
}

}  // namespace es
