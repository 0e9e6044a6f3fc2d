package routing

// The team file (package routing/teamfile) checks its time specs with the
// same parsers the engine uses, so that a file that loads also routes.

// CheckDays returns what is wrong with a day set such as "mon-fri" or
// "sat,sun", or nil.
func CheckDays(spec string) error { _, err := parseDays(spec); return err }

// CheckHours returns what is wrong with working hours such as
// "09:00-17:00" or "08:00-12:00,13:00-17:00", or nil.
func CheckHours(spec string) error { _, err := parseSpans(spec); return err }

// CheckClock returns what is wrong with a time "HH:MM", or nil; "24:00" is
// allowed only when end is true.
func CheckClock(s string, end bool) error { _, err := parseClock(s, end); return err }

// CheckSpan returns what is wrong with the range from-to, or nil.
func CheckSpan(from, to string) error { _, err := makeSpan(from, to); return err }

// CheckTimezone returns what is wrong with an IANA zone name, or nil; ""
// is UTC.
func CheckTimezone(name string) error { _, err := location(name); return err }
