package main

import (
	"os"
	"os/exec"
	"strconv"
	"syscall"
)

// dieWithParent makes the kernel kill this process when the process that started it dies,
// even by SIGKILL, so a crashed test runner never leaves an API server behind. The launcher
// sets SYNCWAVE_PARENT_PID; without it this is a no-op.
func dieWithParent() {
	want, err := strconv.Atoi(os.Getenv("SYNCWAVE_PARENT_PID"))
	if err != nil || want <= 0 {
		return
	}
	_, _, _ = syscall.RawSyscall(syscall.SYS_PRCTL, syscall.PR_SET_PDEATHSIG, uintptr(syscall.SIGKILL), 0)
	if os.Getppid() != want { // the parent died before prctl took effect
		os.Exit(1)
	}
}

// execProgram replaces this process with args[0] (looked up in PATH), keeping the death signal.
func execProgram(args []string) int {
	if len(args) == 0 {
		os.Stderr.WriteString("exec: program required\n")
		return 2
	}
	path, err := exec.LookPath(args[0])
	if err == nil {
		err = syscall.Exec(path, args, os.Environ())
	}
	os.Stderr.WriteString("exec: " + err.Error() + "\n")
	return 1
}
