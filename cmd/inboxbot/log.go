package main

import (
	"log/slog"
	"os"
	"strings"

	"github.com/mattn/go-isatty"
)

// newLogger logs JSON when stderr is not a terminal (containers, systemd:
// lines for a log pipeline) and text for a person at a terminal.
func newLogger(stderr *os.File) *slog.Logger {
	opts := &slog.HandlerOptions{ReplaceAttr: hideSecrets}
	if isatty.IsTerminal(stderr.Fd()) || isatty.IsCygwinTerminal(stderr.Fd()) {
		return slog.New(slog.NewTextHandler(stderr, opts))
	}
	return slog.New(slog.NewJSONHandler(stderr, opts))
}

// hideSecrets blanks any attribute whose key names a secret, a last line of
// defence should a token ever be handed to the logger by mistake.
func hideSecrets(_ []string, a slog.Attr) slog.Attr {
	k := strings.ToLower(a.Key)
	for _, s := range []string{"token", "secret", "password", "authorization"} {
		if strings.Contains(k, s) {
			return slog.String(a.Key, "[hidden]")
		}
	}
	return a
}
