#include "config/yaml_file.hpp"

#include <utf8/utf8.hpp>

#include <yaml-cpp/eventhandler.h>

#include <fstream>
#include <set>
#include <sstream>
#include <sys/stat.h>
#include <vector>

namespace gs::kernel {

namespace {

// Walks the parser's events once, before a tree is built: refuses aliases and keys repeated in
// one map. Only the first problem is reported (the parse stops there).
class StrictScan : public YAML::EventHandler {
public:
    StrictScan(const std::string &file, Diagnostics &diag) : file_(file), diag_(diag) {}
    bool failed() const { return failed_; }

    void OnDocumentStart(const YAML::Mark &) override {}
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark &mark, YAML::anchor_t) override { node(mark, "~"); }
    void OnAlias(const YAML::Mark &mark, YAML::anchor_t) override {
        fail(mark, "YAML aliases (*name) are not accepted in gridscope files; write the value out");
    }
    void OnScalar(const YAML::Mark &mark, const std::string &, YAML::anchor_t,
                  const std::string &value) override {
        node(mark, value);
    }
    void OnSequenceStart(const YAML::Mark &mark, const std::string &, YAML::anchor_t,
                         YAML::EmitterStyle::value) override {
        node(mark, std::string());
        frames_.push_back(Frame{false, false, {}});
    }
    void OnSequenceEnd() override { frames_.pop_back(); }
    void OnMapStart(const YAML::Mark &mark, const std::string &, YAML::anchor_t,
                    YAML::EmitterStyle::value) override {
        node(mark, std::string());
        frames_.push_back(Frame{true, true, {}});
    }
    void OnMapEnd() override { frames_.pop_back(); }

private:
    struct Frame {
        bool map;
        bool expect_key; // in a map: the next node is a key
        std::set<std::string> keys;
    };

    // Every node passes here first; in a map it is a key or a value, in turn.
    void node(const YAML::Mark &mark, const std::string &scalar) {
        if (frames_.empty() || !frames_.back().map) return;
        Frame &f = frames_.back();
        bool key = f.expect_key;
        f.expect_key = !f.expect_key;
        if (key && !f.keys.insert(scalar).second)
            fail(mark, "key '" + scalar +
                           "' is written twice in this map (the first one is "
                           "higher up)");
    }
    void fail(const YAML::Mark &mark, const std::string &why) {
        if (failed_) return;
        failed_ = true;
        diag_.error({file_, mark.line + 1, mark.column + 1}, "", why);
        throw Stop{};
    }

public:
    struct Stop {};

private:
    const std::string &file_;
    Diagnostics &diag_;
    std::vector<Frame> frames_;
    bool failed_ = false;
};

} // namespace

bool first_invalid_utf8(const std::string &text, int &line, int &column) {
    line = 1, column = 1;
    for (size_t i = 0; i < text.size();) {
        size_t n = gs::utf8::sequence_length(text, i);
        if (n == 0) return true;
        if (text[i] == '\n')
            ++line, column = 1;
        else
            ++column;
        i += n;
    }
    return false;
}

YAML::Node load_yaml_text(const std::string &text, const std::string &file, Diagnostics &diag) {
    int line = 0, column = 0;
    if (first_invalid_utf8(text, line, column)) {
        diag.error({file, line, column}, "", "not valid UTF-8 (save the file as UTF-8)");
        return YAML::Node(YAML::NodeType::Undefined);
    }
    try {
        // Pass 1: events only, no tree (bounded memory, aliases never expanded).
        std::istringstream in(text);
        YAML::Parser parser(in);
        StrictScan scan(file, diag);
        try {
            while (parser.HandleNextDocument(scan)) {
            }
        } catch (const StrictScan::Stop &) {
            return YAML::Node(YAML::NodeType::Undefined);
        }
        // Pass 2: the tree, now known to be alias-free with unique keys.
        return YAML::Load(text);
    } catch (const YAML::ParserException &e) {
        diag.error({file, e.mark.line + 1, e.mark.column + 1}, "", "YAML syntax: " + e.msg);
    }
    return YAML::Node(YAML::NodeType::Undefined);
}

YAML::Node load_yaml_file(const std::string &file, Diagnostics &diag) {
    struct stat st {};
    std::ifstream in(file, std::ios::binary);
    if (!in || ::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
        diag.error({file, 0, 0}, "", "cannot open the file");
        return YAML::Node(YAML::NodeType::Undefined);
    }
    if (static_cast<uint64_t>(st.st_size) > kMaxConfigFileBytes) {
        diag.error({file, 0, 0}, "",
                   "the file is " + std::to_string(st.st_size) +
                       " bytes; config files are "
                       "limited to " +
                       std::to_string(kMaxConfigFileBytes >> 20) + " MiB");
        return YAML::Node(YAML::NodeType::Undefined);
    }
    // One byte more than stat said: a file that grew meanwhile is noticed, never read whole.
    std::string text(static_cast<size_t>(st.st_size) + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<size_t>(in.gcount()));
    if (text.size() > static_cast<size_t>(st.st_size)) {
        diag.error({file, 0, 0}, "", "the file changed while it was read; try again");
        return YAML::Node(YAML::NodeType::Undefined);
    }
    return load_yaml_text(text, file, diag);
}

} // namespace gs::kernel
