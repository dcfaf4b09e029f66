package tfgraph

// #include <stdlib.h>
// #include "tensorflow/c/c_api.h"
import "C"

import (
	"fmt"
	"unsafe"

	kpb "github.com/wamuir/graft/tensorflow/core/framework/kernel_def_go_proto"
	"google.golang.org/protobuf/proto"
)

// GPUBuild reports whether the loaded TensorFlow library was built with GPU kernels
// (the CUDA build), by asking its kernel registry for a GPU kernel of MatMul. It says
// nothing of whether a GPU is visible: see Devices.
func GPUBuild() (bool, error) {
	name := C.CString("MatMul")
	defer C.free(unsafe.Pointer(name))
	status := C.TF_NewStatus()
	defer C.TF_DeleteStatus(status)
	buf := C.TF_GetRegisteredKernelsForOp(name, status)
	if C.TF_GetCode(status) != C.TF_OK {
		return false, fmt.Errorf("tfgraph: kernel registry: %s", C.GoString(C.TF_Message(status)))
	}
	defer C.TF_DeleteBuffer(buf)
	var list kpb.KernelList
	if err := proto.Unmarshal(C.GoBytes(buf.data, C.int(buf.length)), &list); err != nil {
		return false, fmt.Errorf("tfgraph: kernel registry: %w", err)
	}
	for _, k := range list.GetKernel() {
		if k.GetDeviceType() == "GPU" {
			return true, nil
		}
	}
	return false, nil
}
