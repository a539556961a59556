// Command supportaccess serves the Support Access Console and holds the
// operator commands that manage its data.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	e := env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	// The collector's settings belong to the process, not to a command: set
	// here, they never leak into tests that run commands in their process.
	tuneGC(e)
	err := run(ctx, os.Args[1:], e)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "supportaccess:", err)
		os.Exit(1)
	}
}
