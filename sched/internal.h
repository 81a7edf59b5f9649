/*
 * sched/internal.h - what the files of sched/ share among themselves.
 */
#ifndef CALF_SCHED_INTERNAL_H
#define CALF_SCHED_INTERNAL_H

#include "sched/sched.h"
#include "sched/signal.h"
#include "sched/task.h"
#include "sched/wait.h"

/* wait.c: in the timer interrupt, wake the sleepers whose deadline has come. */
void wait_wake_expired(void);

#endif
