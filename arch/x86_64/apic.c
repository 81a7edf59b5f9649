/*
 * arch/x86_64/apic.c - the local APIC through its memory-mapped registers
 * (register offsets and ICR fields from the Intel SDM vol. 3, chapter 11).
 */
#include <stddef.h>
#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/timer.h"

#define REG_ID		0x020
#define REG_EOI		0x0b0
#define REG_SPURIOUS	0x0f0
#define REG_ICR_LOW	0x300
#define REG_ICR_HIGH	0x310
#define REG_LVT_TIMER	0x320
#define REG_LVT_LINT0	0x350
#define REG_LVT_LINT1	0x360

#define REG_TIMER_INITIAL 0x380
#define REG_TIMER_CURRENT 0x390
#define REG_TIMER_DIVIDE  0x3e0

#define TIMER_PERIODIC		(1u << 17)
#define TIMER_DIVIDE_BY_16	0x3
#define SPURIOUS_ENABLE		(1u << 8)
#define LVT_MASKED		(1u << 16)
#define LVT_EXTINT		(7u << 8)
#define LVT_NMI			(4u << 8)
#define ICR_FIXED		(0u << 8)
#define ICR_NMI			(4u << 8)
#define ICR_INIT		(5u << 8)
#define ICR_STARTUP		(6u << 8)
#define ICR_PENDING		(1u << 12)	/* delivery status: not sent yet */
#define ICR_ASSERT		(1u << 14)
#define ICR_DEST_SHIFT		24

#define SEND_TIMEOUT_NS		1000000ull

static volatile uint32_t *lapic;

static uint32_t read_reg(unsigned offset)
{
	return lapic[offset / 4];
}

static void write_reg(unsigned offset, uint32_t value)
{
	lapic[offset / 4] = value;
}

bool lapic_map(uint64_t base)
{
	lapic = paging_map_mmio(base, 4096);
	return lapic != NULL;
}

void lapic_enable(bool boot_cpu)
{
	write_reg(REG_LVT_LINT0, boot_cpu ? LVT_EXTINT : LVT_MASKED);
	write_reg(REG_LVT_LINT1, LVT_NMI);
	write_reg(REG_SPURIOUS, SPURIOUS_ENABLE | VECTOR_APIC_SPURIOUS);
}

void lapic_mask_lint0(void)
{
	write_reg(REG_LVT_LINT0, LVT_MASKED);
}

/* The interrupt request register: 256 bits, 32 in each of 8 registers 16 bytes apart. */
#define REG_IRR		0x200

bool lapic_is_pending(uint8_t vector)
{
	return read_reg(REG_IRR + 0x10 * (vector / 32)) & (1u << (vector % 32));
}

bool lapic_lint0_masked(void)
{
	return read_reg(REG_LVT_LINT0) & LVT_MASKED;
}

uint32_t lapic_id(void)
{
	return read_reg(REG_ID) >> 24;
}

/* Writing the low half of the ICR sends; the high half (destination) goes first. */
static bool send(uint32_t apic_id, uint32_t command)
{
	write_reg(REG_ICR_HIGH, apic_id << ICR_DEST_SHIFT);
	write_reg(REG_ICR_LOW, command);
	uint64_t deadline = clock_monotonic_ns() + SEND_TIMEOUT_NS;
	while (read_reg(REG_ICR_LOW) & ICR_PENDING) {
		if (clock_monotonic_ns() > deadline)
			return false;
		cpu_relax();
	}
	return true;
}

bool lapic_send_init(uint32_t apic_id)
{
	return send(apic_id, ICR_INIT | ICR_ASSERT);
}

bool lapic_send_startup(uint32_t apic_id, uint8_t page)
{
	return send(apic_id, ICR_STARTUP | ICR_ASSERT | page);
}

bool lapic_send_fixed(uint32_t apic_id, uint8_t vector)
{
	return send(apic_id, ICR_FIXED | ICR_ASSERT | vector);
}

bool lapic_send_nmi(uint32_t apic_id)
{
	return send(apic_id, ICR_NMI | ICR_ASSERT);
}

void lapic_end_of_interrupt(void)
{
	write_reg(REG_EOI, 0);
}

/*
 * Count the APIC timer down from its maximum, masked, for period_ns of the PIT
 * clock (interrupts must be on: the clock needs its ticks) and return how far it
 * got. Every CPU's timer runs at the same rate (the bus clock; QEMU's virtual
 * clock), so the boot CPU measures once for all.
 */
uint32_t lapic_timer_calibrate(uint64_t period_ns)
{
	write_reg(REG_TIMER_DIVIDE, TIMER_DIVIDE_BY_16);
	write_reg(REG_LVT_TIMER, LVT_MASKED);
	uint64_t start = clock_monotonic_ns();
	write_reg(REG_TIMER_INITIAL, UINT32_MAX);
	while (clock_monotonic_ns() - start < period_ns)
		cpu_relax();
	uint32_t counted = UINT32_MAX - read_reg(REG_TIMER_CURRENT);
	write_reg(REG_TIMER_INITIAL, 0);	/* stop it */
	return counted;
}

void lapic_timer_start_periodic(uint32_t count, uint8_t vector)
{
	write_reg(REG_TIMER_DIVIDE, TIMER_DIVIDE_BY_16);
	write_reg(REG_LVT_TIMER, TIMER_PERIODIC | vector);
	write_reg(REG_TIMER_INITIAL, count);
}
