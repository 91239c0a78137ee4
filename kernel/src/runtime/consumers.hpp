// The last step of a sample or an event: the bus's consumer thread hands it to a storage,
// exporter or UI instance here, through the one guard around plugin calls (plugin_calls.hpp).
// A failure is logged; RETRY_LATER goes back to the bus, which offers the message again.
#pragma once

#include "runtime/bus.hpp"
#include "runtime/instance.hpp"

namespace gs::kernel {

// The bus callbacks of `inst` by its kind (none for a driver, nor for an exporter or UI
// without the entries). `inst` must outlive the consumer (the runtime removes or swaps the
// consumer before it destroys the instance).
ConsumerOptions consumer_of(Instance *inst);

} // namespace gs::kernel
