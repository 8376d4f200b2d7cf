#include "app/synth_mot_command.h"

#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "app/exit_codes.h"
#include "track/crowd_render.h"

namespace es {

CLI::App* AddSynthMotCommand(CLI::App* app, SynthMotArgs* a) {
  CLI::App* c = app->add_subcommand(
      "synth-mot",
      "write hard synthetic crowd sequences (MOTChallenge det + gt) for track/eval "
      "(docs/tracking.md)");
  CrowdSceneOptions& s = a->scene;
  c->add_option("--out", a->out, "output folder (DIR/<name>-<k>/{det,gt}/...)")->required();
  c->add_option("--name", a->name, "sequence name prefix")->capture_default_str();
  c->add_option("--sequences", a->sequences, "number of sequences (seeds seed..seed+n-1)")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  c->add_option("--seed", s.seed, "random seed of the first sequence")->capture_default_str();
  c->add_option("--width", s.width, "image width")->capture_default_str();
  c->add_option("--height", s.height, "image height")->capture_default_str();
  c->add_option("--fps", s.fps, "frame rate")->capture_default_str();
  c->add_option("--frames", s.frames, "frames per sequence")->capture_default_str();
  c->add_option("--people", s.people, "people kept on screen")->capture_default_str();
  c->add_option("--standing-fraction", s.standing_fraction,
                "share of the people present at the start who stand all along")
      ->capture_default_str();
  c->add_option("--pause-rate", s.pause_rate, "pauses (2-8 s) per walker per second")
      ->capture_default_str();
  c->add_option("--min-visible", s.min_visible, "less visible than this: not detected")
      ->capture_default_str();
  c->add_option("--miss-rate", s.miss_rate, "random misses of visible people")
      ->capture_default_str();
  c->add_option("--box-noise", s.box_noise, "std of each box edge / height")->capture_default_str();
  c->add_option("--score-noise", s.score_noise, "std of the detection score")
      ->capture_default_str();
  c->add_option("--static-clutter", s.static_clutter, "false positives at fixed places")
      ->capture_default_str();
  c->add_option("--false-positives", s.false_positives_per_frame,
                "one-frame false positives per frame (mean)")
      ->capture_default_str();
  c->add_option("--camera-pan", s.camera_pan_px, "amplitude of a slow horizontal pan, pixels")
      ->capture_default_str();
  c->add_option("--camera-pan-period", s.camera_pan_period_s, "period of the pan, seconds")
      ->capture_default_str();
  c->add_option("--camera-shake", s.camera_shake_px, "std of the camera shake, pixels")
      ->capture_default_str();
  c->add_flag("--render", a->render,
              "also render the frames (img1/000001.jpg ...) for frame-based tracking cues");
  return c;
}

int RunSynthMot(const SynthMotArgs& a) {
  nlohmann::ordered_json out = {{"sequences", nlohmann::ordered_json::array()}};
  for (int k = 0; k < a.sequences; ++k) {
    CrowdSceneOptions o = a.scene;
    o.seed = a.scene.seed + static_cast<uint32_t>(k);
    o.keep_figures = a.render;
    auto scene = GenerateCrowdScene(o);
    if (!scene.ok()) return ReportError(scene.status());
    const std::string name = a.name + "-" + std::to_string(k + 1);
    Status s = WriteCrowdScene(*scene, o, a.out, name);
    if (s.ok() && a.render) s = WriteCrowdImages(*scene, o, a.out, name);
    if (!s.ok()) return ReportError(s);
    out["sequences"].push_back({{"name", name},
                                {"seed", o.seed},
                                {"frames", o.frames},
                                {"gt_rows", scene->gt.size()},
                                {"gt_ids", scene->num_people},
                                {"detections", scene->det.size()}});
  }
  std::cout << out.dump(2) << std::endl;
  return kExitOk;
}

}  // namespace es
