# cmake -DPROGRAM=... -DNAME=... -DSUMMARY=... -DVERSION=... -DOUTPUT=NAME.1.gz -P render-manpage.cmake
# Runs PROGRAM --help and writes a roff page around it: NAME, the help as a preformatted
# DESCRIPTION, each command's own --help, ENVIRONMENT and FILES, gzipped without a time
# stamp (gzip -n), as Debian wants.
execute_process(COMMAND ${PROGRAM} --help
  OUTPUT_VARIABLE help RESULT_VARIABLE code ERROR_VARIABLE err)
if(NOT code EQUAL 0 OR help STREQUAL "")
  message(FATAL_ERROR "${PROGRAM} --help failed (${code}): ${err}")
endif()

# roff: a backslash is \e, a line may not start with . or ', a minus is \-.
function(roff_escape var)
  set(text "${${var}}")
  string(REPLACE "\\" "\\e" text "${text}")
  string(REPLACE "-" "\\-" text "${text}")
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" text "${text}")
  set(${var} "${text}" PARENT_SCOPE)
endfunction()

# A program with commands (kellyctl) gets each command's own --help in COMMANDS.
set(commands "")
string(REGEX MATCH "\nCommands:\n(  [^\n]*\n)+" listing "${help}")
string(REGEX MATCHALL "\n  [a-z][a-z-]*( [a-z][a-z-]*)?  " names "${listing}")
foreach(name IN LISTS names)
  string(STRIP "${name}" name)
  string(REPLACE " " ";" words "${name}")
  execute_process(COMMAND ${PROGRAM} ${words} --help
    OUTPUT_VARIABLE text RESULT_VARIABLE code ERROR_QUIET)
  if(NOT code EQUAL 0 OR text STREQUAL "")
    # A page without one command beats a broken build: say so and go on.
    message(WARNING "${PROGRAM} ${name} --help failed (${code}): left out of the man page")
    continue()
  endif()
  roff_escape(text)
  roff_escape(name)
  string(APPEND commands ".SS ${name}\n.nf\n${text}.fi\n")
endforeach()
if(commands)
  set(commands ".SH COMMANDS\n${commands}")
endif()
roff_escape(help)
string(TOUPPER "${NAME}" upper)
string(TIMESTAMP date "%Y-%m-%d" UTC) # honours SOURCE_DATE_EPOCH

set(page ".TH ${upper} 1 \"${date}\" \"KellyDesk ${VERSION}\" \"User Commands\"
.SH NAME
${NAME} \\- ${SUMMARY}
.SH DESCRIPTION
The text of
.B ${NAME} \\-\\-help
(this page is made from it when KellyDesk is built):
.PP
.nf
${help}.fi
${commands}.SH ENVIRONMENT
.TP
.B KELLYDESK_DB
The store (a SQLite file or a postgresql:// URL) when \\-\\-db is not given; else
~/.local/share/KellyDesk/kellydesk.sqlite.
.TP
.B USE_ENHANCED_KELLY_SIZING, MAX_INTRADAY_LEVERAGE, MAX_OVERNIGHT_LEVERAGE
Override the store's settings (SPEC 7).
.TP
.B APCA_API_KEY_ID, APCA_API_SECRET_KEY, APCA_API_BASE_URL
The Alpaca keys and endpoint for the broker sync (never printed or stored).
.SH FILES
.TP
.I ${DATADIR}/kellydesk/prices
The bundled sample daily prices (the dashboard's \\-\\-demo and Lab tab).
.TP
.I kellydesk\\-sync.service, kellydesk\\-close.timer
The systemd units for the broker sync and the close plan, off until enabled; see
${DOCDIR}/README.systemd.
.SH SEE ALSO
.BR kellyctl (1),
.BR kellydesk (1)
")
get_filename_component(dir "${OUTPUT}" DIRECTORY)
string(REGEX REPLACE "\\.gz$" "" plain "${OUTPUT}")
file(WRITE "${plain}" "${page}")
execute_process(COMMAND gzip -9nf "${plain}" RESULT_VARIABLE code)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "gzip ${plain} failed")
endif()
