#include "ptz/calibration_file.h"

#include <Eigen/Dense>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace es {
namespace {

constexpr const char* kFormat = "edgesight-ptz-calibration";

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot open calibration file " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return DataLoss("cannot read calibration file " + path);
  return ss.str();
}

std::vector<std::string> Fields(std::string_view line) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : line) {
    if (c == ' ' || c == '\t' || c == ',' || c == '\r') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

// A finite number spanning the whole field.
bool ParseNumber(const std::string& s, double* v) {
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  *v = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && errno == 0 && std::isfinite(*v);
}

}  // namespace

Result<CalibrationPointsFile> ParseCalibrationPoints(std::string_view text,
                                                     const std::string& name) {
  CalibrationPointsFile f;
  int line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (const size_t hash = line.find('#'); hash != std::string_view::npos) {
      line = line.substr(0, hash);
    }
    const auto fields = Fields(line);
    if (fields.empty()) continue;
    auto where = [&] { return name + ":" + std::to_string(line_no) + ": "; };
    if (fields[0] == "size") {
      double w = 0, h = 0;
      if (fields.size() != 3 || !ParseNumber(fields[1], &w) || !ParseNumber(fields[2], &h) ||
          w < 2 || h < 2) {
        return InvalidArgument(where() + "expected 'size W H' with positive pixel sizes");
      }
      f.fit.width = w;
      f.fit.height = h;
      continue;
    }
    if (fields[0] == "k1") {
      double k = 0;
      if (fields.size() == 2 && fields[1] == "fit") {
        f.fit.fit_k1 = true;
      } else if (fields.size() == 2 && ParseNumber(fields[1], &k) && std::abs(k) < 1.0) {
        f.fit.k1 = k;
      } else {
        return InvalidArgument(where() + "expected 'k1 VALUE' (|VALUE| < 1) or 'k1 fit'");
      }
      continue;
    }
    if (fields.size() != 4) {
      return InvalidArgument(where() + "expected 'U V PAN TILT' (4 numbers), got " +
                             std::to_string(fields.size()) + " fields");
    }
    double v[4];
    for (int i = 0; i < 4; ++i) {
      if (!ParseNumber(fields[i], &v[i])) {
        return InvalidArgument(where() + "field " + std::to_string(i + 1) + " '" + fields[i] +
                               "' is not a finite number");
      }
    }
    if (std::abs(v[3]) >= 90.0) {
      return InvalidArgument(where() + "tilt " + fields[3] + " is outside (-90, 90) degrees");
    }
    f.points.push_back({v[0], v[1], v[2], v[3]});
    f.lines.push_back(line_no);
  }
  for (size_t i = 0; i < f.points.size(); ++i) {
    const auto& p = f.points[i];
    if (p.u < 0 || p.v < 0 || p.u > f.fit.width || p.v > f.fit.height) {
      return InvalidArgument(name + ":" + std::to_string(f.lines[i]) + ": pixel (" +
                             std::to_string(p.u) + ", " + std::to_string(p.v) +
                             ") is outside the " + std::to_string(int(f.fit.width)) + "x" +
                             std::to_string(int(f.fit.height)) + " image");
    }
  }
  return f;
}

Result<CalibrationPointsFile> LoadCalibrationPoints(const std::string& path) {
  ES_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return ParseCalibrationPoints(text, path);
}

Result<CalibrationFit> FitCalibrationFile(const std::string& path) {
  ES_ASSIGN_OR_RETURN(CalibrationPointsFile f, LoadCalibrationPoints(path));
  auto fit = FitCalibration(f.points, f.fit);
  if (!fit.ok()) {
    return Status(fit.status().code(), path + ": " + fit.status().message());
  }
  return fit;
}

nlohmann::ordered_json CalibrationToJson(const CalibrationFit& fit, int points) {
  const RayCalibration& c = fit.calibration;
  nlohmann::ordered_json r = nlohmann::ordered_json::array();
  for (int i = 0; i < 3; ++i) r.push_back({c.R(i, 0), c.R(i, 1), c.R(i, 2)});
  nlohmann::ordered_json j;
  j["format"] = kFormat;
  j["version"] = 1;
  j["width"] = c.width;
  j["height"] = c.height;
  j["f"] = c.f;
  j["cx"] = c.cx;
  j["cy"] = c.cy;
  j["k1"] = c.k1;
  j["R"] = r;
  j["fit"] = {{"points", points}, {"rms_deg", fit.rms_deg}, {"max_deg", fit.max_deg}};
  return j;
}

Result<RayCalibration> CalibrationFromJson(const nlohmann::json& j, const std::string& name) {
  auto bad = [&](const std::string& m) { return InvalidArgument(name + ": " + m); };
  if (!j.is_object()) return bad("expected a JSON object");
  if (!j.contains("format") || j["format"] != kFormat) {
    return bad(std::string("\"format\" must be \"") + kFormat + "\"");
  }
  if (!j.contains("version") || j["version"] != 1) return bad("unsupported \"version\" (need 1)");
  RayCalibration c;
  for (auto [key, dst] : {std::pair{"width", &c.width}, std::pair{"height", &c.height},
                          std::pair{"f", &c.f}, std::pair{"cx", &c.cx}, std::pair{"cy", &c.cy},
                          std::pair{"k1", &c.k1}}) {
    if (!j.contains(key) || !j[key].is_number()) {
      return bad(std::string("\"") + key + "\" must be a number");
    }
    *dst = j[key].get<double>();
    if (!std::isfinite(*dst)) return bad(std::string("\"") + key + "\" is not finite");
  }
  if (!(c.width > 0 && c.height > 0 && c.f > 0)) return bad("width, height and f must be > 0");
  const auto& r = j.contains("R") ? j["R"] : nlohmann::json();
  if (!r.is_array() || r.size() != 3) return bad("\"R\" must be a 3x3 array");
  for (int i = 0; i < 3; ++i) {
    if (!r[i].is_array() || r[i].size() != 3) return bad("\"R\" must be a 3x3 array");
    for (int k = 0; k < 3; ++k) {
      if (!r[i][k].is_number()) return bad("\"R\" must be a 3x3 array of numbers");
      c.R(i, k) = r[i][k].get<double>();
    }
  }
  if (!c.R.allFinite() || (c.R * c.R.transpose() - Eigen::Matrix3d::Identity()).norm() > 1e-6 ||
      c.R.determinant() < 0) {
    return bad("\"R\" is not a rotation matrix");
  }
  return c;
}

Status SaveCalibration(const std::string& path, const CalibrationFit& fit, int points) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Internal("cannot write calibration file " + path);
  out << CalibrationToJson(fit, points).dump(2) << "\n";
  out.close();
  if (!out) return Internal("cannot write calibration file " + path);
  return Status::Ok();
}

namespace {

// JSON or points: the first character that is not blank and not in a comment line is '{'.
bool LooksLikeJson(const std::string& text) {
  char first = 0;
  bool comment = false;
  for (char ch : text) {
    if (comment) {
      comment = ch != '\n';
      continue;
    }
    if (ch == '#') {
      comment = true;
    } else if (ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n') {
      first = ch;
      break;
    }
  }
  return first == '{';
}

}  // namespace

Result<std::optional<CalibrationResiduals>> LoadCalibrationResiduals(const std::string& path) {
  ES_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  if (LooksLikeJson(text)) {
    const nlohmann::json j =
        nlohmann::json::parse(text.substr(text.find('{')), nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return InvalidArgument(path + ": not valid JSON");
    if (!j.contains("fit") || !j["fit"].is_object()) return std::optional<CalibrationResiduals>();
    const nlohmann::json& fit = j["fit"];
    CalibrationResiduals r;
    r.rms_deg = fit.value("rms_deg", 0.0);
    r.max_deg = fit.value("max_deg", 0.0);
    return std::optional<CalibrationResiduals>(r);
  }
  ES_ASSIGN_OR_RETURN(CalibrationPointsFile f, ParseCalibrationPoints(text, path));
  auto fit = FitCalibration(f.points, f.fit);
  if (!fit.ok()) return Status(fit.status().code(), path + ": " + fit.status().message());
  return std::optional<CalibrationResiduals>(CalibrationResiduals{fit->rms_deg, fit->max_deg});
}

Result<RayCalibration> LoadCalibration(const std::string& path) {
  ES_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  if (LooksLikeJson(text)) {
    // Drop leading '#' comment lines (JSON has none of its own).
    const size_t start = text.find('{');
    const nlohmann::json j =
        nlohmann::json::parse(text.substr(start), nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return InvalidArgument(path + ": not valid JSON");
    return CalibrationFromJson(j, path);
  }
  ES_ASSIGN_OR_RETURN(CalibrationPointsFile f, ParseCalibrationPoints(text, path));
  auto fit = FitCalibration(f.points, f.fit);
  if (!fit.ok()) return Status(fit.status().code(), path + ": " + fit.status().message());
  return fit->calibration;
}

}  // namespace es
