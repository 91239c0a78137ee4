// `gridscope passwd`: the command-line way to set a password of the passwords file this plugin
// owns (PasswordStore, auth.hpp), with the one rule of password_rule.hpp. The kernel runs it
// through the plugin's gs_tool (plugin.cpp) after checking the site file.
#pragma once

#include <iostream>
#include <string>

namespace gs::ui {

// Reads the new password twice from `in` (one line each) and stores its hash in
// <data_dir>/passwords for `profile` (advanced or admin). Messages start with
// "gridscope passwd: "; returns the exit code (0 set, 1 refused or failed, 2 wrong usage).
int run_password_tool(const std::string &data_dir, const std::string &profile, std::istream &in,
                      std::ostream &out, std::ostream &err);

} // namespace gs::ui
