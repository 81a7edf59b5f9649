/*
 * arch/x86_64/rtc.h - the CMOS real-time clock, read once at boot for wall time.
 */
#ifndef CALF_ARCH_RTC_H
#define CALF_ARCH_RTC_H

#include <stdint.h>

/* Seconds since 1970-01-01 00:00 UTC according to the RTC (QEMU keeps it in UTC). */
uint64_t rtc_read_unix_time(void);

/* CLOCK_REALTIME in nanoseconds: the RTC's time at boot (read the first time)
 * plus the monotonic clock. */
uint64_t clock_realtime_ns(void);

#endif
