package discord

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/bwmarrin/discordgo"
)

// LogLibraryTo sends discordgo's own log lines (gateway reconnects, errors
// it does not return) to log, as records of the matching level, instead of
// the standard logger's "[DG0] ..." lines that would break a JSON log.
// discordgo's Logger is package-level: call this once, from main, before
// any session is opened.
func LogLibraryTo(log *slog.Logger) {
	log = log.With("platform", "discord", "source", "discordgo")
	discordgo.Logger = func(level, _ int, format string, a ...any) {
		l := libraryLevel(level)
		if !log.Enabled(context.Background(), l) {
			return
		}
		log.Log(context.Background(), l, "discordgo: "+fmt.Sprintf(format, a...))
	}
}

// libraryLevel maps discordgo's levels to slog's. Its "errors" are the
// gateway's troubles, which it retries itself: warnings for an operator.
func libraryLevel(level int) slog.Level {
	switch level {
	case discordgo.LogError, discordgo.LogWarning:
		return slog.LevelWarn
	case discordgo.LogInformational:
		return slog.LevelInfo
	}
	return slog.LevelDebug
}
