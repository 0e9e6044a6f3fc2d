// Package discord is inboxbot's Discord adapter: the /inbox application
// command with subcommands and typed options, buttons and a user select on
// conversation cards in the inbox channel, direct messages for
// notifications, over the gateway or over HTTP interactions. Everything a
// person does goes through the commands package; discordgo's types stay in
// this package.
package discord

import (
	"crypto/ed25519"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/inboxbot/inboxbot/bot"
	"github.com/inboxbot/inboxbot/commands"
)

// Config is what the adapter needs.
type Config struct {
	// Token is the bot token, without the "Bot " prefix.
	Token string
	AppID string
	// GuildID, when set, registers /inbox in that guild only (at once)
	// instead of globally.
	GuildID string
	// InboxChannel is where conversation cards are posted; without
	// GuildID, its guild is the one the bot serves.
	InboxChannel string
	// AgentRole, when set, is the role id a person needs to become an
	// agent on first use (DISCORD_AGENT_ROLE); existing members keep
	// acting without it.
	AgentRole string
	// SupportChannel holds the Contact support panel, and each request
	// becomes a private thread in it; "" is off (gateway mode only).
	SupportChannel string
	// PublicKey verifies HTTP interactions; nil in gateway mode.
	PublicKey ed25519.PublicKey
	// APIURL replaces https://discord.com in REST calls (tests point it at
	// a fake). A path ending in /api/vN replaces the API prefix as well.
	APIURL string
	// ShardID and ShardCount select this process's gateway shard.
	ShardID, ShardCount int
	Service             *commands.Service
	Log                 *slog.Logger
	// Registerer receives the adapter's metrics; nil registers none.
	Registerer prometheus.Registerer
	// Now is the clock of the signature window; nil means time.Now.
	Now func() time.Time
	// Budget is how long an interaction may take before it is deferred
	// (Discord allows 3 seconds for the first answer); 0 means 2s.
	Budget time.Duration
	// HTTPClient is the base client of REST calls; nil means one with a
	// 20 s timeout.
	HTTPClient *http.Client
	// Connected is told when the gateway connection comes up (true) and
	// goes down (false); nil tells no one.
	Connected func(up bool)
}

// Adapter is a running Discord adapter.
type Adapter struct {
	cfg     Config
	session *discordgo.Session
	inbox   string
	metrics *metrics

	// deadline answers interactions in time and counts those still being
	// worked on or followed up.
	deadline *bot.Deadline

	// dms caches the DM channel of each user id: Discord returns the same
	// channel every time, and asking costs a request per notification.
	dms *bot.DMChannels

	// identity is set by Check.
	identity atomic.Pointer[Identity]

	// workGate, when set (by tests only), holds every interaction's work
	// until it is closed, so that "slower than the budget" needs no clock.
	workGate chan struct{}
}

// New builds the adapter and its REST session. Nothing is sent until
// Register, Open or a delivery.
func New(cfg Config) (*Adapter, error) {
	if cfg.Token == "" || cfg.AppID == "" || cfg.InboxChannel == "" {
		return nil, fmt.Errorf("discord: token, application id and inbox channel are required")
	}
	if cfg.Service == nil {
		return nil, fmt.Errorf("discord: no command service")
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Budget <= 0 {
		cfg.Budget = 2 * time.Second
	}
	s, err := discordgo.New("Bot " + cfg.Token)
	if err != nil {
		return nil, fmt.Errorf("discord: %w", err)
	}
	// The library's own retry on 429 sleeps without looking at the context
	// and without a bound; the outbox and the card loop wait instead.
	s.ShouldRetryOnRateLimit = false
	s.MaxRestRetries = 1
	s.StateEnabled = false
	// Run asks for the message intents too (notes); REST needs none.
	s.Identify.Intents = discordgo.IntentsGuilds
	s.ShardID, s.ShardCount = cfg.ShardID, max(cfg.ShardCount, 1)
	m := newMetrics(cfg.Registerer)
	base := cfg.HTTPClient
	if base == nil {
		base = &http.Client{Timeout: 20 * time.Second}
	}
	rt := base.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	if cfg.APIURL != "" {
		u, err := url.Parse(cfg.APIURL)
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("discord: API URL must be an http(s) URL")
		}
		rt = rewriteHost{to: u, next: rt}
	}
	client := *base
	client.Transport = measured{next: rt, m: m}
	s.Client = &client
	return &Adapter{cfg: cfg, session: s, inbox: cfg.InboxChannel, metrics: m,
		dms: bot.NewDMChannels(bot.DefaultDMChannels), deadline: &bot.Deadline{Budget: cfg.Budget, Timeout: workTimeout}}, nil
}

// rewriteHost sends requests meant for discord.com to another base URL,
// per session: discordgo's package-level endpoints are left alone, so two
// sessions in one process (tests, or two bots) do not interfere.
type rewriteHost struct {
	to   *url.URL
	next http.RoundTripper
}

// RoundTrip rewrites the scheme and host (and the /api/vN prefix when the
// base URL names one) and passes the request on.
func (t rewriteHost) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Host != "discord.com" {
		return t.next.RoundTrip(r)
	}
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host = t.to.Scheme, t.to.Host
	r.Host = t.to.Host
	if base := strings.TrimRight(t.to.Path, "/"); base != "" {
		rest := strings.TrimPrefix(r.URL.Path, "/api/v"+discordgo.APIVersion)
		if !strings.Contains(base, "/api/v") {
			rest = r.URL.Path
		}
		r.URL.Path, r.URL.RawPath = base+rest, ""
	}
	return t.next.RoundTrip(r)
}

// Wait returns once every interaction in progress has been answered.
func (b *Adapter) Wait() { b.deadline.Wait() }

func (b *Adapter) log() *slog.Logger { return b.cfg.Log }
