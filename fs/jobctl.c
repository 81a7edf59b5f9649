/*
 * fs/jobctl.c - the upcalls to proc/'s ids (fs/jobctl.h).
 */
#include "fs/jobctl.h"
#include "fs/fdtable.h"

/* Before proc/ registers its own: no process, no group, no session. */
static struct job_ids no_ids(void)
{
	return (struct job_ids){ 0, 0, 0 };
}

static bool no_id_in_use(int id)
{
	(void)id;
	return false;
}

static bool no_group_in_session(int pgid, int sid)
{
	(void)pgid;
	(void)sid;
	return false;
}

static uint64_t no_nofile_limit(void)
{
	return FD_MAX;
}

struct fs_jobctl_ops fs_jobctl = {
	.current_ids = no_ids,
	.id_in_use = no_id_in_use,
	.group_in_session = no_group_in_session,
	.nofile_limit = no_nofile_limit,
};

void fs_jobctl_register(const struct fs_jobctl_ops *ops)
{
	fs_jobctl = *ops;
}
