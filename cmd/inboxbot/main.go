// Command inboxbot runs the chat-native team inbox: the HTTP service and
// its chat adapters (serve, the default), database migrations, a local chat
// console, and the rules file tools. `inboxbot help` lists the subcommands
// and every environment variable.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is main without the process: it returns the exit code (0 ok, 1 the
// command failed, 2 bad usage or configuration).
func run(args []string, stdin io.Reader, stdout io.Writer, stderr *os.File) int {
	sub := "serve"
	if len(args) > 0 {
		sub, args = args[0], args[1:]
	}
	switch sub {
	case "help", "-h", "-help", "--help":
		writeHelp(stdout)
		return 0
	case "healthcheck":
		return healthcheck(stderr)
	case "serve", "migrate", "shell", "rules":
	default:
		fmt.Fprintf(stderr, "inboxbot: unknown command %q; `inboxbot help` lists the commands\n", sub)
		return 2
	}
	cfg, err := loadConfig()
	if err != nil {
		fmt.Fprintf(stderr, "inboxbot: configuration: %v\n", err)
		return 2
	}
	log := newLogger(stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch sub {
	case "serve":
		if len(args) > 0 {
			fmt.Fprintf(stderr, "inboxbot: serve takes no arguments (got %q)\n", args)
			return 2
		}
		err = serve(ctx, stop, cfg, log)
	case "migrate":
		err = migrate(ctx, cfg, stdout)
	case "shell":
		err = shellCommand(ctx, cfg, args, stdin, stdout, log)
	case "rules":
		err = rulesCommand(ctx, cfg, args, stdin, stdout, log)
	}
	if err != nil {
		fmt.Fprintf(stderr, "inboxbot: %v\n", err)
		if _, ok := err.(usageError); ok {
			return 2
		}
		return 1
	}
	return 0
}

// usageError is a command line mistake: exit code 2.
type usageError string

func (e usageError) Error() string { return string(e) }
