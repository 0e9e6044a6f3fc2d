package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/mattn/go-isatty"

	"github.com/inboxbot/inboxbot/bot/shell"
	"github.com/inboxbot/inboxbot/commands"
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
	st, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := commands.New(st)
	svc.Log = log
	interactive := false
	if f, ok := stdin.(*os.File); ok {
		interactive = isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
	}
	done := make(chan error, 1)
	go func() { done <- shell.Run(ctx, svc, *as, stdin, stdout, interactive) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		// Ctrl-C: the console may be blocked reading a line; leave now.
		fmt.Fprintln(stdout)
		return nil
	}
}
