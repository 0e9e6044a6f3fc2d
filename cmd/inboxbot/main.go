// Command inboxbot runs the chat-native team inbox: the HTTP service and
// its chat adapters (serve, the default), database migrations, a local chat
// console, and the rules file tools. `inboxbot help` lists the subcommands
// and every environment variable.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/inboxbot/inboxbot/bot/discord"
)

// gcPercent is the garbage collector's target unless GOGC is set: a
// request allocates a few hundred kilobytes it drops at once, and at Go's
// default of 100 the collector took a fifth of the service's CPU; at 400 a
// serve under load uses about a third less CPU a request for about 10 MB
// more memory (docs/performance.md).
const gcPercent = 400

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
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
	// discordgo logs through a package-level hook: set once, here.
	discord.LogLibraryTo(log)
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
		return exitCode(err)
	}
	return 0
}

// exitCode is 2 for a mistake the person must fix before trying again (the
// command line, the configuration), 1 for a command that failed (a
// database outage, a write error), which may work when tried again.
func exitCode(err error) int {
	var u usageError
	var c configError
	if errors.As(err, &u) || errors.As(err, &c) {
		return 2
	}
	return 1
}

// usageError is a command line mistake: exit code 2.
type usageError string

func (e usageError) Error() string { return string(e) }

// configError is configuration that is found wrong only once it is used: a
// DATABASE_URL the driver refuses, an INBOXBOT_RULES_FILE that does not
// validate. It exits 2, as the mistakes loadConfig finds do.
type configError struct{ err error }

func (e configError) Error() string { return "configuration: " + e.err.Error() }

func (e configError) Unwrap() error { return e.err }
