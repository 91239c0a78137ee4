// driver_socomec_diris: the module entry. The driver is DirisDriver (diris_driver.hpp).
#include "diris_driver.hpp"

GS_DECLARE_MODULE("driver_socomec_diris", gs::descriptor<gs::socomec::DirisDriver>())
