// ConfigureAllocator: how the process's malloc treats frame-sized buffers.
//
// Contract: allocations of at least kFrameMmapThresholdBytes (128 KiB: every decoded frame,
// resized copy and tensor) are served by mmap and given back to the kernel when freed. glibc's
// default raises this threshold dynamically to the size of the first such block freed (up to
// 32 MiB), after which freed 720p/1080p frames stay cached in each thread's arena. Measured
// by farm-bench (one 720p camera, 150 frames, medians of 5): peak 125 MiB instead of 164 MiB,
// for 5 % more CPU (the kernel zeroes the pages of each new frame: sys 1.0 s instead of 0.4 s);
// with the decoder's FramePool (core/frame_pool.h) reusing frame buffers: 127 MiB for 2 %.
// Called once at start, before threads exist.
// Thread-safety: call before starting threads.
#pragma once

#include <cstddef>

namespace es {

inline constexpr size_t kFrameMmapThresholdBytes = 128 * 1024;

void ConfigureAllocator();

}  // namespace es
