# Host unit tests: each tests/host/test_<name>.c becomes build/host/test_<name>,
# linked with the kernel sources it tests (listed here) compiled for the host under
# AddressSanitizer and UBSan. Tests use cmocka and report TAP.

HOST_TESTS := string format frame kmalloc

host_string_SRCS  := lib/string.c
host_format_SRCS  := lib/format.c lib/string.c
host_frame_SRCS   := mm/frame.c lib/string.c tests/host/mm_host.c
host_kmalloc_SRCS := mm/kmalloc.c mm/frame.c lib/string.c tests/host/mm_host.c
