// gridscope: one command, with subcommands.
#include "cli/commands.hpp"
#include "cli/plugin_tools.hpp"
#include "runtime/log.hpp"

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>

namespace {

const char *kUsage = R"(usage: gridscope <command> [options]

Commands:
  run      --config FILE [--data-dir DIR] [--http-port P]   run a site
  check    --config FILE                                     validate a site and its profiles
  plugins  [--format json]                                   list the plugins found
  read     --profile ID [--circuit K] [--format json] + connection options (below)
                                                             read a device once
  plan     --profile ID [--format json] [+ connection options]
                                                             the requests a profile makes
  plan     --config F --source NAME [--format json]         the requests of a configured
                                                             source (its circuits' models)
  discover [--driver ID] [--format json] + scan options (below)
                                                             find devices behind a gateway (every
                                                             driver that can scan, or --driver)
  query    --config FILE [--data-dir DIR] [--series ID --from T --to T [--points N]]
           [--consumption --circuit SOURCE/K... --bucket hour|day|week|month --from T --to T]
                                                             stored series, points, consumption
  import   --config FILE [--data-dir DIR] --csv FILE         load history (time,source,circuit,data,value)
  config   export|import --config FILE [--data-dir DIR] --file ZIP
                                                             back up the configuration (site file,
                                                             own profiles, Photoview, favourites)
                                                             or restore it (checked first)
  version                                                    print versions
Commands of the installed plugins:
)";
const char *kCommonOptions = R"(
Common options: --plugin-dir DIR (default: ../lib/gridscope beside the binary),
                --profiles DIR (more profile folders; repeatable)
Environment: GRIDSCOPE_LOG=debug for verbose logs.
)";

} // namespace

int main(int argc, char **argv) {
    using namespace gs::kernel;
    if (const char *level = std::getenv("GRIDSCOPE_LOG"); level && !std::strcmp(level, "debug"))
        set_log_level(GS_LOG_DEBUG);
    if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "help")) {
        std::cout << kUsage << plugin_tools_usage() << kCommonOptions;
        return argc < 2 ? 2 : 0;
    }
    std::string command = argv[1];
    static const std::map<std::string, int (*)(int, char **)> commands{
        {"run", cmd_run},     {"check", cmd_check},   {"plugins", cmd_plugins},
        {"read", cmd_read},   {"plan", cmd_plan},     {"discover", cmd_discover},
        {"query", cmd_query}, {"import", cmd_import}, {"config", cmd_config}};
    if (command == "version") {
        std::cout << "gridscope " << GRIDSCOPE_VERSION << " (plugin ABI " << GS_ABI_VERSION_MAJOR
                  << "." << GS_ABI_VERSION_MINOR << ")\n";
        return 0;
    }
    auto it = commands.find(command);
    try {
        if (it != commands.end()) return it->second(argc, argv);
        // Not the kernel's: a command a plugin offers (`passwd`: the web UI's), or none.
        if (auto code = run_plugin_tool(argc, argv)) return *code;
        std::cerr << "gridscope: unknown command '" << command << "'\n"
                  << kUsage << plugin_tools_usage() << kCommonOptions;
        return 2;
    } catch (const UsageError &e) {
        std::cerr << "gridscope " << command << ": " << e.what() << "\n";
        return 2;
    } catch (const std::exception &e) {
        std::cerr << "gridscope " << command << ": " << e.what() << "\n";
        return 1;
    }
}
