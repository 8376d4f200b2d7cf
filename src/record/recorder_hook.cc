#include "record/recorder_hook.h"

namespace es {

Status RecorderHook::OnDecision(FramePacket* packet) {
  if (!packet->end_of_stream) recorder_->OnFrame(packet->frame);
  recorder_->OnEvents(&packet->events);
  return Status::Ok();
}

Status RecorderHook::Finish() {
  recorder_->Finish();
  return Status::Ok();
}

}  // namespace es
