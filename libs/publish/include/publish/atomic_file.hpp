// The Datalogger's small files (cursors, state) are replaced atomically with the helpers of
// gs_site_files (site_files/atomic_file.hpp), shared with the kernel.
#pragma once

#include <site_files/atomic_file.hpp>

namespace gs::publish {

using site_files::read_whole_file;
using site_files::write_file_atomically;

} // namespace gs::publish
