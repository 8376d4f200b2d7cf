// MessageFields: typed, named reads of the fields of one received JSON message (escalations,
// verdicts), so that every malformed message is rejected with one line naming the message kind
// and the field ("verdict: field 'score' must be a number").
//
// Contract: each reader stores the value and returns OK; a field that is missing returns
// kInvalidArgument when required, else OK with the output untouched; a field of the wrong type
// (or a box that is not 4 numbers, or a non-object message) returns kInvalidArgument.
// Thread-safety: a view of a json value owned by the caller.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "edgesight/status.h"
#include "edgesight/types.h"

namespace es {

class MessageFields {
 public:
  MessageFields(const nlohmann::json& j, std::string kind) : j_(j), kind_(std::move(kind)) {}

  Status String(const char* name, std::string* out, bool required = true) const;
  Status NonEmptyString(const char* name, std::string* out) const;
  Status Int(const char* name, int* out, bool required = true) const;
  Status Int64(const char* name, int64_t* out, bool required = true) const;
  Status Float(const char* name, float* out, bool required = true) const;
  Status Double(const char* name, double* out, bool required = true) const;
  Status Bool(const char* name, bool* out, bool required = true) const;
  Status Box(const char* name, BBox* out, bool required = true) const;

 private:
  // The field, or null when absent (error set when required or when j_ is not an object).
  const nlohmann::json* Find(const char* name, bool required, Status* error) const;
  Status Bad(const char* name, const char* what) const;

  const nlohmann::json& j_;
  std::string kind_;
};

}  // namespace es
