# calf - build, run and test. `make help` lists the targets.

CC      := gcc
LD      := ld
OBJCOPY := objcopy
NM      := nm
QEMU    := qemu-system-x86_64
BUILD   := build

# ---------------------------------------------------------------- kernel

KCFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror \
	-ffreestanding -fno-builtin -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-fno-stack-protector -fno-pic -fno-pie -fno-asynchronous-unwind-tables \
	-mno-red-zone -mgeneral-regs-only -mcmodel=kernel \
	-fno-omit-frame-pointer -mno-omit-leaf-frame-pointer \
	-I. -MMD -MP
KASFLAGS := -I. -MMD -MP -D__ASSEMBLER__
KLDFLAGS := -nostdlib -static -no-pie -z max-page-size=4096 -z noexecstack \
	--no-warn-rwx-segments -T arch/x86_64/kernel.ld

KSRCS := $(sort $(wildcard arch/x86_64/*.c arch/x86_64/*.S lib/*.c kernel/*.c mm/*.c sched/*.c fs/*.c net/*.c proc/*.c syscall/*.c \
	init/*.c tests/kernel/*.c))
KOBJS := $(patsubst %,$(BUILD)/kernel/%.o,$(basename $(KSRCS)))
KERNEL := $(BUILD)/calf.elf

.PHONY: all
all: $(KERNEL)

$(BUILD)/kernel/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -c $< -o $@

$(BUILD)/kernel/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(KASFLAGS) -c $< -o $@

# The symbol table for backtraces is linked in a second pass. It sits in its own
# section at the very end of the image, so adding it moves no other symbol; the
# link checks that claim by comparing the two symbol maps.
$(BUILD)/ksyms-empty.o: tools/gen-ksyms.sh
	@mkdir -p $(BUILD)
	tools/gen-ksyms.sh /dev/null > $(BUILD)/ksyms-empty.S
	$(CC) $(KASFLAGS) -c $(BUILD)/ksyms-empty.S -o $@

$(KERNEL): $(KOBJS) $(BUILD)/ksyms-empty.o arch/x86_64/kernel.ld tools/gen-ksyms.sh
	$(LD) $(KLDFLAGS) -o $@.pass1 $(KOBJS) $(BUILD)/ksyms-empty.o
	$(NM) -n $@.pass1 | tools/gen-ksyms.sh - > $(BUILD)/ksyms.S
	$(CC) $(KASFLAGS) -c $(BUILD)/ksyms.S -o $(BUILD)/ksyms.o
	$(LD) $(KLDFLAGS) -o $@ $(KOBJS) $(BUILD)/ksyms.o
	@$(NM) -n $@.pass1 | grep -iv ' [a-z] ksyms_\| [a-z] __ksyms\| [a-z] __image_end' > $(BUILD)/nm.pass1
	@$(NM) -n $@ | grep -iv ' [a-z] ksyms_\| [a-z] __ksyms\| [a-z] __image_end' > $(BUILD)/nm.pass2
	@cmp -s $(BUILD)/nm.pass1 $(BUILD)/nm.pass2 || \
		{ echo "ksyms: symbols moved between link passes"; rm -f $@; exit 1; }

-include $(KOBJS:.o=.d)

# ---------------------------------------------------------------- user programs

# calf's own programs (user/) go to /bin; guest test programs (tests/progs/) are
# built with both C libraries and go to /tests/musl and /tests/glibc, and once more
# dynamically linked with glibc to /tests/glibc-dynamic; tests of
# calf's own interfaces (tests/calf/, musl only) go to /tests/calf.
USER_CFLAGS := -std=gnu11 -static -O2 -g -Wall -Wextra -Werror
USER_BINS := $(patsubst user/%.c,$(BUILD)/user/%,$(wildcard user/*.c))
PROG_SRCS := $(wildcard tests/progs/*.c)
PROG_BINS := $(patsubst tests/progs/%.c,$(BUILD)/progs/musl/%,$(PROG_SRCS)) \
	$(patsubst tests/progs/%.c,$(BUILD)/progs/glibc/%,$(PROG_SRCS)) \
	$(patsubst tests/progs/%.c,$(BUILD)/progs/glibc-dynamic/%,$(PROG_SRCS)) \
	$(patsubst tests/calf/%.c,$(BUILD)/progs/calf/%,$(wildcard tests/calf/*.c))

$(BUILD)/user/%: user/%.c $(wildcard user/*.h)
	@mkdir -p $(dir $@)
	musl-gcc $(USER_CFLAGS) $< -o $@

$(BUILD)/progs/musl/%: tests/progs/%.c $(wildcard tests/progs/*.h)
	@mkdir -p $(dir $@)
	musl-gcc $(USER_CFLAGS) $< -o $@

$(BUILD)/progs/glibc/%: tests/progs/%.c $(wildcard tests/progs/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) $< -o $@

# The same programs dynamically linked against Debian's glibc: the initramfs gets
# ld.so and the libraries they need (tools/elf-closure.sh).
$(BUILD)/progs/glibc-dynamic/%: tests/progs/%.c $(wildcard tests/progs/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -static,$(USER_CFLAGS)) $< -o $@

$(BUILD)/progs/calf/%: tests/calf/%.c $(wildcard tests/progs/*.h user/*.h)
	@mkdir -p $(dir $@)
	musl-gcc $(USER_CFLAGS) $< -o $@

# Benchmarks (bench/), musl only, go to /bench with bench/run-all.sh.
BENCH_BINS := $(patsubst bench/%.c,$(BUILD)/bench/%,$(wildcard bench/*.c))

$(BUILD)/bench/%: bench/%.c bench/bench.h
	@mkdir -p $(dir $@)
	musl-gcc $(USER_CFLAGS) $< -o $@

# The syscall fuzzer (tests/fuzz/, several files, musl) goes to /tests/fuzz/fuzz.
FUZZ_BIN := $(BUILD)/fuzz/fuzz
$(FUZZ_BIN): $(wildcard tests/fuzz/*.c tests/fuzz/*.h) user/readfile.h syscall/syscalls.def
	@mkdir -p $(dir $@)
	musl-gcc $(USER_CFLAGS) $(filter %.c,$^) -o $@

INITRAMFS := $(BUILD)/initramfs.cpio
$(INITRAMFS): $(USER_BINS) $(PROG_BINS) $(BENCH_BINS) $(FUZZ_BIN) bench/run-all.sh $(shell find rootfs tests/scripts -type f) tools/make-initramfs.sh tools/elf-closure.sh
	tools/make-initramfs.sh $(BUILD)/initramfs $@

.PHONY: initramfs
initramfs: $(INITRAMFS)

# ---------------------------------------------------------------- running

QEMU_MEM ?= 256
SMP ?= 1
QEMU_BASE := -machine pc -cpu max -m $(QEMU_MEM) -smp $(SMP) -no-reboot -display none \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04
APPEND ?=

.PHONY: deps run run-bare debug debug-triple
deps:
	@tools/deps.sh

run: deps $(KERNEL) $(INITRAMFS)
	$(QEMU) $(QEMU_BASE) -serial mon:stdio -kernel $(KERNEL) -initrd $(INITRAMFS) \
		-append "$(APPEND)"; \
		status=$$?; [ $$status -eq 0 ] || [ $$status -eq 1 ] || [ $$status -eq 3 ]

# The kernel alone, without an initramfs: banner, heartbeat, serial monitor.
run-bare: deps $(KERNEL)
	$(QEMU) $(QEMU_BASE) -serial mon:stdio -kernel $(KERNEL) -append "$(APPEND)"; \
		status=$$?; [ $$status -eq 0 ] || [ $$status -eq 1 ] || [ $$status -eq 3 ]

# Boot halted, waiting for gdb on :1234; `gdb -x tools/gdbinit` in another terminal.
debug: deps $(KERNEL) $(INITRAMFS)
	@echo "calf: waiting for gdb: gdb -x tools/gdbinit"
	$(QEMU) $(QEMU_BASE) -serial mon:stdio -kernel $(KERNEL) -initrd $(INITRAMFS) \
		-append "$(APPEND)" -s -S

# Log every interrupt and CPU reset to build/qemu.log and keep the machine after a
# triple fault instead of rebooting, to find what faulted.
debug-triple: deps $(KERNEL) $(INITRAMFS)
	$(QEMU) $(QEMU_BASE) -serial mon:stdio -kernel $(KERNEL) -initrd $(INITRAMFS) \
		-append "$(APPEND)" \
		-no-shutdown -d int,cpu_reset -D $(BUILD)/qemu.log

# ---------------------------------------------------------------- host tests

include tests/host/tests.mk

.SECONDEXPANSION:

HOST_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -DCALF_HOST -I. -include tests/host/calf_names.h \
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
	$(shell pkg-config --cflags cmocka 2>/dev/null)
HOST_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)
HOST_BINS := $(patsubst %,$(BUILD)/host/test_%,$(HOST_TESTS))

$(BUILD)/host/test_%: tests/host/test_%.c $$(host_$$*_SRCS) $(wildcard tests/host/*.h) \
		$(wildcard lib/*.h kernel/*.h mm/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(filter %.c,$^) -o $@ $(HOST_LIBS)

# ---------------------------------------------------------------- tests

.PHONY: test host-test guest-test
# T=KIND/NAME runs one test: host/vm, guest/cow, selftest/memory, prog/futex
# (tools/run-tests.sh says more).
test: deps
	@$(MAKE) --no-print-directory -s $(KERNEL) $(HOST_BINS) $(INITRAMFS)
	@tools/run-tests.sh $(T)

host-test: deps
	@$(MAKE) --no-print-directory -s $(HOST_BINS)
	@tools/run-tests.sh host

guest-test: deps
	@$(MAKE) --no-print-directory -s $(KERNEL) $(INITRAMFS)
	@tools/run-tests.sh guest

# ---------------------------------------------------------------- benchmarks

# calf (each fork mode) against Linux, under -icount and in real time: a table,
# bench/results/*.csv and fork-latency.png/.svg. See docs/benchmarks.md.
.PHONY: bench
bench: deps
	@$(MAKE) --no-print-directory -s $(KERNEL) $(INITRAMFS)
	@tools/bench.sh

# The syscall fuzzer on calf for MINUTES minutes from SEED (tests/fuzz/, docs/fuzzing.md);
# FUZZ_APPEND adds kernel arguments (fork_mode=copy).
SEED ?= 1
MINUTES ?= 10
FUZZ_APPEND ?=
.PHONY: fuzz
fuzz: deps
	@$(MAKE) --no-print-directory -s $(KERNEL) $(INITRAMFS)
	@tools/fuzz.sh $(SEED) $(MINUTES) "$(FUZZ_APPEND)"

.PHONY: clean help
clean:
	rm -rf $(BUILD)

help:
	@echo "make            build the kernel ($(KERNEL))"
	@echo "make run        boot calf into busybox sh in QEMU (Ctrl-A x quits QEMU)"
	@echo "make run-bare   boot the kernel alone: banner, heartbeat, serial monitor"
	@echo "make test       host unit tests + guest tests; ends with 'N passed, N failed'"
	@echo "make test T=... one test: T=host/vm, guest/cow, selftest/memory, prog/futex"
	@echo "make bench      calf (each fork mode) against Linux: table, CSV, plot"
	@echo "make fuzz       the syscall fuzzer on calf (SEED=1 MINUTES=10 FUZZ_APPEND=...)"
	@echo "make debug      boot halted, waiting for gdb (gdb -x tools/gdbinit)"
	@echo "make debug-triple  boot logging interrupts/resets to $(BUILD)/qemu.log"
	@echo "APPEND='...'    kernel command line for run/debug"
	@echo "SMP=N           CPUs for run/debug and the guest tests (default 1; the others"
	@echo "                are started and parked)"
