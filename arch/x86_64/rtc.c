/*
 * arch/x86_64/rtc.c - reading the MC146818 CMOS clock (registers per its datasheet).
 */
#include "arch/x86_64/timer.h"
#include "arch/x86_64/rtc.h"
#include "arch/x86_64/cpu.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define REG_SECONDS 0x00
#define REG_MINUTES 0x02
#define REG_HOURS 0x04
#define REG_DAY 0x07
#define REG_MONTH 0x08
#define REG_YEAR 0x09
#define REG_STATUS_A 0x0a
#define REG_STATUS_B 0x0b
#define STATUS_A_UPDATING 0x80
#define STATUS_B_BINARY 0x04
#define STATUS_B_24_HOUR 0x02

static uint8_t read_register(uint8_t reg)
{
	outb(CMOS_INDEX, reg);
	return inb(CMOS_DATA);
}

static unsigned from_bcd(uint8_t value, bool binary)
{
	return binary ? value : (value & 0x0f) + (value >> 4) * 10;
}

/* Days from 1970-01-01 to year-month-day (proleptic Gregorian). */
static uint64_t days_since_epoch(unsigned year, unsigned month, unsigned day)
{
	/* Count from March so the leap day falls at the end of the year. */
	if (month <= 2) {
		year--;
		month += 12;
	}
	uint64_t days = 365ull * year + year / 4 - year / 100 + year / 400 +
			(153 * (month - 3) + 2) / 5 + day - 1;
	return days - 719468;	/* the same formula's value for 1970-01-01 */
}

uint64_t rtc_read_unix_time(void)
{
	while (read_register(REG_STATUS_A) & STATUS_A_UPDATING)
		cpu_relax();
	uint8_t status = read_register(REG_STATUS_B);
	bool binary = status & STATUS_B_BINARY;
	unsigned seconds = from_bcd(read_register(REG_SECONDS), binary);
	unsigned minutes = from_bcd(read_register(REG_MINUTES), binary);
	uint8_t raw_hours = read_register(REG_HOURS);
	unsigned hours = from_bcd(raw_hours & 0x7f, binary);
	unsigned day = from_bcd(read_register(REG_DAY), binary);
	unsigned month = from_bcd(read_register(REG_MONTH), binary);
	unsigned year = 2000 + from_bcd(read_register(REG_YEAR), binary);

	if (!(status & STATUS_B_24_HOUR) && (raw_hours & 0x80))
		hours = (hours % 12) + 12;
	return days_since_epoch(year, month, day) * 86400 + hours * 3600 + minutes * 60 + seconds;
}

#define NSEC 1000000000ull

/* The Unix time at which the monotonic clock read 0. Written once, at boot, by
 * one CPU: the clock's readers on every CPU then need no lock (nor port I/O). */
static uint64_t boot_unix_time;

void clock_realtime_init(void)
{
	boot_unix_time = rtc_read_unix_time() - clock_monotonic_ns() / NSEC;
}

uint64_t clock_boot_unix_time(void)
{
	return boot_unix_time;
}

uint64_t clock_realtime_ns(void)
{
	return boot_unix_time * NSEC + clock_monotonic_ns();
}
