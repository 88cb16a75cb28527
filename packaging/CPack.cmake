# The Debian package (issue 27): `cpack -G DEB` in a build configured with the prefix /usr;
# scripts/package.sh does it.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME kellydesk)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR KellyDesk)
set(CPACK_PACKAGE_CONTACT "KellyDesk <kellydesk@localhost>")
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "risk desk for an automated stock and crypto bot: Kelly sizing, leverage limits")
# The extended description: CPack indents each line and writes an empty one as " .".
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "KellyDesk owns a trading bot's position-sizing rule (Kelly_50pct @ 4x, with
legacy sizing as the rollback) and shows the book against its intraday and
overnight leverage limits.

This package holds the dashboard (kellydesk), the command line the bot uses
(kellyctl), the Python module (from kellydesk import get_qty), the bundled
sample prices for kellydesk --demo, and systemd units for the Alpaca sync and
the close plan (installed, not enabled).")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# dpkg-shlibdeps adds what the programs link, with versions: libqt6core6, libqt6gui6,
# libqt6widgets6, libqt6sql6, libqt6network6, libqt6charts6, libsqlite3-0, libopenblas0.
# Named here, what no ELF file names: the SQL drivers and platform plugins Qt loads at run
# time, libpq under the QPSQL driver, python3 for the module, and OpenBLAS's serial build
# (the one the project builds and tests with; libopenblas0 alone would pull the pthread one).
# No -dev package.
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libqt6sql6-sqlite, libqt6sql6-psql, qt6-qpa-plugins, libpq5, libopenblas0-serial, python3 (>= 3.9)")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "qt6-svg-plugins, fonts-dejavu-core")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "systemd, xvfb, xauth")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://localhost/kellydesk")

set(KELLY_PYTHON_FULL_DIR ${KELLY_PYTHON_INSTALL_DIR})
if(NOT IS_ABSOLUTE "${KELLY_PYTHON_FULL_DIR}")
  set(KELLY_PYTHON_FULL_DIR ${CMAKE_INSTALL_PREFIX}/${KELLY_PYTHON_FULL_DIR})
endif()
configure_file(${CMAKE_CURRENT_LIST_DIR}/debian/prerm.in ${CMAKE_BINARY_DIR}/debian/prerm @ONLY
               FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                                WORLD_READ WORLD_EXECUTE)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_BINARY_DIR}/debian/prerm ${CMAKE_CURRENT_LIST_DIR}/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
include(CPack)
