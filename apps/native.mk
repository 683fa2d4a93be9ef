# Shared build of an app's native task variants: src/main/c/$(LIB).c -> target/native/lib$(LIB).so,
# a shared library the runtime loads by symbol. Each app's Makefile sets LIB and includes this.
#   make all   -> the library
#   make check -> nothing native to run (the JUnit tests run both variants)
# Backend hrt loads the same library into the HRT as a module (legion-hrt-port/platform/nautilus/module.c).
OUT    := target/native
CFLAGS := -std=gnu11 -O2 -g -Wall -Werror -fPIC -I../../legion-hrt-port/include

all: $(OUT)/lib$(LIB).so

$(OUT)/lib$(LIB).so: src/main/c/$(LIB).c ../../legion-hrt-port/include/lhrt.h
	@mkdir -p $(OUT)
	gcc $(CFLAGS) -shared -o $@ $<

check: all

clean:
	rm -rf $(OUT)

.PHONY: all check clean
