// OnnxModelInfo: the declared graph inputs and outputs of an .onnx file, read without an engine.
//
// A small reader of the protobuf wire format that walks ModelProto -> GraphProto and collects
// the names and shapes of the graph's inputs (initializers excluded) and outputs. It exists
// because OpenCV DNN does not expose a model's declared input shape or output order, and so that
// MakeEngine can tell "not an ONNX file" (kDataLoss) apart from an engine failure in one place.
// Pure functions; thread-safe. Failure: a missing file -> kNotFound; bytes that are not a
// protobuf ModelProto with an ir_version and a graph with at least one input and output ->
// kDataLoss. Dynamic or symbolic dimensions are reported as -1.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "edgesight/status.h"

namespace es {

struct OnnxValueInfo {
  std::string name;
  std::vector<int64_t> shape;  // -1 for a dynamic / symbolic dimension; empty if undeclared
};

struct OnnxModelInfo {
  int64_t ir_version = 0;
  std::vector<OnnxValueInfo> inputs;   // graph inputs that are not initializers, declared order
  std::vector<OnnxValueInfo> outputs;  // graph outputs, declared order
};

// Parses serialized ModelProto bytes.
Result<OnnxModelInfo> ParseOnnxModelInfo(std::string_view bytes);

// Reads and parses a file; errors name the path.
Result<OnnxModelInfo> ReadOnnxModelInfo(const std::string& path);

}  // namespace es
