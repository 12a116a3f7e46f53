#!/usr/bin/env bash
# build-fake-gpu.sh OUT - builds the fake GPU of FakeGpuTest and `make bench-fake-gpu`:
#   OUT/fake/    libcuda.so.1 (kernels compiled for the host), libcudnn.so.9, libcublas.so.13, libcublasLt.so.13
#   OUT/compat/  the forwarders libcudnn.so.8 -> .so.9 and libcublas.so.12 -> .so.13 (as `make compat`)
# Run Java with LD_LIBRARY_PATH=OUT/fake and -Dcyclegan4j.compatDir=OUT/compat. Needs gcc, g++.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 OUT" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
compat=$here/../compat
out=$1
mkdir -p "$out/fake" "$out/compat/src"
fake=$(cd "$out/fake" && pwd)
fwd=$(cd "$out/compat" && pwd)

g++ -std=c++20 -O2 -fPIC -shared -pthread -ffp-contract=off -fno-strict-aliasing \
  -Wl,-soname,libcuda.so.1 -o "$fake/libcuda.so.1" "$here/fake_cuda.cpp"
gcc -O2 -fPIC -shared -Wl,-soname,libcudnn.so.9 -o "$fake/libcudnn.so.9" "$here/fake_cudnn.c"
gcc -O2 -fPIC -shared -Wl,-soname,libcublas.so.13 -o "$fake/libcublas.so.13" "$here/fake_cublas.c"
echo 'int cublasLtFake(void) { return 0; }' > "$fwd/src/lt.c"
gcc -shared -fPIC -Wl,-soname,libcublasLt.so.13 -o "$fake/libcublasLt.so.13" "$fwd/src/lt.c"
for pair in libcudnn.so.8:libcudnn.so.9 libcublas.so.12:libcublas.so.13; do
  old=${pair%%:*} new=${pair##*:}
  bash "$compat/gen-forwarder.sh" "$old" "$new" "$compat/$old.symbols" "$fwd/src"
  gcc -O2 -shared -fPIC -o "$fwd/$old" "$fwd/src/$old.c" -Wl,-soname,"$old" \
    -Wl,--version-script="$fwd/src/$old.map" -ldl
done
