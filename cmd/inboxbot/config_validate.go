package main

import (
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/inboxbot/inboxbot/commands"
)

// validate turns the raw variables into a config, or an error naming each
// problem. from says which spelling each set variable came from (see
// loadEnv): messages name that one, and the canonical name for a variable
// that is missing. They quote only values that cannot be secret.
func validate(s sharedEnv, o ownEnv, from map[string]string) (config, error) {
	v := &validation{from: from}
	trimSecrets(&s, &o, v)
	c := config{
		DatabaseURL: s.DatabaseURL,
		DatabaseVar: v.name("DATABASE_URL"),
		HTTPAddr:    o.HTTPAddr,
		APIToken:    o.APIToken,
		RulesFile:   o.RulesFile,
		Admins:      o.Admins,
		OutboundURL: o.OutboundURL, OutboundSecret: o.OutboundSecret,
		Slack: slackConfig{BotToken: s.SlackBotToken, SigningSecret: s.SlackSigningSecret, AppToken: s.SlackAppToken,
			InboxChannel: s.SlackInboxChannel, APIURL: s.SlackAPIURL, IntakeChannels: splitList(s.SlackIntake)},
		Discord: discordConfig{BotToken: s.DiscordBotToken, AppID: s.DiscordAppID, PublicKey: s.DiscordPublicKey,
			GuildID: s.DiscordGuildID, InboxChannel: s.DiscordInboxChannel, APIURL: s.DiscordAPIURL,
			AgentRole: s.DiscordAgentRole, SupportChannel: s.DiscordSupportChannel},
	}
	v.general(&c, o)
	v.slack(c.Slack)
	v.discord(&c, s)
	c.Notes = append(c.Notes, v.notes...)
	if len(v.problems) > 0 {
		return config{}, fmt.Errorf("%s", strings.Join(v.problems, "; "))
	}
	return c, nil
}

// validation collects the problems and notes of one validate run.
type validation struct {
	from            map[string]string
	problems, notes []string
}

// name is the spelling the user set of the variable canonical, or
// canonical when it is unset.
func (v *validation) name(canonical string) string {
	if n := v.from[canonical]; n != "" {
		return n
	}
	return canonical
}

// explicit is the value of a variable with a default only when the user
// set it, so a lone DISCORD_SHARD_COUNT counts as set but the default does
// not.
func (v *validation) explicit(canonical, value string) string {
	if v.from[canonical] == "" {
		return ""
	}
	return value
}

func (v *validation) bad(format string, args ...any) {
	v.problems = append(v.problems, fmt.Sprintf(format, args...))
}

// trimSecrets removes white space around every secret: a token read from a
// secrets file usually ends in a newline, and would otherwise lock every
// client out without a word. The note names the variable, never the value.
func trimSecrets(s *sharedEnv, o *ownEnv, v *validation) {
	for _, e := range envVars(s, o) {
		if !e.Secret {
			continue
		}
		if t := strings.TrimSpace(e.field.String()); t != e.field.String() {
			e.field.SetString(t)
			n := e.Name
			if e.Prefixed {
				n = v.name(e.Name)
			}
			v.notes = append(v.notes, n+" had white space around it (a newline from a secrets file?); it was trimmed")
		}
	}
}

// general checks the variables that belong to no platform.
func (v *validation) general(c *config, o ownEnv) {
	if msg := checkDatabaseURL(c.DatabaseVar, c.DatabaseURL); msg != "" {
		v.bad("%s", msg)
	}
	if _, port, err := net.SplitHostPort(o.HTTPAddr); err != nil || !validPort(port) {
		v.bad("INBOXBOT_HTTP_ADDR must be host:port or :port, such as :8080 (got %q)", o.HTTPAddr)
	}
	c.UnassignedAlertAfter = v.duration("INBOXBOT_UNASSIGNED_ALERT_AFTER", o.UnassignedAlertAfter, false, "15m or 1h30m")
	c.ShutdownDrain = v.duration("INBOXBOT_SHUTDOWN_DRAIN", o.ShutdownDrain, true, "5s, or 0 to close at once")
	c.ShutdownTimeout = v.duration("INBOXBOT_SHUTDOWN_TIMEOUT", o.ShutdownTimeout, false, "20s")
	c.OutboxRetention = v.duration("INBOXBOT_OUTBOX_RETENTION", o.OutboxRetention, false, "168h")
	if _, err := commands.ParseAdmins(o.Admins); err != nil {
		v.bad("%s", err)
	}
	if msg := checkBaseURL("INBOXBOT_OUTBOUND_URL", o.OutboundURL); msg != "" {
		v.bad("%s", msg)
	}
	if o.OutboundURL != "" && o.OutboundSecret == "" {
		v.bad("INBOXBOT_OUTBOUND_SECRET is required when INBOXBOT_OUTBOUND_URL is set: it signs every reply, so the receiver can tell it came from inboxbot")
	}
	if o.APIToken != "" && len(o.APIToken) < 16 {
		v.notes = append(v.notes, "INBOXBOT_API_TOKEN is shorter than 16 characters; use a long random token")
	}
}

// duration parses a duration variable; zero is allowed only when zeroOK.
func (v *validation) duration(name, value string, zeroOK bool, example string) time.Duration {
	d, err := time.ParseDuration(value)
	switch {
	case zeroOK && (err != nil || d < 0):
		v.bad("%s must be a duration of 0 or more, such as %s (got %q)", name, example, value)
	case !zeroOK && (err != nil || d <= 0):
		v.bad("%s must be a positive duration such as %s (got %q)", name, example, value)
	}
	return d
}

// slack checks Slack: on with SLACK_BOT_TOKEN. HTTP mode verifies requests
// with the signing secret; Socket Mode needs none. Any other Slack variable
// without the token is a half-configured platform, SLACK_API_URL included:
// DESIGN.md section 3 makes every half-configured platform a start-up
// error, and a lone URL override most likely means the token went missing.
func (v *validation) slack(sl slackConfig) {
	botToken, appToken := v.name("SLACK_BOT_TOKEN"), v.name("SLACK_APP_TOKEN")
	switch {
	case sl.On():
		if strings.HasPrefix(sl.BotToken, "xapp-") {
			v.bad("%s holds an app-level token (xapp-...): put it in %s and the bot token (xoxb-...) in %s", botToken, appToken, botToken)
		}
		if strings.HasPrefix(sl.AppToken, "xoxb-") {
			v.bad("%s holds a bot token (xoxb-...): Socket Mode needs an app-level token (xapp-...)", appToken)
		}
		if sl.SigningSecret == "" && !sl.SocketMode() {
			v.bad("SLACK_SIGNING_SECRET is required when %s is set (or set SLACK_APP_TOKEN for Socket Mode)", botToken)
		}
		if sl.InboxChannel == "" {
			v.bad("SLACK_INBOX_CHANNEL is required when %s is set", botToken)
		} else if !slackChannelID.MatchString(sl.InboxChannel) {
			v.bad("%s must be a channel id such as C0123ABCDEF, not a name (got %q): in Slack, open the channel's details; the id is at the bottom of About",
				v.name("SLACK_INBOX_CHANNEL"), sl.InboxChannel)
		}
		for _, ch := range sl.IntakeChannels {
			switch {
			case !slackChannelID.MatchString(ch):
				v.bad("%s must be a comma list of channel ids such as C0123ABCDEF, not names (got %q)", v.name("SLACK_INTAKE_CHANNELS"), ch)
			case ch == sl.InboxChannel:
				v.bad("%s lists %s, the inbox channel: customers write in channels of their own", v.name("SLACK_INTAKE_CHANNELS"), ch)
			}
		}
	default:
		if set := firstSet(map[string]string{v.name("SLACK_SIGNING_SECRET"): sl.SigningSecret, appToken: sl.AppToken,
			v.name("SLACK_INBOX_CHANNEL"): sl.InboxChannel, v.name("SLACK_API_URL"): sl.APIURL,
			v.name("SLACK_INTAKE_CHANNELS"): strings.Join(sl.IntakeChannels, ",")}); set != "" {
			v.bad("SLACK_BOT_TOKEN is required when %s is set (or unset %s to leave Slack off)", set, set)
		}
	}
	if msg := checkBaseURL(v.name("SLACK_API_URL"), sl.APIURL); msg != "" {
		v.bad("%s", msg)
	}
}

// discord checks Discord: on with DISCORD_BOT_TOKEN, over the gateway
// unless DISCORD_PUBLIC_KEY selects HTTP interactions. As for Slack, any
// other Discord variable without the token is an error.
func (v *validation) discord(c *config, s sharedEnv) {
	discordToken := v.name("DISCORD_BOT_TOKEN")
	switch d := c.Discord; {
	case d.On():
		if d.AppID == "" {
			v.bad("DISCORD_APP_ID is required when %s is set", discordToken)
		}
		if d.InboxChannel == "" {
			v.bad("DISCORD_INBOX_CHANNEL is required when %s is set", discordToken)
		}
		v.discordIntake(d)
	default:
		if set := firstSet(map[string]string{v.name("DISCORD_APP_ID"): d.AppID, v.name("DISCORD_PUBLIC_KEY"): d.PublicKey,
			v.name("DISCORD_GUILD_ID"): d.GuildID, v.name("DISCORD_INBOX_CHANNEL"): d.InboxChannel, v.name("DISCORD_API_URL"): d.APIURL,
			v.name("DISCORD_AGENT_ROLE"): d.AgentRole, v.name("DISCORD_SUPPORT_CHANNEL"): d.SupportChannel,
			v.name("DISCORD_SHARD_ID"):    v.explicit("DISCORD_SHARD_ID", s.DiscordShardID),
			v.name("DISCORD_SHARD_COUNT"): v.explicit("DISCORD_SHARD_COUNT", s.DiscordShardCount)}); set != "" {
			v.bad("DISCORD_BOT_TOKEN is required when %s is set (or unset %s to leave Discord off)", set, set)
		}
	}
	for _, id := range []struct{ canonical, v string }{{"DISCORD_APP_ID", c.Discord.AppID},
		{"DISCORD_GUILD_ID", c.Discord.GuildID}, {"DISCORD_INBOX_CHANNEL", c.Discord.InboxChannel},
		{"DISCORD_AGENT_ROLE", c.Discord.AgentRole}, {"DISCORD_SUPPORT_CHANNEL", c.Discord.SupportChannel}} {
		if id.v != "" && !snowflake(id.v) {
			v.bad("%s must be a numeric Discord id (got %q)", v.name(id.canonical), id.v)
		}
	}
	if k := c.Discord.PublicKey; k != "" {
		if b, err := hex.DecodeString(k); err != nil || len(b) != 32 {
			v.bad("%s must be the application's public key: 64 hex characters", v.name("DISCORD_PUBLIC_KEY"))
		}
	}
	if msg := checkBaseURL(v.name("DISCORD_API_URL"), c.Discord.APIURL); msg != "" {
		v.bad("%s", msg)
	}
	v.shards(c, s)
}

// discordIntake checks DISCORD_SUPPORT_CHANNEL: customers' messages in
// their threads and DMs arrive only over the gateway, and in a server full
// of customers typing /inbox must not make anyone an agent, so it needs
// the gateway and DISCORD_AGENT_ROLE, and a channel of its own.
func (v *validation) discordIntake(d discordConfig) {
	if d.SupportChannel == "" {
		return
	}
	support := v.name("DISCORD_SUPPORT_CHANNEL")
	if d.HTTPInteractions() {
		v.bad("%s needs the gateway (customers' messages and DMs arrive only there): unset %s to use it, or unset %s",
			support, v.name("DISCORD_PUBLIC_KEY"), support)
	}
	if d.AgentRole == "" {
		v.bad("DISCORD_AGENT_ROLE is required when %s is set: in a server of customers, typing /inbox must not make anyone an agent", support)
	}
	if d.SupportChannel == d.InboxChannel {
		v.bad("%s must differ from %s: customers would see the team's cards", support, v.name("DISCORD_INBOX_CHANNEL"))
	}
}

// shards checks the gateway shard of this process.
func (v *validation) shards(c *config, s sharedEnv) {
	shardID, shardCount := v.name("DISCORD_SHARD_ID"), v.name("DISCORD_SHARD_COUNT")
	id, idErr := strconv.Atoi(s.DiscordShardID)
	count, countErr := strconv.Atoi(s.DiscordShardCount)
	switch {
	case idErr != nil || id < 0:
		v.bad("%s must be a whole number from 0 (got %q)", shardID, s.DiscordShardID)
	case countErr != nil || count < 1:
		v.bad("%s must be a whole number from 1 (got %q)", shardCount, s.DiscordShardCount)
	case id >= count:
		v.bad("%s must be below %s (%d); got %d", shardID, shardCount, count, id)
	default:
		c.Discord.ShardID, c.Discord.ShardCount = id, count
		if count > 1 && c.Discord.HTTPInteractions() {
			v.notes = append(v.notes, fmt.Sprintf("%s and %s are ignored: %s selects HTTP interactions, which use no gateway shards",
				shardID, shardCount, v.name("DISCORD_PUBLIC_KEY")))
		}
	}
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
		if unencodedUserInfo(u) {
			// Such a URL parses with part of the password as the host or
			// the database, which the driver's errors would then quote.
			return name + " has an @, /, ? or # in its user name or password: percent-encode them (@ as %40, / as %2F, ? as %3F, # as %23)"
		}
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

// slackChannelID is a public (C...) or private (G...) channel id; a name
// such as #inbox would be accepted by chat.postMessage but never match the
// channel of the events Slack sends.
var slackChannelID = regexp.MustCompile(`^[CG][A-Z0-9]+$`)

// splitList reads a comma list, dropping blanks around and between items.
func splitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
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

// unencodedUserInfo reports whether a postgres:// URL has an @ after the
// end of its authority (the first /, ? or #), or two @ in it: a user name
// or password with one of those characters left unencoded.
func unencodedUserInfo(u string) bool {
	_, rest, _ := strings.Cut(u, "://")
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	return strings.LastIndex(rest, "@") > end || strings.Count(rest[:end], "@") > 1
}
