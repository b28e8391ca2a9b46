// Command syncwave-cluster is a busybox-style binary holding a local
// Kubernetes control plane for syncwave's tests, benchmarks and demo:
//
//	syncwave-cluster etcd --data-dir DIR --client-port N --peer-port M
//	syncwave-cluster kube-apiserver [kube-apiserver flags]
//	syncwave-cluster kube-controller-manager [flags]
//	syncwave-cluster kube-scheduler [flags]
//	syncwave-cluster version
//	syncwave-cluster exec PROGRAM [args]   (exec PROGRAM, dying with our parent: used for kwok)
//
// Each subcommand runs as its own process (the launcher in
// harness/cluster.ts starts one process per component), so the global flag
// sets and metric registries of the components never meet at run time.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	_ "time/tzdata" // CronJob time zones, as in the upstream mains

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"          // JSON log format
	_ "k8s.io/component-base/metrics/prometheus/clientgo" // client-go metrics
	_ "k8s.io/component-base/metrics/prometheus/version"  // version metric
	"k8s.io/component-base/version"
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"
)

func usage() {
	fmt.Fprintf(os.Stderr, "usage: %s etcd|kube-apiserver|kube-controller-manager|kube-scheduler|exec|version [flags]\n",
		filepath.Base(os.Args[0]))
}

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	dieWithParent()
	sub := os.Args[1]
	// Hand the component its own argv: argv[0] is the component name.
	os.Args = append([]string{sub}, os.Args[2:]...)

	switch sub {
	case "etcd":
		os.Exit(runEtcd(os.Args[1:]))
	case "kube-apiserver":
		os.Exit(cli.Run(apiserver.NewAPIServerCommand()))
	case "kube-controller-manager":
		os.Exit(cli.Run(controllermanager.NewControllerManagerCommand()))
	case "kube-scheduler":
		os.Exit(cli.Run(scheduler.NewSchedulerCommand()))
	case "exec":
		// PR_SET_PDEATHSIG (set above) survives execve, so PROGRAM dies with the launcher too.
		os.Exit(execProgram(os.Args[1:]))
	case "version":
		fmt.Println(version.Get().GitVersion)
	default:
		usage()
		os.Exit(2)
	}
}
