// MakeSource: the explicit table that maps a source URI to its implementation.
//   synthetic:NAME -> SyntheticSource (built-in scenes with ground truth)
//   rtsp://, rtsps:// -> FfmpegSource (live: reconnect, never paced)
//   anything else    -> FfmpegSource on a file path
#include <memory>
#include <string>

#include "source/ffmpeg_source.h"
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
  if (options.rtsp_transport != "tcp" && options.rtsp_transport != "udp") {
    return InvalidArgument("rtsp_transport must be \"tcp\" or \"udp\", got \"" +
                           options.rtsp_transport + "\"");
  }
  if (options.open_timeout_ms < 0 || options.read_timeout_ms < 0 ||
      options.reconnect_attempts < 0 || options.reconnect_backoff_ms < 0) {
    return InvalidArgument("source timeouts, reconnect_attempts and backoff must be >= 0");
  }
  return std::unique_ptr<VideoSource>(std::make_unique<FfmpegSource>(options));
}

}  // namespace es
