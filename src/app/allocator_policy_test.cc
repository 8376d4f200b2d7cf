#include "app/allocator_policy.h"

#include <gtest/gtest.h>
#include <malloc.h>

#include <cstdlib>
#include <cstring>

namespace es {
namespace {

// Bytes malloc holds in mmapped blocks right now.
size_t MmappedBytes() { return mallinfo2().hblkhd; }

void* Frame(size_t bytes) {
  void* p = std::malloc(bytes);
  std::memset(p, 1, bytes);  // touched, like a decoded frame
  return p;
}

TEST(AllocatorPolicy, AFreedFrameDoesNotTurnLaterFramesIntoCachedHeapMemory) {
  ConfigureAllocator();
  constexpr size_t kFrame = 1280 * 720 * 3;
  void* first = Frame(kFrame);
  std::free(first);  // glibc's default would now raise its threshold above kFrame
  const size_t before = MmappedBytes();
  void* second = Frame(kFrame);
  EXPECT_GE(MmappedBytes(), before + kFrame) << "the second frame came from the heap";
  std::free(second);
  EXPECT_LT(MmappedBytes(), before + kFrame) << "a freed frame goes back to the kernel";
}

}  // namespace
}  // namespace es
