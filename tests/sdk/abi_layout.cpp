// plugin.h compiles alone as C++17 with -pedantic -Werror; the C++ layer too.
#include <gridscope/plugin.h>
#include <gridscope/services/runtime.h>
#include <gridscope/services/site.h>
#include <gridscope/services/storage.h>

#include <gridscope/plugin.hpp>
#include <gridscope/testing.hpp>

static_assert(sizeof(gs_value) == 32);
static_assert(sizeof(gs_host) == 128);
static_assert(sizeof(gs_driver_vtable) == 88);

int main() {
    return GS_OK;
}
