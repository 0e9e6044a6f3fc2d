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

	"github.com/inboxbot/inboxbot/commands"
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
	OutboundURL          string `envconfig:"INBOXBOT_OUTBOUND_URL" desc:"where replies to contacts are POSTed (reply is off when empty)"`
	OutboundSecret       string `envconfig:"INBOXBOT_OUTBOUND_SECRET" secret:"true" desc:"HMAC key that signs replies sent to INBOXBOT_OUTBOUND_URL"`
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
	// DatabaseVar is the variable DatabaseURL came from (DATABASE_URL or
	// INBOXBOT_DATABASE_URL), so errors about the URL found only when the
	// database is opened name the one the user set.
	DatabaseVar string
	HTTPAddr    string
	APIToken    string
	// Admins is the INBOXBOT_ADMINS list as given; commands.EnsureAdmins
	// reads it.
	Admins               string
	RulesFile            string
	UnassignedAlertAfter time.Duration
	// OutboundURL and OutboundSecret deliver replies to contacts.
	OutboundURL, OutboundSecret string
	Slack                       slackConfig
	Discord                     discordConfig
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
// INBOXBOT_X falls back to X and an empty X to the default. from maps the
// canonical name of each variable that was set to the name it was read
// from, so that messages name what the user actually typed.
func loadEnv() (s sharedEnv, o ownEnv, from map[string]string, err error) {
	if err = envconfig.Process(envPrefix, &s); err != nil {
		return s, o, nil, fmt.Errorf("environment: %w", err)
	}
	if err = envconfig.Process("", &o); err != nil {
		return s, o, nil, fmt.Errorf("environment: %w", err)
	}
	from = map[string]string{}
	for _, v := range envVars(&s, &o) {
		if v.field.String() == "" && v.Prefixed {
			v.field.SetString(os.Getenv(v.Name))
		}
		if v.field.String() == "" {
			v.field.SetString(v.Default)
		}
		switch {
		case v.Prefixed && os.Getenv(envPrefix+"_"+v.Name) != "":
			from[v.Name] = envPrefix + "_" + v.Name
		case os.Getenv(v.Name) != "":
			from[v.Name] = v.Name
		}
	}
	return s, o, from, nil
}

// loadConfig reads and validates the configuration. The error is one line
// naming every problem; it never contains a secret.
func loadConfig() (config, error) {
	s, o, from, err := loadEnv()
	if err != nil {
		return config{}, err
	}
	c, err := validate(s, o, from)
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
// problem. from says which spelling each set variable came from (see
// loadEnv): messages name that one, and the canonical name for a variable
// that is missing. They quote only values that cannot be secret.
func validate(s sharedEnv, o ownEnv, from map[string]string) (config, error) {
	name := func(canonical string) string {
		if n := from[canonical]; n != "" {
			return n
		}
		return canonical
	}
	// explicit is the value of a variable with a default only when the
	// user set it, so a lone DISCORD_SHARD_COUNT counts as set but the
	// default does not.
	explicit := func(canonical, v string) string {
		if from[canonical] == "" {
			return ""
		}
		return v
	}
	c := config{
		DatabaseURL: s.DatabaseURL,
		DatabaseVar: name("DATABASE_URL"),
		HTTPAddr:    o.HTTPAddr,
		APIToken:    o.APIToken,
		RulesFile:   o.RulesFile,
		Admins:      o.Admins,
		OutboundURL: o.OutboundURL, OutboundSecret: o.OutboundSecret,
		Slack: slackConfig{BotToken: s.SlackBotToken, SigningSecret: s.SlackSigningSecret, AppToken: s.SlackAppToken,
			InboxChannel: s.SlackInboxChannel, APIURL: s.SlackAPIURL},
		Discord: discordConfig{BotToken: s.DiscordBotToken, AppID: s.DiscordAppID, PublicKey: s.DiscordPublicKey,
			GuildID: s.DiscordGuildID, InboxChannel: s.DiscordInboxChannel, APIURL: s.DiscordAPIURL},
	}
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	if msg := checkDatabaseURL(c.DatabaseVar, s.DatabaseURL); msg != "" {
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
	if _, err := commands.ParseAdmins(o.Admins); err != nil {
		bad("%s", err)
	}
	if msg := checkBaseURL("INBOXBOT_OUTBOUND_URL", o.OutboundURL); msg != "" {
		bad("%s", msg)
	}
	if o.OutboundURL != "" && o.OutboundSecret == "" {
		bad("INBOXBOT_OUTBOUND_SECRET is required when INBOXBOT_OUTBOUND_URL is set: it signs every reply, so the receiver can tell it came from inboxbot")
	}
	if o.APIToken != "" && len(o.APIToken) < 16 {
		c.Notes = append(c.Notes, "INBOXBOT_API_TOKEN is shorter than 16 characters; use a long random token")
	}

	// Slack: on with SLACK_BOT_TOKEN. HTTP mode verifies requests with the
	// signing secret; Socket Mode needs none. Any other Slack variable
	// without the token is a half-configured platform, SLACK_API_URL
	// included: DESIGN.md section 3 makes every half-configured platform a
	// start-up error, and a lone URL override most likely means the token
	// went missing.
	botToken, appToken := name("SLACK_BOT_TOKEN"), name("SLACK_APP_TOKEN")
	switch sl := c.Slack; {
	case sl.On():
		if strings.HasPrefix(sl.BotToken, "xapp-") {
			bad("%s holds an app-level token (xapp-...): put it in %s and the bot token (xoxb-...) in %s", botToken, appToken, botToken)
		}
		if strings.HasPrefix(sl.AppToken, "xoxb-") {
			bad("%s holds a bot token (xoxb-...): Socket Mode needs an app-level token (xapp-...)", appToken)
		}
		if sl.SigningSecret == "" && !sl.SocketMode() {
			bad("SLACK_SIGNING_SECRET is required when %s is set (or set SLACK_APP_TOKEN for Socket Mode)", botToken)
		}
		if sl.InboxChannel == "" {
			bad("SLACK_INBOX_CHANNEL is required when %s is set", botToken)
		}
	default:
		if set := firstSet(map[string]string{name("SLACK_SIGNING_SECRET"): sl.SigningSecret, appToken: sl.AppToken,
			name("SLACK_INBOX_CHANNEL"): sl.InboxChannel, name("SLACK_API_URL"): sl.APIURL}); set != "" {
			bad("SLACK_BOT_TOKEN is required when %s is set (or unset %s to leave Slack off)", set, set)
		}
	}
	if msg := checkBaseURL(name("SLACK_API_URL"), c.Slack.APIURL); msg != "" {
		bad("%s", msg)
	}

	// Discord: on with DISCORD_BOT_TOKEN, over the gateway unless
	// DISCORD_PUBLIC_KEY selects HTTP interactions. As for Slack, any
	// other Discord variable without the token is an error.
	discordToken := name("DISCORD_BOT_TOKEN")
	switch d := c.Discord; {
	case d.On():
		if d.AppID == "" {
			bad("DISCORD_APP_ID is required when %s is set", discordToken)
		}
		if d.InboxChannel == "" {
			bad("DISCORD_INBOX_CHANNEL is required when %s is set", discordToken)
		}
	default:
		if set := firstSet(map[string]string{name("DISCORD_APP_ID"): d.AppID, name("DISCORD_PUBLIC_KEY"): d.PublicKey,
			name("DISCORD_GUILD_ID"): d.GuildID, name("DISCORD_INBOX_CHANNEL"): d.InboxChannel, name("DISCORD_API_URL"): d.APIURL,
			name("DISCORD_SHARD_ID"):    explicit("DISCORD_SHARD_ID", s.DiscordShardID),
			name("DISCORD_SHARD_COUNT"): explicit("DISCORD_SHARD_COUNT", s.DiscordShardCount)}); set != "" {
			bad("DISCORD_BOT_TOKEN is required when %s is set (or unset %s to leave Discord off)", set, set)
		}
	}
	for _, id := range []struct{ canonical, v string }{{"DISCORD_APP_ID", c.Discord.AppID},
		{"DISCORD_GUILD_ID", c.Discord.GuildID}, {"DISCORD_INBOX_CHANNEL", c.Discord.InboxChannel}} {
		if id.v != "" && !snowflake(id.v) {
			bad("%s must be a numeric Discord id (got %q)", name(id.canonical), id.v)
		}
	}
	if k := c.Discord.PublicKey; k != "" {
		if b, err := hex.DecodeString(k); err != nil || len(b) != 32 {
			bad("%s must be the application's public key: 64 hex characters", name("DISCORD_PUBLIC_KEY"))
		}
	}
	if msg := checkBaseURL(name("DISCORD_API_URL"), c.Discord.APIURL); msg != "" {
		bad("%s", msg)
	}
	shardID, shardCount := name("DISCORD_SHARD_ID"), name("DISCORD_SHARD_COUNT")
	id, idErr := strconv.Atoi(s.DiscordShardID)
	count, countErr := strconv.Atoi(s.DiscordShardCount)
	switch {
	case idErr != nil || id < 0:
		bad("%s must be a whole number from 0 (got %q)", shardID, s.DiscordShardID)
	case countErr != nil || count < 1:
		bad("%s must be a whole number from 1 (got %q)", shardCount, s.DiscordShardCount)
	case id >= count:
		bad("%s must be below %s (%d); got %d", shardID, shardCount, count, id)
	default:
		c.Discord.ShardID, c.Discord.ShardCount = id, count
		if count > 1 && c.Discord.HTTPInteractions() {
			c.Notes = append(c.Notes, fmt.Sprintf("%s and %s are ignored: %s selects HTTP interactions, which use no gateway shards",
				shardID, shardCount, name("DISCORD_PUBLIC_KEY")))
		}
	}

	if len(problems) > 0 {
		return config{}, fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return c, nil
}

// checkDatabaseURL returns what is wrong with the database URL u, read
// from the variable name, or "". The URL's own text is never quoted back:
// it may hold a password.
func checkDatabaseURL(name, u string) string {
	switch {
	case strings.HasPrefix(u, "sqlite:"):
		if strings.TrimPrefix(u, "sqlite:") == "" {
			return name + " sqlite: needs a path, such as sqlite:inboxbot.db or sqlite::memory:"
		}
		return ""
	case strings.HasPrefix(u, "postgres://"), strings.HasPrefix(u, "postgresql://"):
		pu, err := url.Parse(u)
		if err != nil {
			return name + " is not a valid postgres:// URL (percent-encode special characters in the user name and password)"
		}
		if pu.Port() != "" && !validPort(pu.Port()) {
			return fmt.Sprintf("%s has an invalid port %q", name, pu.Port())
		}
		return ""
	default:
		return name + " must start with postgres://, postgresql:// or sqlite: (such as sqlite:inboxbot.db)"
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

// platforms names the chat platforms that are configured; whether they are
// on also depends on the build (see platformsOn).
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

// LogValue shows the configuration in logs with every secret left out. It
// leaves out the platforms: configured is not on when this build lacks the
// adapter, and serve logs the ones that are really on beside it.
func (c config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("database", redactURL(c.DatabaseURL)),
		slog.String("http_addr", c.HTTPAddr),
		slog.Bool("api", c.APIToken != ""),
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
Any other SLACK_ or DISCORD_ variable set without its platform's token
(the API URLs and shards included) stops the start.
`)
}
