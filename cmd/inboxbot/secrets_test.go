package main

import (
	"strings"
	"testing"
)

// TestRun_APasswordWithUnencodedCharactersNeverLeaks: with @ or / left
// unencoded in the password, the URL parses with part of the password as
// the host, and the driver's error quoted it ("lookup ssw0rdZq9xk@...: no
// such host"). No output of a failed start, nor the help, may contain any
// part of the password.
func TestRun_APasswordWithUnencodedCharactersNeverLeaks(t *testing.T) {
	parts := []string{"p@ss", "ssw0rd", "Zq9xk", "s3cr/t", "hunter?2"}
	for _, url := range []string{
		"postgres://inboxbot:p@ssw0rd/Zq9xk@127.0.0.1:9/inboxbot",
		"postgres://inboxbot:ssw0rd/Zq9xk@127.0.0.1:9/inboxbot",
		"postgresql://inboxbot:s3cr/t@127.0.0.1:9/inboxbot?sslmode=disable",
		"postgres://inboxbot:hunter?2@127.0.0.1:9/inboxbot",
		"postgres://inboxbot:Zq9xk#x@127.0.0.1:9/inboxbot",
	} {
		for _, args := range [][]string{{"serve"}, {"migrate"}, {"help"}} {
			setEnv(t, map[string]string{"DATABASE_URL": url, "INBOXBOT_HTTP_ADDR": "127.0.0.1:0", "INBOXBOT_SHUTDOWN_DRAIN": "0"})
			code, stdout, stderr := runCmd(t, "", args...)
			if args[0] != "help" && code != 2 {
				t.Errorf("%s with %s: exit %d, want 2 (bad configuration)\n%s", args[0], url, code, stderr)
			}
			for _, p := range parts {
				if strings.Contains(stdout+stderr, p) {
					t.Errorf("%s with %s prints %q:\n%s%s", args[0], url, p, stdout, stderr)
				}
			}
			if args[0] != "help" && !strings.Contains(stderr, "percent-encode") {
				t.Errorf("%s with %s does not say how to fix the URL:\n%s", args[0], url, stderr)
			}
		}
	}
}
