#include "app/eval_command.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <system_error>
#include <vector>

#include "app/exit_codes.h"
#include "app/progress.h"
#include "track/hota.h"
#include "track/mot_io.h"
#include "track/mot_metrics.h"

namespace es {
namespace {

namespace fs = std::filesystem;

struct SequenceInput {
  std::string name, gt_path, res_path;
};

struct SequenceResult {
  std::string name;
  std::string gt_format;
  int64_t frames = 0, gt_dets = 0, tracker_dets = 0, removed = 0, tracker_ids = 0;
  ClearCounts clear;
  IdentityCounts identity;
  HotaResult hota;
};

double Round(double v, double scale) { return std::round(v * scale) / scale; }
double Pct(double fraction) { return Round(100.0 * fraction, 1000.0); }

Result<GtFormat> ParseGtFormat(const std::string& s) {
  if (s == "auto") return GtFormat::kAuto;
  if (s == "mot15") return GtFormat::kMot15;
  if (s == "mot16" || s == "mot17" || s == "mot20") return GtFormat::kMot16;
  return InvalidArgument("--gt-format must be auto, mot15 or mot16 (got '" + s + "')");
}

std::string SequenceName(const std::string& gt_path) {
  const fs::path p(gt_path);
  if (p.parent_path().filename() == "gt" && !p.parent_path().parent_path().filename().empty()) {
    return p.parent_path().parent_path().filename().string();
  }
  return p.stem().string();
}

Result<std::vector<SequenceInput>> ListInputs(const EvalArgs& a) {
  const bool single = !a.gt.empty() || !a.res.empty();
  const bool folder = !a.gt_dir.empty() || !a.res_dir.empty();
  if (single == folder) {
    return InvalidArgument("eval needs either --gt FILE --res FILE or --gt-dir DIR --res-dir DIR");
  }
  std::vector<SequenceInput> out;
  if (single) {
    if (a.gt.empty() || a.res.empty()) return InvalidArgument("eval needs both --gt and --res");
    out.push_back({SequenceName(a.gt), a.gt, a.res});
    return out;
  }
  if (a.gt_dir.empty() || a.res_dir.empty()) {
    return InvalidArgument("eval needs both --gt-dir and --res-dir");
  }
  std::error_code ec;
  if (!fs::is_directory(a.gt_dir, ec))
    return NotFound("--gt-dir '" + a.gt_dir + "' is not a folder");
  if (!fs::is_directory(a.res_dir, ec)) {
    return NotFound("--res-dir '" + a.res_dir + "' is not a folder");
  }
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(a.gt_dir, ec)) {
    // Its own error code: a plain file beside the sequence folders (a README, checksums) makes
    // this check fail with "not a directory", which must not end the listing.
    std::error_code entry_ec;
    if (fs::is_regular_file(entry.path() / "gt" / "gt.txt", entry_ec)) {
      names.push_back(entry.path().filename().string());
    }
  }
  if (ec) return NotFound("cannot list --gt-dir '" + a.gt_dir + "': " + ec.message());
  if (names.empty()) {
    return NotFound("no sequences under --gt-dir '" + a.gt_dir +
                    "' (expected DIR/<seq>/gt/gt.txt)");
  }
  std::sort(names.begin(), names.end());
  for (const std::string& n : names) {
    const fs::path res = fs::path(a.res_dir) / (n + ".txt");
    if (!fs::is_regular_file(res, ec)) {
      return NotFound("no result file '" + res.string() + "' for sequence " + n);
    }
    out.push_back({n, (fs::path(a.gt_dir) / n / "gt" / "gt.txt").string(), res.string()});
  }
  return out;
}

Result<SequenceResult> EvaluateSequence(const SequenceInput& in, const MotEvalOptions& opt) {
  ES_ASSIGN_OR_RETURN(MotFile gt, ReadMotFile(in.gt_path));
  ES_ASSIGN_OR_RETURN(MotFile res, ReadMotFile(in.res_path));
  ES_ASSIGN_OR_RETURN(MotEvalSequence seq, PrepareMotSequence(gt, res, opt, in.name));
  SequenceResult r;
  r.name = in.name;
  r.gt_format = GtFormatName(seq.gt_format);
  r.frames = static_cast<int64_t>(seq.frames.size());
  r.gt_dets = seq.num_gt_dets;
  r.tracker_dets = seq.num_tracker_dets;
  r.removed = seq.removed_tracker_dets;
  r.tracker_ids = static_cast<int64_t>(seq.tracker_ids.size());
  r.clear = EvaluateClear(seq);
  r.identity = EvaluateIdentity(seq);
  r.hota = EvaluateHota(seq);
  return r;
}

nlohmann::ordered_json Row(const SequenceResult& r) {
  const ClearScores c = ScoreClear(r.clear);
  const IdentityScores id = ScoreIdentity(r.identity);
  nlohmann::ordered_json j;
  j["name"] = r.name;
  if (!r.gt_format.empty()) j["gt_format"] = r.gt_format;
  j["HOTA"] = Pct(r.hota.Hota());
  j["DetA"] = Pct(r.hota.DetA());
  j["AssA"] = Pct(r.hota.AssA());
  j["DetRe"] = Pct(r.hota.DetRe());
  j["DetPr"] = Pct(r.hota.DetPr());
  j["AssRe"] = Pct(r.hota.AssRe());
  j["AssPr"] = Pct(r.hota.AssPr());
  j["LocA"] = Pct(r.hota.LocA());
  j["MOTA"] = Pct(c.mota);
  j["MOTP_motchallenge_pct"] = Pct(c.motp_overlap);
  j["MOTP_motmetrics_dist"] = Round(c.motp_distance, 1e5);
  j["IDF1"] = Pct(id.idf1);
  j["IDP"] = Pct(id.idp);
  j["IDR"] = Pct(id.idr);
  j["recall"] = Pct(c.recall);
  j["precision"] = Pct(c.precision);
  j["IDSW"] = r.clear.num_switches;
  j["FP"] = r.clear.num_false_positives;
  j["FN"] = r.clear.num_misses;
  j["FRAG"] = r.clear.num_fragmentations;
  j["MT"] = r.clear.mostly_tracked;
  j["PT"] = r.clear.partially_tracked;
  j["ML"] = r.clear.mostly_lost;
  j["num_matches"] = r.clear.num_matches;
  j["IDTP"] = r.identity.idtp;
  j["IDFP"] = r.identity.idfp;
  j["IDFN"] = r.identity.idfn;
  j["num_frames"] = r.frames;
  j["num_gt_dets"] = r.gt_dets;
  j["num_tracker_dets"] = r.tracker_dets;
  j["num_gt_ids"] = r.clear.num_gt_ids;
  j["num_tracker_ids"] = r.tracker_ids;
  j["removed_in_ignored_regions"] = r.removed;
  return j;
}

}  // namespace

CLI::App* AddEvalCommand(CLI::App* app, EvalArgs* args) {
  CLI::App* cmd = app->add_subcommand(
      "eval", "MOTChallenge evaluation: CLEAR MOT (MOTA, MOTP, IDSW), IDF1 and HOTA as JSON");
  cmd->add_option("--gt", args->gt, "ground truth, MOTChallenge text (gt.txt)");
  cmd->add_option("--res", args->res, "tracker results, MOTChallenge text");
  cmd->add_option("--gt-dir", args->gt_dir, "folder of sequences: DIR/<seq>/gt/gt.txt");
  cmd->add_option("--res-dir", args->res_dir, "folder of results: RESDIR/<seq>.txt");
  cmd->add_option("--gt-format", args->gt_format,
                  "auto (9 columns = MOT16/17/20 with classes, else MOT15) | mot15 | mot16");
  return cmd;
}

Result<nlohmann::ordered_json> EvaluateMot(const EvalArgs& args) {
  MotEvalOptions opt;
  ES_ASSIGN_OR_RETURN(opt.gt_format, ParseGtFormat(args.gt_format));
  ES_ASSIGN_OR_RETURN(std::vector<SequenceInput> inputs, ListInputs(args));
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  std::vector<ClearCounts> clear;
  std::vector<IdentityCounts> identity;
  std::vector<HotaResult> hota;
  SequenceResult combined;
  combined.name = "COMBINED";
  StepProgress progress(inputs.size());
  for (const SequenceInput& in : inputs) {
    progress.Step(in.name);
    ES_ASSIGN_OR_RETURN(SequenceResult r, EvaluateSequence(in, opt));
    rows.push_back(Row(r));
    clear.push_back(r.clear);
    identity.push_back(r.identity);
    hota.push_back(r.hota);
    combined.frames += r.frames;
    combined.gt_dets += r.gt_dets;
    combined.tracker_dets += r.tracker_dets;
    combined.removed += r.removed;
    combined.tracker_ids += r.tracker_ids;
  }
  combined.clear = CombineClear(clear);
  combined.identity = CombineIdentity(identity);
  combined.hota = CombineHota(hota);
  rows.push_back(Row(combined));

  nlohmann::ordered_json out;
  out["units"] =
      "percent (3 decimals): HOTA, DetA, AssA, DetRe, DetPr, AssRe, AssPr, LocA, MOTA, "
      "MOTP_motchallenge_pct (mean IoU of matches), IDF1, IDP, IDR, recall, precision; "
      "MOTP_motmetrics_dist: py-motmetrics MOTP, mean 1-IoU of matches (lower is better); "
      "the rest are counts";
  out["sequences"] = std::move(rows);
  return out;
}

int RunEval(const EvalArgs& args) {
  auto report = EvaluateMot(args);
  if (!report.ok()) return ReportError(report.status());
  std::cout << report->dump(2) << std::endl;
  return kExitOk;
}

}  // namespace es
