package main

import (
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"reflect"
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
	SlackIntake        string `envconfig:"SLACK_INTAKE_CHANNELS" desc:"comma list of Slack channel ids where customers' messages open conversations (see docs/slack.md)"`

	DiscordBotToken       string `envconfig:"DISCORD_BOT_TOKEN" secret:"true" desc:"Discord bot token; turns Discord on"`
	DiscordAppID          string `envconfig:"DISCORD_APP_ID" desc:"Discord application id"`
	DiscordPublicKey      string `envconfig:"DISCORD_PUBLIC_KEY" desc:"Discord application public key (hex); selects HTTP interactions instead of the gateway"`
	DiscordGuildID        string `envconfig:"DISCORD_GUILD_ID" desc:"register /inbox in this guild only (else globally)"`
	DiscordInboxChannel   string `envconfig:"DISCORD_INBOX_CHANNEL" desc:"Discord channel id where conversation cards are posted"`
	DiscordAgentRole      string `envconfig:"DISCORD_AGENT_ROLE" desc:"Discord role id a person needs to join as an agent on first use (else anyone in the guild can)"`
	DiscordAPIURL         string `envconfig:"DISCORD_API_URL" desc:"Discord REST base URL (tests point it at a fake)"`
	DiscordShardID        string `envconfig:"DISCORD_SHARD_ID" default:"0" desc:"gateway shard of this process, 0 to DISCORD_SHARD_COUNT-1"`
	DiscordShardCount     string `envconfig:"DISCORD_SHARD_COUNT" default:"1" desc:"number of gateway shards"`
	DiscordSupportChannel string `envconfig:"DISCORD_SUPPORT_CHANNEL" desc:"channel with the Contact support panel; each request becomes a private thread (gateway mode only; needs DISCORD_AGENT_ROLE)"`
}

// ownEnv holds the variables that carry the INBOXBOT_ prefix in their
// name already; they have no other spelling.
type ownEnv struct {
	HTTPAddr             string `envconfig:"INBOXBOT_HTTP_ADDR" default:":8080" desc:"HTTP listen address"`
	APIToken             string `envconfig:"INBOXBOT_API_TOKEN" secret:"true" desc:"bearer token of the inbound API; the API is off when empty"`
	Admins               string `envconfig:"INBOXBOT_ADMINS" desc:"comma list of slack:U..., discord:... (or shell:NAME) users made admins at start"`
	RulesFile            string `envconfig:"INBOXBOT_RULES_FILE" desc:"team and rules YAML applied at start (as inboxbot rules apply FILE)"`
	UnassignedAlertAfter string `envconfig:"INBOXBOT_UNASSIGNED_ALERT_AFTER" default:"15m" desc:"alert managers about conversations unassigned this long"`
	ShutdownDrain        string `envconfig:"INBOXBOT_SHUTDOWN_DRAIN" default:"5s" desc:"on SIGTERM, how long /readyz answers 503 while requests are still served, before the listener closes"`
	ShutdownTimeout      string `envconfig:"INBOXBOT_SHUTDOWN_TIMEOUT" default:"20s" desc:"on SIGTERM, how long in-flight requests and work may take to finish after the drain"`
	OutboundURL          string `envconfig:"INBOXBOT_OUTBOUND_URL" desc:"where replies to contacts are POSTed (reply is off when empty)"`
	OutboundSecret       string `envconfig:"INBOXBOT_OUTBOUND_SECRET" secret:"true" desc:"HMAC key that signs replies sent to INBOXBOT_OUTBOUND_URL"`
	OutboxRetention      string `envconfig:"INBOXBOT_OUTBOX_RETENTION" default:"168h" desc:"sent and failed notifications are deleted after this; pending ones for a platform that is off expire"`
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
	// ShutdownDrain, ShutdownTimeout: see INBOXBOT_SHUTDOWN_DRAIN and
	// INBOXBOT_SHUTDOWN_TIMEOUT.
	ShutdownDrain, ShutdownTimeout time.Duration
	// OutboxRetention is how long delivered or failed notifications stay.
	OutboxRetention time.Duration
	// OutboundURL and OutboundSecret deliver replies to contacts.
	OutboundURL, OutboundSecret string
	Slack                       slackConfig
	Discord                     discordConfig
	// Notes are warnings about the configuration, logged at start.
	Notes []string
	// retry is how a chat platform out of reach is tried again; the zero
	// value means defaultBackoff (tests shorten it).
	retry backoff
}

type slackConfig struct {
	BotToken, SigningSecret, AppToken, InboxChannel, APIURL string
	// IntakeChannels are the channel ids where customers write in.
	IntakeChannels []string
}

// On reports whether Slack is configured.
func (c slackConfig) On() bool { return c.BotToken != "" }

// SocketMode reports whether Slack events arrive over Socket Mode rather
// than at /slack/*.
func (c slackConfig) SocketMode() bool { return c.AppToken != "" }

type discordConfig struct {
	BotToken, AppID, PublicKey, GuildID, InboxChannel, APIURL, AgentRole string
	// SupportChannel holds the Contact support panel (intake); "" is off.
	SupportChannel      string
	ShardID, ShardCount int
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
// leaves out the platforms: serve logs the ones that are on beside it.
func (c config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("database", redactURL(c.DatabaseURL)),
		slog.String("http_addr", c.HTTPAddr),
		slog.Bool("api", c.APIToken != ""),
		slog.String("rules_file", c.RulesFile),
		slog.Bool("admins", c.Admins != ""),
		slog.String("unassigned_alert_after", c.UnassignedAlertAfter.String()),
		slog.Bool("replies", c.OutboundURL != ""),
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
DISCORD_SUPPORT_CHANNEL (customers write in) needs the gateway and
DISCORD_AGENT_ROLE.
Any other SLACK_ or DISCORD_ variable set without its platform's token
(the API URLs and shards included) stops the start.
`)
}
