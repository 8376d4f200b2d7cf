#include "core/jpeg_codec.h"

#include <turbojpeg.h>

#include <algorithm>
#include <memory>

namespace es {
namespace {

struct HandleCloser {
  void operator()(void* h) const { tjDestroy(h); }
};
using Handle = std::unique_ptr<void, HandleCloser>;

std::string Reason(void* handle) { return OneLine(tjGetErrorStr2(handle)); }

}  // namespace

Result<std::vector<uint8_t>> EncodeJpeg(const cv::Mat& bgr, int quality) {
  if (bgr.empty() || bgr.type() != CV_8UC3) {
    return InvalidArgument("JPEG: the image must be non-empty 8-bit BGR");
  }
  Handle h(tjInitCompress());
  if (!h) return Internal("JPEG: cannot create an encoder: " + Reason(nullptr));
  unsigned char* out = nullptr;
  unsigned long size = 0;  // NOLINT(runtime/int): TurboJPEG's type
  const int r = tjCompress2(h.get(), bgr.data, bgr.cols, static_cast<int>(bgr.step[0]), bgr.rows,
                            TJPF_BGR, &out, &size, TJSAMP_420, std::clamp(quality, 1, 100), 0);
  if (r != 0) {
    const std::string why = Reason(h.get());
    tjFree(out);
    return Internal("JPEG: " + why);
  }
  std::vector<uint8_t> bytes(out, out + size);
  tjFree(out);
  return bytes;
}

Result<cv::Mat> DecodeJpeg(std::string_view bytes) {
  if (bytes.empty()) return InvalidArgument("JPEG: no data");
  Handle h(tjInitDecompress());
  if (!h) return Internal("JPEG: cannot create a decoder: " + Reason(nullptr));
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  int w = 0, ht = 0, sub = 0, space = 0;
  if (tjDecompressHeader3(h.get(), data, bytes.size(), &w, &ht, &sub, &space) != 0) {
    return InvalidArgument("JPEG: " + Reason(h.get()));
  }
  if (w <= 0 || ht <= 0 || static_cast<int64_t>(w) * ht > (int64_t{1} << 28)) {
    return InvalidArgument("JPEG: implausible size " + std::to_string(w) + "x" + std::to_string(ht));
  }
  cv::Mat img(ht, w, CV_8UC3);
  if (tjDecompress2(h.get(), data, bytes.size(), img.data, w, static_cast<int>(img.step[0]), ht,
                    TJPF_BGR, 0) != 0 &&
      tjGetErrorCode(h.get()) == TJERR_FATAL) {
    return InvalidArgument("JPEG: " + Reason(h.get()));
  }
  return img;
}

}  // namespace es
