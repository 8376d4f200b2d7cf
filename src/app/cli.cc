#include "app/cli.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <limits>
#include <opencv2/core/utils/logger.hpp>
#include <optional>
#include <string>
#include <vector>

#include "app/allocator_policy.h"
#include "app/bench_command.h"
#include "app/calibrate_command.h"
#include "app/detector_spec.h"
#include "app/eval_command.h"
#include "app/exit_codes.h"
#include "app/governor_sim_command.h"
#include "app/log_line.h"
#include "app/model_command.h"
#include "app/onvif_emulator_command.h"
#include "app/plan_command.h"
#include "app/profile_command.h"
#include "app/progress.h"
#include "app/run_command.h"
#include "app/shutdown_signals.h"
#include "app/synth_mot_command.h"
#include "app/track_command.h"
#include "app/uplink_stats_command.h"
#include "config/config_checks.h"
#include "config/config_loader.h"
#include "config/config_schema.h"
#include "config/site_config.h"
#include "ptz/ptz_sim.h"

namespace es {
namespace {

constexpr size_t kMaxArgumentBytes = 4096;

struct RunFlags {
  std::vector<std::string> sources;
  std::string config, detector, events_out, annotate, device = "edge0";
  std::string mqtt, outbox, http, summary_json;
  int max_frames = -1;
  bool realtime = false;
  bool json = false;
  std::vector<std::string> sets;
};

// The dedicated flags on one camera's config (after the file and --set: most specific wins).
Status ApplyRunFlags(const RunFlags& f, AppConfig* config) {
  AppConfig& c = *config;
  if (c.source.uri.empty()) return InvalidArgument("no source: pass --source or set source.uri");
  if (!f.detector.empty()) ES_RETURN_IF_ERROR(ApplyDetectorSpec(f.detector, &c.detector));
  if (f.max_frames >= 0) c.pipeline.max_frames = f.max_frames;
  if (!f.events_out.empty()) c.output.events_out = f.events_out;
  if (!f.annotate.empty()) c.output.annotate = f.annotate;
  if (!f.mqtt.empty()) c.uplink.mqtt = f.mqtt;
  if (!f.outbox.empty()) c.uplink.outbox = f.outbox;
  if (!f.http.empty()) c.http.listen = f.http;
  if (f.realtime) c.source.realtime = true;
  return ValidateConfig(c);  // flags go through the same checks as the file
}

// The device id is an MQTT topic level, the first part of every event id and part of file names.
Status CheckDeviceId(const std::string& device) {
  const bool ok = !device.empty() && device.size() <= 64 &&
                  std::all_of(device.begin(), device.end(), [](unsigned char c) {
                    return std::isalnum(c) || c == '_' || c == '-';
                  });
  if (ok) return Status::Ok();
  return InvalidArgument(
      "--device: expected 1-64 characters of [A-Za-z0-9_-] (an MQTT topic "
      "level and the first part of event ids), got " +
      QuoteString(device));
}

// Config file (a site: one camera or a `cameras:` list), then --set overrides on every camera,
// then --source (one camera per flag, ids cam0, cam1, ... when there are several), then the
// other flags.
Result<SiteConfig> ResolveSite(const RunFlags& f) {
  ES_RETURN_IF_ERROR(CheckDeviceId(f.device));
  SiteConfig site = SingleCameraSite(AppConfig{});
  if (!f.config.empty()) {
    ES_ASSIGN_OR_RETURN(site, LoadSiteConfigFile(f.config));
  }
  ES_RETURN_IF_ERROR(ApplySiteOverrides(&site, f.sets));
  if (!f.sources.empty()) {
    if (site.has_cameras_list) {
      return InvalidArgument(
          "--source: the config lists its cameras (cameras:); pass one or "
          "the other");
    }
    const AppConfig base = site.cameras.front().config;
    site.cameras.clear();
    for (size_t i = 0; i < f.sources.size(); ++i) {
      SiteCamera cam;
      cam.config = base;
      cam.config.source.uri = f.sources[i];
      if (f.sources.size() > 1) cam.config.source.stream_id = "cam" + std::to_string(i);
      cam.id = cam.config.source.stream_id;
      site.cameras.push_back(std::move(cam));
    }
  }
  for (SiteCamera& cam : site.cameras) {
    Status s = ApplyRunFlags(f, &cam.config);
    if (!s.ok()) {
      return site.cameras.size() > 1 ? s.WithContext("camera " + cam.id) : s;
    }
  }
  ES_RETURN_IF_ERROR(ValidateSite(site));
  return site;
}

// One camera (bench): the first of the site.
Result<AppConfig> ResolveConfig(const RunFlags& f) {
  ES_ASSIGN_OR_RETURN(SiteConfig site, ResolveSite(f));
  return site.cameras.front().config;
}

// What to run on, for `run` and `bench`.
void AddSourceFlags(CLI::App* cmd, RunFlags* f) {
  cmd->add_option("--source", f->sources,
                  "video file, rtsp://host:port/path, or synthetic:NAME (crowd, walk, empty); "
                  "repeat for several cameras in one process (ids cam0, cam1, ...)");
  cmd->add_option("--config", f->config, "YAML config file (see docs/configuration.md)");
  cmd->add_option("--detector", f->detector,
                  "nanodet (default) | hog | motion | onnx:PATH[,format=yolov8|yolov5|nanodet]"
                  "[,engine=ort|opencv][,threads=N]");
  cmd->add_option("--max-frames", f->max_frames, "stop after N frames (0 = until the end)")
      ->check(CLI::Range(0, std::numeric_limits<int>::max()));
  cmd->add_flag("--realtime", f->realtime,
                "play files and synthetic scenes at their frame rate like a camera (frames the "
                "detector cannot keep up with are dropped); default: every frame, as fast as "
                "possible");
  cmd->add_option("--set", f->sets, "override a config key, e.g. --set tracker.track_thresh=0.6");
}

// Where the results go, for `run` only (the bench measures the pipeline without them).
void AddOutputFlags(CLI::App* cmd, RunFlags* f) {
  cmd->add_option("--events-out", f->events_out, "write one JSON object per frame (JSON lines)");
  cmd->add_option("--annotate", f->annotate, "write an annotated video (.mp4, .mkv or .ts)");
  cmd->add_option("--device", f->device, "this device's id, the first part of event ids")
      ->capture_default_str();
  cmd->add_option("--mqtt", f->mqtt,
                  "MQTT broker: mqtt://[user[:pass]@]host[:port] or mqtts://... (events, crops, "
                  "status; durable outbox in between)");
  cmd->add_option(
      "--outbox", f->outbox,
      std::string("durable outbox (SQLite) that keeps events until the broker has them; "
                  "default with --mqtt: ") +
          UplinkConfig::kDefaultOutboxPath);
  cmd->add_option("--http", f->http,
                  "serve metrics, health, cameras and live settings on HOST:PORT, e.g. "
                  "127.0.0.1:8080 (docs/operations.md; overrides http.listen)");
}

// `run` only: how the summary is shown.
void AddSummaryFlags(CLI::App* cmd, RunFlags* f) {
  cmd->add_flag("--json", f->json,
                "print the JSON summary also on a terminal (it is printed whenever stdout is not "
                "one)");
  cmd->add_option("--summary-json", f->summary_json, "also write the JSON summary to this file");
}

int RunRun(const RunFlags& flags) {
  auto site = ResolveSite(flags);
  if (!site.ok()) return ReportError(site.status());
  const AppConfig& first = site->cameras.front().config;
  ShutdownSignals signals(Duration::Seconds(first.pipeline.stop_timeout_s));
  const SiteReloader reload = [&flags] { return ResolveSite(flags); };
  SiteRunResult r = RunSite(*site, flags.device, &signals, reload, isatty(STDERR_FILENO) == 1);
  signals.SetPhase("printing the summary");
  const bool refused = r.credentials_refused;  // already said on stderr when it happened
  Status status = r.status;
  std::optional<nlohmann::ordered_json> summary;
  if (site->cameras.size() == 1) {
    const RunResult one = SingleCameraResult(std::move(r), first);
    if (one.summary.frames_read > 0 || one.status.ok()) summary = one.summary.ToJson();
  } else if (!r.cameras.empty()) {
    summary = r.ToJson(flags.device);
  }
  if (summary) {
    // People on a terminal get a few lines; scripts and pipes get the JSON (as does --json);
    // the journal (a service's stop) gets it as one line, one entry.
    if (isatty(STDOUT_FILENO) == 1 && !flags.json) {
      std::cout << HumanSummary(*summary) << std::flush;
    } else if (IsJournalStream(STDOUT_FILENO)) {
      std::cout << summary->dump() << std::endl;
    } else {
      std::cout << summary->dump(2) << std::endl;
    }
    if (!flags.summary_json.empty()) {
      std::ofstream file(flags.summary_json);
      file << summary->dump(2) << "\n";
      if (!file) status = Internal("--summary-json: cannot write '" + flags.summary_json + "'");
    }
  }
  signals.Disarm();
  if (!status.ok()) return ReportError(status);
  return refused ? kExitBadInput : kExitOk;
}

}  // namespace

int Main(int argc, char** argv) {
  // Before any thread exists, so that every thread (libraries' too) inherits the mask and a
  // SIGINT/SIGTERM reaches only the watcher of `run` (shutdown_signals.h).
  BlockShutdownSignals();
  ConfigureAllocator();
  // No flag value is this long; a huge argument would only reach libraries unchecked.
  for (int i = 1; i < argc; ++i) {
    const size_t n = std::strlen(argv[i]);
    if (n > kMaxArgumentBytes) {
      LogLine(LogLevel::kError, "error: argument " + std::to_string(i) + " is " +
                                    std::to_string(n) + " bytes long (the limit is " +
                                    std::to_string(kMaxArgumentBytes) + ")");
      return kExitBadInput;
    }
  }
  // Library chatter on stderr would break the one-line error contract; errors arrive as Status.
  cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_ERROR);
  // Warnings go to stderr: stdout carries only the machine-readable summary.
  ConfigureLogging();

  CLI::App app{"edgesight: edge-first video analytics"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "edgesight 0.1.0");

  RunFlags run_flags;
  CLI::App* run = app.add_subcommand("run", "run the pipeline on a source and print a summary");
  AddSourceFlags(run, &run_flags);
  AddOutputFlags(run, &run_flags);
  AddSummaryFlags(run, &run_flags);

  RunFlags bench_flags;
  std::string bench_out;
  CLI::App* bench = app.add_subcommand(
      "bench",
      "measure the pipeline on a source: each detector and engine, with and without "
      "the motion gate and the detection interval; prints JSON");
  AddSourceFlags(bench, &bench_flags);
  CLI::Option* bench_out_opt =
      bench->add_option("--out", bench_out, "also write the JSON report to this file");
  bool profile = false;
  ProfileArgs profile_args;
  CLI::Option* profile_opt = bench->add_flag(
      "--profile", profile,
      "instead: sweep the detector's operating points (NanoDet 416/320, FP32/INT8, ONNX Runtime, "
      "1 and 2 threads) on the same frames and write a profile: latency p50/p99, throughput, "
      "energy per inference, agreement (F1 at IoU 0.5) with 416 FP32; not accuracy");
  profile_opt->excludes(bench_out_opt);
  bench->add_option("--profile-out", profile_args.out, "where --profile writes its JSON")
      ->capture_default_str()
      ->needs(profile_opt);
  bench
      ->add_option("--watts-per-core", profile_args.watts_per_core,
                   "--profile without RAPL energy counters: estimate joules as CPU seconds x "
                   "this")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 1000.0))
      ->needs(profile_opt);

  uint64_t ptz_seed = 42;
  CLI::App* ptz_sim =
      app.add_subcommand("ptz-sim",
                         "deterministic PTZ follow simulation: every scenario x network profile x "
                         "controller through the real tracker; prints JSON (docs/ptz.md)");
  ptz_sim->add_option("--seed", ptz_seed, "simulation seed")->capture_default_str();

  EvalArgs eval_args;
  CLI::App* eval = AddEvalCommand(&app, &eval_args);

  TrackArgs track_args;
  CLI::App* track = AddTrackCommand(&app, &track_args);

  SynthMotArgs synth_mot_args;
  CLI::App* synth_mot = AddSynthMotCommand(&app, &synth_mot_args);

  CalibrateArgs calibrate_args;
  CLI::App* calibrate = AddCalibrateCommand(&app, &calibrate_args);

  UplinkStatsArgs uplink_stats_args;
  CLI::App* uplink_stats = AddUplinkStatsCommand(&app, &uplink_stats_args);

  OnvifEmulatorArgs onvif_emulator_args;
  CLI::App* onvif_emulator = AddOnvifEmulatorCommand(&app, &onvif_emulator_args);

  GovernorSimArgs governor_sim_args;
  CLI::App* governor_sim = AddGovernorSimCommand(&app, &governor_sim_args);

  PlanArgs plan_args;
  CLI::App* plan = AddPlanCommand(&app, &plan_args);

  ModelArgs model_args;
  CLI::App* model = AddModelCommand(&app, &model_args);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    LogLine(LogLevel::kError, std::string("error: ") + e.what() + " (see --help)");
    return kExitBadInput;
  }

  if (*run) return RunRun(run_flags);
  UnblockShutdownSignals();  // the other commands end on a signal's default action
  if (*eval) return RunEval(eval_args);
  if (*track) return RunTrack(track_args);
  if (*synth_mot) return RunSynthMot(synth_mot_args);
  if (*calibrate) return RunCalibrate(calibrate_args);
  if (*uplink_stats) return RunUplinkStats(uplink_stats_args);
  if (*ptz_sim) {
    std::cout << RunPtzSim(ptz_seed).dump(2) << std::endl;
    return kExitOk;
  }
  if (*plan) return RunPlan(plan_args);
  if (*model) return RunModel(model_args);
  if (*governor_sim) return RunGovernorSim(governor_sim_args);
  if (*onvif_emulator) return RunOnvifEmulator(onvif_emulator_args);
  if (*bench) {
    if (bench_flags.sources.empty()) bench_flags.sources = {ES_DEFAULT_VIDEO};
    auto config = ResolveConfig(bench_flags);
    if (!config.ok()) return ReportError(config.status());
    if (profile) return RunProfile(*config, profile_args);
    return RunBench(*config, bench_out);
  }
  return kExitOk;
}

}  // namespace es
