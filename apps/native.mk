# Shared build of an app's native task variants: src/main/c/$(LIB).c -> target/native/lib$(LIB).so,
# a shared library the runtime loads by symbol. Each app's Makefile sets LIB and includes this.
#   make all   -> the library
#   make check -> nothing native to run (the JUnit tests run both variants)
#   make hrt   -> target/native/lhrt-$(LIB).elf: the runtime's HRT image (legion-hrt-port/hrt)
#                 with this app's kernels linked in, so that the HRT finds them by symbol;
#                 built on demand by `--backend hrt` (not part of `all`)
OUT    := target/native
CFLAGS := -std=gnu11 -O2 -g -Wall -Werror -fPIC -I../../legion-hrt-port/include

all: $(OUT)/lib$(LIB).so

$(OUT)/lib$(LIB).so: src/main/c/$(LIB).c ../../legion-hrt-port/include/lhrt.h
	@mkdir -p $(OUT)
	gcc $(CFLAGS) -shared -o $@ $<

check: all

# The HRT image is legion-hrt-port/hrt's build with this app's source added to its objects and
# its own output directory (a separate object tree: the plain image is left alone).
HRTDIR  := ../../legion-hrt-port/hrt
HRTBASE := $(shell cd $(HRTDIR) && ls *.c *.S libc/*.c 2>/dev/null)
HRTOUT  := $(abspath $(OUT))/hrt

hrt: $(OUT)/lhrt-$(LIB).elf

$(OUT)/lhrt-$(LIB).elf: FORCE
	@mkdir -p $(HRTOUT)
	@$(MAKE) -s -C $(HRTDIR) all OUT=$(HRTOUT) HRT_SRC="$(HRTBASE) $(abspath src/main/c/$(LIB).c)"
	@cp $(HRTOUT)/lhrt-hrt.elf $@.tmp && mv $@.tmp $@

FORCE:

clean:
	rm -rf $(OUT)

.PHONY: all check clean hrt FORCE
