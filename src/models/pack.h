// PackDirectory: `edgesight model pack DIR --key KEY -o BUNDLE` — a signed bundle (bundle.h)
// from a folder holding one ONNX detector and, optionally, other files and a manifest.json.
//
// Contract: the manifest starts from DIR/manifest.json when present (any subset of the
// manifest's fields), then the overrides (flags) replace what they set, then what is still
// missing is read from the model: model_file = the folder's only .onnx file; name = its stem;
// version "1"; head = what the detector registry infers from the output shape (the model is
// loaded and run once, so a model that does not load cannot be packed); input_size from the
// graph's declared input (square); classes = the 80 COCO names for a head with 80 classes.
// So a folder holding only the embedded NanoDet packs with no other input. Every regular file
// of the folder except manifest.json goes into the bundle, sorted by name.
// Failure: an empty folder, none or several .onnx files without model_file, a model that does
// not load, manifest.json that is not JSON or has a field of the wrong type -> the status
// (kInvalidArgument / kNotFound / kDataLoss) naming the folder or file.
// Thread-safety: pure function (reads the folder).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "edgesight/status.h"
#include "models/signing_key.h"

namespace es {

// Fields to set (a JSON object of manifest fields; empty: none), e.g. {"version":"2"}.
Result<std::string> PackDirectory(const std::string& dir, const SecretKey& secret,
                                  const nlohmann::json& overrides);

}  // namespace es
