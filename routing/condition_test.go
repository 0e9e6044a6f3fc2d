package routing

import (
	"strings"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
)

// at is a fixed instant written as wall-clock time in zone, returned in UTC
// so that every test shows it was the zone, not the instant, that mattered.
func at(t testing.TB, zone, clock string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	tm, err := time.ParseInLocation("2006-01-02 15:04", clock, loc)
	if err != nil {
		t.Fatal(err)
	}
	return tm.UTC()
}

func lead() inboxbot.Conversation {
	return inboxbot.Conversation{ID: 1042, Channel: "sms", Contact: inboxbot.Contact{
		ExternalID: "c1", LeadSource: "Facebook-Ad", Region: "US-CA", Tags: []string{"new", "vip-gold"},
		Custom: map[string]string{"Plan": "Solar Premium", "rep": "lee"},
	}}
}

func TestCheck_FieldsAndOperators(t *testing.T) {
	now := at(t, "UTC", "2026-11-25 12:00")
	for _, tc := range []struct {
		name string
		c    inboxbot.Condition
		ok   bool
		why  string
	}{
		{"eq ignores case", inboxbot.Condition{Field: "lead_source", Op: "eq", Value: "facebook-ad"}, true, "lead_source is Facebook-Ad"},
		{"eq miss says both", inboxbot.Condition{Field: "lead_source", Op: "eq", Value: "google"}, false, "lead_source is Facebook-Ad, not google"},
		{"empty op is eq", inboxbot.Condition{Field: "channel", Value: "SMS"}, true, "channel is sms"},
		{"in", inboxbot.Condition{Field: "channel", Op: "in", Values: []string{"email", "sms"}}, true, "channel is sms, one of email, sms"},
		{"in miss", inboxbot.Condition{Field: "channel", Op: "in", Values: []string{"email", "webchat"}}, false, "channel is sms, not one of email, webchat"},
		{"contains", inboxbot.Condition{Field: "lead_source", Op: "contains", Value: "BOOK"}, true, "lead_source is Facebook-Ad, contains BOOK"},
		{"contains miss", inboxbot.Condition{Field: "lead_source", Op: "contains", Value: "google"}, false, "lead_source is Facebook-Ad, does not contain google"},
		{"prefix", inboxbot.Condition{Field: "lead_source", Op: "prefix", Value: "face"}, true, "lead_source is Facebook-Ad, starts with face"},
		{"prefix miss", inboxbot.Condition{Field: "lead_source", Op: "prefix", Value: "ad"}, false, "lead_source is Facebook-Ad, does not start with ad"},
		{"region eq matches a subdivision", inboxbot.Condition{Field: "region", Op: "eq", Value: "us"}, true, "region is US-CA, within us"},
		{"region eq exact", inboxbot.Condition{Field: "region", Op: "eq", Value: "US-CA"}, true, "region is US-CA"},
		{"region eq is not a string prefix", inboxbot.Condition{Field: "region", Op: "eq", Value: "U"}, false, "region is US-CA, not U"},
		{"region eq other subdivision", inboxbot.Condition{Field: "region", Op: "eq", Value: "US-NY"}, false, "region is US-CA, not US-NY"},
		{"region in by country", inboxbot.Condition{Field: "region", Op: "in", Values: []string{"DE", "US"}}, true, "region is US-CA, one of DE, US"},
		{"region prefix is a string prefix", inboxbot.Condition{Field: "region", Op: "prefix", Value: "US-C"}, true, "starts with US-C"},
		{"tag eq", inboxbot.Condition{Field: "tag", Op: "eq", Value: "NEW"}, true, "has tag new"},
		{"tag eq miss lists tags", inboxbot.Condition{Field: "tag", Op: "eq", Value: "vip"}, false, "tags are new, vip-gold, wanted vip"},
		{"tag in", inboxbot.Condition{Field: "tag", Op: "in", Values: []string{"vip", "new"}}, true, "has tag new, one of vip, new"},
		{"tag prefix", inboxbot.Condition{Field: "tag", Op: "prefix", Value: "vip"}, true, "has tag vip-gold, starts with vip"},
		{"tag contains", inboxbot.Condition{Field: "tag", Op: "contains", Value: "gold"}, true, "has tag vip-gold, contains gold"},
		{"custom field, key in any case", inboxbot.Condition{Field: "custom.plan", Op: "contains", Value: "solar"}, true, "custom.plan is Solar Premium, contains solar"},
		{"custom field missing is empty", inboxbot.Condition{Field: "custom.budget", Op: "eq", Value: "high"}, false, "custom.budget is empty, not high"},
		{"unknown field never holds", inboxbot.Condition{Field: "weather", Op: "eq", Value: "sunny"}, false, `unknown field "weather"`},
		{"unknown op never holds", inboxbot.Condition{Field: "channel", Op: "like", Value: "sms"}, false, `unknown operator "like"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ok, why := check(tc.c, lead(), now)
			if ok != tc.ok || !strings.Contains(why, tc.why) {
				t.Fatalf("check = %v, %q; want %v, %q", ok, why, tc.ok, tc.why)
			}
		})
	}
}

func TestCheck_TagsOfAContactWithoutTags(t *testing.T) {
	conv := lead()
	conv.Contact.Tags = nil
	ok, why := check(inboxbot.Condition{Field: "tag", Op: "eq", Value: "vip"}, conv, time.Now())
	if ok || why != "has no tags, wanted vip" {
		t.Fatalf("check = %v, %q", ok, why)
	}
}

func TestCheck_TimeWindows(t *testing.T) {
	office := inboxbot.Condition{Field: "time", Days: []string{"mon-fri"}, From: "09:00", To: "17:00", Timezone: "America/New_York"}
	night := inboxbot.Condition{Field: "time", Days: []string{"fri"}, From: "22:00", To: "06:00", Timezone: "Europe/Berlin"}
	weekend := inboxbot.Condition{Field: "time", Days: []string{"sat", "sun"}, Timezone: "Asia/Tokyo"}
	berlin := inboxbot.Condition{Field: "time", Days: []string{"mon", "tue", "wed", "thu", "fri"}, From: "08:00", To: "20:00", Timezone: "Europe/Berlin"}
	evenings := inboxbot.Condition{Field: "time", From: "18:00", To: "24:00"}
	for _, tc := range []struct {
		name string
		c    inboxbot.Condition
		now  time.Time
		ok   bool
		why  string
	}{
		{"inside office hours", office, at(t, "America/New_York", "2026-11-25 09:00"), true, "time is wed 09:00 America/New_York, within mon-fri 09:00-17:00"},
		{"end is exclusive", office, at(t, "America/New_York", "2026-11-25 17:00"), false, "time is wed 17:00 America/New_York, outside mon-fri 09:00-17:00"},
		{"weekend is outside", office, at(t, "America/New_York", "2026-11-28 12:00"), false, "time is sat 12:00"},
		// 2026-03-08 02:00 EST becomes 03:00 EDT. A fixed UTC-5 offset would
		// read 13:30 UTC on Monday as 08:30 and miss the window.
		{"before DST (EST)", office, at(t, "UTC", "2026-03-06 14:30"), true, "time is fri 09:30"},
		{"after DST (EDT)", office, at(t, "UTC", "2026-03-09 13:30"), true, "time is mon 09:30"},
		{"after DST, 08:30 local is outside", office, at(t, "UTC", "2026-03-09 12:30"), false, "time is mon 08:30"},
		{"night: friday evening", night, at(t, "Europe/Berlin", "2026-11-27 23:30"), true, "time is fri 23:30 Europe/Berlin, within fri 22:00-06:00"},
		{"night: saturday early morning belongs to friday", night, at(t, "Europe/Berlin", "2026-11-28 05:59"), true, "time is sat 05:59"},
		{"night: saturday 06:00 is over", night, at(t, "Europe/Berlin", "2026-11-28 06:00"), false, "time is sat 06:00"},
		{"night: friday early morning is thursday's night", night, at(t, "Europe/Berlin", "2026-11-27 03:00"), false, "time is fri 03:00"},
		{"night: saturday evening", night, at(t, "Europe/Berlin", "2026-11-28 23:00"), false, "time is sat 23:00"},
		// Berlin leaves summer time on 2026-10-25: 18:30 UTC is 20:30 on the
		// Friday before and 19:30 on the Monday after.
		{"Berlin in summer time", berlin, at(t, "UTC", "2026-10-23 18:30"), false, "time is fri 20:30 Europe/Berlin"},
		{"Berlin in winter time", berlin, at(t, "UTC", "2026-10-26 18:30"), true, "time is mon 19:30 Europe/Berlin"},
		{"weekend in Tokyo while Friday in New York", weekend, at(t, "America/New_York", "2026-11-27 11:00"), true, "time is sat 01:00 Asia/Tokyo, within sat,sun all day"},
		{"weekend over in Tokyo", weekend, at(t, "Asia/Tokyo", "2026-11-30 00:00"), false, "time is mon 00:00 Asia/Tokyo, outside sat,sun all day"},
		{"no days is every day, no zone is UTC", evenings, at(t, "UTC", "2026-11-29 23:59"), true, "time is sun 23:59 UTC, within every day 18:00-24:00"},
		{"bad zone never holds", inboxbot.Condition{Field: "time", From: "00:00", To: "24:00", Timezone: "Mars/Olympus"}, time.Now(), false, "unknown time zone"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ok, why := check(tc.c, lead(), tc.now)
			if ok != tc.ok || !strings.Contains(why, tc.why) {
				t.Fatalf("check = %v, %q; want %v, %q", ok, why, tc.ok, tc.why)
			}
		})
	}
}

func TestOnShift_WorkingHours(t *testing.T) {
	day := map[string]string{"mon-fri": "09:00-17:00", "sat": "10:00-14:00"}
	nights := map[string]string{"mon-thu": "22:00-06:00"}
	split := map[string]string{"mon,wed": "09:00-12:00,13:00-17:00"}
	for _, tc := range []struct {
		name  string
		hours map[string]string
		tz    string
		now   time.Time
		on    bool
	}{
		{"no hours is always on", nil, "", at(t, "UTC", "2026-11-29 03:00"), true},
		{"weekday in own zone", day, "America/New_York", at(t, "America/New_York", "2026-11-25 16:59"), true},
		{"evening in own zone", day, "America/New_York", at(t, "America/New_York", "2026-11-25 17:00"), false},
		{"saturday hours", day, "America/New_York", at(t, "America/New_York", "2026-11-28 10:00"), true},
		{"sunday off", day, "America/New_York", at(t, "America/New_York", "2026-11-29 12:00"), false},
		{"09:30 EDT right after the DST change", day, "America/New_York", at(t, "UTC", "2026-03-09 13:30"), true},
		{"08:30 EDT right after the DST change", day, "America/New_York", at(t, "UTC", "2026-03-09 12:30"), false},
		{"no zone is UTC", day, "", at(t, "UTC", "2026-11-25 09:00"), true},
		{"night shift, evening", nights, "Europe/Berlin", at(t, "Europe/Berlin", "2026-11-26 23:00"), true},
		{"night shift, next morning", nights, "Europe/Berlin", at(t, "Europe/Berlin", "2026-11-27 05:30"), true},
		{"night shift ends friday morning", nights, "Europe/Berlin", at(t, "Europe/Berlin", "2026-11-27 22:30"), false},
		{"night shift, monday morning had no sunday shift", nights, "Europe/Berlin", at(t, "Europe/Berlin", "2026-11-30 02:00"), false},
		{"split shift, morning", split, "UTC", at(t, "UTC", "2026-11-25 11:00"), true},
		{"split shift, lunch", split, "UTC", at(t, "UTC", "2026-11-25 12:30"), false},
		{"split shift, other day", split, "UTC", at(t, "UTC", "2026-11-24 11:00"), false},
		{"broken entry counts as off", map[string]string{"someday": "09:00-17:00"}, "", at(t, "UTC", "2026-11-25 11:00"), false},
		{"broken zone falls back to UTC", day, "Nowhere/City", at(t, "UTC", "2026-11-25 11:00"), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := onShift(tc.hours, tc.tz, tc.now); got != tc.on {
				t.Fatalf("onShift = %v, want %v", got, tc.on)
			}
		})
	}
}
