// The configuration section(s) declared by the alarm module (core/option_schema.h): keys, types,
// ranges, meanings and the section's own rules. The module validates its options with it, and
// config/config_schema.cc mounts it into the config file's schema, so each rule is written once.
// Rules: ValidateAlarmOptions (one action per rule, filters, names). The rules list is parsed
// by config/record_lists.h; whether a rule's zones exist is the config's check.
#pragma once

#include "alarm/alarm_options.h"
#include "core/option_schema.h"

namespace es {

inline const OptionSchema<AlarmOptions>& AlarmSchema() {
  static const OptionSchema<AlarmOptions> kSchema = [] {
    using AL = AlarmOptions;
    OptionSchema<AlarmOptions> s("alarm",
                                 "local alarm output: commands or loopback HTTP calls per event");
    s.Add("queue_capacity", &AL::queue_capacity, Closed(1, 100000),
          "alarm actions waiting for the worker; more are dropped and counted")
        .Add("stop_timeout_s", &AL::stop_timeout_s, Closed(0, 60),
             "at shutdown, queued actions run at most this long, then are cut off");
    s.SetRules([](const AlarmOptions& o) -> Status {
      const Status v = ValidateAlarmOptions(o);
      return v.ok() ? v : InvalidArgument("alarm." + v.message());
    });
    return s;
  }();
  return kSchema;
}

}  // namespace es
