package server

import (
	"context"
	"log/slog"
	"maps"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/commands"
	"github.com/inboxbot/inboxbot/store"
)

// Metrics is the process's Prometheus registry. It is its own registry, not
// the global one, so tests can build several and nothing registers behind
// our back.
type Metrics struct {
	Registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	commands *prometheus.CounterVec
	sweeps   prometheus.Counter
	swept    prometheus.Counter
	inFlight prometheus.Gauge
	reading  prometheus.Gauge
	breaches *prometheus.CounterVec
	firstRes prometheus.Histogram
}

// NewMetrics returns a registry with the HTTP and command metrics and the
// Go runtime and process collectors.
func NewMetrics() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "inboxbot_http_requests_total",
			Help: "HTTP requests served, by route pattern and status code.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "inboxbot_http_request_duration_seconds",
			Help:    "Time to serve an HTTP request, by route pattern.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route"}),
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "inboxbot_commands_total",
			Help: "/inbox commands and buttons handled, by command and outcome (ok, rejected, error).",
		}, []string{"command", "outcome"}),
		sweeps: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "inboxbot_sweeps_total",
			Help: "Sweeps of the Team inbox this replica ran (the rules offered waiting conversations again).",
		}),
		swept: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "inboxbot_sweep_assignments_total",
			Help: "Waiting conversations this replica's sweeps assigned.",
		}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "inboxbot_http_in_flight",
			Help: "In-flight slots taken: requests being served (probes and scrapes excepted).",
		}),
		reading: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "inboxbot_http_signed_bodies_reading",
			Help: "Slack and Discord requests whose body is being read, before verification; they hold no in-flight slot.",
		}),
		breaches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "inboxbot_sla_breaches_total",
			Help: "Service-level targets missed, by target (first_response, next_response, resolution), counted by the replica whose timer saw them.",
		}, []string{"target"}),
		firstRes: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "inboxbot_first_response_seconds",
			Help:    "Time from a conversation's opening (or reopening) to the first reply to the contact.",
			Buckets: []float64{30, 60, 300, 900, 1800, 3600, 4 * 3600, 8 * 3600, 24 * 3600, 72 * 3600},
		}),
	}
	for _, t := range []string{inboxbot.TargetFirstResponse, inboxbot.TargetNextResponse, inboxbot.TargetResolution} {
		m.breaches.WithLabelValues(t)
	}
	m.Registry.MustRegister(m.breaches, m.firstRes)
	m.Registry.MustRegister(m.requests, m.duration, m.commands, m.sweeps, m.swept, m.inFlight, m.reading,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// WatchStore adds the metrics read from st at scrape time: assignments by
// surface, notifications by state, and the connection pool. Reading them
// from the database gives every replica the same, whole-team numbers.
// inboxbot_outbox_pending counts only the rows of the platforms delivered
// (all rows when delivered is nil, none when it is empty): DMs for a platform that is off are not
// work this deployment has waiting.
func (m *Metrics) WatchStore(st *store.Store, delivered ...inboxbot.Platform) {
	c := &storeCollector{st: st, delivered: delivered}
	c.figures = &cached[storeFigures]{ttl: time.Second, load: c.load}
	m.Registry.MustRegister(c)
}

// Handler serves the registry in the Prometheus text format. A failing
// database read drops its metrics from the scrape, not the whole scrape.
func (m *Metrics) Handler(log *slog.Logger) http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{
		ErrorLog:      slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		ErrorHandling: promhttp.ContinueOnError,
		Registry:      m.Registry,
	})
}

// knownOutcomes are the outcomes of commands.Response.
var knownOutcomes = map[commands.Outcome]bool{commands.OK: true, commands.Rejected: true, commands.Failed: true}

// Command counts one handled /inbox command or button press, on any
// surface: it is commands.Service's Count. The command is counted under
// commands.Label (its name, "unknown" or "other").
func (m *Metrics) Command(command string, outcome commands.Outcome) {
	if !knownOutcomes[outcome] {
		outcome = commands.Failed
	}
	m.commands.WithLabelValues(commands.Label(command), string(outcome)).Inc()
}

// SLABreached counts a missed service-level target (store.SLAObserver).
func (m *Metrics) SLABreached(target string) { m.breaches.WithLabelValues(target).Inc() }

// FirstResponse observes how long a contact waited for a first reply
// (store.SLAObserver).
func (m *Metrics) FirstResponse(d time.Duration) { m.firstRes.Observe(d.Seconds()) }

// Swept counts one sweep of the Team inbox that assigned placed conversations.
func (m *Metrics) Swept(placed int) {
	m.sweeps.Inc()
	m.swept.Add(float64(placed))
}

func (m *Metrics) observeHTTP(route string, status int, elapsed time.Duration) {
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(route).Observe(elapsed.Seconds())
}

// storeCollector reads the database-backed metrics at scrape time.
type storeCollector struct {
	st        *store.Store
	delivered []inboxbot.Platform
	// figures are the database's numbers, read at most once a second
	// however often /metrics is asked.
	figures *cached[storeFigures]
}

// storeFigures are what a scrape reads from the database.
type storeFigures struct {
	assignments, notifications map[string]int
	// pending is what this deployment has to deliver.
	pending int
	// waiting is the Team inbox's length; oldest when its oldest entered it.
	waiting int
	oldest  time.Time
	// failed is the series that could not be read.
	failed *prometheus.Desc
}

func (c *storeCollector) load() (storeFigures, error) {
	// A scrape must not hang on a stuck database: Prometheus would time
	// out and lose the process metrics too.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var f storeFigures
	var err error
	if f.assignments, err = c.st.AssignmentCounts(ctx); err != nil {
		f.failed = descAssignments
		return f, err
	}
	if f.notifications, err = c.st.OutboxCounts(ctx); err != nil {
		f.failed = descNotifications
		return f, err
	}
	f.pending = f.notifications["pending"]
	if c.delivered != nil {
		if f.pending, err = c.st.PendingFor(ctx, c.delivered); err != nil {
			f.failed = descPending
			return f, err
		}
	}
	if f.waiting, f.oldest, err = c.st.Waiting(ctx); err != nil {
		f.failed = descWaiting
	}
	return f, err
}

var (
	descUp = prometheus.NewDesc("inboxbot_database_up",
		"1 when the database answered the scrape's queries, else 0.", nil, nil)
	descAssignments = prometheus.NewDesc("inboxbot_assignments_total",
		"Assignment events recorded, by the surface they came through.", []string{"via"}, nil)
	descNotifications = prometheus.NewDesc("inboxbot_notifications",
		"Direct messages in the outbox, by state (pending, sent, dead).", []string{"state"}, nil)
	descPending = prometheus.NewDesc("inboxbot_outbox_pending",
		"Direct messages and replies waiting in the outbox for a platform this deployment delivers.", nil, nil)
	descWaiting = prometheus.NewDesc("inboxbot_team_inbox_waiting",
		"Open conversations waiting unassigned in the Team inbox.", nil, nil)
	descOldest = prometheus.NewDesc("inboxbot_team_inbox_oldest_wait_seconds",
		"How long the longest-waiting conversation in the Team inbox has waited; 0 when none waits.", nil, nil)
	descMaxOpen   = prometheus.NewDesc("inboxbot_db_max_open_connections", "Maximum open database connections of this replica.", nil, nil)
	descOpen      = prometheus.NewDesc("inboxbot_db_open_connections", "Open database connections, in use and idle.", nil, nil)
	descInUse     = prometheus.NewDesc("inboxbot_db_in_use_connections", "Database connections in use.", nil, nil)
	descIdle      = prometheus.NewDesc("inboxbot_db_idle_connections", "Idle database connections.", nil, nil)
	descWaits     = prometheus.NewDesc("inboxbot_db_wait_count_total", "Times a query waited for a free connection.", nil, nil)
	descWaitSecs  = prometheus.NewDesc("inboxbot_db_wait_duration_seconds_total", "Time spent waiting for a free connection.", nil, nil)
	descIdleClose = prometheus.NewDesc("inboxbot_db_max_idle_closed_total", "Connections closed for the idle limit.", nil, nil)
	descLifeClose = prometheus.NewDesc("inboxbot_db_max_lifetime_closed_total", "Connections closed for their lifetime or idle time.", nil, nil)
)

// vias are always exported, at 0 when unused, so dashboards and alerts see
// a series from the first scrape on.
var vias = []inboxbot.Via{inboxbot.ViaSlack, inboxbot.ViaDiscord, inboxbot.ViaAPI, inboxbot.ViaShell, inboxbot.ViaWorkflow, inboxbot.ViaContact}

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descUp, descAssignments, descNotifications, descPending, descWaiting, descOldest,
		descMaxOpen, descOpen, descInUse, descIdle, descWaits, descWaitSecs, descIdleClose, descLifeClose} {
		ch <- d
	}
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.st.Stats()
	gauge := func(d *prometheus.Desc, v float64) { ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v) }
	counter := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v)
	}
	gauge(descMaxOpen, float64(st.MaxOpenConnections))
	gauge(descOpen, float64(st.OpenConnections))
	gauge(descInUse, float64(st.InUse))
	gauge(descIdle, float64(st.Idle))
	counter(descWaits, float64(st.WaitCount))
	counter(descWaitSecs, st.WaitDuration.Seconds())
	counter(descIdleClose, float64(st.MaxIdleClosed))
	counter(descLifeClose, float64(st.MaxLifetimeClosed+st.MaxIdleTimeClosed))

	f, err := c.figures.get()
	if err != nil {
		gauge(descUp, 0)
		ch <- prometheus.NewInvalidMetric(f.failed, err)
		return
	}
	assignments, notifications := maps.Clone(f.assignments), f.notifications
	gauge(descUp, 1)
	for _, v := range vias {
		if _, ok := assignments[string(v)]; !ok {
			assignments[string(v)] = 0
		}
	}
	for via, n := range assignments {
		ch <- prometheus.MustNewConstMetric(descAssignments, prometheus.CounterValue, float64(n), via)
	}
	for state, n := range notifications {
		ch <- prometheus.MustNewConstMetric(descNotifications, prometheus.GaugeValue, float64(n), state)
	}
	gauge(descPending, float64(f.pending))
	gauge(descWaiting, float64(f.waiting))
	age := 0.0
	if !f.oldest.IsZero() {
		age = max(time.Since(f.oldest).Seconds(), 0)
	}
	gauge(descOldest, age)
}
