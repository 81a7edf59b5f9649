/*
 * init/monitor.h - a tiny command line on the serial console, for poking at a
 * running calf before it has user programs: help, mem, uptime, irqs, poweroff.
 */
#ifndef CALF_INIT_MONITOR_H
#define CALF_INIT_MONITOR_H

void __attribute__((noreturn)) monitor_run(void);

#endif
