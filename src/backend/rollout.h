// Rollout: the state of one staged fleet rollout of a model bundle (`edgesight-backend rollout`,
// docs/models.md "Fleet rollouts"). Pure state: no I/O and no clock of its own. The command
// feeds it the devices' retained statuses and model events, and asks it at every tick whom to
// send the bundle to.
//
// Contract
// - Plan(): the matching devices, sorted by id, are split into stages by cumulative percentage:
//   stage k ends at device ceil(stages[k] * N / 100), and holds at least one device while any
//   are left. stages must rise strictly, each in (0, 100], the last 100.
// - A device's state: pending (not sent yet) -> sent (the bundle is retained on its models
//   topic) -> received (it verified and installed the bundle; shadowing) -> promoted (soaking)
//   -> passed, `soak` after the promotion without a rollback. It fails from sent, received or
//   promoted on a `rejected` or `rolled_back` event, or when it gives no report for
//   report_timeout while online. A device that already runs the model when it is planned passes
//   at once. A device reported offline keeps its state: the bundle waits, retained, on its
//   topic, and it picks it up when it returns; its report clock restarts then.
// - Events count only when their bundle_sha256 is this rollout's. A status naming this
//   rollout's model as the one in use moves a sent or received device to promoted (its
//   promoted event not seen).
// - Tick(now): applies soak and timeouts; then, while running: pauses (or aborts, with
//   abort_on_failure) when failed / devices assigned so far > max_failure_rate, with a reason
//   naming the failed devices; otherwise advances when every device assigned so far is passed,
//   failed or offline; done after the last stage. Returns the devices the bundle must be sent
//   to now (new in the stage, or sent but not yet delivered: MarkDelivered on the broker's
//   acknowledgement).
// - Changes are logged into a list the caller drains (TakeLog), one line each.
// - ToJson / FromJson: the whole state (`rollout status`; a restarted command resumes).
// Thread-safety: none; one owner.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "edgesight/status.h"

namespace es {

struct RolloutPlan {
  std::string model;          // name@version of the bundle
  std::string bundle_sha256;  // of the bundle file: what the devices' events carry
  std::string selector;       // comma-separated globs on device ids
  std::vector<int> stages = {5, 25, 100};
  double max_failure_rate = 0.2;
  double soak_s = 600;
  double report_timeout_s = 600;
  bool abort_on_failure = false;
};

enum class RolloutDeviceState { kPending, kSent, kReceived, kPromoted, kPassed, kFailed };
const char* RolloutDeviceStateName(RolloutDeviceState s);

struct RolloutDevice {
  std::string id;
  int stage = 0;
  RolloutDeviceState state = RolloutDeviceState::kPending;
  bool delivered = false;  // the broker acknowledged the retained bundle
  bool online = true;
  std::string model;     // the model in use, as its last status said
  int64_t since_ms = 0;  // when the state last changed (or the device came back online)
  std::string reason;
  nlohmann::json figures = nlohmann::json::object();  // of its promoted event
};

// What the command knows of a device before planning (its retained status).
struct RolloutCandidate {
  std::string id;
  bool online = true;
  std::string model;
};

enum class RolloutState { kRunning, kPaused, kAborted, kDone };
const char* RolloutStateName(RolloutState s);

// True when `device` matches one of the comma-separated globs of `selector` (fnmatch).
bool SelectorMatches(const std::string& selector, const std::string& device);
// "600", "30s", "10m", "2h" -> seconds; kInvalidArgument otherwise.
Result<double> ParseSeconds(const std::string& text);
// "5,25,100" -> {5, 25, 100}, checked as Plan does.
Result<std::vector<int>> ParseStages(const std::string& text);
// What Plan checks of a plan (stages, a failure rate in [0, 1], durations), to check flags
// before connecting anywhere.
Status CheckPlan(const RolloutPlan& plan);

class Rollout {
 public:
  static Result<Rollout> Plan(const RolloutPlan& plan, std::vector<RolloutCandidate> devices,
                              int64_t now_ms);
  static Result<Rollout> FromJson(const nlohmann::json& j);
  nlohmann::ordered_json ToJson() const;

  void OnStatus(const std::string& device, bool online, const std::string& model, int64_t now_ms);
  // A model event from a device's edgesight/v1/<device>/device/events.
  void OnEvent(const nlohmann::json& event, int64_t now_ms);
  std::vector<std::string> Tick(int64_t now_ms);
  void MarkDelivered(const std::string& device);

  RolloutState state() const { return state_; }
  const std::string& reason() const { return reason_; }
  const RolloutPlan& plan() const { return plan_; }
  const std::vector<RolloutDevice>& devices() const { return devices_; }
  int stage() const { return stage_; }
  int stage_count() const { return static_cast<int>(plan_.stages.size()); }
  std::vector<std::string> TakeLog();

 private:
  RolloutDevice* Find(const std::string& id);
  std::vector<std::string> Undelivered() const;
  void Set(RolloutDevice& d, RolloutDeviceState s, int64_t now_ms, std::string reason = "");
  void Log(std::string line);

  RolloutPlan plan_;
  std::vector<RolloutDevice> devices_;
  RolloutState state_ = RolloutState::kRunning;
  int stage_ = 0;  // the stage being rolled out (the last one once done)
  std::string reason_;
  std::vector<std::string> log_;
};

}  // namespace es
