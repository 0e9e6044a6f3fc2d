package main

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot/discord"
	"github.com/inboxbot/inboxbot/bot/slack"
)

// platformHealth is which configured platforms are up: the gauge
// inboxbot_platform_connected{platform} and the platforms in /readyz's
// body. Readiness itself depends on the database only: a replica whose
// chat platform is down still serves the API and the other platform.
type platformHealth struct {
	gauge *prometheus.GaugeVec
	mu    sync.Mutex
	up    map[inboxbot.Platform]bool
}

// newPlatformHealth starts every configured platform at 0 (down).
func newPlatformHealth(reg prometheus.Registerer, cfg config) *platformHealth {
	h := &platformHealth{up: map[inboxbot.Platform]bool{},
		gauge: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "inboxbot_platform_connected",
			Help: "1 while the chat platform is connected (token accepted, gateway or Socket Mode up), else 0."},
			[]string{"platform"})}
	reg.MustRegister(h.gauge)
	for _, p := range platformsOf(cfg) {
		if p.configured {
			h.set(p.name, false)
		}
	}
	return h
}

// set records whether p is up.
func (h *platformHealth) set(p inboxbot.Platform, up bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.up[p] = up
	v := 0.0
	if up {
		v = 1
	}
	h.gauge.WithLabelValues(string(p)).Set(v)
}

// setter is set for one platform, as the adapters' Connected callbacks.
func (h *platformHealth) setter(p inboxbot.Platform) func(up bool) {
	return func(up bool) { h.set(p, up) }
}

// report names each configured platform "connected" or "down".
func (h *platformHealth) report() map[string]string {
	h.mu.Lock()
	up := maps.Clone(h.up)
	h.mu.Unlock()
	out := map[string]string{}
	for p, ok := range up {
		out[string(p)] = "down"
		if ok {
			out[string(p)] = "connected"
		}
	}
	return out
}

// backoff is how a platform that cannot be reached is tried again: after
// first, doubling up to max. startLimit bounds the attempt at start-up,
// before the routes open.
type backoff struct {
	first, max, startLimit time.Duration
}

// defaultBackoff keeps a platform that is back within a minute of serving
// again: the longest wait is 30s.
var defaultBackoff = backoff{first: time.Second, max: 30 * time.Second, startLimit: 10 * time.Second}

// refusal reports whether err is a platform refusing the configuration
// (a token, the application): trying again cannot help.
func refusal(err error) bool {
	return errors.As(err, new(*slack.RefusedError)) || errors.As(err, new(*discord.RefusedError))
}

// firstTry makes the start-up attempt to reach a platform. A refusal is
// a configError (exit 2, naming the variable); a platform that cannot be
// reached is logged and reported as not up, to be tried again in the
// background: ok says whether the attempt succeeded.
func (b backoff) firstTry(name string, log *slog.Logger, try func(ctx context.Context) error) (ok bool, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), b.startLimit)
	defer cancel()
	err = try(ctx)
	switch {
	case err == nil:
		return true, nil
	case refusal(err):
		return false, configError{err}
	}
	log.Warn(name+" cannot be reached; starting without it and retrying in the background", "err", err)
	return false, nil
}

// keepTrying calls try until it succeeds, is refused, or ctx ends, waiting
// with growing back-off after each other failure. A refusal is logged once,
// naming the variable, and returned; the platform then stays down (no
// exit: the rest of the service keeps serving).
func (b backoff) keepTrying(ctx context.Context, name string, log *slog.Logger, try func(ctx context.Context) error) error {
	wait := b.first
	for {
		err := try(ctx)
		switch {
		case err == nil:
			return nil
		case ctx.Err() != nil:
			return ctx.Err()
		case refusal(err):
			log.Error(name+" refused the configuration; it stays off until that is fixed and inboxbot restarted", "err", err)
			return err
		}
		log.Warn(name+" cannot be reached; retrying", "retry_in", wait.String(), "err", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(wait*2, b.max)
	}
}

// keepRunning runs a long-lived connection (Socket Mode, the gateway)
// until ctx ends: when it returns early it is started again with back-off,
// unless the platform refused the configuration, which is logged once.
func (b backoff) keepRunning(ctx context.Context, name string, log *slog.Logger, run func(ctx context.Context) error) {
	b.keepTrying(ctx, name, log, func(ctx context.Context) error {
		err := run(ctx)
		if err == nil && ctx.Err() == nil {
			err = errors.New("connection ended")
		}
		return err
	})
}
