package handlers

import (
	"net"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// Which reverse proxies are believed: the X-Forwarded-For and
// X-Forwarded-Proto headers (and their variants) count only on requests
// that come straight from one of Config.TrustedProxies. From anyone else
// they are ignored, so a client cannot choose the address that login
// throttling and the activity feed record, nor pretend its plain-HTTP
// connection is TLS. Loopback is no exception unless it is listed
// ("loopback"): on a shared host any local process could otherwise speak
// for every client.
func proxyTrust(nets []*net.IPNet) []echo.TrustOption {
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range nets {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return opts
}

// ParseTrustedProxies reads a comma- or space-separated list of addresses
// and CIDR ranges, as the operator gives them; "loopback" stands for
// 127.0.0.0/8 and ::1, a proxy on the same host.
func ParseTrustedProxies(s string) ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		if strings.EqualFold(f, "loopback") {
			out = append(out, &net.IPNet{IP: net.IPv4(127, 0, 0, 0).To4(), Mask: net.CIDRMask(8, 32)}, &net.IPNet{IP: net.IPv6loopback, Mask: net.CIDRMask(128, 128)})
			continue
		}
		if !strings.Contains(f, "/") {
			if ip := net.ParseIP(f); ip != nil && ip.To4() != nil {
				f += "/32"
			} else {
				f += "/128"
			}
		}
		_, n, err := net.ParseCIDR(f)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

// hostPrefix is the cookie-name prefix with which a browser keeps a cookie
// only if it was set Secure, for Path=/ and without Domain, by this very
// host: a sibling subdomain or a plain-HTTP answer cannot plant one.
const hostPrefix = "__Host-"

// hostCookies, over TLS (directly or through a trusted proxy), gives the
// console's cookies (sa_*) the __Host- prefix and marks every cookie
// Secure, so that a session or CSRF cookie set over HTTPS is never sent
// over plain HTTP; and it reads only the prefixed ones, under their plain
// names, ignoring an unprefixed sa_* cookie that someone else set. The
// handlers see the plain names either way. Over plain HTTP (a laptop, the
// tests) nothing changes.
func hostCookies(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Scheme() != "https" {
			return next(c)
		}
		r := c.Request()
		if cks := r.Cookies(); len(cks) > 0 {
			r.Header.Del("Cookie")
			for _, ck := range cks {
				switch {
				case strings.HasPrefix(ck.Name, hostPrefix+"sa_"):
					ck.Name = strings.TrimPrefix(ck.Name, hostPrefix)
					r.AddCookie(ck)
				case strings.HasPrefix(ck.Name, "sa_"):
					// Planted: ours over TLS always carry the prefix.
				default:
					r.AddCookie(ck)
				}
			}
		}
		res := c.Response()
		res.Before(func() { secureSetCookies(res.Header()) })
		return next(c)
	}
}

// secureSetCookies rewrites an answer's Set-Cookie headers for TLS: the
// prefix on the console's cookies and Secure on all. It may run more than
// once on the same headers (a cookie set in a later Before hook).
func secureSetCookies(h http.Header) {
	cookies := h["Set-Cookie"]
	for i, v := range cookies {
		if strings.HasPrefix(v, "sa_") {
			v = hostPrefix + v
		}
		if !strings.Contains(strings.ToLower(v), "; secure") {
			v += "; Secure"
		}
		cookies[i] = v
	}
}

// warnUntrustedForwarding logs once, at the first such request, that
// X-Forwarded-For arrives from a peer that is not a trusted proxy. Behind
// a load balancer missing from --trusted-proxies every client has the
// balancer's address, so login throttling by address treats all of them
// as one: the operator must hear of it, not find out from a lockout.
func (s *Server) warnUntrustedForwarding(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if r.Header.Get(echo.HeaderXForwardedFor) != "" && !s.trustedPeer(r.RemoteAddr) {
			s.untrustedXFF.Do(func() {
				s.log.Warn("X-Forwarded-For arrived from a peer that is not a trusted proxy and was ignored: if this server is behind a proxy or load balancer, list it in --trusted-proxies, or every client is throttled as that one address",
					"peer", r.RemoteAddr)
			})
		}
		return next(c)
	}
}

// trustedPeer reports whether a connection's peer is a proxy whose
// forwarding headers are believed (proxyTrust).
func (s *Server) trustedPeer(remoteAddr string) bool {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return false
	}
	for _, n := range s.cfg.TrustedProxies {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}
