# cmake -DVIEW_DIR=<tools/lockstep/view> -DOUTPUT=<header> -P embed_view_page.cmake
#
# Builds the page `lockstep view` writes from VIEW_DIR/view.html: each line
# `<!-- inline FILE -->` becomes the contents of VIEW_DIR/FILE, and the page is cut at
# `<!-- trace data -->`, where view.cpp puts the trace's JSON. OUTPUT gets both halves as
# char arrays (bytes, so no string-literal length limits and no escaping to get wrong).
if(NOT VIEW_DIR OR NOT OUTPUT)
  message(FATAL_ERROR "usage: cmake -DVIEW_DIR=... -DOUTPUT=... -P embed_view_page.cmake")
endif()

file(READ "${VIEW_DIR}/view.html" page)
string(REGEX MATCHALL "<!-- inline [A-Za-z0-9_.-]+ -->\n" directives "${page}")
foreach(directive IN LISTS directives)
  string(REGEX REPLACE "<!-- inline ([A-Za-z0-9_.-]+) -->\n" "\\1" name "${directive}")
  if(NOT EXISTS "${VIEW_DIR}/${name}")
    message(FATAL_ERROR "${VIEW_DIR}/view.html inlines ${name}, which is not in ${VIEW_DIR}")
  endif()
  file(READ "${VIEW_DIR}/${name}" text)
  string(REPLACE "${directive}" "${text}" page "${page}")
endforeach()

set(marker "<!-- trace data -->")
string(FIND "${page}" "${marker}" at)
string(FIND "${page}" "${marker}" last REVERSE)
if(at EQUAL -1 OR NOT at EQUAL last)
  message(FATAL_ERROR "${VIEW_DIR}/view.html must hold '${marker}' exactly once")
endif()
string(SUBSTRING "${page}" 0 ${at} head)
string(LENGTH "${marker}" marker_length)
math(EXPR tail_at "${at} + ${marker_length}")
string(SUBSTRING "${page}" ${tail_at} -1 tail)

# '\xNN' per byte, sixteen to a line.
function(char_array text out)
  string(HEX "${text}" hex)
  string(REPEAT "[0-9a-f]" 32 line)   # CMake's regular expressions have no {n}
  string(REGEX REPLACE "(${line})" "\\1\n" hex "${hex}")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," chars "${hex}")
  set(${out} "${chars}" PARENT_SCOPE)
endfunction()
char_array("${head}" head_chars)
char_array("${tail}" tail_chars)

file(WRITE "${OUTPUT}" "// Generated from tools/lockstep/view/ by tools/embed_view_page.cmake: edit those files.
#pragma once

namespace lockstep::view_page {

// view.html with its styles and scripts inlined, up to the trace data (kHead) and after it (kTail).
inline constexpr char kHead[] = {
${head_chars}
};
inline constexpr char kTail[] = {
${tail_chars}
};

}  // namespace lockstep::view_page
")
