//go:build !linux

package main

func dieWithParent() {}

func execProgram(args []string) int {
	panic("syncwave-cluster exec: linux only")
}
