#include "app/uplink_stats_command.h"

#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <sstream>

#include "app/exit_codes.h"
#include "uplink/bandwidth_budget.h"
#include "uplink/outbox.h"
#include "uplink/status_message.h"

namespace es {
namespace {

double Round(double v, double scale) { return std::round(v * scale) / scale; }

std::string HourStart(int64_t hour) {
  const std::time_t t = static_cast<std::time_t>(hour * 3600);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:00:00Z", &tm);
  return buf;
}

bool IsH26x(const std::string& codec) {
  return codec == "h264" || codec == "hevc" || codec == "h265";
}

std::string HumanBytes(double b) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (std::fabs(b) >= 1024 && u < 4) {
    b /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.2f %s", b, units[u]);
  return buf;
}

}  // namespace

CLI::App* AddUplinkStatsCommand(CLI::App* app, UplinkStatsArgs* args) {
  CLI::App* cmd = app->add_subcommand(
      "uplink-stats",
      "outbox depth, bytes uplinked per kind and hour, and the saving against streaming the raw "
      "video (reads the outbox database; see docs/uplink.md)");
  cmd->add_option("--outbox", args->outbox, "the outbox database (SQLite file)")->required();
  cmd->add_flag("--json", args->json, "print the report as one JSON object");
  cmd->add_option("--hours", args->hours, "list the last N hours")
      ->check(CLI::Range(1, 8760))
      ->capture_default_str();
  return cmd;
}

Result<nlohmann::ordered_json> UplinkStats(const UplinkStatsArgs& args, int64_t now_unix_us) {
  if (args.outbox.empty()) return InvalidArgument("uplink-stats needs --outbox PATH");
  if (args.hours < 1 || args.hours > 8760) {
    return InvalidArgument("--hours must be in 1..8760");
  }
  OutboxOptions o;
  o.read_only = true;
  auto opened = Outbox::Open(args.outbox, o);
  if (!opened.ok()) {
    const Status& s = opened.status();
    // Whatever is wrong with the file, it is bad input to this command.
    return Status(s.code() == StatusCode::kNotFound ? StatusCode::kNotFound : StatusCode::kDataLoss,
                  s.message());
  }
  Outbox& box = **opened;
  auto wrap = [&](const Status& s) {
    return DataLoss("outbox '" + args.outbox + "' is not readable: " + s.message());
  };

  nlohmann::ordered_json r;
  r["outbox"] = args.outbox;
  r["now_unix_s"] = now_unix_us / 1'000'000;
  const OutboxStats st = box.Stats();
  r["depth"] = st.depth;
  r["oldest_age_s"] = Round(box.OldestAge(now_unix_us).seconds(), 1000.0);
  nlohmann::ordered_json waiting, dropped;
  for (int k = 0; k < kOutboxKindCount; ++k) {
    const char* name = OutboxKindName(static_cast<OutboxKind>(k));
    waiting[name] = {{"count", st.count[k]}, {"bytes", st.bytes[k]}};
    dropped[name] = st.dropped[k];
  }
  r["waiting"] = waiting;
  r["dropped"] = dropped;

  auto total = box.SentTotal();
  if (!total.ok()) return wrap(total.status());
  const int64_t now_hour = UnixHour(now_unix_us);
  auto rows = box.SentByHour(now_hour - args.hours + 1, now_hour);
  if (!rows.ok()) return wrap(rows.status());
  nlohmann::ordered_json hours = nlohmann::ordered_json::array();
  size_t next = 0;
  for (int64_t h = now_hour - args.hours + 1; h <= now_hour; ++h) {
    SentBytes s;
    s.hour = h;
    if (next < rows->size() && (*rows)[next].hour == h) s = (*rows)[next++];
    nlohmann::ordered_json j;
    j["hour_start"] = HourStart(h);
    const nlohmann::ordered_json sent = SentBytesJson(s);
    for (const auto& [k, v] : sent.items()) j[k] = v;
    hours.push_back(j);
  }
  r["sent"] = {{"total", SentBytesJson(*total)}, {"hours", hours}};

  auto sources = box.SourceUsages();
  if (!sources.ok()) return wrap(sources.status());
  nlohmann::ordered_json src = nlohmann::ordered_json::array();
  double seconds_all = 0, seconds_known = 0, raw_bytes = 0;
  for (const SourceUsage& u : *sources) {
    double raw_per_hour = 0;
    std::string method = "unknown";
    if (IsH26x(u.codec) && u.encoded_bytes > 0 && u.seconds > 0) {
      raw_per_hour = static_cast<double>(u.encoded_bytes) / u.seconds * 3600.0;
      method = "measured";
    } else if (u.width > 0 && u.height > 0 && u.fps > 0) {
      raw_per_hour = static_cast<double>(u.width) * u.height * u.fps * kH264BitsPerPixel / 8.0 *
                     3600.0;
      method = "estimated_h264";
    }
    seconds_all += u.seconds;
    if (method != "unknown") {
      seconds_known += u.seconds;
      raw_bytes += raw_per_hour * u.seconds / 3600.0;
    }
    src.push_back({{"stream", u.stream},
                   {"seconds", Round(u.seconds, 1000.0)},
                   {"encoded_bytes", u.encoded_bytes},
                   {"width", u.width},
                   {"height", u.height},
                   {"fps", Round(u.fps, 1000.0)},
                   {"codec", u.codec},
                   {"raw_bytes_per_hour", std::llround(raw_per_hour)},
                   {"raw_method", method}});
  }
  r["sources"] = src;
  const int64_t uplink = total->total_bytes() + st.total_bytes();
  if (seconds_known > 0 && raw_bytes > 0) {
    const double camera_hours = seconds_all / 3600.0;
    const double up_per_h = static_cast<double>(uplink) / camera_hours;
    const double raw_per_h = raw_bytes / (seconds_known / 3600.0);
    r["comparison"] = {{"camera_hours", Round(camera_hours, 1e6)},
                       {"uplink_bytes", uplink},
                       {"uplink_bytes_per_camera_hour", std::llround(up_per_h)},
                       {"raw_bytes_per_camera_hour", std::llround(raw_per_h)},
                       {"reduction_pct", Round(100.0 * (1.0 - up_per_h / raw_per_h), 1000.0)},
                       {"h264_bits_per_pixel", kH264BitsPerPixel}};
  } else {
    r["comparison"] = nullptr;
  }
  return r;
}

std::string UplinkStatsText(const nlohmann::ordered_json& r) {
  std::ostringstream out;
  out << "outbox " << r["outbox"].get<std::string>() << "\n";
  out << "  waiting: " << r["depth"].get<int64_t>() << " entries, oldest "
      << r["oldest_age_s"].get<double>() << " s";
  for (const char* k : {"event", "crop", "status"}) {
    out << "; " << k << " " << r["waiting"][k]["count"].get<int64_t>() << " ("
        << HumanBytes(r["waiting"][k]["bytes"].get<double>()) << ")";
  }
  out << "\n  dropped by the size policy:";
  for (const char* k : {"event", "crop", "status"}) out << " " << k << " " << r["dropped"][k];
  const auto& t = r["sent"]["total"];
  out << "\n  sent in total: " << HumanBytes(t["all"].get<double>()) << " in "
      << t["messages"].get<int64_t>() << " messages (event " << HumanBytes(t["event"].get<double>())
      << ", crop " << HumanBytes(t["crop"].get<double>()) << ", status "
      << HumanBytes(t["status"].get<double>()) << ")\n";
  for (const auto& h : r["sent"]["hours"]) {
    if (h["all"].get<int64_t>() == 0) continue;
    out << "    " << h["hour_start"].get<std::string>() << "  "
        << HumanBytes(h["all"].get<double>()) << " (event " << HumanBytes(h["event"].get<double>())
        << ", crop " << HumanBytes(h["crop"].get<double>()) << ", status "
        << HumanBytes(h["status"].get<double>()) << ")\n";
  }
  for (const auto& s : r["sources"]) {
    out << "  source " << s["stream"].get<std::string>() << ": " << s["seconds"].get<double>()
        << " s of " << s["width"] << "x" << s["height"] << " @ " << s["fps"] << " fps "
        << s["codec"].get<std::string>() << ", raw " << HumanBytes(s["raw_bytes_per_hour"].get<double>())
        << "/h (" << s["raw_method"].get<std::string>() << ")\n";
  }
  const auto& c = r["comparison"];
  if (c.is_null()) {
    out << "  no source cost recorded: no comparison with raw video\n";
  } else {
    out << "  per camera-hour: uplink " << HumanBytes(c["uplink_bytes_per_camera_hour"].get<double>())
        << " vs raw video " << HumanBytes(c["raw_bytes_per_camera_hour"].get<double>())
        << ": " << c["reduction_pct"].get<double>() << "% less (" << c["camera_hours"].get<double>()
        << " camera-hours)\n";
  }
  return out.str();
}

int RunUplinkStats(const UplinkStatsArgs& args) {
  auto r = UplinkStats(args, WallNowMicros());
  if (!r.ok()) return ReportError(r.status());
  if (args.json) {
    std::cout << r->dump(2) << std::endl;
  } else {
    std::cout << UplinkStatsText(*r);
  }
  return kExitOk;
}

}  // namespace es
