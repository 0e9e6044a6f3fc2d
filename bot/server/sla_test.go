package server_test

import (
	"testing"
	"time"

	"github.com/inboxbot/inboxbot/bot/server"
)

func TestMetrics_SLABreachesAndFirstResponse(t *testing.T) {
	m := server.NewMetrics()
	m.SLABreached("first_response")
	m.SLABreached("first_response")
	m.FirstResponse(45 * time.Second)
	families, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var breaches, observed float64
	for _, f := range families {
		switch f.GetName() {
		case "inboxbot_sla_breaches_total":
			for _, mt := range f.GetMetric() {
				for _, l := range mt.GetLabel() {
					if l.GetName() == "target" && l.GetValue() == "first_response" {
						breaches = mt.GetCounter().GetValue()
					}
				}
			}
		case "inboxbot_first_response_seconds":
			observed = float64(f.GetMetric()[0].GetHistogram().GetSampleCount())
		}
	}
	if breaches != 2 || observed != 1 {
		t.Fatalf("breaches %v, first responses %v; want 2 and 1", breaches, observed)
	}
}
