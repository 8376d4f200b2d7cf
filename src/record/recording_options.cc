#include "record/recording_options.h"

#include "record/recording_schema.h"

namespace es {

Status ValidateRecordingOptions(const RecordingOptions& o) {
  if (o.dir.empty()) return InvalidArgument("recording.dir: must not be empty");
  return RecordingSchema().Check(o);  // ranges and the section's rules, declared once
}

}  // namespace es
