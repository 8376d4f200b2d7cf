// `edgesight eval`: MOTChallenge evaluation of tracker results against ground truth, printed as
// one JSON object on stdout.
//
// Two modes:
//   --gt gt.txt --res res.txt            one sequence (named after DIR in DIR/gt/gt.txt, else
//                                        after the gt file's stem);
//   --gt-dir DIR --res-dir RESDIR        every DIR/<seq>/gt/gt.txt (sorted by name) against
//                                        RESDIR/<seq>.txt (a missing result file is an error).
// Output: {"units": ..., "sequences": [{per sequence}, ..., {"name": "COMBINED", ...}]} with
// CLEAR MOT (py-motmetrics semantics), identity (IDF1) and HOTA (TrackEval) metrics; see
// track/mot_metrics.h and track/hota.h. Percentages are rounded to 3 decimals, counts are
// integers. MOTP appears twice, with the convention in the key: "MOTP_motchallenge_pct" is
// 100 * mean IoU of the matches (higher is better), "MOTP_motmetrics_dist" py-motmetrics' mean
// 1 - IoU (lower is better). COMBINED sums the counts of all sequences (CLEAR, identity) and
// combines HOTA as TrackEval's combine_sequences.
// Failure: bad flags or input -> one line "edgesight: error: ..." on stderr and exit 2.
// Thread-safety: runs on the caller's thread; no shared state.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "edgesight/status.h"

namespace CLI {
class App;
}  // namespace CLI

namespace es {

struct EvalArgs {
  std::string gt, res;             // single-sequence mode
  std::string gt_dir, res_dir;     // folder mode (MOTChallenge layout)
  std::string gt_format = "auto";  // auto | mot15 | mot16
};

// Registers the `eval` subcommand and its flags on `app`, bound to *args; returns it. Wiring:
//   EvalArgs eval_args;
//   CLI::App* eval = AddEvalCommand(&app, &eval_args);
//   ... after parse: if (*eval) return RunEval(eval_args);
CLI::App* AddEvalCommand(CLI::App* app, EvalArgs* args);

// Evaluates and returns the report (the JSON RunEval prints).
Result<nlohmann::ordered_json> EvaluateMot(const EvalArgs& args);

// Prints the report to stdout; returns the process exit code (0, or 2 with one stderr line).
int RunEval(const EvalArgs& args);

}  // namespace es
