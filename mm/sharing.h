/*
 * mm/sharing.h - how many mappings a user frame has, for mm/ only: the counts
 * behind /proc/PID/smaps, pagemap and kpagecount (mm/sharing.c says how they
 * are counted, and why so under fork_mode=sharedpt).
 */
#ifndef CALF_MM_SHARING_H
#define CALF_MM_SHARING_H

#include <stdint.h>
#include "mm/frame.h"

/* Page-table entries mapping a user frame: its references, less the page cache's
 * own on a file page (0 for any other kind of frame). */
uint64_t page_entries(const struct page *page);

/* How many address spaces map the frame, as seen through one entry that
 * path_users address spaces use (sharedpt's shared tables): its other entries,
 * each counted once, plus those. */
uint64_t page_mappers(const struct page *page, uint64_t path_users);

#endif
