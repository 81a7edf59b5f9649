/*
 * fs/jobctl.c - the upcalls to proc/'s ids (fs/jobctl.h).
 */
#include "fs/jobctl.h"

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

struct fs_jobctl_ops fs_jobctl = {
	.current_ids = no_ids,
	.id_in_use = no_id_in_use,
	.group_in_session = no_group_in_session,
};

void fs_jobctl_register(const struct fs_jobctl_ops *ops)
{
	fs_jobctl = *ops;
}
