#include "core/option_schema.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace es {
namespace {

enum class Mode { kFast, kSafe };

struct Inner {
  double gain = 1.0;
};

struct Demo {
  int count = 3;
  double low = 0.1, high = 0.5;
  std::string transport = "tcp";
  Mode mode = Mode::kFast;
  Inner inner;
  std::vector<std::string> names;
};

const OptionSchema<Demo>& DemoSchema() {
  static const OptionSchema<Demo> kSchema = [] {
    OptionSchema<Demo> s("demo", "a section for tests");
    s.Add("count", &Demo::count, Closed(1, 10), "how many")
        .Add("low", &Demo::low, Closed(0, 1), "lower bound")
        .Add("high", &Demo::high, OpenClosed(0, 1), "upper bound")
        .Add("transport", &Demo::transport, OneOf({"tcp", "udp"}), "wire")
        .AddEnum("mode", &Demo::mode, {{"fast", Mode::kFast}, {"safe", Mode::kSafe}}, "how")
        .Add("gain", &Demo::inner, &Inner::gain, AtLeast(0), "nested, flat key")
        .Add("names", &Demo::names, AnyValue(), "free list");
    s.SetRules([](const Demo& d) -> Status {
      if (!(d.low < d.high)) {
        return InvalidArgument("demo.low: must be below demo.high (" + FormatNumber(d.high) +
                               "), got " + FormatNumber(d.low));
      }
      return Status::Ok();
    });
    return s;
  }();
  return kSchema;
}

TEST(OptionSchema, DefaultsPassAndFieldsAreListedInOrder) {
  EXPECT_TRUE(DemoSchema().Check(Demo{}).ok());
  std::vector<std::string> names;
  for (const auto& f : DemoSchema().fields()) names.push_back(f.name);
  EXPECT_EQ(names, (std::vector<std::string>{"count", "low", "high", "transport", "mode", "gain",
                                             "names"}));
  EXPECT_EQ(DemoSchema().fields()[0].type, FieldType::kInt);
  EXPECT_EQ(DemoSchema().fields()[1].type, FieldType::kDouble);
  EXPECT_EQ(DemoSchema().fields()[4].type, FieldType::kString);
  EXPECT_EQ(DemoSchema().fields()[6].type, FieldType::kStringList);
}

TEST(OptionSchema, EachViolationNamesItsKeyOnOneLine) {
  struct Case {
    void (*edit)(Demo&);
    const char* want;
  } cases[] = {
      {[](Demo& d) { d.count = 11; }, "demo.count: expected an integer in [1, 10], got 11"},
      {[](Demo& d) { d.high = 0; }, "demo.high: expected a number in (0, 1], got 0"},
      {[](Demo& d) { d.low = std::nan(""); }, "demo.low: expected a number in [0, 1], got "},
      {[](Demo& d) { d.transport = "sctp"; },
       "demo.transport: expected one of [tcp, udp], got \"sctp\""},
      {[](Demo& d) { d.inner.gain = -1; }, "demo.gain: expected a number >= 0, got -1"},
      {[](Demo& d) { d.mode = static_cast<Mode>(7); }, "demo.mode: expected one of [fast, safe]"},
      {[](Demo& d) { d.low = 0.9; }, "demo.low: must be below demo.high (0.5), got 0.9"},
  };
  for (const Case& c : cases) {
    Demo d;
    c.edit(d);
    const Status s = DemoSchema().Check(d);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << c.want;
    EXPECT_EQ(s.message().rfind(c.want, 0), 0u) << s.message();
    EXPECT_EQ(s.message().find('\n'), std::string::npos);
  }
}

TEST(OptionSchema, CheckFieldsSkipsTheRules) {
  Demo d;
  d.low = 0.9;  // breaks only the rule
  EXPECT_TRUE(DemoSchema().CheckFields(d).ok());
  EXPECT_FALSE(DemoSchema().Check(d).ok());
}

TEST(OptionSchema, BindingsReadAndWriteTheStruct) {
  Demo d;
  const auto& fields = DemoSchema().fields();
  *std::get<int*>(fields[0].bind(d)) = 7;
  *std::get<double*>(fields[5].bind(d)) = 2.5;
  EXPECT_EQ(d.count, 7);
  EXPECT_EQ(d.inner.gain, 2.5);
  EnumRef mode = std::get<EnumRef>(fields[4].bind(d));
  EXPECT_EQ(mode.get(), "fast");
  EXPECT_TRUE(mode.set("safe"));
  EXPECT_EQ(d.mode, Mode::kSafe);
  EXPECT_FALSE(mode.set("reckless"));
  EXPECT_EQ(FormatRef(fields[3].bind(d)), "\"tcp\"");
  d.names = {"a", "b\n"};
  EXPECT_EQ(FormatRef(fields[6].bind(d)), "[\"a\", \"b\\n\"]");
}

TEST(OptionSchema, DescriptionsForDocsAndMessages) {
  EXPECT_EQ(DescribeConstraint(Closed(0, 1)), "[0, 1]");
  EXPECT_EQ(DescribeConstraint(OpenClosed(0, 240)), "(0, 240]");
  EXPECT_EQ(DescribeConstraint(AtLeast(1048576)), ">= 1048576");
  EXPECT_EQ(DescribeConstraint(OneOf({"", "nanodet"})), "one of [\"\", nanodet]");
  EXPECT_EQ(DescribeConstraint(AnyValue()), "");
  EXPECT_EQ(ExpectedValue(FieldType::kInt64, AtLeast(0)), "an integer >= 0");
  EXPECT_EQ(TypeName(FieldType::kDouble), "float");
  EXPECT_EQ(FormatNumber(0.35f), "0.35");
  EXPECT_FALSE(InRange(std::nan(""), AnyValue()));
}

}  // namespace
}  // namespace es
