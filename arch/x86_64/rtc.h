/*
 * arch/x86_64/rtc.h - the CMOS real-time clock, read once at boot for wall time.
 */
#ifndef CALF_ARCH_RTC_H
#define CALF_ARCH_RTC_H

#include <stdint.h>

/* Seconds since 1970-01-01 00:00 UTC according to the RTC (QEMU keeps it in UTC). */
uint64_t rtc_read_unix_time(void);

/* Read the RTC and fix CLOCK_REALTIME's start: once, at boot, after timer_init. */
void clock_realtime_init(void);

/* The Unix time, in seconds, at which the monotonic clock read 0 (boot). */
uint64_t clock_boot_unix_time(void);

/* CLOCK_REALTIME in nanoseconds: the RTC's time at boot plus the monotonic
 * clock. Any CPU may read it, without a lock. */
uint64_t clock_realtime_ns(void);

#endif
