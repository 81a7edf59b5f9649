# Host unit tests: each tests/host/test_<name>.c becomes build/host/test_<name>,
# linked with the kernel sources it tests (listed here) compiled for the host under
# AddressSanitizer and UBSan. Tests use cmocka and report TAP.

HOST_TESTS := string format frame kmalloc vm

host_string_SRCS  := lib/string.c
host_format_SRCS  := lib/format.c lib/string.c
host_frame_SRCS   := mm/frame.c lib/string.c tests/host/mm_host.c
host_kmalloc_SRCS := mm/kmalloc.c mm/frame.c lib/string.c tests/host/mm_host.c
host_vm_SRCS      := mm/pagetable.c mm/tlb.c mm/pte.c mm/vma.c mm/mm.c mm/fork.c mm/fault.c mm/audit.c lib/format.c mm/kmalloc.c mm/frame.c \
	lib/string.c tests/host/mm_host.c

# fs/: the file system layer on the mm/ host machine plus tests/host/fs_host.c.
HOST_TESTS += fs_vfs fs_cpio fs_io
FS_HOST_SRCS := $(wildcard fs/*.c) lib/format.c mm/kmalloc.c mm/frame.c lib/string.c \
	mm/pagetable.c mm/tlb.c mm/pte.c mm/vma.c mm/mm.c mm/fork.c mm/fault.c sched/signal.c tests/host/mm_host.c tests/host/fs_host.c
host_fs_vfs_SRCS := $(FS_HOST_SRCS)
host_fs_cpio_SRCS := $(FS_HOST_SRCS)
host_fs_io_SRCS   := $(FS_HOST_SRCS)
$(patsubst %,$(BUILD)/host/test_%,$(filter fs_%,$(HOST_TESTS))): $(wildcard fs/*.h)
