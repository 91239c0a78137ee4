# gridscope_add_plugin(<target> SOURCES <src>... [LIBRARIES <lib>...])
#
# Builds a gridscope plugin: a MODULE library with no "lib" prefix, hidden visibility, only the
# entry symbol exported (linker version script), every symbol resolved at link time (-z defs)
# and linked against the header-only SDK alone (plus the libraries the plugin itself needs).
# In the gridscope tree the plugin lands where the kernel looks for it (GRIDSCOPE_PLUGIN_DIR).
function(gridscope_add_plugin target)
    cmake_parse_arguments(ARG "" "" "SOURCES;LIBRARIES" ${ARGN})
    set(_GS_PLUGIN_MAP "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/gridscope-plugin.map")
    add_library(${target} MODULE ${ARG_SOURCES})
    set_target_properties(${target} PROPERTIES
        PREFIX ""
        C_VISIBILITY_PRESET hidden
        CXX_VISIBILITY_PRESET hidden
        VISIBILITY_INLINES_HIDDEN ON
        LINK_DEPENDS "${_GS_PLUGIN_MAP}")
    if(DEFINED GRIDSCOPE_PLUGIN_DIR)
        set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${GRIDSCOPE_PLUGIN_DIR}")
    endif()
    if(DEFINED GRIDSCOPE_PLUGIN_INSTALL_DIR)
        install(TARGETS ${target} LIBRARY DESTINATION "${GRIDSCOPE_PLUGIN_INSTALL_DIR}")
    endif()
    target_link_libraries(${target} PRIVATE gridscope::sdk ${ARG_LIBRARIES})
    target_link_options(${target} PRIVATE
        "LINKER:-z,defs" "LINKER:--version-script=${_GS_PLUGIN_MAP}")
endfunction()
