#include "site_files/zip_archive.hpp"

#include <zip.h>

#include <memory>
#include <stdexcept>

namespace gs::site_files {

namespace {

[[noreturn]] void fail(const std::string &what, zip_error_t *error) {
    std::string text = what + ": " + zip_error_strerror(error);
    throw std::runtime_error(text);
}

struct SourceFree {
    void operator()(zip_source_t *s) const { zip_source_free(s); }
};
using Source = std::unique_ptr<zip_source_t, SourceFree>;

} // namespace

std::string zip_archive(const std::vector<std::pair<std::string, std::string>> &files) {
    zip_error_t error;
    zip_error_init(&error);
    // The archive is written into this buffer source, which stays ours after zip_close.
    Source buffer(zip_source_buffer_create(nullptr, 0, 0, &error));
    if (!buffer) fail("zip buffer", &error);
    zip_t *archive = zip_open_from_source(buffer.get(), ZIP_TRUNCATE, &error);
    if (!archive) fail("zip open", &error);
    zip_source_keep(buffer.get());
    // Drops the unfinished archive (and the sources it owns) and throws libzip's reason.
    auto give_up = [&](const std::string &what) {
        std::string why = what + ": " + zip_strerror(archive);
        zip_discard(archive);
        throw std::runtime_error(why);
    };
    for (const auto &[name, data] : files) {
        // libzip reads the bytes at zip_close: `files` outlives it.
        zip_source_t *content = zip_source_buffer(archive, data.data(), data.size(), 0);
        zip_int64_t index =
            content ? zip_file_add(archive, name.c_str(), content, ZIP_FL_ENC_UTF_8) : -1;
        if (index < 0) {
            if (content) zip_source_free(content);
            give_up("zip add " + name);
        }
        // Deflate's fastest level: zlib's default (6) spent most of the time of a 100,000-row
        // export for an archive only a third smaller (docs/performance.md).
        if (zip_set_file_compression(archive, static_cast<zip_uint64_t>(index), ZIP_CM_DEFLATE, 1) <
            0)
            give_up("zip compression " + name);
    }
    if (zip_close(archive) < 0) give_up("zip close");
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_source_stat(buffer.get(), &st) < 0 || zip_source_open(buffer.get()) < 0)
        fail("zip read", zip_source_error(buffer.get()));
    std::string out(st.size, '\0');
    zip_int64_t n = zip_source_read(buffer.get(), out.data(), out.size());
    zip_source_close(buffer.get());
    if (n < 0 || static_cast<zip_uint64_t>(n) != st.size)
        fail("zip read", zip_source_error(buffer.get()));
    return out;
}

std::vector<std::pair<std::string, std::string>> unzip_archive(const std::string &bytes,
                                                               size_t max_files, size_t max_bytes) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t *src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    if (!src) fail("zip buffer", &error);
    zip_t *archive = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &error);
    if (!archive) {
        zip_source_free(src);
        fail("not a zip archive", &error);
    }
    struct Discard {
        void operator()(zip_t *z) const { zip_discard(z); }
    };
    std::unique_ptr<zip_t, Discard> owned(archive);
    zip_int64_t count = zip_get_num_entries(archive, 0);
    if (count < 0 || static_cast<zip_uint64_t>(count) > max_files)
        throw std::runtime_error("the archive holds more than " + std::to_string(max_files) +
                                 " files");
    struct FileClose {
        void operator()(zip_file_t *f) const { zip_fclose(f); }
    };
    std::vector<std::pair<std::string, std::string>> files;
    size_t total = 0;
    for (zip_int64_t i = 0; i < count; ++i) {
        const char *name = zip_get_name(archive, static_cast<zip_uint64_t>(i), ZIP_FL_ENC_GUESS);
        if (!name) throw std::runtime_error("an entry of the archive has no name");
        std::string entry = name;
        if (!entry.empty() && entry.back() == '/') continue; // a folder
        std::unique_ptr<zip_file_t, FileClose> file(
            zip_fopen_index(archive, static_cast<zip_uint64_t>(i), 0));
        if (!file) throw std::runtime_error("cannot read " + entry + ": " + zip_strerror(archive));
        std::string content;
        char buf[65536];
        for (;;) {
            zip_int64_t n = zip_fread(file.get(), buf, sizeof buf);
            if (n < 0) throw std::runtime_error("cannot read " + entry + " (damaged archive)");
            if (n == 0) break;
            total += static_cast<size_t>(n);
            if (total > max_bytes)
                throw std::runtime_error("the archive holds more than " +
                                         std::to_string(max_bytes >> 20) + " MiB");
            content.append(buf, static_cast<size_t>(n));
        }
        files.emplace_back(std::move(entry), std::move(content));
    }
    return files;
}

} // namespace gs::site_files
