// SyntheticSource: built-in scenes (`synthetic:NAME`) of people-like targets walking over a
// static textured background, with exact ground truth.
//
// Scenes: "crowd" (8-12 walkers, endless until the caller stops), "walk" (2-3 walkers,
// 300 frames then kEndOfStream), "empty" (background only, 100 frames then kEndOfStream).
// A walker is a head + torso + arms + legs figure 30..120 px tall (perspective: larger near the
// bottom), walking in a straight line with small random heading changes, entering and leaving
// at the borders; walkers cross and occlude each other. Every frame adds mild sensor noise.
//
// Contract: everything is a pure function of (scene, width, height, fps, seed): two sources
// with the same options produce identical frames and ground truth. pts_us = seq * 1e6 / fps.
// GroundTruth() returns the walkers visible in the frame last returned (box clipped to the
// frame, at least kMinVisibleFraction of it inside; id = MOT id from 1; class person; score 1).
// With ground_truth_out set, MOTChallenge rows "frame,id,x,y,w,h,1,1,1" (frame 1-based) are
// written as frames are produced and flushed at end of stream and on destruction; a file that
// cannot be created fails Open() with kInvalidArgument. Options out of range fail Create()
// with kInvalidArgument; an unknown scene lists the known ones. realtime paces Read() at fps.
// Thread-safety: Interrupt() from any thread; everything else from one thread.
#pragma once

#include <cstdint>
#include <fstream>
#include <memory>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "source/interrupt_control.h"
#include "source/pacer.h"
#include "source/video_source.h"

namespace es {

struct SyntheticSceneSpec {
  std::string name;
  int min_targets = 0;  // walkers kept on screen (a new one enters when below)
  int max_targets = 0;
  int64_t frames = -1;          // -1: endless
  double heading_noise = 0.15;  // std of heading change, radians per sqrt(second)
  double spawn_rate = 1.5;      // mean entries per second while below the wanted count
};

class SyntheticSource : public VideoSource {
 public:
  static constexpr double kMinVisibleFraction = 0.25;
  static constexpr float kMinHeightPx = 30.f, kMaxHeightPx = 120.f;

  static std::vector<std::string> SceneNames();
  // options.uri must be "synthetic:NAME".
  static Result<std::unique_ptr<SyntheticSource>> Create(const SourceOptions& options);

  ~SyntheticSource() override;
  Status Open() override;
  Status Read(Frame* frame) override;
  SourceInfo info() const override;
  void Interrupt() override { interrupt_.Interrupt(); }
  std::vector<TrackOutput> GroundTruth() const override { return ground_truth_; }

 private:
  struct Walker {
    int id = 0;
    float fx = 0, fy = 0;  // foot point (bottom centre), pixels
    float heading = 0;     // radians, image coordinates
    float speed = 0;       // body heights per second
    float scale = 1;       // personal height factor
    float phase = 0;       // gait phase, radians
    float h = 0;           // current height in pixels (perspective)
    cv::Scalar skin, shirt, pants;
  };

  SyntheticSource(SourceOptions options, SyntheticSceneSpec spec);
  void BuildBackground();
  Walker NewWalker(bool inside);
  void Step();
  void Render(cv::Mat* out);
  float HeightAt(float fy, float scale) const;
  cv::Rect2f FullBox(const Walker& w) const;
  void CollectGroundTruth();

  SourceOptions options_;
  SyntheticSceneSpec spec_;
  cv::RNG rng_;
  InterruptControl interrupt_;
  Pacer pacer_;
  cv::Mat background_;
  std::vector<cv::Mat> noise_pool_;  // CV_16SC3 noise images, picked per frame
  std::vector<Walker> walkers_;
  std::vector<TrackOutput> ground_truth_;
  std::ofstream gt_out_;
  int wanted_ = 0;
  int next_id_ = 1;
  int64_t seq_ = 0;
  bool opened_ = false;
};

}  // namespace es
