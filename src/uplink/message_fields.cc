#include "uplink/message_fields.h"

namespace es {

const nlohmann::json* MessageFields::Find(const char* name, bool required, Status* error) const {
  if (!j_.is_object()) {
    *error = InvalidArgument(kind_ + ": message is not a JSON object");
    return nullptr;
  }
  auto it = j_.find(name);
  if (it == j_.end() || it->is_null()) {
    if (required) *error = InvalidArgument(kind_ + ": missing field '" + name + "'");
    return nullptr;
  }
  return &*it;
}

Status MessageFields::Bad(const char* name, const char* what) const {
  return InvalidArgument(kind_ + ": field '" + name + "' must be " + what);
}

Status MessageFields::String(const char* name, std::string* out, bool required) const {
  Status s;
  const nlohmann::json* v = Find(name, required, &s);
  if (v == nullptr) return s;
  if (!v->is_string()) return Bad(name, "a string");
  *out = v->get<std::string>();
  return Status::Ok();
}

Status MessageFields::NonEmptyString(const char* name, std::string* out) const {
  ES_RETURN_IF_ERROR(String(name, out, true));
  if (out->empty()) return Bad(name, "a non-empty string");
  return Status::Ok();
}

Status MessageFields::Int64(const char* name, int64_t* out, bool required) const {
  Status s;
  const nlohmann::json* v = Find(name, required, &s);
  if (v == nullptr) return s;
  if (!v->is_number_integer()) return Bad(name, "an integer");
  *out = v->get<int64_t>();
  return Status::Ok();
}

Status MessageFields::Int(const char* name, int* out, bool required) const {
  int64_t v = *out;
  ES_RETURN_IF_ERROR(Int64(name, &v, required));
  if (v < INT32_MIN || v > INT32_MAX) return Bad(name, "a 32-bit integer");
  *out = static_cast<int>(v);
  return Status::Ok();
}

Status MessageFields::Double(const char* name, double* out, bool required) const {
  Status s;
  const nlohmann::json* v = Find(name, required, &s);
  if (v == nullptr) return s;
  if (!v->is_number()) return Bad(name, "a number");
  *out = v->get<double>();
  return Status::Ok();
}

Status MessageFields::Float(const char* name, float* out, bool required) const {
  double d = *out;
  ES_RETURN_IF_ERROR(Double(name, &d, required));
  *out = static_cast<float>(d);
  return Status::Ok();
}

Status MessageFields::Bool(const char* name, bool* out, bool required) const {
  Status s;
  const nlohmann::json* v = Find(name, required, &s);
  if (v == nullptr) return s;
  if (!v->is_boolean()) return Bad(name, "true or false");
  *out = v->get<bool>();
  return Status::Ok();
}

Status MessageFields::Box(const char* name, BBox* out, bool required) const {
  Status s;
  const nlohmann::json* v = Find(name, required, &s);
  if (v == nullptr) return s;
  if (!v->is_array() || v->size() != 4) return Bad(name, "[x, y, w, h]");
  for (const auto& e : *v) {
    if (!e.is_number()) return Bad(name, "[x, y, w, h] of numbers");
  }
  *out =
      BBox{(*v)[0].get<float>(), (*v)[1].get<float>(), (*v)[2].get<float>(), (*v)[3].get<float>()};
  return Status::Ok();
}

}  // namespace es
