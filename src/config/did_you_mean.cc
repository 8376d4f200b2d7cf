#include "config/did_you_mean.h"

#include <algorithm>
#include <cctype>

namespace es {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

size_t EditDistance(const std::string& a, const std::string& b) {
  // Optimal string alignment: d[i][j] = distance(a[0..i), b[0..j)).
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);  // swapped neighbours
      }
    }
  }
  return d[a.size()][b.size()];
}

std::string DidYouMean(const std::string& name, const std::vector<std::string>& candidates) {
  const std::string lower = Lower(name);
  const size_t budget = std::max<size_t>(1, std::min<size_t>(3, name.size() / 3));
  std::string best;
  size_t best_distance = budget + 1;
  for (const std::string& c : candidates) {
    const size_t d = EditDistance(lower, Lower(c));
    if (d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  return best;
}

std::string UnknownNameMessage(const std::string& what, const std::string& name,
                               const std::vector<std::string>& known) {
  const std::string guess = DidYouMean(name, known);
  if (!guess.empty()) return "unknown " + what + " (did you mean '" + guess + "'?)";
  std::string list;
  for (const std::string& n : known) list += (list.empty() ? "" : ", ") + n;
  return "unknown " + what + " (expected one of [" + list + "])";
}

}  // namespace es
