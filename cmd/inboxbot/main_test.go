package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCmd runs the command line in-process and returns its exit code,
// standard output and standard error.
func runCmd(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	errf, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	defer errf.Close()
	var out bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, errf)
	stderr, _ := os.ReadFile(errf.Name())
	return code, out.String(), string(stderr)
}

func TestRun_UsageMistakesExit2(t *testing.T) {
	setEnv(t, map[string]string{"DATABASE_URL": "sqlite::memory:"})
	for _, args := range [][]string{
		{"frobnicate"},
		{"serve", "extra"},
		{"shell"},
		{"shell", "--as"},
		{"shell", "--as", "dana", "extra"},
		{"rules"},
		{"rules", "apply"},
		{"rules", "apply", "a.yaml", "b.yaml"},
		{"rules", "export", "a", "b"},
		{"rules", "publish"},
	} {
		code, _, stderr := runCmd(t, "", args...)
		if code != 2 || !strings.HasPrefix(stderr, "inboxbot: ") {
			t.Errorf("inboxbot %s: exit %d, stderr %q; want 2 and a message", strings.Join(args, " "), code, stderr)
		}
	}
}

func TestRun_ConfigurationErrorIsOneLineAndExit2(t *testing.T) {
	setEnv(t, map[string]string{"SLACK_BOT_TOKEN": "xoxb-SECRET-bot"})
	code, _, stderr := runCmd(t, "", "serve")
	if code != 2 || strings.Count(strings.TrimSpace(stderr), "\n") != 0 ||
		!strings.Contains(stderr, "SLACK_SIGNING_SECRET is required when SLACK_BOT_TOKEN is set") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if strings.Contains(stderr, "xoxb-SECRET-bot") {
		t.Fatalf("stderr contains the token: %q", stderr)
	}
}

// TestRun_ConfigurationFoundWrongAtUseExits2 covers the configuration
// errors found only when the command uses it: a DATABASE_URL the driver
// refuses, a rules file that cannot be read or does not validate. They are
// configuration errors like the ones found at start, so they exit 2 too.
func TestRun_ConfigurationFoundWrongAtUseExits2(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	badRules := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(badRules, []byte("rules: [{name: x}]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	badURL := "postgres://inboxbot:DBPASSWORD@127.0.0.1:" + freePort(t) + "/inboxbot?sslmode=bogus"
	serveAnywhere := map[string]string{"INBOXBOT_HTTP_ADDR": "127.0.0.1:0"}
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"migrate, malformed URL", map[string]string{"DATABASE_URL": badURL}, []string{"migrate"}, "DATABASE_URL is not a valid PostgreSQL URL"},
		{"rules export, malformed URL", map[string]string{"DATABASE_URL": badURL}, []string{"rules", "export"}, "DATABASE_URL is not a valid PostgreSQL URL"},
		{"shell, malformed URL", map[string]string{"DATABASE_URL": badURL}, []string{"shell", "--as", "dana"}, "DATABASE_URL is not a valid PostgreSQL URL"},
		{"serve, malformed URL", with(serveAnywhere, "DATABASE_URL", badURL), []string{"serve"}, "DATABASE_URL is not a valid PostgreSQL URL"},
		{"serve, malformed prefixed URL", with(serveAnywhere, "DATABASE_URL", "sqlite::memory:", "INBOXBOT_DATABASE_URL", badURL),
			[]string{"serve"}, "INBOXBOT_DATABASE_URL is not a valid PostgreSQL URL"},
		{"serve, invalid rules file", with(serveAnywhere, "DATABASE_URL", "sqlite::memory:", "INBOXBOT_RULES_FILE", badRules),
			[]string{"serve"}, "INBOXBOT_RULES_FILE " + badRules},
		{"serve, missing rules file", with(serveAnywhere, "DATABASE_URL", "sqlite::memory:", "INBOXBOT_RULES_FILE", filepath.Join(dir, "missing.yaml")),
			[]string{"serve"}, "INBOXBOT_RULES_FILE: open "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			setEnv(t, tc.env)
			code, _, stderr := runCmd(t, "", tc.args...)
			if code != 2 || !strings.Contains(stderr, "inboxbot: configuration: "+tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, tc.want)
			}
			if strings.Contains(stderr, "DBPASSWORD") {
				t.Errorf("stderr contains the database password: %q", stderr)
			}
		})
	}
}

// TestRun_OneShotCommandsFailAtOnceWhenTheDatabaseIsDown: only serve waits
// for a database that is starting; the one-shot commands say at once, in
// one line, that it is unavailable, and exit 1 (try again later).
func TestRun_OneShotCommandsFailAtOnceWhenTheDatabaseIsDown(t *testing.T) {
	dir := t.TempDir()
	rules := filepath.Join(dir, "team.yaml")
	if err := os.WriteFile(rules, []byte(teamFile), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"migrate"}, {"rules", "apply", rules}, {"rules", "export"}, {"shell", "--as", "dana"}} {
		t.Run(strings.Join(args[:1], " "), func(t *testing.T) {
			// Nothing listens on the port: the connection is refused.
			setEnv(t, map[string]string{"DATABASE_URL": "postgres://inboxbot:DBPASSWORD@127.0.0.1:" + freePort(t) + "/inboxbot"})
			code, _, stderr := runCmd(t, "", args...)
			if code != 1 || !strings.HasPrefix(stderr, "inboxbot: the database is unavailable (postgres://inboxbot:xxxxx@127.0.0.1:") ||
				strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Errorf("inboxbot %s: exit %d, stderr %q; want 1 and one line saying the database is unavailable",
					strings.Join(args, " "), code, stderr)
			}
			if strings.Contains(stderr, "retrying") || strings.Contains(stderr, "DBPASSWORD") {
				t.Errorf("stderr retries or shows the password: %q", stderr)
			}
		})
	}
}

func TestRun_MigrateThenUpToDate(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "inboxbot.db")
	setEnv(t, map[string]string{"DATABASE_URL": db})
	code, out, stderr := runCmd(t, "", "migrate")
	if code != 0 || !strings.Contains(out, "Applied ") {
		t.Fatalf("first migrate: exit %d, out %q, err %q", code, out, stderr)
	}
	code, out, _ = runCmd(t, "", "migrate")
	if code != 0 || !strings.Contains(out, "The database is up to date.") {
		t.Fatalf("second migrate: exit %d, out %q", code, out)
	}
}

func TestRun_RulesApplyExportRoundTrip(t *testing.T) {
	dir := t.TempDir()
	setEnv(t, map[string]string{"DATABASE_URL": "sqlite:" + filepath.Join(dir, "inboxbot.db")})
	file := filepath.Join(dir, "team.yaml")
	if err := os.WriteFile(file, []byte(teamFile), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCmd(t, "", "rules", "apply", file)
	if code != 0 || !strings.Contains(out, "Applied 3 members") {
		t.Fatalf("rules apply: exit %d, out %q, err %q", code, out, stderr)
	}
	code, exported, stderr := runCmd(t, "", "rules", "export")
	if code != 0 || !strings.Contains(exported, "round_robin") || !strings.Contains(exported, "Everyone takes turns") {
		t.Fatalf("rules export: exit %d, out %q, err %q", code, exported, stderr)
	}
	out2 := filepath.Join(dir, "out.yaml")
	if code, _, stderr := runCmd(t, "", "rules", "export", out2); code != 0 {
		t.Fatalf("rules export FILE: exit %d, %s", code, stderr)
	}
	if b, _ := os.ReadFile(out2); string(b) != exported {
		t.Errorf("export to a file differs from export to stdout")
	}
	// Standard input works too, and the export applies cleanly.
	// Re-applying what was exported changes nothing.
	if code, out, stderr := runCmd(t, exported, "rules", "apply", "-"); code != 0 || !strings.Contains(out, "0 new, 0 updated, 3 unchanged") {
		t.Fatalf("rules apply - of the export: exit %d, out %q, err %q", code, out, stderr)
	}
	if code, _, stderr := runCmd(t, "", "rules", "apply", filepath.Join(dir, "missing.yaml")); code != 1 || !strings.Contains(stderr, "missing.yaml") {
		t.Errorf("rules apply of a missing file: exit %d, %q", code, stderr)
	}
}

func TestRun_ShellActsAsTheMember(t *testing.T) {
	setEnv(t, map[string]string{"DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "inboxbot.db")})
	code, out, stderr := runCmd(t, "/inbox team\nquit\n", "shell", "--as", "dana")
	if code != 0 || !strings.Contains(out, "dana") {
		t.Fatalf("shell: exit %d, out %q, err %q", code, out, stderr)
	}
}

func TestRun_ShellRefusesAnInvalidNameAsBadUsage(t *testing.T) {
	for name, env := range map[string]map[string]string{
		"database up": {"DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "inboxbot.db")},
		// The name is checked first: a bad name is bad usage whatever the
		// database does.
		"database down": {"DATABASE_URL": "postgres://inboxbot@127.0.0.1:" + freePort(t) + "/inboxbot"},
	} {
		t.Run(name, func(t *testing.T) {
			setEnv(t, env)
			code, out, stderr := runCmd(t, "/inbox team\nquit\n", "shell", "--as", "<@U1>")
			if code != 2 || !strings.HasPrefix(stderr, "inboxbot: shell --as: ") || !strings.Contains(stderr, "cannot be a member name") ||
				!strings.Contains(stderr, shellUsage) {
				t.Errorf("shell --as '<@U1>': exit %d, stderr %q; want 2, the reason and the usage", code, stderr)
			}
			if out != "" {
				t.Errorf("the console ran: %q", out)
			}
		})
	}
}

func TestRun_HealthcheckFailsWithNothingListening(t *testing.T) {
	setEnv(t, map[string]string{"INBOXBOT_HTTP_ADDR": "127.0.0.1:" + freePort(t)})
	if code, _, stderr := runCmd(t, "", "healthcheck"); code != 1 || !strings.Contains(stderr, "healthcheck") {
		t.Fatalf("healthcheck with no server: exit %d, %q", code, stderr)
	}
}

func TestRun_HealthcheckPassesAgainstServe(t *testing.T) {
	t.Chdir(t.TempDir())
	base, _, _ := startServe(t, map[string]string{"DATABASE_URL": "sqlite::memory:"})
	t.Setenv("INBOXBOT_HTTP_ADDR", strings.TrimPrefix(base, "http://"))
	if code, _, stderr := runCmd(t, "", "healthcheck"); code != 0 {
		t.Fatalf("healthcheck against a running server: exit %d, %q", code, stderr)
	}
}
