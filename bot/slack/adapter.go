// Package slack is inboxbot's Slack adapter: it verifies and answers slash
// commands, button presses and Events API events (over HTTP or Socket
// Mode) through the command layer, renders responses, inbox-channel cards,
// direct messages and the App Home in Block Kit, and maps Slack's errors
// to the outbox's retry rules. Slack types never leave this package.
package slack

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	slackapi "github.com/slack-go/slack"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
	"github.com/inboxbot/inboxbot/commands"
)

// Config is what the adapter is built from.
type Config struct {
	// BotToken (xoxb-...) authorises Web API calls.
	BotToken string
	// SigningSecret verifies HTTP requests; unused in Socket Mode.
	SigningSecret string
	// AppToken (xapp-...) turns on Socket Mode.
	AppToken string
	// InboxChannel is the channel id where conversation cards are posted.
	InboxChannel string
	// APIURL overrides the Web API base URL, such as http://127.0.0.1:9/api/.
	APIURL string
	// IntakeChannels are the channel ids where a customer's message opens
	// a conversation (SLACK_INTAKE_CHANNELS).
	IntakeChannels []string
	// Service runs the commands and clicks; its Store is read only for
	// the adapter's bookkeeping (event ids, the card of a thread, whether a
	// user is a member yet).
	Service *commands.Service
	Log     *slog.Logger
	// Registerer receives the adapter's metrics; nil registers none.
	Registerer prometheus.Registerer
	// Now is the clock of signature timestamps; nil means time.Now.
	Now func() time.Time
	// Budget is how long a command, click or form may run before Slack is
	// acknowledged and the answer follows at response_url; 0 means 2s,
	// which leaves a second of Slack's three for the network.
	Budget time.Duration
	// HTTPClient makes every outgoing call; nil means a client with a 30s timeout.
	HTTPClient *http.Client
	// Connected is told when the Socket Mode connection comes up (true)
	// and goes down (false); nil tells no one.
	Connected func(up bool)
}

// Adapter is a running Slack integration: HTTP handlers, a Socket Mode
// loop, a card renderer and a DM sender, all over one Web API client.
type Adapter struct {
	cfg     Config
	api     *slackapi.Client
	http    *http.Client
	service *commands.Service
	log     *slog.Logger
	metrics *metrics

	// names caches users.info names by user id; dms caches DM channel
	// ids by user id. Both are only caches: losing them costs a call.
	mu    sync.Mutex
	names map[string]string
	// channels caches conversations.info names by channel id.
	channels map[string]string
	dms      *bot.DMChannels

	// deadline answers Slack in time and tracks the work that continues
	// after Slack was answered, so that shutdown waits for it.
	deadline *bot.Deadline

	// identity is set by Check.
	identity atomic.Pointer[Identity]
}

// New builds the adapter. It makes no network call.
func New(cfg Config) (*Adapter, error) {
	if cfg.BotToken == "" || cfg.Service == nil {
		return nil, errors.New("slack: a bot token and a command service are required")
	}
	if cfg.AppToken == "" && cfg.SigningSecret == "" {
		return nil, errors.New("slack: HTTP mode needs a signing secret (or set an app token for Socket Mode)")
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Budget == 0 {
		cfg.Budget = 2 * time.Second
	}
	m := newMetrics(cfg.Registerer)
	base := cfg.HTTPClient
	if base == nil {
		base = &http.Client{Timeout: 30 * time.Second}
	}
	client := *base
	client.Transport = m.transport(base.Transport)
	opts := []slackapi.Option{slackapi.OptionHTTPClient(&client)}
	if cfg.APIURL != "" {
		// slack-go joins the method name to the base without a slash.
		opts = append(opts, slackapi.OptionAPIURL(strings.TrimSuffix(cfg.APIURL, "/")+"/"))
	}
	if cfg.AppToken != "" {
		opts = append(opts, slackapi.OptionAppLevelToken(cfg.AppToken))
	}
	return &Adapter{
		cfg: cfg, api: slackapi.New(cfg.BotToken, opts...), http: &client, service: cfg.Service,
		log: cfg.Log, metrics: m, names: map[string]string{}, channels: map[string]string{}, dms: bot.NewDMChannels(bot.DefaultDMChannels),
		deadline: &bot.Deadline{Budget: cfg.Budget},
	}, nil
}

// Wait blocks until work that continued after Slack was answered is done.
// Serve calls it on shutdown, before closing the store.
func (a *Adapter) Wait() { a.deadline.Wait() }

func (a *Adapter) now() time.Time {
	if a.cfg.Now != nil {
		return a.cfg.Now()
	}
	return time.Now()
}

// later runs fn with a context that outlives the request (but not a
// minute), tracked for shutdown, and waits for it up to the budget, so
// that quick work is done when Slack is answered.
func (a *Adapter) later(ctx context.Context, fn func(ctx context.Context)) {
	bot.Answer(ctx, a.deadline, func(ctx context.Context) struct{} { fn(ctx); return struct{}{} }, nil, nil, nil)
}

// platform is the adapter's platform in the domain's words.
const platform = inboxbot.PlatformSlack
