#!/usr/bin/env bash
# test-forwarder.sh [WORK_DIR] - checks the forwarding-library mechanism without a GPU, on fakes.
#
#   libfake.so.2     the "new" library: fake_add, fake_mul (no fake_gone)
#   libfake.so.1     the "old" library, version node libfake.so.1: fake_add, fake_mul, fake_gone;
#                    only used to link the consumer, then removed (as on a CUDA 13 host)
#   libconsumer.so   linked against the old one: imports fake_add@libfake.so.1 ... (like libJCudnn)
# Then: a symlink libfake.so.1 -> libfake.so.2 must fail ("version libfake.so.1 not found", trap 2);
# the generated forwarder (needed-symbols.sh + gen-forwarder.sh, the same path as `make compat`)
# must work when loaded the way NativeCompat does it: dlopen the new library and the forwarder by
# absolute path, then the consumer, whose NEEDED libfake.so.1 is satisfied by the loaded soname;
# and calling a function the new library lacks must abort with a message naming it.
# Prints "forwarder test: OK" and exits 0 on success.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=${1:-$(mktemp -d)}
mkdir -p "$work"/{new,old,fwd,bad,app}
cd "$work"

cat > new/fake.c <<'C'
int fake_add(int a, int b) { return a + b; }
int fake_mul(int a, int b) { return a * b; }
C
gcc -shared -fPIC -o new/libfake.so.2 new/fake.c -Wl,-soname,libfake.so.2

cat > old/fake.c <<'C'
int fake_add(int a, int b) { return a + b; }
int fake_mul(int a, int b) { return a * b; }
int fake_gone(void) { return 42; }
C
printf 'libfake.so.1 { global: fake_add; fake_mul; fake_gone; local: *; };\n' > old/fake.map
gcc -shared -fPIC -o old/libfake.so.1 old/fake.c -Wl,-soname,libfake.so.1 -Wl,--version-script=old/fake.map
ln -sf libfake.so.1 old/libfake.so

cat > app/consumer.c <<'C'
int fake_add(int, int);
int fake_mul(int, int);
int fake_gone(void);
int consumer_run(void) { return fake_add(2, 3) * 10 + fake_mul(2, 3); }
int consumer_gone(void) { return fake_gone(); }
C
gcc -shared -fPIC -o app/libconsumer.so app/consumer.c -Lold -lfake
readelf --dyn-syms -W app/libconsumer.so | grep -q 'fake_add@libfake.so.1' || { echo "consumer not versioned"; exit 1; }
rm -rf old

cat > app/main.c <<'C'
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv) {
    /* argv: mode new_lib forwarder_or_dash consumer */
    if (dlopen(argv[2], RTLD_LAZY) == NULL) { printf("load new: %s\n", dlerror()); return 2; }
    if (strcmp(argv[3], "-") != 0 && dlopen(argv[3], RTLD_LAZY) == NULL) { printf("load fwd: %s\n", dlerror()); return 3; }
    void *c = dlopen(argv[4], RTLD_LAZY);
    if (c == NULL) { printf("load consumer: %s\n", dlerror()); return 4; }
    int (*f)(void) = (int (*)(void)) dlsym(c, strcmp(argv[1], "gone") == 0 ? "consumer_gone" : "consumer_run");
    printf("result %d\n", f());
    return 0;
}
C
gcc -o app/main app/main.c -ldl

# Trap 2 reproduced: a plain symlink does not satisfy the versioned imports.
ln -sf "$work/new/libfake.so.2" bad/libfake.so.1
if out=$(LD_LIBRARY_PATH="$work/bad" ./app/main run "$work/new/libfake.so.2" - "$work/app/libconsumer.so" 2>&1); then
  echo "symlink unexpectedly worked: $out"; exit 1
fi
echo "$out" | grep -q "version" || { echo "symlink failed for another reason: $out"; exit 1; }

# The forwarder.
"$here/needed-symbols.sh" libfake.so.1 app/libconsumer.so > fwd/libfake.so.1.symbols
[ "$(cat fwd/libfake.so.1.symbols | tr '\n' ' ')" = "fake_add fake_gone fake_mul " ] || { echo "symbols: $(cat fwd/libfake.so.1.symbols)"; exit 1; }
"$here/gen-forwarder.sh" libfake.so.1 libfake.so.2 fwd/libfake.so.1.symbols fwd
gcc -shared -fPIC -o fwd/libfake.so.1 fwd/libfake.so.1.c -Wl,-soname,libfake.so.1 -Wl,--version-script=fwd/libfake.so.1.map -ldl
out=$(./app/main run "$work/new/libfake.so.2" "$work/fwd/libfake.so.1" "$work/app/libconsumer.so" 2>&1)
[ "$out" = "result 56" ] || { echo "forwarded call: $out"; exit 1; }

# A function the new library lacks: a clear message and abort, not a jump to 0.
if out=$(./app/main gone "$work/new/libfake.so.2" "$work/fwd/libfake.so.1" "$work/app/libconsumer.so" 2>&1); then
  echo "missing function did not abort: $out"; exit 1
fi
echo "$out" | grep -q "fake_gone was called through the libfake.so.1 forwarder" || { echo "missing-function message: $out"; exit 1; }
echo "forwarder test: OK"
