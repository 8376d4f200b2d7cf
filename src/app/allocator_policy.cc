#include "app/allocator_policy.h"

#include <malloc.h>

namespace es {

void ConfigureAllocator() {
#ifdef M_MMAP_THRESHOLD
  // Setting it explicitly also turns glibc's dynamic adjustment off (mallopt(3)).
  mallopt(M_MMAP_THRESHOLD, static_cast<int>(kFrameMmapThresholdBytes));
#endif
}

}  // namespace es
