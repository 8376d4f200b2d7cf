// MakeSource: the explicit table that maps a source URI to its implementation.
//   synthetic:NAME -> SyntheticSource (built-in scenes with ground truth)
//   rtsp://, rtsps:// -> FfmpegSource (live: reconnect, never paced)
//   anything else    -> FfmpegSource on a file path
#include <memory>
#include <string>

#include "source/ffmpeg_source.h"
#include "source/source_schema.h"
#include "source/synthetic_source.h"
#include "source/video_source.h"

namespace es {

Result<std::unique_ptr<VideoSource>> MakeSource(const SourceOptions& options) {
  const std::string& uri = options.uri;
  if (uri.empty()) return InvalidArgument("source uri is empty");
  static const std::string kSynthetic = "synthetic:";
  if (uri.rfind(kSynthetic, 0) == 0) {
    ES_ASSIGN_OR_RETURN(auto source, SyntheticSource::Create(options));
    return std::unique_ptr<VideoSource>(std::move(source));
  }
  ES_RETURN_IF_ERROR(SourceSchema().CheckFields(options));  // "source.<key>: ..."
  return std::unique_ptr<VideoSource>(std::make_unique<FfmpegSource>(options));
}

}  // namespace es
