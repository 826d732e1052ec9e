# Firmwares built with the host build when arm-none-eabi-gcc is present (MCB_HAVE_ARM_GCC).
#
#   mcb_add_firmware(NAME SOURCES... [TARGET name_or_file] [INCLUDES dir...] [FLAGS flag...])
#
# builds ${CMAKE_BINARY_DIR}/firmware/NAME.elf with the build driver (mcb-fwbuild, src/target),
# so firmwares get exactly the flags, start-up and linker script that `mcubench` would use.
# TARGET defaults to nrf52840. The custom target is fw_NAME (part of ALL); the ELF path is in
# the global property MCB_FIRMWARE_NAME. Without the toolchain, the call does nothing.
find_program(MCB_ARM_GCC arm-none-eabi-gcc)
if(MCB_ARM_GCC)
  set(MCB_HAVE_ARM_GCC ON CACHE INTERNAL "arm-none-eabi-gcc found: firmwares are built")
else()
  set(MCB_HAVE_ARM_GCC OFF CACHE INTERNAL "arm-none-eabi-gcc found: firmwares are built")
  message(STATUS "arm-none-eabi-gcc not found: firmwares and their tests are skipped")
endif()
set(MCB_FIRMWARE_DIR ${CMAKE_BINARY_DIR}/firmware CACHE INTERNAL "where firmwares are built")
file(GLOB MCB_RUNTIME_FILES ${CMAKE_SOURCE_DIR}/src/target/nrf52840/*)
set(MCB_RUNTIME_FILES ${MCB_RUNTIME_FILES} ${CMAKE_SOURCE_DIR}/src/target/mcb_port.h
    CACHE INTERNAL "runtime files every firmware depends on")

function(mcb_add_firmware name)
  cmake_parse_arguments(FW "" "TARGET" "INCLUDES;FLAGS" ${ARGN})
  if(NOT MCB_HAVE_ARM_GCC)
    return()
  endif()
  if(NOT FW_TARGET)
    set(FW_TARGET nrf52840)
  endif()
  set(args --target ${FW_TARGET} -o ${MCB_FIRMWARE_DIR}/${name}.elf)
  set(deps)
  if(EXISTS ${CMAKE_SOURCE_DIR}/targets/${FW_TARGET}.target)
    list(APPEND deps ${CMAKE_SOURCE_DIR}/targets/${FW_TARGET}.target)
  endif()
  foreach(dir ${FW_INCLUDES})
    get_filename_component(dir ${dir} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
    list(APPEND args -I ${dir})
    file(GLOB headers ${dir}/*.h)
    list(APPEND deps ${headers})
  endforeach()
  foreach(flag ${FW_FLAGS})
    list(APPEND args -X ${flag})
  endforeach()
  set(srcs)
  foreach(src ${FW_UNPARSED_ARGUMENTS})
    get_filename_component(src ${src} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
    list(APPEND srcs ${src})
  endforeach()
  file(MAKE_DIRECTORY ${MCB_FIRMWARE_DIR})
  add_custom_command(
    OUTPUT ${MCB_FIRMWARE_DIR}/${name}.elf
    COMMAND mcb-fwbuild ${args} ${srcs}
    DEPENDS mcb-fwbuild ${srcs} ${deps} ${MCB_RUNTIME_FILES}
    COMMENT "Building firmware ${name}.elf"
    VERBATIM)
  add_custom_target(fw_${name} ALL DEPENDS ${MCB_FIRMWARE_DIR}/${name}.elf)
  set_property(GLOBAL PROPERTY MCB_FIRMWARE_${name} ${MCB_FIRMWARE_DIR}/${name}.elf)
endfunction()
