package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"time"
)

// healthcheck asks the local server's /healthz and returns 0 when it
// answers 200: Docker's HEALTHCHECK for images that have no curl.
func healthcheck(stderr *os.File) int {
	_, o, _, err := loadEnv()
	if err != nil {
		fmt.Fprintf(stderr, "inboxbot healthcheck: %v\n", err)
		return 1
	}
	host, port, err := net.SplitHostPort(o.HTTPAddr)
	if err != nil {
		fmt.Fprintf(stderr, "inboxbot healthcheck: INBOXBOT_HTTP_ADDR: %v\n", err)
		return 1
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	client := &http.Client{Timeout: 3 * time.Second}
	resp, err := client.Get("http://" + net.JoinHostPort(host, port) + "/healthz")
	if err != nil {
		fmt.Fprintf(stderr, "inboxbot healthcheck: %v\n", err)
		return 1
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "inboxbot healthcheck: /healthz answered %s\n", resp.Status)
		return 1
	}
	return 0
}
