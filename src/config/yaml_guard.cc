#include "config/yaml_guard.h"

#include <cctype>
#include <vector>

namespace es {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// Whether position i of the line starts a token (line start, after a blank, or right after a
// flow indicator).
bool StartsToken(std::string_view line, size_t i) {
  if (i == 0) return true;
  const char p = line[i - 1];
  return IsBlank(p) || p == '[' || p == '{' || p == ',';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && (IsBlank(s.back()) || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string_view LastToken(std::string_view s) {
  const size_t blank = s.find_last_of(" \t");
  return blank == std::string_view::npos ? s : s.substr(blank + 1);
}

// The text before a ',' that starts a token at flow level 0: is that ',' where yaml-cpp expects
// a node (a place where only a flow collection could hold a ',')?
bool NodeExpected(std::string_view before) {
  const std::string_view pre = Trim(before);
  if (pre.empty() || pre.back() == ':') return true;
  const std::string_view last = LastToken(pre);
  return last == "-" || last == "?" || last == "---" || last.front() == '!' ||
         last.front() == '&' || last.front() == '*';
}

// "|", ">", "|-", ">+2", ...: a block scalar header.
bool IsBlockHeader(std::string_view token) {
  if (token.empty() || (token.front() != '|' && token.front() != '>')) return false;
  for (char c : token.substr(1)) {
    if (c != '-' && c != '+' && !std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

struct Scanner {
  int depth = 0;          // flow collections open
  char quote = 0;         // ' or " while inside a quoted scalar
  int block_indent = -1;  // >= 0 while inside a block scalar: its parent line's indent

  // Scans one line; returns the column (0-based) of a bad ',' or -1. `content_end` is where the
  // line's content ends (a comment starts).
  int Line(std::string_view line, size_t* content_end) {
    *content_end = line.size();
    for (size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      if (quote == '\'') {
        if (c == '\'' && i + 1 < line.size() && line[i + 1] == '\'') {
          ++i;
        } else if (c == '\'') {
          quote = 0;
        }
        continue;
      }
      if (quote == '"') {
        if (c == '\\') {
          ++i;
        } else if (c == '"') {
          quote = 0;
        }
        continue;
      }
      if (c == '#' && (i == 0 || IsBlank(line[i - 1]))) {
        *content_end = i;
        break;
      }
      const bool token = StartsToken(line, i);
      if ((c == '\'' || c == '"') && token) {
        quote = c;
      } else if ((c == '[' || c == '{') && (depth > 0 || token)) {
        ++depth;
      } else if ((c == ']' || c == '}') && depth > 0) {
        --depth;
      } else if (c == ',' && depth == 0 && token && NodeExpected(line.substr(0, i))) {
        return static_cast<int>(i);
      }
    }
    return -1;
  }
};

}  // namespace

Status CheckYamlText(std::string_view text, const std::string& origin) {
  Scanner s;
  size_t line_no = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    const size_t first = line.find_first_not_of(' ');
    const int indent = first == std::string_view::npos ? -1 : static_cast<int>(first);
    if (s.block_indent >= 0) {  // block scalar content is verbatim
      if (indent < 0 || indent > s.block_indent) continue;
      s.block_indent = -1;
    }
    size_t end = 0;
    const int bad = s.Line(line, &end);
    if (bad >= 0) {
      return InvalidArgument(origin + ":" + std::to_string(line_no) + ":" +
                             std::to_string(bad + 1) +
                             ": invalid YAML: ',' outside [...] or {...} (quote the value)");
    }
    if (s.quote == 0 && s.depth == 0 && IsBlockHeader(LastToken(Trim(line.substr(0, end))))) {
      s.block_indent = indent < 0 ? 0 : indent;
    }
  }
  return Status::Ok();
}

}  // namespace es
