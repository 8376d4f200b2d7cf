#include "record/clip_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "source/ffmpeg_demuxer.h"

namespace es {
namespace {

const char* MuxerName(const std::string& container) {
  if (container == "mkv") return "matroska";
  if (container == "ts") return "mpegts";
  return "mp4";
}

}  // namespace

ClipWriter::~ClipWriter() {
  if (oc_ != nullptr) Abort();
  av_packet_free(&tmp_);
}

Status ClipWriter::Fail(int err, const char* what) {
  return Unavailable(OneLine("clip '" + path_ + "': " + what + ": " + AvErrorText(err)));
}

Result<std::unique_ptr<ClipWriter>> ClipWriter::Open(const std::string& path,
                                                     const std::string& container,
                                                     std::shared_ptr<const PacketStreamInfo> info) {
  std::unique_ptr<ClipWriter> w(new ClipWriter());
  w->path_ = path;
  w->info_ = std::move(info);
  if (!w->info_) return Internal("clip '" + path + "': no stream information");
  // Exclusive create: never overwrite a clip someone else names.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return w->Fail(AVERROR(errno), "cannot create");
  ::close(fd);
  int r = avformat_alloc_output_context2(&w->oc_, nullptr, MuxerName(container), path.c_str());
  if (r < 0 || w->oc_ == nullptr) {
    std::remove(path.c_str());
    return w->Fail(r < 0 ? r : AVERROR(ENOMEM), "cannot set up the muxer");
  }
  w->st_ = avformat_new_stream(w->oc_, nullptr);
  w->tmp_ = av_packet_alloc();
  if (w->st_ == nullptr || w->tmp_ == nullptr) {
    w->Abort();
    return w->Fail(AVERROR(ENOMEM), "cannot set up the muxer");
  }
  if ((r = avcodec_parameters_copy(w->st_->codecpar, &w->info_->par())) < 0) {
    w->Abort();
    return w->Fail(r, "cannot copy codec parameters");
  }
  w->st_->codecpar->codec_tag = 0;  // let the muxer pick the tag of its container
  w->st_->time_base = w->info_->time_base();
  if ((r = avio_open(&w->oc_->pb, path.c_str(), AVIO_FLAG_WRITE)) < 0) {
    w->Abort();
    return w->Fail(r, "cannot open");
  }
  if ((r = avformat_write_header(w->oc_, nullptr)) < 0) {
    w->Abort();
    return w->Fail(r, "cannot write the header");
  }
  return w;
}

Status ClipWriter::Write(const AVPacket& packet) {
  if (oc_ == nullptr) return Internal("clip '" + path_ + "': write after close");
  av_packet_unref(tmp_);
  int r = av_packet_ref(tmp_, &packet);
  if (r < 0) return Fail(r, "cannot reference a packet");
  // Fill missing timestamps; decode times strictly increasing in the source time base.
  if (tmp_->dts == AV_NOPTS_VALUE) tmp_->dts = tmp_->pts;
  if (tmp_->dts == AV_NOPTS_VALUE) {
    tmp_->dts =
        last_src_dts_ == AV_NOPTS_VALUE ? 0 : last_src_dts_ + std::max<int64_t>(1, tmp_->duration);
  }
  if (last_src_dts_ != AV_NOPTS_VALUE && tmp_->dts <= last_src_dts_) tmp_->dts = last_src_dts_ + 1;
  if (tmp_->pts == AV_NOPTS_VALUE || tmp_->pts < tmp_->dts) tmp_->pts = tmp_->dts;
  last_src_dts_ = tmp_->dts;
  if (origin_ == AV_NOPTS_VALUE) origin_ = tmp_->dts;
  tmp_->dts -= origin_;
  tmp_->pts -= origin_;
  av_packet_rescale_ts(tmp_, info_->time_base(), st_->time_base);
  if (last_dts_ != AV_NOPTS_VALUE && tmp_->dts <= last_dts_) {  // rounding in the rescale
    const int64_t shift = last_dts_ + 1 - tmp_->dts;
    tmp_->dts += shift;
    tmp_->pts = std::max(tmp_->pts, tmp_->dts);
  }
  last_dts_ = tmp_->dts;
  tmp_->stream_index = st_->index;
  tmp_->pos = -1;
  r = av_write_frame(oc_, tmp_);
  if (r >= 0 && oc_->pb != nullptr && oc_->pb->error < 0) r = oc_->pb->error;
  if (r < 0) return Fail(r, "write failed");
  ++packets_;
  return Status::Ok();
}

int64_t ClipWriter::bytes() const {
  if (final_bytes_ >= 0) return final_bytes_;
  return oc_ != nullptr && oc_->pb != nullptr ? avio_tell(oc_->pb) : 0;
}

Status ClipWriter::Finish() {
  if (oc_ == nullptr) return Internal("clip '" + path_ + "': finish after close");
  int r = av_write_trailer(oc_);
  if (r >= 0 && oc_->pb != nullptr) {
    avio_flush(oc_->pb);
    if (oc_->pb->error < 0) r = oc_->pb->error;
  }
  if (r >= 0) final_bytes_ = avio_tell(oc_->pb);
  const int c = avio_closep(&oc_->pb);
  if (r >= 0 && c < 0) r = c;
  avformat_free_context(oc_);
  oc_ = nullptr;
  if (r < 0) {
    std::remove(path_.c_str());
    return Fail(r, "cannot finish");
  }
  return Status::Ok();
}

void ClipWriter::Abort() {
  if (oc_ != nullptr) {
    if (oc_->pb != nullptr) avio_closep(&oc_->pb);
    avformat_free_context(oc_);
    oc_ = nullptr;
  }
  std::error_code ec;
  std::filesystem::remove(path_, ec);
}

}  // namespace es
