// COCO-80 class names in the order the detectors' class ids use (0 = person).
// Pure functions over a static table; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace es {

inline constexpr int kNumCocoClasses = 80;

// "person" for 0 ... "toothbrush" for 79; "motion" for kClassMotion; "unknown" otherwise.
std::string_view CocoClassName(int class_id);
// -1 if the name is not a COCO class (exact, case-sensitive match; "motion" is not a class).
int CocoClassId(std::string_view name);

}  // namespace es
