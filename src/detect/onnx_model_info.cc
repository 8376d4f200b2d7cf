#include "detect/onnx_model_info.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

namespace es {
namespace {

// ONNX field numbers (onnx.proto3).
constexpr uint32_t kModelIrVersion = 1;
constexpr uint32_t kModelGraph = 7;
constexpr uint32_t kGraphInitializer = 5;
constexpr uint32_t kGraphInput = 11;
constexpr uint32_t kGraphOutput = 12;
constexpr uint32_t kTensorName = 8;
constexpr uint32_t kValueInfoName = 1;
constexpr uint32_t kValueInfoType = 2;
constexpr uint32_t kTypeTensor = 1;
constexpr uint32_t kTensorTypeShape = 2;
constexpr uint32_t kShapeDim = 1;
constexpr uint32_t kDimValue = 1;

enum WireType : uint32_t { kVarint = 0, kFixed64 = 1, kLen = 2, kFixed32 = 5 };

// One field of a protobuf message: a varint value or a length-delimited payload.
struct Field {
  uint32_t number = 0;
  uint32_t wire = 0;
  uint64_t varint = 0;
  std::string_view bytes;
};

// Iterates over the fields of one message; stops with ok() == false on malformed input.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool ok() const { return ok_; }

  // Returns the next field, or nullopt at the end or on an error (check ok()).
  std::optional<Field> Next() {
    if (pos_ >= data_.size() || !ok_) return std::nullopt;
    uint64_t key = 0;
    if (!Varint(&key)) return Fail();
    Field f;
    f.number = static_cast<uint32_t>(key >> 3);
    f.wire = static_cast<uint32_t>(key & 7);
    if (f.number == 0) return Fail();
    switch (f.wire) {
      case kVarint:
        if (!Varint(&f.varint)) return Fail();
        break;
      case kFixed64:
        if (!Skip(8)) return Fail();
        break;
      case kFixed32:
        if (!Skip(4)) return Fail();
        break;
      case kLen: {
        uint64_t len = 0;
        if (!Varint(&len) || len > data_.size() - pos_) return Fail();
        f.bytes = data_.substr(pos_, len);
        pos_ += len;
        break;
      }
      default:  // groups (3, 4) are not used by ONNX; anything else is corrupt
        return Fail();
    }
    return f;
  }

 private:
  std::optional<Field> Fail() {
    ok_ = false;
    return std::nullopt;
  }
  bool Skip(size_t n) {
    if (n > data_.size() - pos_) return false;
    pos_ += n;
    return true;
  }
  bool Varint(uint64_t* v) {
    *v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= data_.size()) return false;
      const auto b = static_cast<uint8_t>(data_[pos_++]);
      *v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return true;
    }
    return false;
  }

  std::string_view data_;
  size_t pos_ = 0;
  bool ok_ = true;
};

// Appends the dimensions of a TensorShapeProto to *shape; false if malformed.
bool ParseShape(std::string_view shape_msg, std::vector<int64_t>* shape) {
  Reader r(shape_msg);
  while (auto f = r.Next()) {
    if (f->number != kShapeDim || f->wire != kLen) continue;
    int64_t dim = -1;  // dim_param (symbolic) or missing -> dynamic
    Reader d(f->bytes);
    while (auto df = d.Next()) {
      if (df->number == kDimValue && df->wire == kVarint) {
        dim = static_cast<int64_t>(df->varint);
        if (dim <= 0) dim = -1;
      }
    }
    if (!d.ok()) return false;
    shape->push_back(dim);
  }
  return r.ok();
}

bool ParseValueInfo(std::string_view msg, OnnxValueInfo* out) {
  Reader r(msg);
  while (auto f = r.Next()) {
    if (f->number == kValueInfoName && f->wire == kLen) {
      out->name = std::string(f->bytes);
    } else if (f->number == kValueInfoType && f->wire == kLen) {
      Reader t(f->bytes);
      while (auto tf = t.Next()) {
        if (tf->number != kTypeTensor || tf->wire != kLen) continue;
        Reader tt(tf->bytes);
        while (auto ttf = tt.Next()) {
          if (ttf->number == kTensorTypeShape && ttf->wire == kLen &&
              !ParseShape(ttf->bytes, &out->shape)) {
            return false;
          }
        }
        if (!tt.ok()) return false;
      }
      if (!t.ok()) return false;
    }
  }
  return r.ok();
}

bool ParseTensorName(std::string_view msg, std::string* name) {
  Reader r(msg);
  while (auto f = r.Next()) {
    if (f->number == kTensorName && f->wire == kLen) *name = std::string(f->bytes);
  }
  return r.ok();
}

}  // namespace

Result<OnnxModelInfo> ParseOnnxModelInfo(std::string_view bytes) {
  OnnxModelInfo info;
  std::optional<std::string_view> graph;
  Reader model(bytes);
  while (auto f = model.Next()) {
    if (f->number == kModelIrVersion && f->wire == kVarint) {
      info.ir_version = static_cast<int64_t>(f->varint);
    } else if (f->number == kModelGraph && f->wire == kLen) {
      graph = f->bytes;
    }
  }
  if (!model.ok()) return DataLoss("not an ONNX model (malformed protobuf)");
  if (info.ir_version <= 0 || !graph) {
    return DataLoss("not an ONNX model (no ir_version or no graph)");
  }
  std::vector<OnnxValueInfo> inputs;
  std::set<std::string> initializers;
  Reader g(*graph);
  while (auto f = g.Next()) {
    if (f->wire != kLen) continue;
    if (f->number == kGraphInput || f->number == kGraphOutput) {
      OnnxValueInfo v;
      if (!ParseValueInfo(f->bytes, &v)) return DataLoss("not an ONNX model (corrupt value info)");
      (f->number == kGraphInput ? inputs : info.outputs).push_back(std::move(v));
    } else if (f->number == kGraphInitializer) {
      std::string name;
      if (!ParseTensorName(f->bytes, &name)) {
        return DataLoss("not an ONNX model (corrupt initializer)");
      }
      initializers.insert(std::move(name));
    }
  }
  if (!g.ok()) return DataLoss("not an ONNX model (corrupt graph)");
  for (auto& v : inputs) {
    if (!initializers.count(v.name)) info.inputs.push_back(std::move(v));
  }
  if (info.inputs.empty() || info.outputs.empty()) {
    return DataLoss("not an ONNX model (graph has no inputs or no outputs)");
  }
  return info;
}

Result<OnnxModelInfo> ReadOnnxModelInfo(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return NotFound("model file '" + path + "' does not exist");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot open model file '" + path + "'");
  std::ostringstream buf;
  buf << in.rdbuf();
  Result<OnnxModelInfo> info = ParseOnnxModelInfo(buf.str());
  if (!info.ok()) return info.status().WithContext("model '" + path + "'");
  return info;
}

}  // namespace es
