/* nrf52840 runtime: vector table, C start-up after the reset handler, exit, and fault handlers
 * that report through semihosting (on QEMU; the simulator delivers no exceptions). */
#include "mcb_runtime.h"

#include <stdlib.h>

extern unsigned __mcb_stack_top[];
extern void (*__init_array_start[])(void);
extern void (*__init_array_end[])(void);

void Reset_Handler(void);
int main(void);
void mcb_runtime_start(void) __attribute__((noreturn));
void mcb_fault_report(const unsigned *frame, unsigned exc_return) __attribute__((noreturn));
void mcb_fault_entry(void);

void mcb_exit(int code)
{
    /* 32-bit semihosting: SYS_EXIT_EXTENDED takes a block {reason, subcode}; the plain SYS_EXIT
     * could only say "success" or "failure". */
    volatile unsigned block[2] = {MCB_ADP_STOPPED_APPLICATION_EXIT, (unsigned)code};
    for (;;)
        mcb_semihost(MCB_SYS_EXIT_EXTENDED, (const void *)block);
}

void mcb_write_hex(unsigned v)
{
    char buf[11];
    buf[0] = '0';
    buf[1] = 'x';
    for (int i = 0; i < 8; i++)
        buf[2 + i] = "0123456789abcdef"[(v >> (28 - 4 * i)) & 0xF];
    buf[10] = 0;
    mcb_write0(buf);
}

void mcb_write_dec(int v)
{
    char buf[12];
    int i = 11;
    unsigned u = v < 0 ? 0u - (unsigned)v : (unsigned)v;
    buf[i] = 0;
    do {
        buf[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        buf[--i] = '-';
    mcb_write0(buf + i);
}

void mcb_runtime_start(void)
{
    for (void (**f)(void) = __init_array_start; f < __init_array_end; f++)
        (*f)();
    exit(main());
}

/* Fault handlers share one entry that finds the stacked frame (MSP or PSP from EXC_RETURN). */
__attribute__((naked)) void mcb_fault_entry(void)
{
    __asm__ volatile("tst lr, #4\n"
                     "ite eq\n"
                     "mrseq r0, msp\n"
                     "mrsne r0, psp\n"
                     "mov r1, lr\n"
                     "b mcb_fault_report\n");
}

static const char *const exc_names[16] = {
    "thread",   "reset",     "NMI",       "HardFault", "MemManage", "BusFault",
    "UsageFault", "reserved", "reserved", "reserved",  "reserved",  "SVCall",
    "DebugMonitor", "reserved", "PendSV", "SysTick",
};

void mcb_fault_report(const unsigned *frame, unsigned exc_return)
{
    unsigned ipsr;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    ipsr &= 0x1FF;
    (void)exc_return;
    mcb_write0("\nmcubench fault: ");
    if (ipsr < 16) {
        mcb_write0(exc_names[ipsr]);
    } else {
        mcb_write0("IRQ");
        mcb_write_dec((int)ipsr - 16);
    }
    mcb_write0(" at pc=");
    mcb_write_hex(frame[6]);
    mcb_write0(" lr=");
    mcb_write_hex(frame[5]);
    mcb_write0(" cfsr=");
    mcb_write_hex(*(volatile unsigned *)0xE000ED28u);
    mcb_write0(" hfsr=");
    mcb_write_hex(*(volatile unsigned *)0xE000ED2Cu);
    mcb_write0("\n");
    mcb_exit(MCB_EXIT_FAULT_BASE + (int)ipsr);
}

#define H(name) void name(void) __attribute__((weak, alias("mcb_fault_entry")))
H(NMI_Handler);
H(HardFault_Handler);
H(MemManage_Handler);
H(BusFault_Handler);
H(UsageFault_Handler);
H(SVC_Handler);
H(DebugMon_Handler);
H(PendSV_Handler);
H(SysTick_Handler);
H(Default_Handler);

/* 16 system vectors and the nRF52840's 48 peripheral interrupts (all unexpected here). */
__attribute__((section(".vectors"), used)) void (*const mcb_vectors[16 + 48])(void) = {
    [0] = (void (*)(void))__mcb_stack_top,
    [1] = Reset_Handler,
    [2] = NMI_Handler,
    [3] = HardFault_Handler,
    [4] = MemManage_Handler,
    [5] = BusFault_Handler,
    [6] = UsageFault_Handler,
    [11] = SVC_Handler,
    [12] = DebugMon_Handler,
    [14] = PendSV_Handler,
    [15] = SysTick_Handler,
#define D4 Default_Handler, Default_Handler, Default_Handler, Default_Handler
    [16] = D4, D4, D4, D4, D4, D4, D4, D4, D4, D4, D4, D4,
#undef D4
};
