# kelly_add_manpage(TARGET SUMMARY): NAME.1.gz, a man page made at build time from the
# program's own --help (render-manpage.cmake), installed to man1. The --help text stays the
# one source of the options, so the page cannot drift from the program.
option(KELLY_BUILD_MANPAGES "Generate and install the man pages from --help"
       ${KELLY_MANPAGES_DEFAULT})

function(kelly_add_manpage target summary)
  if(NOT KELLY_BUILD_MANPAGES)
    return()
  endif()
  set(page ${CMAKE_CURRENT_BINARY_DIR}/${target}.1.gz)
  add_custom_command(OUTPUT ${page}
    COMMAND ${CMAKE_COMMAND} -E env QT_QPA_PLATFORM=offscreen ASAN_OPTIONS=detect_leaks=0
            ${CMAKE_COMMAND} -DPROGRAM=$<TARGET_FILE:${target}> -DNAME=${target}
            "-DSUMMARY=${summary}" -DVERSION=${PROJECT_VERSION} -DDATADIR=${CMAKE_INSTALL_FULL_DATADIR}
            -DDOCDIR=${CMAKE_INSTALL_FULL_DOCDIR} -DOUTPUT=${page}
            -P ${PROJECT_SOURCE_DIR}/packaging/render-manpage.cmake
    DEPENDS ${target} ${PROJECT_SOURCE_DIR}/packaging/render-manpage.cmake
    COMMENT "Man page ${target}(1) from ${target} --help"
    VERBATIM)
  add_custom_target(${target}_manpage ALL DEPENDS ${page})
  install(FILES ${page} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endfunction()
