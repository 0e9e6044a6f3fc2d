package slack

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	slackapi "github.com/slack-go/slack"
)

// metrics are the adapter's own Prometheus collectors. DMs are counted by
// the outbox's metrics already.
type metrics struct {
	requests     *prometheus.CounterVec
	errors       *prometheus.CounterVec
	interactions *prometheus.CounterVec
	rejected     *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "inboxbot_slack_api_requests_total",
			Help: "Slack Web API calls (and response_url posts), by method and HTTP status.",
		}, []string{"method", "status"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "inboxbot_slack_api_errors_total",
			Help: "Slack Web API calls that failed, by method and Slack error (rate_limited, http_500, user_not_found, ...).",
		}, []string{"method", "error"}),
		interactions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "inboxbot_slack_interactions_total",
			Help: "Requests from Slack handled, by type (slash_command, block_actions, app_home_opened, ...).",
		}, []string{"type"}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "inboxbot_slack_requests_rejected_total",
			Help: "HTTP requests refused before any work, by reason (signature, stale, too_large, malformed).",
		}, []string{"reason"}),
	}
	if reg != nil {
		reg.MustRegister(m.requests, m.errors, m.interactions, m.rejected)
	}
	return m
}

// interaction counts one request from Slack; unknown types are "other" so
// odd input cannot mint time series.
func (m *metrics) interaction(kind string) {
	switch kind {
	case "slash_command", "block_actions", "url_verification", "app_home_opened", "event_retry", "view_submission", "message":
	default:
		kind = "other"
	}
	m.interactions.WithLabelValues(kind).Inc()
}

// apiError counts a failed call by the error Slack gave.
func (m *metrics) apiError(method string, err error) {
	m.errors.WithLabelValues(method, errorLabel(err)).Inc()
}

// errorLabel names an error in few words: Slack's own error code, or the
// HTTP failure.
func errorLabel(err error) string {
	var rl *slackapi.RateLimitedError
	var sc slackapi.StatusCodeError
	var se slackapi.SlackErrorResponse
	switch {
	case errors.As(err, &rl):
		return "rate_limited"
	case errors.As(err, &sc):
		return "http_" + strconv.Itoa(sc.Code)
	case errors.As(err, &se):
		if len(se.Err) <= 40 && strings.Trim(se.Err, "abcdefghijklmnopqrstuvwxyz_") == "" {
			return se.Err
		}
		return "other"
	}
	return "transport"
}

// transport counts every HTTP call by Slack method and status.
func (m *metrics) transport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return roundTrip(func(r *http.Request) (*http.Response, error) {
		method := "response_url"
		if i := strings.LastIndex(r.URL.Path, "/api/"); i >= 0 {
			method = r.URL.Path[i+len("/api/"):]
			if len(method) > 40 || strings.ContainsAny(method, "/ ") {
				method = "other"
			}
		}
		resp, err := next.RoundTrip(r)
		status := "error"
		if err == nil {
			status = strconv.Itoa(resp.StatusCode)
		}
		m.requests.WithLabelValues(method, status).Inc()
		return resp, err
	})
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
