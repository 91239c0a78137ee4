#include "alarms/engine.hpp"
