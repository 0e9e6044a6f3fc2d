package main

import (
	"bytes"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

// secrets are the secret values the tests configure; none may ever appear
// in an error message, the help text or a log line.
var secrets = []string{"xoxb-SECRET-bot", "SIGNSECRET", "xapp-SECRET-app", "DISCORDSECRET", "APISECRET-0123456789", "DBPASSWORD"}

const pubKey = "9f3a0c1b2d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5061728394a5b6c7d8e"

// setEnv makes the environment exactly env as far as inboxbot is
// concerned: every variable it reads, under either name, is unset first.
func setEnv(t *testing.T, env map[string]string) {
	t.Helper()
	var s sharedEnv
	var o ownEnv
	for _, v := range envVars(&s, &o) {
		names := []string{v.Name}
		if v.Prefixed {
			names = append(names, envPrefix+"_"+v.Name)
		}
		for _, n := range names {
			t.Setenv(n, "") // restores the old value after the test
			os.Unsetenv(n)
		}
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
}

func load(t *testing.T, env map[string]string) (config, error) {
	t.Helper()
	setEnv(t, env)
	return loadConfig()
}

func mustLoad(t *testing.T, env map[string]string) config {
	t.Helper()
	c, err := load(t, env)
	if err != nil {
		t.Fatalf("config %v: %v", env, err)
	}
	return c
}

func TestConfig_DefaultsOnAFreshMachine(t *testing.T) {
	c := mustLoad(t, nil)
	if c.DatabaseURL != "sqlite:inboxbot.db" || c.HTTPAddr != ":8080" || c.APIToken != "" ||
		c.UnassignedAlertAfter != 15*time.Minute || c.RulesFile != "" || c.Admins != "" ||
		c.Slack.On() || c.Discord.On() || c.Discord.ShardID != 0 || c.Discord.ShardCount != 1 || len(c.Notes) != 0 {
		t.Fatalf("defaults: %+v", c)
	}
}

// slackOn and discordOn are complete platform configurations.
var (
	slackOn   = map[string]string{"SLACK_BOT_TOKEN": "xoxb-SECRET-bot", "SLACK_SIGNING_SECRET": "SIGNSECRET", "SLACK_INBOX_CHANNEL": "C0INBOX"}
	discordOn = map[string]string{"DISCORD_BOT_TOKEN": "DISCORDSECRET", "DISCORD_APP_ID": "1000000000000000001", "DISCORD_INBOX_CHANNEL": "1000000000000000002"}
)

func with(base map[string]string, kv ...string) map[string]string {
	out := map[string]string{}
	for k, v := range base {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// everyVariable sets each variable and reads it back from the config.
var everyVariable = []struct {
	name, value string
	base        map[string]string
	got         func(config) any
	want        any
}{
	{"DATABASE_URL", "postgres://inboxbot:DBPASSWORD@db:5432/inboxbot?sslmode=disable", nil,
		func(c config) any { return c.DatabaseURL }, "postgres://inboxbot:DBPASSWORD@db:5432/inboxbot?sslmode=disable"},
	{"SLACK_BOT_TOKEN", "xoxb-SECRET-bot", slackOn, func(c config) any { return c.Slack.BotToken }, "xoxb-SECRET-bot"},
	{"SLACK_SIGNING_SECRET", "SIGNSECRET", slackOn, func(c config) any { return c.Slack.SigningSecret }, "SIGNSECRET"},
	{"SLACK_APP_TOKEN", "xapp-SECRET-app", slackOn, func(c config) any { return c.Slack.AppToken }, "xapp-SECRET-app"},
	{"SLACK_INBOX_CHANNEL", "C0OTHER", slackOn, func(c config) any { return c.Slack.InboxChannel }, "C0OTHER"},
	{"SLACK_INTAKE_CHANNELS", "C0HELP, G0VIP", slackOn, func(c config) any { return strings.Join(c.Slack.IntakeChannels, ",") }, "C0HELP,G0VIP"},
	{"SLACK_API_URL", "http://127.0.0.1:9999/api/", slackOn, func(c config) any { return c.Slack.APIURL }, "http://127.0.0.1:9999/api/"},
	{"DISCORD_BOT_TOKEN", "DISCORDSECRET", discordOn, func(c config) any { return c.Discord.BotToken }, "DISCORDSECRET"},
	{"DISCORD_APP_ID", "1000000000000000009", discordOn, func(c config) any { return c.Discord.AppID }, "1000000000000000009"},
	{"DISCORD_PUBLIC_KEY", pubKey, discordOn, func(c config) any { return c.Discord.PublicKey }, pubKey},
	{"DISCORD_GUILD_ID", "1000000000000000003", discordOn, func(c config) any { return c.Discord.GuildID }, "1000000000000000003"},
	{"DISCORD_AGENT_ROLE", "1000000000000000004", discordOn, func(c config) any { return c.Discord.AgentRole }, "1000000000000000004"},
	{"DISCORD_INBOX_CHANNEL", "1000000000000000004", discordOn, func(c config) any { return c.Discord.InboxChannel }, "1000000000000000004"},
	{"DISCORD_API_URL", "https://discord.test/api/v10", discordOn, func(c config) any { return c.Discord.APIURL }, "https://discord.test/api/v10"},
	{"DISCORD_SHARD_ID", "2", with(discordOn, "DISCORD_SHARD_COUNT", "4"), func(c config) any { return c.Discord.ShardID }, 2},
	{"DISCORD_SHARD_COUNT", "4", discordOn, func(c config) any { return c.Discord.ShardCount }, 4},
	{"DISCORD_SUPPORT_CHANNEL", "1000000000000000006", with(discordOn, "DISCORD_AGENT_ROLE", "1000000000000000005"),
		func(c config) any { return c.Discord.SupportChannel }, "1000000000000000006"},
	{"INBOXBOT_HTTP_ADDR", "127.0.0.1:9090", nil, func(c config) any { return c.HTTPAddr }, "127.0.0.1:9090"},
	{"INBOXBOT_API_TOKEN", "APISECRET-0123456789", nil, func(c config) any { return c.APIToken }, "APISECRET-0123456789"},
	{"INBOXBOT_ADMINS", "slack:U0DANA, discord:1000000000000000001,shell:dana", nil, func(c config) any { return c.Admins },
		"slack:U0DANA, discord:1000000000000000001,shell:dana"},
	{"INBOXBOT_RULES_FILE", "/etc/inboxbot/team.yaml", nil, func(c config) any { return c.RulesFile }, "/etc/inboxbot/team.yaml"},
	{"INBOXBOT_UNASSIGNED_ALERT_AFTER", "1h30m", nil, func(c config) any { return c.UnassignedAlertAfter }, 90 * time.Minute},
	{"INBOXBOT_OUTBOUND_URL", "https://crm.example/inboxbot", map[string]string{"INBOXBOT_OUTBOUND_SECRET": "HOOKSECRET"},
		func(c config) any { return c.OutboundURL }, "https://crm.example/inboxbot"},
	{"INBOXBOT_OUTBOUND_SECRET", "HOOKSECRET", map[string]string{"INBOXBOT_OUTBOUND_URL": "https://crm.example/inboxbot"},
		func(c config) any { return c.OutboundSecret }, "HOOKSECRET"},
	{"INBOXBOT_SHUTDOWN_DRAIN", "0", nil, func(c config) any { return c.ShutdownDrain }, time.Duration(0)},
	{"INBOXBOT_SHUTDOWN_TIMEOUT", "45s", nil, func(c config) any { return c.ShutdownTimeout }, 45 * time.Second},
	{"INBOXBOT_OUTBOX_RETENTION", "24h", nil, func(c config) any { return c.OutboxRetention }, 24 * time.Hour},
}

func TestConfig_EveryVariableUnderEachName(t *testing.T) {
	var s sharedEnv
	var o ownEnv
	tested := map[string]bool{}
	for _, tc := range everyVariable {
		tested[tc.name] = true
	}
	for _, v := range envVars(&s, &o) {
		if !tested[v.Name] {
			t.Errorf("variable %s has no test case", v.Name)
		}
	}
	prefixed := map[string]bool{}
	for _, v := range envVars(&s, &o) {
		prefixed[v.Name] = v.Prefixed
	}
	for _, tc := range everyVariable {
		names := []string{tc.name}
		if prefixed[tc.name] {
			names = append(names, envPrefix+"_"+tc.name)
		} else if !strings.HasPrefix(tc.name, envPrefix+"_") {
			t.Errorf("%s has no INBOXBOT_ prefix and no prefixed spelling", tc.name)
		}
		for _, name := range names {
			t.Run(name, func(t *testing.T) {
				env := with(tc.base, name, tc.value)
				if name != tc.name {
					delete(env, tc.name) // only the prefixed spelling
				}
				c := mustLoad(t, env)
				if got := tc.got(c); got != tc.want {
					t.Errorf("%s=%s: got %v, want %v", name, tc.value, got, tc.want)
				}
			})
		}
	}
}

func TestConfig_OwnVariablesHaveNoOtherSpelling(t *testing.T) {
	c := mustLoad(t, map[string]string{"HTTP_ADDR": ":1", "API_TOKEN": "x", "INBOXBOT_INBOXBOT_HTTP_ADDR": ":2"})
	if c.HTTPAddr != ":8080" || c.APIToken != "" {
		t.Fatalf("unprefixed or doubly prefixed spellings were read: %+v", c)
	}
}

func TestConfig_PrefixedNameWinsAndEmptyCountsAsUnset(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"both set: prefixed wins", map[string]string{"DATABASE_URL": "sqlite:plain.db", "INBOXBOT_DATABASE_URL": "sqlite:prefixed.db"}, "sqlite:prefixed.db"},
		{"prefixed empty: plain used", map[string]string{"DATABASE_URL": "sqlite:plain.db", "INBOXBOT_DATABASE_URL": ""}, "sqlite:plain.db"},
		{"plain empty: default", map[string]string{"DATABASE_URL": ""}, "sqlite:inboxbot.db"},
		{"both empty: default", map[string]string{"DATABASE_URL": "", "INBOXBOT_DATABASE_URL": ""}, "sqlite:inboxbot.db"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := mustLoad(t, tc.env).DatabaseURL; got != tc.want {
				t.Errorf("DatabaseURL = %q, want %q", got, tc.want)
			}
		})
	}
	if got := mustLoad(t, map[string]string{"INBOXBOT_HTTP_ADDR": ""}).HTTPAddr; got != ":8080" {
		t.Errorf("empty INBOXBOT_HTTP_ADDR: %q, want the default :8080", got)
	}
	if got := mustLoad(t, map[string]string{"INBOXBOT_UNASSIGNED_ALERT_AFTER": ""}).UnassignedAlertAfter; got != 15*time.Minute {
		t.Errorf("empty INBOXBOT_UNASSIGNED_ALERT_AFTER: %v, want the default 15m", got)
	}
}

func TestConfig_PlatformsOnAndModes(t *testing.T) {
	c := mustLoad(t, with(slackOn, "INBOXBOT_API_TOKEN", "APISECRET-0123456789"))
	if !c.Slack.On() || c.Slack.SocketMode() || c.Discord.On() {
		t.Errorf("slack HTTP mode: %+v", c.Slack)
	}
	socket := with(slackOn, "SLACK_APP_TOKEN", "xapp-SECRET-app")
	delete(socket, "SLACK_SIGNING_SECRET")
	if c := mustLoad(t, socket); !c.Slack.SocketMode() {
		t.Errorf("SLACK_APP_TOKEN without a signing secret should be Socket Mode: %+v", c.Slack)
	}
	if c := mustLoad(t, discordOn); !c.Discord.On() || c.Discord.HTTPInteractions() {
		t.Errorf("discord gateway: %+v", c.Discord)
	}
	if c := mustLoad(t, with(discordOn, "DISCORD_PUBLIC_KEY", pubKey)); !c.Discord.HTTPInteractions() {
		t.Errorf("discord with a public key should take HTTP interactions: %+v", c.Discord)
	}
	both := mustLoad(t, with(with(slackOn), "DISCORD_BOT_TOKEN", "DISCORDSECRET", "DISCORD_APP_ID", "1", "DISCORD_INBOX_CHANNEL", "2"))
	if got := strings.Join(both.platforms(), ","); got != "slack,discord" {
		t.Errorf("platforms = %q", got)
	}
}

// startupErrors are configurations that must stop the start, with a
// part of the message each must give.
var startupErrors = []struct {
	name string
	env  map[string]string
	want string
}{
	{"slack without signing secret", with(slackOn, "SLACK_SIGNING_SECRET", ""),
		"SLACK_SIGNING_SECRET is required when SLACK_BOT_TOKEN is set (or set SLACK_APP_TOKEN for Socket Mode)"},
	{"slack without inbox channel", with(slackOn, "SLACK_INBOX_CHANNEL", ""),
		"SLACK_INBOX_CHANNEL is required when SLACK_BOT_TOKEN is set"},
	{"slack prefixed token without signing secret", map[string]string{"INBOXBOT_SLACK_BOT_TOKEN": "xoxb-SECRET-bot", "SLACK_INBOX_CHANNEL": "C1"},
		"SLACK_SIGNING_SECRET is required when INBOXBOT_SLACK_BOT_TOKEN is set"},
	{"prefixed database url wins and is named", map[string]string{"DATABASE_URL": "sqlite::memory:", "INBOXBOT_DATABASE_URL": "garbage2"},
		"INBOXBOT_DATABASE_URL must start with postgres://"},
	{"slack secret without token", map[string]string{"SLACK_SIGNING_SECRET": "SIGNSECRET"},
		"SLACK_BOT_TOKEN is required when SLACK_SIGNING_SECRET is set (or unset SLACK_SIGNING_SECRET to leave Slack off)"},
	{"slack app token without token", map[string]string{"SLACK_APP_TOKEN": "xapp-SECRET-app"},
		"SLACK_BOT_TOKEN is required when SLACK_APP_TOKEN is set"},
	{"slack channel without token", map[string]string{"SLACK_INBOX_CHANNEL": "C1"},
		"SLACK_BOT_TOKEN is required when SLACK_INBOX_CHANNEL is set"},
	{"slack api url without token", map[string]string{"SLACK_API_URL": "http://127.0.0.1:9999/api/"},
		"SLACK_BOT_TOKEN is required when SLACK_API_URL is set (or unset SLACK_API_URL to leave Slack off)"},
	{"slack tokens swapped", with(slackOn, "SLACK_BOT_TOKEN", "xapp-SECRET-app"),
		"SLACK_BOT_TOKEN holds an app-level token (xapp-...)"},
	{"slack app token is a bot token", with(slackOn, "SLACK_APP_TOKEN", "xoxb-SECRET-bot"),
		"SLACK_APP_TOKEN holds a bot token (xoxb-...)"},
	{"slack api url", with(slackOn, "SLACK_API_URL", "ftp://x"), "SLACK_API_URL must be an http:// or https:// URL"},
	{"slack intake channel name", with(slackOn, "SLACK_INTAKE_CHANNELS", "C0HELP,#support"),
		`SLACK_INTAKE_CHANNELS must be a comma list of channel ids such as C0123ABCDEF, not names (got "#support")`},
	{"slack intake is the inbox", with(slackOn, "SLACK_INTAKE_CHANNELS", "C0INBOX"),
		"SLACK_INTAKE_CHANNELS lists C0INBOX, the inbox channel"},
	{"slack intake without token", map[string]string{"SLACK_INTAKE_CHANNELS": "C0HELP"},
		"SLACK_BOT_TOKEN is required when SLACK_INTAKE_CHANNELS is set"},
	{"slack channel name", with(slackOn, "SLACK_INBOX_CHANNEL", "#inbox"),
		`SLACK_INBOX_CHANNEL must be a channel id such as C0123ABCDEF, not a name (got "#inbox")`},
	{"slack channel name without #", with(slackOn, "SLACK_INBOX_CHANNEL", "inbox"), `SLACK_INBOX_CHANNEL must be a channel id`},
	{"slack dm channel", with(slackOn, "SLACK_INBOX_CHANNEL", "D0123ABC"), `SLACK_INBOX_CHANNEL must be a channel id`},
	{"discord channel name", with(discordOn, "DISCORD_INBOX_CHANNEL", "#inbox"),
		`DISCORD_INBOX_CHANNEL must be a numeric Discord id (got "#inbox")`},
	{"discord without app id", with(discordOn, "DISCORD_APP_ID", ""), "DISCORD_APP_ID is required when DISCORD_BOT_TOKEN is set"},
	{"discord without inbox channel", with(discordOn, "DISCORD_INBOX_CHANNEL", ""),
		"DISCORD_INBOX_CHANNEL is required when DISCORD_BOT_TOKEN is set"},
	{"discord app id without token", map[string]string{"DISCORD_APP_ID": "1"}, "DISCORD_BOT_TOKEN is required when DISCORD_APP_ID is set"},
	{"discord public key without token", map[string]string{"DISCORD_PUBLIC_KEY": pubKey}, "DISCORD_BOT_TOKEN is required when DISCORD_PUBLIC_KEY is set"},
	{"discord guild without token", map[string]string{"DISCORD_GUILD_ID": "1"}, "DISCORD_BOT_TOKEN is required when DISCORD_GUILD_ID is set"},
	{"discord api url without token", map[string]string{"DISCORD_API_URL": "https://discord.test/api/v10"},
		"DISCORD_BOT_TOKEN is required when DISCORD_API_URL is set (or unset DISCORD_API_URL to leave Discord off)"},
	{"discord shard id without token", map[string]string{"DISCORD_SHARD_ID": "0"}, "DISCORD_BOT_TOKEN is required when DISCORD_SHARD_ID is set"},
	{"discord shard count without token", map[string]string{"DISCORD_SHARD_COUNT": "2"}, "DISCORD_BOT_TOKEN is required when DISCORD_SHARD_COUNT is set"},
	{"discord app id not numeric", with(discordOn, "DISCORD_APP_ID", "my-app"), `DISCORD_APP_ID must be a numeric Discord id (got "my-app")`},
	{"discord guild not numeric", with(discordOn, "DISCORD_GUILD_ID", "guild"), `DISCORD_GUILD_ID must be a numeric Discord id`},
	{"discord agent role not numeric", with(discordOn, "DISCORD_AGENT_ROLE", "agents"), `DISCORD_AGENT_ROLE must be a numeric Discord id`},
	{"discord agent role without token", map[string]string{"DISCORD_AGENT_ROLE": "1"}, "DISCORD_BOT_TOKEN is required when DISCORD_AGENT_ROLE is set"},
	{"discord channel not numeric", with(discordOn, "DISCORD_INBOX_CHANNEL", "#inbox"), `DISCORD_INBOX_CHANNEL must be a numeric Discord id`},
	{"support channel without agent role", with(discordOn, "DISCORD_SUPPORT_CHANNEL", "1000000000000000006"),
		"DISCORD_AGENT_ROLE is required when DISCORD_SUPPORT_CHANNEL is set"},
	{"support channel in http mode", with(discordOn, "DISCORD_SUPPORT_CHANNEL", "1000000000000000006",
		"DISCORD_AGENT_ROLE", "1000000000000000005", "DISCORD_PUBLIC_KEY", pubKey),
		"DISCORD_SUPPORT_CHANNEL needs the gateway (customers' messages and DMs arrive only there): unset DISCORD_PUBLIC_KEY"},
	{"support channel is the inbox", with(discordOn, "DISCORD_SUPPORT_CHANNEL", "1000000000000000004",
		"DISCORD_AGENT_ROLE", "1000000000000000005", "DISCORD_INBOX_CHANNEL", "1000000000000000004"),
		"DISCORD_SUPPORT_CHANNEL must differ from DISCORD_INBOX_CHANNEL"},
	{"support channel not numeric", with(discordOn, "DISCORD_SUPPORT_CHANNEL", "#support", "DISCORD_AGENT_ROLE", "1000000000000000005"),
		`DISCORD_SUPPORT_CHANNEL must be a numeric Discord id (got "#support")`},
	{"discord public key", with(discordOn, "DISCORD_PUBLIC_KEY", "abc"), "DISCORD_PUBLIC_KEY must be the application's public key: 64 hex characters"},
	{"discord api url", with(discordOn, "DISCORD_API_URL", "discord.com"), "DISCORD_API_URL must be an http:// or https:// URL"},
	{"shard id not a number", with(discordOn, "DISCORD_SHARD_ID", "one"), `DISCORD_SHARD_ID must be a whole number from 0 (got "one")`},
	{"shard id negative", with(discordOn, "DISCORD_SHARD_ID", "-1"), `DISCORD_SHARD_ID must be a whole number from 0`},
	{"shard count zero", with(discordOn, "DISCORD_SHARD_COUNT", "0"), `DISCORD_SHARD_COUNT must be a whole number from 1 (got "0")`},
	{"shard id past count", with(discordOn, "DISCORD_SHARD_ID", "4", "DISCORD_SHARD_COUNT", "4"), "DISCORD_SHARD_ID must be below DISCORD_SHARD_COUNT (4); got 4"},
	{"database scheme", map[string]string{"DATABASE_URL": "mysql://root:DBPASSWORD@db/inboxbot"},
		"DATABASE_URL must start with postgres://, postgresql:// or sqlite: (such as sqlite:inboxbot.db)"},
	{"database keyword dsn", map[string]string{"DATABASE_URL": "host=db user=inboxbot password=DBPASSWORD"},
		"DATABASE_URL must start with postgres://, postgresql:// or sqlite:"},
	{"database malformed", map[string]string{"DATABASE_URL": "postgres://inboxbot:DBPASSWORD%zz@db/inboxbot"},
		"DATABASE_URL is not a valid postgres:// URL (percent-encode special characters in the user name and password)"},
	{"database bad port", map[string]string{"DATABASE_URL": "postgres://inboxbot:DBPASSWORD@db:99999/inboxbot"},
		`DATABASE_URL has an invalid port "99999"`},
	{"database sqlite without path", map[string]string{"DATABASE_URL": "sqlite:"},
		"DATABASE_URL sqlite: needs a path, such as sqlite:inboxbot.db or sqlite::memory:"},
	{"duration malformed", map[string]string{"INBOXBOT_UNASSIGNED_ALERT_AFTER": "15"},
		`INBOXBOT_UNASSIGNED_ALERT_AFTER must be a positive duration such as 15m or 1h30m (got "15")`},
	{"duration negative", map[string]string{"INBOXBOT_UNASSIGNED_ALERT_AFTER": "-5m"},
		`INBOXBOT_UNASSIGNED_ALERT_AFTER must be a positive duration`},
	{"http addr", map[string]string{"INBOXBOT_HTTP_ADDR": "8080"}, `INBOXBOT_HTTP_ADDR must be host:port or :port, such as :8080 (got "8080")`},
	{"http addr port", map[string]string{"INBOXBOT_HTTP_ADDR": ":http-alt"}, `INBOXBOT_HTTP_ADDR must be host:port or :port`},
	{"admins entry", map[string]string{"INBOXBOT_ADMINS": "slack:U1,U2"}, `INBOXBOT_ADMINS entry "U2" must be slack:USERID, discord:USERID or shell:NAME`},
	{"admins platform", map[string]string{"INBOXBOT_ADMINS": "teams:U1"}, `INBOXBOT_ADMINS entry "teams:U1" must be`},
	{"admins empty id", map[string]string{"INBOXBOT_ADMINS": "discord:"}, `INBOXBOT_ADMINS entry "discord:" must be`},
}

func TestConfig_StartupErrorsNameTheVariable(t *testing.T) {
	for _, tc := range startupErrors {
		t.Run(tc.name, func(t *testing.T) {
			env := tc.env
			// Every secret is set in every case, so a message that echoed
			// one would be caught.
			for k, v := range map[string]string{"INBOXBOT_API_TOKEN": "APISECRET-0123456789"} {
				env = with(env, k, v)
			}
			_, err := load(t, env)
			if err == nil {
				t.Fatalf("config %v: no error, want %q", tc.env, tc.want)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) {
				t.Errorf("error %q\nwant it to contain %q", msg, tc.want)
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("error spans several lines: %q", msg)
			}
			for _, s := range secrets {
				if strings.Contains(msg, s) {
					t.Errorf("error %q contains the secret %q", msg, s)
				}
			}
		})
	}
}

// TestConfig_StartupErrorsNameThePrefixedSpellingWhenThatWasSet reruns
// every start-up error with each variable that may carry the INBOXBOT_
// prefix given with it: the message must name the variable the user set,
// not its other spelling.
func TestConfig_StartupErrorsNameThePrefixedSpellingWhenThatWasSet(t *testing.T) {
	var s sharedEnv
	var o ownEnv
	prefixable := map[string]bool{}
	for _, v := range envVars(&s, &o) {
		prefixable[v.Name] = v.Prefixed
	}
	for _, tc := range startupErrors {
		env, want, renamed := map[string]string{}, tc.want, false
		for k, v := range tc.env {
			// A case that already sets the prefixed spelling tests which
			// one wins: renaming the bare one onto it would let map order
			// decide the outcome.
			_, both := tc.env[envPrefix+"_"+k]
			if !prefixable[k] || v == "" || both {
				env[k] = v
				continue
			}
			env[envPrefix+"_"+k] = v
			// Whole names only: SLACK_BOT_TOKEN must not match inside
			// INBOXBOT_SLACK_BOT_TOKEN.
			want = regexp.MustCompile(`\b`+k+`\b`).ReplaceAllString(want, envPrefix+"_"+k)
			renamed = true
		}
		if !renamed {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			_, err := load(t, env)
			if err == nil {
				t.Fatalf("config %v: no error, want %q", env, want)
			}
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q\nwant it to contain %q", err, want)
			}
			for _, s := range secrets {
				if strings.Contains(err.Error(), s) {
					t.Errorf("error %q contains the secret %q", err, s)
				}
			}
		})
	}
}

func TestConfig_EveryPlatformVariableAloneIsAnError(t *testing.T) {
	var s sharedEnv
	var o ownEnv
	for _, v := range envVars(&s, &o) {
		platform, token := "", ""
		switch {
		case strings.HasPrefix(v.Name, "SLACK_"):
			platform, token = "Slack", "SLACK_BOT_TOKEN"
		case strings.HasPrefix(v.Name, "DISCORD_"):
			platform, token = "Discord", "DISCORD_BOT_TOKEN"
		}
		if platform == "" || v.Name == token {
			continue
		}
		value := map[string]string{"SLACK_API_URL": "http://127.0.0.1:9/", "DISCORD_API_URL": "http://127.0.0.1:9/",
			"DISCORD_PUBLIC_KEY": pubKey, "DISCORD_SHARD_ID": "0", "DISCORD_SHARD_COUNT": "1"}[v.Name]
		if value == "" {
			value = "1"
		}
		t.Run(v.Name, func(t *testing.T) {
			_, err := load(t, map[string]string{v.Name: value})
			want := token + " is required when " + v.Name + " is set (or unset " + v.Name + " to leave " + platform + " off)"
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s=%s alone: %v, want an error containing %q", v.Name, value, err, want)
			}
		})
	}
}

func TestConfig_EveryProblemIsReportedAtOnce(t *testing.T) {
	_, err := load(t, map[string]string{"SLACK_BOT_TOKEN": "xoxb-SECRET-bot", "INBOXBOT_UNASSIGNED_ALERT_AFTER": "soon"})
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"SLACK_SIGNING_SECRET", "SLACK_INBOX_CHANNEL", "INBOXBOT_UNASSIGNED_ALERT_AFTER"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
}

func TestConfig_NotesForQuestionableSettings(t *testing.T) {
	c := mustLoad(t, with(discordOn, "DISCORD_PUBLIC_KEY", pubKey, "DISCORD_SHARD_COUNT", "2", "INBOXBOT_API_TOKEN", "short"))
	notes := strings.Join(c.Notes, "\n")
	for _, want := range []string{"INBOXBOT_API_TOKEN is shorter than 16 characters", "DISCORD_SHARD_ID and DISCORD_SHARD_COUNT are ignored"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes %q lack %q", notes, want)
		}
	}
	if strings.Contains(notes, "short") && strings.Contains(notes, `"short"`) {
		t.Errorf("a note echoes the API token: %q", notes)
	}
}

func TestHelp_ListsEveryVariableAndCommandButNoValue(t *testing.T) {
	// Every secret set, under both names, to prove help reads none.
	env := with(with(slackOn, "SLACK_APP_TOKEN", "xapp-SECRET-app", "INBOXBOT_API_TOKEN", "APISECRET-0123456789",
		"DATABASE_URL", "postgres://u:DBPASSWORD@db/x"), "INBOXBOT_DISCORD_BOT_TOKEN", "DISCORDSECRET",
		"INBOXBOT_SLACK_BOT_TOKEN", "xoxb-SECRET-bot", "INBOXBOT_SLACK_SIGNING_SECRET", "SIGNSECRET",
		"INBOXBOT_SLACK_APP_TOKEN", "xapp-SECRET-app", "INBOXBOT_DATABASE_URL", "postgres://u:DBPASSWORD@db/y")
	setEnv(t, env)
	var out bytes.Buffer
	if code := run([]string{"help"}, strings.NewReader(""), &out, os.Stderr); code != 0 {
		t.Fatalf("help exit %d", code)
	}
	help := out.String()
	var s sharedEnv
	var o ownEnv
	for _, v := range envVars(&s, &o) {
		if !strings.Contains(help, v.Name) {
			t.Errorf("help lacks %s", v.Name)
		}
		if v.Default != "" && !strings.Contains(help, v.Default) {
			t.Errorf("help lacks the default %s of %s", v.Default, v.Name)
		}
		if v.Desc == "" {
			t.Errorf("%s has no description", v.Name)
		}
	}
	for _, cmd := range []string{"serve", "migrate", "shell --as NAME", "rules apply FILE", "rules export [FILE]", "help", "INBOXBOT_ prefix"} {
		if !strings.Contains(help, cmd) {
			t.Errorf("help lacks %q", cmd)
		}
	}
	for _, secret := range secrets {
		if strings.Contains(help, secret) {
			t.Errorf("help contains the secret %q", secret)
		}
	}
}

func TestConfig_LogValueHidesSecrets(t *testing.T) {
	plain := with(with(slackOn, "SLACK_APP_TOKEN", "xapp-SECRET-app", "INBOXBOT_API_TOKEN", "APISECRET-0123456789",
		"DATABASE_URL", "postgres://inboxbot:DBPASSWORD@db:5432/inboxbot"), "DISCORD_BOT_TOKEN", "DISCORDSECRET",
		"DISCORD_APP_ID", "1", "DISCORD_INBOX_CHANNEL", "2")
	prefixed := map[string]string{}
	for k, v := range plain {
		if !strings.HasPrefix(k, envPrefix+"_") {
			k = envPrefix + "_" + k
		}
		prefixed[k] = v
	}
	for name, env := range map[string]map[string]string{"plain": plain, "prefixed": prefixed} {
		t.Run(name, func(t *testing.T) {
			c := mustLoad(t, env)
			var buf bytes.Buffer
			slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{ReplaceAttr: hideSecrets})).Info("start", "config", c,
				"slack_bot_token", c.Slack.BotToken)
			line := buf.String()
			for _, s := range secrets {
				if strings.Contains(line, s) {
					t.Errorf("log line contains %q: %s", s, line)
				}
			}
			for _, want := range []string{"postgres://inboxbot:xxxxx@db:5432/inboxbot", `"api":true`} {
				if !strings.Contains(line, want) {
					t.Errorf("log line lacks %s: %s", want, line)
				}
			}
		})
	}
}
