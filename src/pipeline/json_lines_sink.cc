#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "detect/coco_classes.h"
#include "pipeline/frame_sink.h"

namespace es {
namespace {

// Rounded in double: a float rounded to 0.1 prints as 639.2999877929688.
nlohmann::ordered_json BoxJson(const BBox& b) {
  auto r = [](float v) { return std::round(static_cast<double>(v) * 10.0) / 10.0; };
  return nlohmann::ordered_json::array({r(b.x), r(b.y), r(b.w), r(b.h)});
}

double Round3(double v) { return std::round(v * 1000.0) / 1000.0; }

class JsonLinesSink : public FrameSink {
 public:
  explicit JsonLinesSink(std::ofstream out, std::string path)
      : out_(std::move(out)), path_(std::move(path)) {}

  Status Consume(const FramePacket& p) override {
    nlohmann::ordered_json j;
    j["stream"] = p.frame.meta.stream_id;
    if (p.end_of_stream) {  // closing events after the last frame
      j["frame"] = nullptr;
      j["end_of_stream"] = true;
      auto& closing = j["events"] = nlohmann::ordered_json::array();
      for (const auto& e : p.events) closing.push_back(nlohmann::ordered_json(e.ToJson()));
      return Write(j);
    }
    j["frame"] = p.frame.meta.seq;
    j["pts"] = Round3(static_cast<double>(p.frame.meta.pts_us) * 1e-6);
    j["detector"] = DetectDecisionName(p.decision);
    auto& dets = j["detections"] = nlohmann::ordered_json::array();
    for (const auto& d : p.detections) {
      dets.push_back(nlohmann::ordered_json{{"class", CocoClassName(d.class_id)},
                                            {"score", Round3(d.score)},
                                            {"box", BoxJson(d.box)}});
    }
    auto& tracks = j["tracks"] = nlohmann::ordered_json::array();
    for (const auto& t : p.tracks) {
      tracks.push_back(nlohmann::ordered_json{{"id", t.id},
                                              {"class", CocoClassName(t.class_id)},
                                              {"score", Round3(t.score)},
                                              {"box", BoxJson(t.box)},
                                              {"predicted", t.predicted}});
    }
    auto& events = j["events"] = nlohmann::ordered_json::array();
    for (const auto& e : p.events) events.push_back(nlohmann::ordered_json(e.ToJson()));
    return Write(j);
  }

  Status Write(const nlohmann::ordered_json& j) {
    out_ << j.dump() << '\n';
    if (!out_) return Unavailable("cannot write '" + path_ + "': " + std::strerror(errno));
    return Status::Ok();
  }

  Status Close() override {
    out_.flush();
    if (!out_) return Unavailable("cannot write '" + path_ + "': " + std::strerror(errno));
    out_.close();
    return Status::Ok();
  }

 private:
  std::ofstream out_;
  std::string path_;
};

}  // namespace

Result<std::unique_ptr<FrameSink>> MakeJsonLinesSink(const std::string& path) {
  std::ofstream out(path, std::ios::out | std::ios::trunc);
  if (!out) {
    return InvalidArgument("cannot open events output '" + path + "': " + std::strerror(errno));
  }
  return std::unique_ptr<FrameSink>(new JsonLinesSink(std::move(out), path));
}

}  // namespace es
