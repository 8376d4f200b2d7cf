// `edgesight-backend rollout`: a staged rollout of a signed model bundle across a fleet, driven
// through the broker the devices already use (docs/models.md "Fleet rollouts").
//
//   edgesight-backend rollout --bundle B --pub KEY.pub --devices 'site-*' [--stages 5,25,100]
//       [--max-failure-rate 0.2] [--soak 10m] [--report-timeout 10m] [--on-failure pause|abort]
//       [--mqtt URL | --config backend.yaml] [--state FILE] [--discover 3s]
//   edgesight-backend rollout status (--state FILE | --bundle B) [--json]
//
// Contract
// - The bundle is verified with --pub before anything is sent (a bundle the fleet would refuse
//   is exit 2, one line). Devices are those with a retained status on edgesight/v1/+/status
//   whose id matches --devices, read for --discover after connecting.
// - Each stage's devices get the bundle retained (QoS 1) on edgesight/v1/<device>/models, so a
//   device that is offline picks it up when it returns. Their model events (received,
//   promoted, rejected, rolled_back on edgesight/v1/<device>/device/events, matched by the
//   bundle's sha256) and statuses drive backend/rollout.h's state machine. Each change is a log
//   line on stderr; the state is saved (atomically) to --state (default B.rollout.json) after
//   every change, and a command started again on the same state resumes where it stopped.
// - Exit: 0 when done (every stage rolled out); 3 when paused or aborted past the failure
//   threshold (aborting also clears the retained bundle of every device that has not promoted
//   it); 2 for bad input (flags, bundle, no matching device, a state file of another bundle);
//   1 when the broker cannot be reached within 30 s or a signal stops it (state saved: run it
//   again to resume). On exit the per-device table is printed on stdout (JSON with --json).
// - `rollout status` prints the saved table; exit 0, or 2 when the state file is unreadable.
#pragma once

namespace es {

// argv[0] is "rollout".
int RolloutMain(int argc, char** argv);

}  // namespace es
