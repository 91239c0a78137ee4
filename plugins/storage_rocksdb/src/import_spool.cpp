#include "import_spool.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace gs::storage {
namespace fs = std::filesystem;

namespace {

constexpr const char *kHeader = "gridscope-import 1";

std::vector<std::string> split_tabs(const std::string &line) {
    std::vector<std::string> out;
    size_t at = 0;
    while (true) {
        size_t tab = line.find('\t', at);
        out.push_back(line.substr(at, tab == std::string::npos ? std::string::npos : tab - at));
        if (tab == std::string::npos) return out;
        at = tab + 1;
    }
}

template <class T> bool parse_number(const std::string &text, T &out) {
    auto res = std::from_chars(text.data(), text.data() + text.size(), out);
    return res.ec == std::errc() && res.ptr == text.data() + text.size();
}

std::string result_path_of(const std::string &working_path) {
    return fs::path(working_path).replace_extension(".result").string();
}

} // namespace

std::string spool_folder(const std::string &store_dir) {
    return fs::path(store_dir).lexically_normal().string() + ".import";
}

std::vector<SpoolRow> read_spool_rows(const std::string &path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::string line;
    if (!std::getline(in, line) || line != kHeader)
        throw std::runtime_error(path + ":1: not an import spool file (expected '" + kHeader +
                                 "')");
    std::vector<SpoolRow> rows;
    for (size_t line_no = 2; std::getline(in, line); ++line_no) {
        if (line.empty()) continue;
        std::vector<std::string> cells = split_tabs(line);
        SpoolRow row;
        bool ok = cells.size() == 5 && parse_number(cells[0], row.ts_utc_ns) && !cells[1].empty() &&
                  parse_number(cells[2], row.circuit) && !cells[3].empty() &&
                  parse_number(cells[4], row.value);
        if (!ok) throw std::runtime_error(path + ":" + std::to_string(line_no) + ": malformed row");
        row.source = std::move(cells[1]);
        row.data = std::move(cells[3]);
        rows.push_back(std::move(row));
    }
    return rows;
}

void write_spool_result(const std::string &working_path, const ImportOutcome &outcome) {
    std::string final_path = result_path_of(working_path);
    std::string tmp = final_path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        if (!outcome.error.empty()) out << "error " << outcome.error << "\n";
        out << "values " << outcome.values << "\nbuckets " << outcome.buckets << "\nevents "
            << outcome.events.size() << "\n";
        for (const std::string &e : outcome.events)
            out << e << "\n";
        if (!out.flush()) throw std::runtime_error("cannot write " + tmp);
    }
    fs::rename(tmp, final_path);
}

std::vector<std::string> pending_spool_files(const std::string &folder) {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto &entry : fs::directory_iterator(folder, ec))
        if (entry.path().extension() == ".rows") out.push_back(entry.path().string());
    std::sort(out.begin(), out.end());
    return out;
}

void fail_abandoned_spool_files(const std::string &folder) {
    std::error_code ec;
    for (const auto &entry : fs::directory_iterator(folder, ec)) {
        if (entry.path().extension() != ".working") continue;
        if (fs::exists(result_path_of(entry.path().string()))) continue;
        ImportOutcome o;
        o.error = "the import was interrupted (the process holding the store stopped); the "
                  "rows before the interruption are stored";
        write_spool_result(entry.path().string(), o);
        fs::remove(entry.path(), ec);
    }
}

} // namespace gs::storage
