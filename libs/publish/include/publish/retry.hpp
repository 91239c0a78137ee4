// The backoff with jitter of file delivery: libs/retry's, shared with the MQTT and InfluxDB
// exporters.
#pragma once

#include <retry/retry.hpp>

namespace gs::publish {

using retry::retry_delay;
using retry::RetryPolicy;

} // namespace gs::publish
