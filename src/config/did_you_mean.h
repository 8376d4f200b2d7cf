// DidYouMean: the closest known name to a misspelt one, for "unknown key" errors.
//
// Contract: compares case-insensitively by edit distance (optimal string alignment) and returns
// the closest candidate if it is within max(1, min(3, len/3)) edits of `name`, else an empty
// string. Ties go to the earliest candidate, so results are deterministic. Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

namespace es {

// Single-character insertions, deletions, substitutions and swaps of neighbours turning a
// into b (each substring edited once).
size_t EditDistance(const std::string& a, const std::string& b);

std::string DidYouMean(const std::string& name, const std::vector<std::string>& candidates);

// "unknown WHAT (did you mean 'x'?)" or, without a close candidate,
// "unknown WHAT (expected one of [a, b, c])".
std::string UnknownNameMessage(const std::string& what, const std::string& name,
                               const std::vector<std::string>& known);

}  // namespace es
