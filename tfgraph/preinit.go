package tfgraph

// #include <stdlib.h>
// #include "preinit.h"
import "C"

import "unsafe"

// preinitEnv runs hw1_start_env, the C copy of startEnv that re-executes the program
// before TensorFlow's library is initialised (preinit.c), on environ and args (the
// program's arguments, without its name). Tests compare it with startEnv.
func preinitEnv(environ, args []string) ([]string, bool) {
	cstrs := func(ss []string) **C.char {
		p := C.calloc(C.size_t(len(ss)+1), C.size_t(unsafe.Sizeof(uintptr(0))))
		arr := unsafe.Slice((**C.char)(p), len(ss)+1)
		for i, s := range ss {
			arr[i] = C.CString(s)
		}
		return (**C.char)(p)
	}
	free := func(p **C.char, n int) {
		for _, s := range unsafe.Slice(p, n) {
			C.free(unsafe.Pointer(s))
		}
		C.free(unsafe.Pointer(p))
	}
	argv := append([]string{"hw1"}, args...)
	cargv, cenv := cstrs(argv), cstrs(environ)
	defer free(cargv, len(argv))
	defer free(cenv, len(environ))
	var out **C.char
	changed := C.hw1_start_env(C.int(len(argv)), cargv, cenv, &out) != 0
	var env []string
	for _, s := range unsafe.Slice(out, len(environ)+3) {
		if s == nil {
			break
		}
		env = append(env, C.GoString(s))
	}
	C.free(unsafe.Pointer(out))
	return env, changed
}
