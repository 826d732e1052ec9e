# cmake -DARCHIVE=... -DSHA256=... -DDEST=... -P unpack_archive.cmake
# Verifies a framework archive's sha256 (SOURCES.tsv) and unpacks it into DEST (a build
# folder); nothing of it enters the source tree.
file(SHA256 "${ARCHIVE}" got)
if(NOT got STREQUAL SHA256)
  message(FATAL_ERROR "${ARCHIVE}: sha256 ${got}, expected ${SHA256}")
endif()
file(REMOVE_RECURSE "${DEST}")
file(MAKE_DIRECTORY "${DEST}")
execute_process(COMMAND ${CMAKE_COMMAND} -E tar xzf "${ARCHIVE}" WORKING_DIRECTORY "${DEST}"
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${ARCHIVE}: cannot unpack (${rc})")
endif()
