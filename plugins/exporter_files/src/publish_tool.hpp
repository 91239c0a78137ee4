// `gridscope publish --config F --data-dir D --now [--type T] --format json`: sends what is due
// now from the stored data while the site is stopped, and prints one entry per file tried:
// [{"file", "type", "rows", "bytes", "status"}] (status: "sent" or the error).
#pragma once

#include <gridscope/plugin.h>

namespace gs::exporter {

int32_t run_publish_tool(const gs_host *host, const gs_config *options) noexcept;

} // namespace gs::exporter
