package discord

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the adapter's own collectors, all named inboxbot_discord_*.
type metrics struct {
	requests     *prometheus.CounterVec
	errors       *prometheus.CounterVec
	interactions *prometheus.CounterVec
	messages     *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "inboxbot_discord_rest_requests_total",
			Help: "Discord REST requests by route (ids replaced by :id) and HTTP status.",
		}, []string{"route", "status"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "inboxbot_discord_rest_errors_total",
			Help: "Discord REST requests that failed, by route and status (429, 5xx, 4xx, or transport when no answer came).",
		}, []string{"route", "status"}),
		interactions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "inboxbot_discord_interactions_total",
			Help: "Discord interactions received, by type (ping, command, component, autocomplete) and mode (http, gateway).",
		}, []string{"type", "mode"}),
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "inboxbot_discord_messages_total",
			Help: "Messages seen over the gateway, by outcome (note: a reply to a card kept as a note; inbound: a customer's words in a support thread or DM; reply: a member's reply there; duplicate; ignored; refused).",
		}, []string{"outcome"}),
	}
	if reg != nil {
		reg.MustRegister(m.requests, m.errors, m.interactions, m.messages)
	}
	return m
}

// measured counts every REST request the session makes.
type measured struct {
	next http.RoundTripper
	m    *metrics
}

// RoundTrip passes r on and counts it by route and status.
func (t measured) RoundTrip(r *http.Request) (*http.Response, error) {
	route := r.Method + " " + routeOf(r.URL.Path)
	resp, err := t.next.RoundTrip(r)
	if err != nil {
		t.m.requests.WithLabelValues(route, "transport").Inc()
		t.m.errors.WithLabelValues(route, "transport").Inc()
		return resp, err
	}
	status := strconv.Itoa(resp.StatusCode)
	t.m.requests.WithLabelValues(route, status).Inc()
	if resp.StatusCode >= 400 {
		t.m.errors.WithLabelValues(route, status).Inc()
	}
	return resp, nil
}

// routeOf is a REST path with ids and tokens replaced, so the label has
// few values: /api/v9/channels/123/messages/456 is
// /channels/:id/messages/:id, and an interaction or webhook token is :token.
func routeOf(path string) string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	var out []string
	for i, p := range parts {
		switch {
		case i < 2 && (p == "api" || strings.HasPrefix(p, "v")):
			continue
		case p != "" && strings.Trim(p, "0123456789") == "":
			out = append(out, ":id")
		case i > 0 && (parts[i-1] == ":id" || isID(parts[i-1])) && i > 1 &&
			(parts[i-2] == "webhooks" || parts[i-2] == "interactions"):
			out = append(out, ":token")
		default:
			out = append(out, p)
		}
	}
	return "/" + strings.Join(out, "/")
}

func isID(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }

// interaction counts one received interaction.
func (m *metrics) interaction(kind, mode string) { m.interactions.WithLabelValues(kind, mode).Inc() }

// message counts one message seen in the inbox channel.
func (m *metrics) message(outcome string) { m.messages.WithLabelValues(outcome).Inc() }
