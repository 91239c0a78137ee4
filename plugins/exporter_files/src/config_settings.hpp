// plugins.exporter_files read through the host (config_visit) into the SDK-free settings of
// libs/publish, so the plugin, `gridscope check` and `gridscope publish` share one parser.
#pragma once

#include <gridscope/plugin.h>
#include <publish/settings.hpp>

namespace gs::exporter {

// The settings of `section` (NULL: the instance's own). Throws gs::InvalidArgument listing every
// error as "file:line:column: field 'plugins.exporter_files.<key>': <what is accepted>".
publish::Settings settings_from_config(const gs_host *host, const gs_config *section);

} // namespace gs::exporter
