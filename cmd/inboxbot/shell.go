package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/mattn/go-isatty"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot/shell"
	"github.com/inboxbot/inboxbot/commands"
	"github.com/inboxbot/inboxbot/routing"
)

const shellUsage = "usage: inboxbot shell --as NAME"

// shellCommand is `inboxbot shell --as NAME`: the local chat console on the
// configured database.
func shellCommand(ctx context.Context, cfg config, args []string, stdin io.Reader, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("shell", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	as := fs.String("as", "", "the member you act as")
	if err := fs.Parse(args); err != nil || *as == "" || fs.NArg() > 0 {
		return usageError(shellUsage)
	}
	// Checked before the database is opened, so a bad name is told as such
	// (exit 2) even when the database is down.
	if err := inboxbot.CheckMemberName(*as); err != nil {
		return shellUsageError(err)
	}
	st, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := commands.New(st, routing.Route)
	svc.Log = log
	// What a command makes possible (offering the Team inbox to the rules
	// again) runs after its answer; leaving the console stops it, and the
	// sweep of a running serve picks up what it left.
	svc.Later = commands.NewLater()
	defer svc.Later.Stop()
	// The console queues replies; `inboxbot serve` on the same database
	// delivers them to INBOXBOT_OUTBOUND_URL or the chat threads.
	svc.Webhook, svc.Chats = cfg.OutboundURL != "", chats(cfg)
	interactive := false
	if f, ok := stdin.(*os.File); ok {
		interactive = isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
	}
	done := make(chan error, 1)
	go func() { done <- shell.Run(ctx, svc, *as, stdin, stdout, interactive) }()
	select {
	case err := <-done:
		// At the end of the input, what the last commands started ends first.
		svc.Later.Wait()
		// shell.Run refuses a bad starting name with EINVALID before it
		// reads anything, and returns EINVALID for nothing else.
		if inboxbot.ErrorCode(err) == inboxbot.EINVALID {
			return shellUsageError(err)
		}
		return err
	case <-ctx.Done():
		// Ctrl-C: the console may be blocked reading a line; leave now.
		fmt.Fprintln(stdout)
		return nil
	}
}

// shellUsageError is a refused --as name: bad usage, exit 2, with the
// reason and the usage line.
func shellUsageError(err error) error {
	return usageError("shell --as: " + inboxbot.ErrorMessage(err) + " " + shellUsage)
}
