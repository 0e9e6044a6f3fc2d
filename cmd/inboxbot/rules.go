package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/commands"
	"github.com/inboxbot/inboxbot/routing/teamfile"
	"github.com/inboxbot/inboxbot/store"
)

const rulesUsage = "usage: inboxbot rules apply FILE | inboxbot rules export [FILE]"

// rulesCommand is `inboxbot rules apply FILE` and `inboxbot rules export
// [FILE]`: the team and rules file as docs/design.md section 5 describes it.
func rulesCommand(ctx context.Context, cfg config, args []string, stdin io.Reader, stdout io.Writer, log *slog.Logger) error {
	if len(args) == 0 {
		return usageError(rulesUsage)
	}
	switch verb, args := args[0], args[1:]; {
	case verb == "apply" && len(args) == 1:
		data, err := readFileOrStdin(args[0], stdin)
		if err != nil {
			return fmt.Errorf("%s: %w", args[0], err)
		}
		st, err := openMigrated(ctx, cfg, log)
		if err != nil {
			return err
		}
		defer st.Close()
		summary, err := commands.ApplyRulesFile(ctx, st, data)
		if err != nil {
			return fmt.Errorf("%s: %w", args[0], err)
		}
		fmt.Fprintln(stdout, summary)
		return nil
	case verb == "export" && len(args) <= 1:
		st, err := openMigrated(ctx, cfg, log)
		if err != nil {
			return err
		}
		defer st.Close()
		data, err := commands.ExportRulesFile(ctx, st)
		if err != nil {
			return err
		}
		if len(args) == 0 || args[0] == "-" {
			_, err = stdout.Write(data)
			return err
		}
		return os.WriteFile(args[0], data, 0o644)
	default:
		return usageError(rulesUsage)
	}
}

// readFileOrStdin reads path, or standard input for "-", up to the team
// file's size limit: /dev/zero is refused, not read until memory runs out.
func readFileOrStdin(path string, stdin io.Reader) ([]byte, error) {
	if path == "-" {
		return teamfile.Read(stdin)
	}
	return readTeamFile(path)
}

// readTeamFile reads the team file at path, up to its size limit.
func readTeamFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return teamfile.Read(f)
}

// applyStartupFiles applies INBOXBOT_RULES_FILE and INBOXBOT_ADMINS. Every
// replica does it at start; both are idempotent, and a bad file stops the
// start rather than running with rules nobody meant. A file that cannot be
// read or does not validate is a configuration error (exit 2); a database
// failure while applying it is not.
func applyStartupFiles(ctx context.Context, st *store.Store, cfg config, log *slog.Logger) error {
	if cfg.RulesFile != "" {
		data, err := readTeamFile(cfg.RulesFile)
		if err != nil {
			return configError{fmt.Errorf("INBOXBOT_RULES_FILE: %w", err)}
		}
		// Every replica applies it; the store serialises concurrent applies.
		summary, err := commands.ApplyRulesFile(ctx, st, data)
		if err != nil {
			err = fmt.Errorf("INBOXBOT_RULES_FILE %s: %w", cfg.RulesFile, err)
			if inboxbot.ErrorCode(err) == inboxbot.EINVALID {
				return configError{err}
			}
			return err
		}
		log.Info("rules file applied", "file", cfg.RulesFile, "summary", summary)
	}
	if cfg.Admins != "" {
		if err := commands.EnsureAdmins(ctx, st, cfg.Admins); err != nil {
			if inboxbot.ErrorCode(err) == inboxbot.EINVALID {
				return configError{err}
			}
			return err
		}
		log.Info("admins ensured", "admins", cfg.Admins)
	}
	return nil
}
