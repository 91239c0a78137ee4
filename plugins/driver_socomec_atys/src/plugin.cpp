// driver_socomec_atys: the module entry. The driver is AtysDriver (atys_driver.hpp).
#include "atys_driver.hpp"

GS_DECLARE_MODULE("driver_socomec_atys", gs::descriptor<gs::socomec::atys::AtysDriver>())
