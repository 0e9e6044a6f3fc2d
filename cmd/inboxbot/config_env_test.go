package main

import (
	"strings"
	"testing"
	"time"
)

// TestConfig_TokensFromSecretsFilesAreTrimmed: a token read from a file
// ends in a newline; kept as is, it locks every API client out silently.
func TestConfig_TokensFromSecretsFilesAreTrimmed(t *testing.T) {
	c := mustLoad(t, with(slackOn, "INBOXBOT_API_TOKEN", "APISECRET-0123456789\n", "SLACK_BOT_TOKEN", " xoxb-SECRET-bot\r\n"))
	if c.APIToken != "APISECRET-0123456789" || c.Slack.BotToken != "xoxb-SECRET-bot" {
		t.Fatalf("tokens not trimmed: %q %q", c.APIToken, c.Slack.BotToken)
	}
	notes := strings.Join(c.Notes, "\n")
	if !strings.Contains(notes, "INBOXBOT_API_TOKEN had white space") || !strings.Contains(notes, "SLACK_BOT_TOKEN had white space") {
		t.Fatalf("notes %q do not say the tokens were trimmed", notes)
	}
	for _, s := range secrets {
		if strings.Contains(notes, s) {
			t.Fatalf("notes quote the secret %q", s)
		}
	}
}

func TestConfig_ShutdownAndRetentionDefaultsAndErrors(t *testing.T) {
	c := mustLoad(t, nil)
	if c.ShutdownDrain != 5*time.Second || c.ShutdownTimeout != 20*time.Second || c.OutboxRetention != 168*time.Hour {
		t.Fatalf("defaults: drain %v timeout %v retention %v", c.ShutdownDrain, c.ShutdownTimeout, c.OutboxRetention)
	}
	if c := mustLoad(t, map[string]string{"INBOXBOT_SHUTDOWN_DRAIN": "0"}); c.ShutdownDrain != 0 {
		t.Fatalf("drain 0 = %v", c.ShutdownDrain)
	}
	for k, v := range map[string]string{"INBOXBOT_SHUTDOWN_DRAIN": "-1s", "INBOXBOT_SHUTDOWN_TIMEOUT": "0", "INBOXBOT_OUTBOX_RETENTION": "week"} {
		if _, err := load(t, map[string]string{k: v}); err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("%s=%q: error %v, want one naming it", k, v, err)
		}
	}
}

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"sqlite:inboxbot.db":                  "sqlite:inboxbot.db",
		"sqlite::memory:":                     "sqlite::memory:",
		"postgres://u:DBPASSWORD@h/db":        "postgres://u:xxxxx@h/db",
		"postgres://u@h/db":                   "postgres://u@h/db",
		"postgres://u:DBPASSWORD%zz@h/db":     "(unparsable URL hidden)",
		"postgres://h/db?password=DBPASSWORD": "postgres://h/db?password=xxxxx",
	} {
		if got := redactURL(in); got != want {
			t.Errorf("redactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestConfig_UnknownPrefixedVariableIsNotedByNameOnly(t *testing.T) {
	setEnv(t, nil)
	t.Setenv("INBOXBOT_API_TOKN", "APISECRET-0123456789")
	c := mustLoad(t, nil)
	notes := strings.Join(c.Notes, "\n")
	if !strings.Contains(notes, "INBOXBOT_API_TOKN is not an inboxbot variable") {
		t.Errorf("notes %q do not flag the typo", notes)
	}
	if strings.Contains(notes, "APISECRET") {
		t.Errorf("a note echoes a value: %q", notes)
	}
}
