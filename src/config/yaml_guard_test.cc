#include "config/yaml_guard.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "config/config_loader.h"
#include "config/site_config.h"

namespace es {
namespace {

// Inputs that made yaml-cpp 0.7 allocate until the machine ran out of memory (found by
// scripts/fuzz.sh): refused with one line, before the parser sees them.
TEST(YamlGuardTest, RegressionFlowEntryOutsideAFlowCollectionIsRefused) {
  for (const char* text : {",[\n", ", x\n", "---\n, x\n", "# c\n, x\n", "\n\n  , x\n",
                           "- a\n, y\n", "! ,x\n", "&a ,x\n", "a: ,[\n", "a: 1\n---\n,x\n"}) {
    const Status s = CheckYamlText(text, "t.yaml");
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << text;
    EXPECT_NE(s.message().find("invalid YAML: ',' outside [...] or {...}"), std::string::npos)
        << s.message();
    // And through the loaders, in bounded time and memory.
    EXPECT_FALSE(LoadSiteConfigString(text, "t.yaml").ok()) << text;
  }
  EXPECT_EQ(CheckYamlText("a: 1\n- b\n, y\n", "t.yaml").message(),
            "t.yaml:3:1: invalid YAML: ',' outside [...] or {...} (quote the value)");
  AppConfig c;
  EXPECT_FALSE(ApplyOverride(&c, "tracker.track_thresh", ",[").ok());
}

// Found by fuzzing: yaml-cpp's message quoted a raw control character (a line break) from the
// input; every config error must stay one line.
TEST(YamlGuardTest, RegressionParserMessagesStayOneLine) {
  for (const char* name : {"regression-control-char-message.yaml",
                           "regression-flow-entry-oom.yaml"}) {
    const std::string path = std::string(ES_SOURCE_DIR) + "/fuzz/corpus/config/" + name;
    std::ifstream in(path, std::ios::binary);
    ASSERT_TRUE(in) << path;
    const std::string text((std::istreambuf_iterator<char>(in)), {});
    auto r = LoadSiteConfigString(text, "t.yaml");
    ASSERT_FALSE(r.ok()) << name;
    EXPECT_EQ(r.status().message().find('\n'), std::string::npos) << r.status().message();
  }
}

TEST(YamlGuardTest, ValidYamlWithCommasPasses) {
  for (const char* text :
       {"a: [1, 2, 3]\n", "a: {b: 1, c: 2}\n", "a: b, c\n", "a: b ,[\n", "a: 'x, y'\n",
        "a: \"x, \\\" y\"\n", "a: 'it''s, ok'\n", "# , comment\na: 1 # , trailing\n",
        "a: |\n  , literal text\n  ,[ more\nb: 2\n", "a: >-\n  , folded\n",
        "a:\n  - [x,\n     y]\n  - {k: v,\n     l: w}\n", "uri: rtsp://h/x[1],y\n"}) {
    EXPECT_TRUE(CheckYamlText(text, "t.yaml").ok()) << text;
  }
}

}  // namespace
}  // namespace es
