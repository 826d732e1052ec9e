/* The paper's published figures (paper_figures.h), from Profentzas, Almgren, Landsiedel,
 * "Performance of Deep Neural Networks on Low-Power IoT Devices", CPS-IoTBench 2021,
 * doi 10.1145/3458473.3458823: Table 2 (float accuracy, parameters) and Tables 3 and 4
 * (measured on an nRF52840-DK at 64 MHz). Copied as published; -1 where the paper has none
 * (CIFAR-10 conv128 on CMSIS-NN did not fit the board). */
#include "paper_figures.h"

const mcb_paper_table2 mcb_paper_t2[] = {
    {"mnist", 16, 6490, 0.97},
    {"mnist", 32, 17578, 0.98},
    {"mnist", 64, 53578, 0.98},
    {"mnist", 96, 108010, 0.99},
    {"mnist", 128, 180874, 0.99},
    {"cifar10", 16, 8538, 0.67},
    {"cifar10", 32, 21674, 0.68},
    {"cifar10", 64, 61771, 0.70},
    {"cifar10", 96, 120298, 0.71},
    {"cifar10", 128, 197258, 0.72},
    {0, 0, 0, 0},
};

const mcb_paper_hw mcb_paper_t34[] = {
    {"mnist", 16, "cmsis-nn", 22788, 29724, 188, 5},
    {"mnist", 32, "cmsis-nn", 47396, 40828, 597, 16},
    {"mnist", 64, "cmsis-nn", 110436, 76828, 2091, 57},
    {"mnist", 96, "cmsis-nn", 191908, 105336, 4495, 122},
    {"mnist", 128, "cmsis-nn", 253042, 166470, 8445, 230},
    {"mnist", 16, "utensor", 28544, 70712, 3034, 70},
    {"mnist", 32, "utensor", 42064, 70776, 10001, 231},
    {"mnist", 64, "utensor", 69104, 70840, 34960, 808},
    {"mnist", 96, "utensor", 100072, 70904, 76338, 1763},
    {"mnist", 128, "utensor", 123184, 70968, 138668, 3203},
    {"mnist", 16, "tflm", 60432, 159372, 973, 19},
    {"mnist", 32, "tflm", 72640, 171580, 3218, 64},
    {"mnist", 64, "tflm", 110880, 209820, 11526, 228},
    {"mnist", 96, "tflm", 167552, 266492, 24939, 494},
    {"mnist", 128, "tflm", 242656, 341596, 43415, 860},
    {"cifar10", 16, "cmsis-nn", 77720, 34076, 357, 10},
    {"cifar10", 32, "cmsis-nn", 80856, 78360, 1004, 27},
    {"cifar10", 64, "cmsis-nn", 120952, 87336, 2100, 58},
    {"cifar10", 96, "cmsis-nn", 182288, 148660, 6021, 164},
    {"cifar10", 128, "cmsis-nn", 265684, 193068, -1, -1},
    {"cifar10", 16, "utensor", 47704, 78248, 5986, 138},
    {"cifar10", 32, "utensor", 76504, 78264, 17148, 396},
    {"cifar10", 64, "utensor", 134104, 78280, 56824, 1313},
    {"cifar10", 96, "utensor", 191704, 78344, 119265, 2755},
    {"cifar10", 128, "utensor", 249304, 78472, 209073, 4830},
    {"cifar10", 16, "tflm", 62048, 170544, 1961, 39},
    {"cifar10", 32, "tflm", 82400, 184800, 5720, 113},
    {"cifar10", 64, "tflm", 124736, 227136, 18641, 369},
    {"cifar10", 96, "tflm", 185536, 287936, 38775, 768},
    {"cifar10", 128, "tflm", 251736, 367136, 66113, 1309},
    {0, 0, 0, 0, 0, 0, 0},
};
