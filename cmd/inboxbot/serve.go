package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
	"github.com/inboxbot/inboxbot/bot/api"
	"github.com/inboxbot/inboxbot/bot/server"
	"github.com/inboxbot/inboxbot/commands"
	"github.com/inboxbot/inboxbot/routing"
	"github.com/inboxbot/inboxbot/store"
)

// serve runs the service until ctx ends (SIGINT, SIGTERM): it listens at
// once, so /healthz answers while the database is opened and migrated,
// then opens the routes, and runs the outbox, the chat adapters and the
// unassigned alerts. On shutdown it stops accepting, lets in-flight
// requests finish, stops the workers (they give back their leases) and
// closes the store.
func serve(ctx context.Context, stopSignals func(), cfg config, log *slog.Logger) error {
	for _, note := range cfg.Notes {
		log.Warn(note)
	}
	metrics := server.NewMetrics()
	health := newPlatformHealth(metrics.Registry, cfg)
	if cfg.retry == (backoff{}) {
		cfg.retry = defaultBackoff
	}
	var current atomic.Pointer[store.Store]
	srv := server.New(server.Options{Log: log, Metrics: metrics, Drain: cfg.ShutdownDrain, ShutdownTimeout: cfg.ShutdownTimeout,
		Platforms: health.report, Ready: func(ctx context.Context) error {
			st := current.Load()
			if st == nil {
				return &server.Unready{Reason: "starting: database not open and migrated yet"}
			}
			return server.StoreReady(st)(ctx)
		}})
	gates := mountGates(srv, cfg)

	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on INBOXBOT_HTTP_ADDR: %w", err)
	}
	httpCtx, stopHTTP := context.WithCancel(ctx)
	defer stopHTTP()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(httpCtx, ln) }()
	log.Info("listening", "addr", ln.Addr().String())

	st, err := start(ctx, cfg, log)
	if err != nil {
		stopHTTP()
		<-served
		if ctx.Err() != nil {
			log.Info("stopped during start-up")
			return nil
		}
		return err
	}
	metrics.WatchStore(st, delivered(cfg)...)
	st.SLA = metrics
	svc := commands.New(st, routing.Route)
	svc.Webhook, svc.Chats = cfg.OutboundURL != "", chats(cfg)
	svc.Count = metrics.Command
	svc.Later = commands.NewLater()
	env := adapterEnv{cfg: cfg, store: st, service: svc, log: log, metrics: metrics, owner: replicaName(),
		health: health, retry: cfg.retry}
	adapters, err := startAdapters(env)
	if err != nil {
		stopHTTP()
		<-served
		st.Close()
		return err
	}
	gates.open(env, adapters)
	current.Store(st)
	logPlatforms(cfg, log)

	// The workers get a context of their own, ended only once HTTP has
	// drained: in-flight requests may still queue notifications.
	work, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	wg := runWorkers(work, env, adapters)
	log.Info("inboxbot is running", "config", cfg, "platforms", platformsOn(cfg))

	var serveErr error
	stopping := time.Now()
	select {
	case <-ctx.Done():
		stopping = time.Now()
		// A second signal now kills the process the default way.
		stopSignals()
		log.Info("shutting down")
		serveErr = <-served
	case serveErr = <-served:
		stopping = time.Now()
	}
	stopWork()
	// HTTP and the workers share one INBOXBOT_SHUTDOWN_TIMEOUT after the
	// drain, so that a frozen database cannot hold the exit past
	// drain + timeout (the documented grace): what HTTP took, the workers
	// do not get again.
	waitWorkers(wg, time.Until(stopping.Add(cfg.ShutdownDrain+cmp.Or(cfg.ShutdownTimeout, server.DefaultShutdownTimeout))), log)
	if err := st.Close(); err != nil {
		log.Warn("closing the database", "err", err)
	}
	if serveErr != nil {
		return serveErr
	}
	log.Info("stopped")
	return nil
}

// gates are the routes that need the store: they answer 503 until it is
// ready, rather than 404, so a client that raced the start-up retries.
type gates struct {
	api    []string
	routes map[string]*gate
}

// mountGates mounts a gate for every route that needs the store: one
// pattern per endpoint, so that the access log and the metrics label a
// request by its endpoint (the server labels with its own mux's pattern).
func mountGates(srv *server.Server, cfg config) gates {
	g := gates{routes: map[string]*gate{}}
	if cfg.APIToken != "" {
		// The prefix takes the rest (a wrong method, an unknown path),
		// which the API answers with its JSON errors.
		g.api = append(api.Patterns(), "/api/v1/")
	}
	for _, p := range g.api {
		g.routes[p] = &gate{}
		srv.Handle(p, g.routes[p])
	}
	// The chat platforms' routes take their in-flight slot once verified.
	for _, p := range routePatterns(cfg) {
		g.routes[p] = &gate{}
		srv.HandleSigned(p, g.routes[p])
	}
	return g
}

// open gives every gate its handler: the API and the adapters' routes.
func (g gates) open(env adapterEnv, adapters map[inboxbot.Platform]adapter) {
	if len(g.api) > 0 {
		h := api.New(env.service, env.cfg.APIToken, env.log)
		for _, p := range g.api {
			g.routes[p].open(h)
		}
	}
	for _, a := range adapters {
		for p, h := range a.routes {
			g.routes[p].open(h)
		}
	}
}

// waitWorkers waits for the workers, which finish the sends in flight,
// record them and give back their leases as they stop; a database that
// does not answer must not hold the exit past the shutdown timeout
// (leases expire on their own; a send whose record could not be written
// may be repeated by the next process).
func waitWorkers(wg *sync.WaitGroup, timeout time.Duration, log *slog.Logger) {
	stopped := make(chan struct{})
	go func() { wg.Wait(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(max(timeout, 0)):
		log.Warn("background work did not stop within INBOXBOT_SHUTDOWN_TIMEOUT; exiting anyway", "waited", max(timeout, 0).String())
	}
}

// startAdapters builds the adapters of the configured platforms, at the
// same time: each checks its platform first, and one out of reach must not
// hold the other up for long.
func startAdapters(env adapterEnv) (map[inboxbot.Platform]adapter, error) {
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		out  = map[inboxbot.Platform]adapter{}
		errs []error
	)
	for _, p := range platformsOf(env.cfg) {
		if !p.configured {
			continue
		}
		wg.Go(func() {
			a, err := p.start(env)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("start %s: %w", p.name, err))
				return
			}
			out[p.name] = a
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// runWorkers starts the background work: the outbox, when a platform can
// take its DMs or the outbound webhook its replies (DMs for members on no
// platform wait for the console, which delivers them itself), each
// adapter's own work, the unassigned alerts, the sweep of the Team inbox
// and the outbox pruning. They
// stop when ctx ends.
func runWorkers(ctx context.Context, env adapterEnv, adapters map[inboxbot.Platform]adapter) *sync.WaitGroup {
	var wg sync.WaitGroup
	log := env.log
	senders := map[inboxbot.Platform]bot.Sender{}
	for name, a := range adapters {
		if a.sender != nil {
			senders[name] = a.sender
		}
		for _, run := range a.run {
			wg.Go(func() {
				if err := run(ctx); err != nil && ctx.Err() == nil {
					log.Error(string(name)+" stopped", "err", err)
				}
			})
		}
	}
	if env.cfg.OutboundURL != "" {
		senders[inboxbot.PlatformWebhook] = &bot.Webhook{URL: env.cfg.OutboundURL, Secret: env.cfg.OutboundSecret}
	}
	if len(senders) > 0 {
		ob := &bot.Outbox{Store: env.store, Senders: senders, Owner: env.owner, Log: log, Grace: env.cfg.ShutdownTimeout}
		wg.Go(func() {
			if err := ob.Run(ctx); err != nil {
				log.Warn("outbox: giving back leases failed; they expire on their own", "err", err)
			}
		})
	}
	wg.Go(func() { sweepTeamInbox(ctx, env.service, env.metrics, log) })
	wg.Go(func() { slaTimer(ctx, env.service, log) })
	// Drains a request started after its answer stop with the workers:
	// a placement in flight rolls back, the sweep places it later.
	wg.Go(func() {
		<-ctx.Done()
		env.service.Later.Stop()
	})
	on := slices.Collect(maps.Keys(senders))
	wg.Go(func() { pruneOutbox(ctx, env.store, env.cfg.OutboxRetention, on, log) })
	return &wg
}

// delivered lists the platforms whose outbox rows this deployment
// delivers: the chat platforms configured, and the outbound webhook.
func delivered(cfg config) []inboxbot.Platform {
	out := []inboxbot.Platform{} // none, not "all"
	for _, p := range platformsOf(cfg) {
		if p.configured {
			out = append(out, p.name)
		}
	}
	if cfg.OutboundURL != "" {
		out = append(out, inboxbot.PlatformWebhook)
	}
	return out
}

// start opens the store, waiting for a database that is still starting,
// migrates it, and applies the start-up settings (INBOXBOT_RULES_FILE,
// INBOXBOT_ADMINS).
func start(ctx context.Context, cfg config, log *slog.Logger) (*store.Store, error) {
	st, err := waitForStore(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	if st, err = migrated(ctx, st, log); err != nil {
		return nil, err
	}
	if err := applyStartupFiles(ctx, st, cfg, log); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// replicaName names this process in outbox leases: unique per process,
// readable in the database.
func replicaName() string {
	host, _ := os.Hostname()
	var b [4]byte
	rand.Read(b[:])
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// gate is a route whose handler arrives once the store is ready.
type gate struct{ h atomic.Pointer[http.Handler] }

func (g *gate) open(h http.Handler) { g.h.Store(&h) }

func (g *gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h := g.h.Load(); h != nil {
		(*h).ServeHTTP(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Retry-After", "1")
	w.WriteHeader(http.StatusServiceUnavailable)
	fmt.Fprintln(w, `{"error":"starting up; retry in a moment"}`)
}
