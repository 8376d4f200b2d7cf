// `edgesight synth-mot`: writes hard synthetic crowd sequences (track/crowd_scene.h) in the
// MOTChallenge layout, for `edgesight track` and `edgesight eval`:
//   edgesight synth-mot --out DIR [--name crowd] [--sequences 3] [--seed 1] [--people 40]
//                       [--fps 25] [--frames 1000] [--miss-rate 0.12] [--static-clutter 3] ...
//                       [--camera-pan PX] [--camera-shake PX] [--render]
// --render also writes the frames (img1/000001.jpg ...), for the frame-based cues of `track`.
// Sequence k (0-based) is DIR/<name>-<k+1>/ with seed + k; everything else is shared. Prints a
// JSON summary (per sequence: name, frames, ground-truth rows and ids, detections).
// Failure: bad flags or an unwritable folder -> one line "edgesight: error: ..." and exit 2.
// Thread-safety: runs on the caller's thread; no shared state.
#pragma once

#include <string>

#include "track/crowd_scene.h"

namespace CLI {
class App;
}  // namespace CLI

namespace es {

struct SynthMotArgs {
  std::string out, name = "crowd";
  int sequences = 3;
  bool render = false;  // also write img1/*.jpg (track/crowd_render.h)
  CrowdSceneOptions scene;
};

// Registers the `synth-mot` subcommand and its flags on `app`, bound to *args; returns it.
CLI::App* AddSynthMotCommand(CLI::App* app, SynthMotArgs* args);

// Writes the sequences and prints the summary; returns the process exit code.
int RunSynthMot(const SynthMotArgs& args);

}  // namespace es
