#ifndef GS_UI_WEB_TEST_COMMON_HPP
#define GS_UI_WEB_TEST_COMMON_HPP

#include "site_model.hpp"

#include <fstream>
#include <sstream>
#include <string>

inline std::string read_text(const std::string &path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

inline gs::ui::SiteModel test_site() {
    return gs::ui::SiteModel::parse(read_text(std::string(UI_WEB_TEST_DATA) + "/site.json"));
}

#endif
