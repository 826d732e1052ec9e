# Compiles one portable kernel file for Cortex-M4 with the target's flags and checks that it
# needs nothing from outside but mem* (no libm, no double-precision soft-float helpers).
# cmake -DCC=arm-none-eabi-gcc -DNM=arm-none-eabi-nm -DSRC=file.c -DINC=dir -DOUT=file.o -P this
if(NOT CC OR NOT EXISTS "${CC}")
  message(FATAL_ERROR "arm-none-eabi-gcc not found (Debian package gcc-arm-none-eabi)")
endif()
execute_process(
  COMMAND ${CC} -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -std=c99 -O2
          -Wall -Wextra -Werror -I${INC} -c ${SRC} -o ${OUT}
  RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${SRC}: does not compile for Cortex-M4:\n${err}")
endif()
execute_process(COMMAND ${NM} -u ${OUT} OUTPUT_VARIABLE undef RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${OUT}: nm failed")
endif()
string(REGEX REPLACE "[ \t]*U (memcpy|memmove|memset)\n" "" rest "${undef}")
string(STRIP "${rest}" rest)
if(NOT rest STREQUAL "")
  message(FATAL_ERROR "${SRC}: needs symbols the target kernels must not use:\n${rest}")
endif()
