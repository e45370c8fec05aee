package explore

import (
	"fmt"
	"net"
	"net/http"
	"strings"
)

// LocalOnly refuses, 403, requests whose Host header names anything but
// this machine's loopback (localhost, 127.0.0.1, ::1): a page on another
// site that a DNS name pointing at 127.0.0.1 lets a browser reach (DNS
// rebinding) cannot drive the explorer. A server bound to a loopback
// address wraps its handler in it.
func LocalOnly(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		host = strings.Trim(host, "[]")
		ip := net.ParseIP(host)
		if !strings.EqualFold(host, "localhost") && (ip == nil || !ip.IsLoopback()) {
			writeError(w, http.StatusForbidden, fmt.Errorf("host %q: the explorer answers requests for localhost only", r.Host))
			return
		}
		h.ServeHTTP(w, r)
	})
}
