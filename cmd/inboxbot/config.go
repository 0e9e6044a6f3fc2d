package main

import (
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"reflect"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kelseyhightower/envconfig"
)

// envPrefix is the optional prefix of the shared variables: DATABASE_URL
// may also be given as INBOXBOT_DATABASE_URL, so inboxbot can live next to
// other programs that read DATABASE_URL. The prefixed name wins when both
// are set: it is the more specific one, set on purpose for inboxbot (for
// example to point it away from a DATABASE_URL the platform injects).
const envPrefix = "INBOXBOT"

// sharedEnv holds the variables that may be given with or without the
// INBOXBOT_ prefix. Every field is a string so that envconfig never fails
// on a value: validate parses them and writes messages that name the
// variable and never echo a secret.
type sharedEnv struct {
	DatabaseURL string `envconfig:"DATABASE_URL" default:"sqlite:inboxbot.db" desc:"postgres://user:pass@host/db, or sqlite:PATH (sqlite::memory: for a throwaway)"`

	SlackBotToken      string `envconfig:"SLACK_BOT_TOKEN" secret:"true" desc:"Slack bot token (xoxb-...); turns Slack on"`
	SlackSigningSecret string `envconfig:"SLACK_SIGNING_SECRET" secret:"true" desc:"Slack signing secret; verifies /slack/* requests (HTTP mode)"`
	SlackAppToken      string `envconfig:"SLACK_APP_TOKEN" secret:"true" desc:"Slack app-level token (xapp-...); selects Socket Mode, no public URL needed"`
	SlackInboxChannel  string `envconfig:"SLACK_INBOX_CHANNEL" desc:"Slack channel id where conversation cards are posted"`
	SlackAPIURL        string `envconfig:"SLACK_API_URL" desc:"Slack Web API base URL (tests point it at a fake)"`

	DiscordBotToken     string `envconfig:"DISCORD_BOT_TOKEN" secret:"true" desc:"Discord bot token; turns Discord on"`
	DiscordAppID        string `envconfig:"DISCORD_APP_ID" desc:"Discord application id"`
	DiscordPublicKey    string `envconfig:"DISCORD_PUBLIC_KEY" desc:"Discord application public key (hex); selects HTTP interactions instead of the gateway"`
	DiscordGuildID      string `envconfig:"DISCORD_GUILD_ID" desc:"register /inbox in this guild only (else globally)"`
	DiscordInboxChannel string `envconfig:"DISCORD_INBOX_CHANNEL" desc:"Discord channel id where conversation cards are posted"`
	DiscordAPIURL       string `envconfig:"DISCORD_API_URL" desc:"Discord REST base URL (tests point it at a fake)"`
	DiscordShardID      string `envconfig:"DISCORD_SHARD_ID" default:"0" desc:"gateway shard of this process, 0 to DISCORD_SHARD_COUNT-1"`
	DiscordShardCount   string `envconfig:"DISCORD_SHARD_COUNT" default:"1" desc:"number of gateway shards"`
}

// ownEnv holds the variables that carry the INBOXBOT_ prefix in their
// name already; they have no other spelling.
type ownEnv struct {
	HTTPAddr             string `envconfig:"INBOXBOT_HTTP_ADDR" default:":8080" desc:"HTTP listen address"`
	APIToken             string `envconfig:"INBOXBOT_API_TOKEN" secret:"true" desc:"bearer token of the inbound API; the API is off when empty"`
	Admins               string `envconfig:"INBOXBOT_ADMINS" desc:"comma list of slack:U..., discord:... (or shell:NAME) users made admins at start"`
	RulesFile            string `envconfig:"INBOXBOT_RULES_FILE" desc:"team and rules YAML applied at start (as inboxbot rules apply FILE)"`
	UnassignedAlertAfter string `envconfig:"INBOXBOT_UNASSIGNED_ALERT_AFTER" default:"15m" desc:"alert managers about conversations unassigned this long"`
}

// envVar describes one variable, for loading, help and tests.
type envVar struct {
	Name     string // canonical name, as in DESIGN.md
	Prefixed bool   // may also be given as INBOXBOT_<Name>
	Default  string
	Desc     string
	Secret   bool
	field    reflect.Value
}

// envVars lists the variables of s and o in declaration order.
func envVars(s *sharedEnv, o *ownEnv) []envVar {
	var out []envVar
	add := func(v any, prefixed bool) {
		rv := reflect.ValueOf(v).Elem()
		for i := 0; i < rv.NumField(); i++ {
			f := rv.Type().Field(i)
			out = append(out, envVar{Name: f.Tag.Get("envconfig"), Prefixed: prefixed, Default: f.Tag.Get("default"),
				Desc: f.Tag.Get("desc"), Secret: f.Tag.Get("secret") == "true", field: rv.Field(i)})
		}
	}
	add(s, true)
	add(o, false)
	return out
}

// config is the validated configuration.
type config struct {
	DatabaseURL string
	HTTPAddr    string
	APIToken    string
	// Admins is the INBOXBOT_ADMINS list as given; commands.EnsureAdmins
	// reads it.
	Admins               string
	RulesFile            string
	UnassignedAlertAfter time.Duration
	Slack                slackConfig
	Discord              discordConfig
	// Notes are warnings about the configuration, logged at start.
	Notes []string
}

type slackConfig struct {
	BotToken, SigningSecret, AppToken, InboxChannel, APIURL string
}

// On reports whether Slack is configured.
func (c slackConfig) On() bool { return c.BotToken != "" }

// SocketMode reports whether Slack events arrive over Socket Mode rather
// than at /slack/*.
func (c slackConfig) SocketMode() bool { return c.AppToken != "" }

type discordConfig struct {
	BotToken, AppID, PublicKey, GuildID, InboxChannel, APIURL string
	ShardID, ShardCount                                       int
}

// On reports whether Discord is configured.
func (c discordConfig) On() bool { return c.BotToken != "" }

// HTTPInteractions reports whether interactions arrive at
// /discord/interactions rather than over the gateway.
func (c discordConfig) HTTPInteractions() bool { return c.PublicKey != "" }

// loadEnv reads the environment with envconfig. An empty variable counts as
// unset (compose files pass ${VAR:-} through as ""), so an empty
// INBOXBOT_X falls back to X and an empty X to the default.
func loadEnv() (sharedEnv, ownEnv, error) {
	var s sharedEnv
	var o ownEnv
	if err := envconfig.Process(envPrefix, &s); err != nil {
		return s, o, fmt.Errorf("environment: %w", err)
	}
	if err := envconfig.Process("", &o); err != nil {
		return s, o, fmt.Errorf("environment: %w", err)
	}
	for _, v := range envVars(&s, &o) {
		if v.field.String() == "" && v.Prefixed {
			v.field.SetString(os.Getenv(v.Name))
		}
		if v.field.String() == "" {
			v.field.SetString(v.Default)
		}
	}
	return s, o, nil
}

// loadConfig reads and validates the configuration. The error is one line
// naming every problem; it never contains a secret.
func loadConfig() (config, error) {
	s, o, err := loadEnv()
	if err != nil {
		return config{}, err
	}
	c, err := validate(s, o)
	if err != nil {
		return c, err
	}
	c.Notes = append(c.Notes, unknownVariables(os.Environ())...)
	return c, nil
}

// unknownVariables notes INBOXBOT_ variables inboxbot does not read: most
// likely a typo that would otherwise silently leave a setting at its
// default. Only names are reported, never values.
func unknownVariables(environ []string) []string {
	var s sharedEnv
	var o ownEnv
	known := map[string]bool{}
	for _, v := range envVars(&s, &o) {
		known[v.Name] = true
		if v.Prefixed {
			known[envPrefix+"_"+v.Name] = true
		}
	}
	var notes []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		// INBOXBOT_TEST_* belong to the test suite.
		if strings.HasPrefix(name, envPrefix+"_") && !strings.HasPrefix(name, envPrefix+"_TEST_") && !known[name] {
			notes = append(notes, name+" is not an inboxbot variable (a typo?); `inboxbot help` lists them")
		}
	}
	return notes
}

// validate turns the raw variables into a config, or an error naming each
// problem. Messages name variables by their canonical names and quote only
// values that cannot be secret.
func validate(s sharedEnv, o ownEnv) (config, error) {
	c := config{
		DatabaseURL: s.DatabaseURL,
		HTTPAddr:    o.HTTPAddr,
		APIToken:    o.APIToken,
		RulesFile:   o.RulesFile,
		Admins:      o.Admins,
		Slack: slackConfig{BotToken: s.SlackBotToken, SigningSecret: s.SlackSigningSecret, AppToken: s.SlackAppToken,
			InboxChannel: s.SlackInboxChannel, APIURL: s.SlackAPIURL},
		Discord: discordConfig{BotToken: s.DiscordBotToken, AppID: s.DiscordAppID, PublicKey: s.DiscordPublicKey,
			GuildID: s.DiscordGuildID, InboxChannel: s.DiscordInboxChannel, APIURL: s.DiscordAPIURL},
	}
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	if msg := checkDatabaseURL(s.DatabaseURL); msg != "" {
		bad("%s", msg)
	}
	if _, port, err := net.SplitHostPort(o.HTTPAddr); err != nil || !validPort(port) {
		bad("INBOXBOT_HTTP_ADDR must be host:port or :port, such as :8080 (got %q)", o.HTTPAddr)
	}
	if d, err := time.ParseDuration(o.UnassignedAlertAfter); err != nil || d <= 0 {
		bad("INBOXBOT_UNASSIGNED_ALERT_AFTER must be a positive duration such as 15m or 1h30m (got %q)", o.UnassignedAlertAfter)
	} else {
		c.UnassignedAlertAfter = d
	}
	for _, a := range strings.Split(o.Admins, ",") {
		a = strings.TrimSpace(a)
		if a == "" {
			continue
		}
		platform, id, ok := strings.Cut(a, ":")
		switch strings.ToLower(strings.TrimSpace(platform)) {
		case "slack", "discord", "shell":
		default:
			ok = false
		}
		if !ok || strings.TrimSpace(id) == "" {
			bad("INBOXBOT_ADMINS entry %q must be slack:USERID, discord:USERID or shell:NAME", a)
		}
	}
	if o.APIToken != "" && len(o.APIToken) < 16 {
		c.Notes = append(c.Notes, "INBOXBOT_API_TOKEN is shorter than 16 characters; use a long random token")
	}

	// Slack: on with SLACK_BOT_TOKEN. HTTP mode verifies requests with the
	// signing secret; Socket Mode needs none.
	switch sl := c.Slack; {
	case sl.On():
		if strings.HasPrefix(sl.BotToken, "xapp-") {
			bad("SLACK_BOT_TOKEN holds an app-level token (xapp-...): put it in SLACK_APP_TOKEN and the bot token (xoxb-...) in SLACK_BOT_TOKEN")
		}
		if strings.HasPrefix(sl.AppToken, "xoxb-") {
			bad("SLACK_APP_TOKEN holds a bot token (xoxb-...): Socket Mode needs an app-level token (xapp-...)")
		}
		if sl.SigningSecret == "" && !sl.SocketMode() {
			bad("SLACK_SIGNING_SECRET is required when SLACK_BOT_TOKEN is set (or set SLACK_APP_TOKEN for Socket Mode)")
		}
		if sl.InboxChannel == "" {
			bad("SLACK_INBOX_CHANNEL is required when SLACK_BOT_TOKEN is set")
		}
	default:
		if set := firstSet(map[string]string{"SLACK_SIGNING_SECRET": sl.SigningSecret, "SLACK_APP_TOKEN": sl.AppToken,
			"SLACK_INBOX_CHANNEL": sl.InboxChannel}); set != "" {
			bad("SLACK_BOT_TOKEN is required when %s is set (or unset %s to leave Slack off)", set, set)
		}
	}
	if msg := checkBaseURL("SLACK_API_URL", c.Slack.APIURL); msg != "" {
		bad("%s", msg)
	}

	// Discord: on with DISCORD_BOT_TOKEN, over the gateway unless
	// DISCORD_PUBLIC_KEY selects HTTP interactions.
	switch d := c.Discord; {
	case d.On():
		if d.AppID == "" {
			bad("DISCORD_APP_ID is required when DISCORD_BOT_TOKEN is set")
		}
		if d.InboxChannel == "" {
			bad("DISCORD_INBOX_CHANNEL is required when DISCORD_BOT_TOKEN is set")
		}
	default:
		if set := firstSet(map[string]string{"DISCORD_APP_ID": d.AppID, "DISCORD_PUBLIC_KEY": d.PublicKey,
			"DISCORD_GUILD_ID": d.GuildID, "DISCORD_INBOX_CHANNEL": d.InboxChannel}); set != "" {
			bad("DISCORD_BOT_TOKEN is required when %s is set (or unset %s to leave Discord off)", set, set)
		}
	}
	for name, v := range map[string]string{"DISCORD_APP_ID": c.Discord.AppID, "DISCORD_GUILD_ID": c.Discord.GuildID,
		"DISCORD_INBOX_CHANNEL": c.Discord.InboxChannel} {
		if v != "" && !snowflake(v) {
			bad("%s must be a numeric Discord id (got %q)", name, v)
		}
	}
	if k := c.Discord.PublicKey; k != "" {
		if b, err := hex.DecodeString(k); err != nil || len(b) != 32 {
			bad("DISCORD_PUBLIC_KEY must be the application's public key: 64 hex characters")
		}
	}
	if msg := checkBaseURL("DISCORD_API_URL", c.Discord.APIURL); msg != "" {
		bad("%s", msg)
	}
	id, idErr := strconv.Atoi(s.DiscordShardID)
	count, countErr := strconv.Atoi(s.DiscordShardCount)
	switch {
	case idErr != nil || id < 0:
		bad("DISCORD_SHARD_ID must be a whole number from 0 (got %q)", s.DiscordShardID)
	case countErr != nil || count < 1:
		bad("DISCORD_SHARD_COUNT must be a whole number from 1 (got %q)", s.DiscordShardCount)
	case id >= count:
		bad("DISCORD_SHARD_ID must be below DISCORD_SHARD_COUNT (%d); got %d", count, id)
	default:
		c.Discord.ShardID, c.Discord.ShardCount = id, count
		if count > 1 && c.Discord.HTTPInteractions() {
			c.Notes = append(c.Notes, "DISCORD_SHARD_ID and DISCORD_SHARD_COUNT are ignored: DISCORD_PUBLIC_KEY selects HTTP interactions, which use no gateway shards")
		}
	}

	if len(problems) > 0 {
		return config{}, fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return c, nil
}

// checkDatabaseURL returns what is wrong with a DATABASE_URL, or "". The
// URL's own text is never quoted back: it may hold a password.
func checkDatabaseURL(u string) string {
	switch {
	case strings.HasPrefix(u, "sqlite:"):
		if strings.TrimPrefix(u, "sqlite:") == "" {
			return "DATABASE_URL sqlite: needs a path, such as sqlite:inboxbot.db or sqlite::memory:"
		}
		return ""
	case strings.HasPrefix(u, "postgres://"), strings.HasPrefix(u, "postgresql://"):
		pu, err := url.Parse(u)
		if err != nil {
			return "DATABASE_URL is not a valid postgres:// URL (percent-encode special characters in the user name and password)"
		}
		if pu.Port() != "" && !validPort(pu.Port()) {
			return fmt.Sprintf("DATABASE_URL has an invalid port %q", pu.Port())
		}
		return ""
	default:
		return "DATABASE_URL must start with postgres://, postgresql:// or sqlite: (such as sqlite:inboxbot.db)"
	}
}

// checkBaseURL returns what is wrong with an API base URL override, or "".
func checkBaseURL(name, v string) string {
	if v == "" {
		return ""
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return name + " must be an http:// or https:// URL"
	}
	return ""
}

func validPort(p string) bool {
	n, err := strconv.Atoi(p)
	return err == nil && n >= 0 && n <= 65535
}

func snowflake(s string) bool {
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}

// firstSet returns the alphabetically first name whose value is set, so
// the message is the same from run to run.
func firstSet(vars map[string]string) string {
	first := ""
	for name, v := range vars {
		if v != "" && (first == "" || name < first) {
			first = name
		}
	}
	return first
}

// redactURL hides the password of a database URL for logs, in the
// user info and in pgx's password query parameter.
func redactURL(u string) string {
	pu, err := url.Parse(u)
	if err != nil {
		if strings.Contains(u, "@") || strings.Contains(u, "password") {
			return "(unparsable URL hidden)"
		}
		return u
	}
	if q := pu.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		pu.RawQuery = q.Encode()
	}
	return pu.Redacted()
}

// platforms names the chat platforms that are configured.
func (c config) platforms() []string {
	var on []string
	if c.Slack.On() {
		on = append(on, "slack")
	}
	if c.Discord.On() {
		on = append(on, "discord")
	}
	return on
}

// LogValue shows the configuration in logs with every secret left out.
func (c config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("database", redactURL(c.DatabaseURL)),
		slog.String("http_addr", c.HTTPAddr),
		slog.Bool("api", c.APIToken != ""),
		slog.String("platforms", strings.Join(c.platforms(), ",")),
		slog.String("rules_file", c.RulesFile),
		slog.Bool("admins", c.Admins != ""),
		slog.String("unassigned_alert_after", c.UnassignedAlertAfter.String()),
	)
}

// writeHelp prints the subcommands and every variable with its meaning and
// default; never a value from the environment.
func writeHelp(w io.Writer) {
	fmt.Fprint(w, `inboxbot: a chat-native team inbox for Slack and Discord.

Usage:
  inboxbot [serve]              run the service (the default): HTTP, outbox, alerts
  inboxbot migrate              apply database migrations and exit
  inboxbot shell --as NAME      a local chat console on the same database: type /inbox ...
  inboxbot rules apply FILE     apply a team and rules YAML file
  inboxbot rules export [FILE]  write the team and rules as YAML (to stdout without FILE)
  inboxbot healthcheck          exit 0 when the local server answers /healthz (Docker)
  inboxbot help                 this text

Environment (an empty variable counts as unset). Names marked * may also be
given with the INBOXBOT_ prefix (INBOXBOT_DATABASE_URL); when both are set,
the prefixed one wins. Secrets are never printed or logged.

`)
	var s sharedEnv
	var o ownEnv
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  VARIABLE\tDEFAULT\tMEANING")
	for _, v := range envVars(&s, &o) {
		name := v.Name
		if v.Prefixed {
			name += " *"
		}
		desc := v.Desc
		if v.Secret {
			desc += " (secret)"
		}
		def := v.Default
		if def == "" {
			def = "-"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", name, def, desc)
	}
	tw.Flush()
	fmt.Fprint(w, `
Slack is on when SLACK_BOT_TOKEN is set; it then needs SLACK_INBOX_CHANNEL and
SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode). Discord is on
when DISCORD_BOT_TOKEN is set; it then needs DISCORD_APP_ID and
DISCORD_INBOX_CHANNEL, and DISCORD_PUBLIC_KEY selects HTTP interactions.
`)
}
