// Command samplegen writes the sample access log that asyncsim embeds: one
// day of a small web shop behind nginx, in the combined format with
// $request_time and $upstream_response_time appended, gzipped. The day has
// a night lull, a morning ramp, a busy afternoon and evening, a ten-minute
// burst at noon (a newsletter sending people to product pages and the cart),
// a load balancer's health check every ten seconds, and a few lines nginx
// writes for garbage (a TLS handshake on the HTTP port, an empty request)
// and one cut short. It is deterministic: the same bytes every run.
//
// Usage:
//
//	go run ./internal/samplegen -o sample/access.log.gz
package main

import (
	"bufio"
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"time"
)

// endpoint is one kind of request the shop serves.
type endpoint struct {
	weight float64                   // share of the ordinary traffic
	burst  float64                   // share of the noon burst
	method string                    // the request's method
	path   func(r *rand.Rand) string // a request target
	median float64                   // median duration, seconds
	sigma  float64                   // lognormal shape
	static bool                      // served by nginx itself: no upstream
	status func(r *rand.Rand) int    // response status
	size   func(r *rand.Rand) int    // response body bytes
}

var agents = []string{
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
	"shop-app/4.2 (Android 14)",
}

func browser(r *rand.Rand) string { return agents[r.IntN(len(agents))] }

// client returns an IPv4 or (one time in four) an IPv6 address.
func client(r *rand.Rand) string {
	if r.IntN(4) == 0 {
		return fmt.Sprintf("2001:db8:%x:%x::%x", r.IntN(1<<16), r.IntN(1<<16), 1+r.IntN(1<<12))
	}
	return fmt.Sprintf("%d.%d.%d.%d", 1+r.IntN(223), r.IntN(256), r.IntN(256), 1+r.IntN(254))
}

func ok(*rand.Rand) int { return 200 }

func sized(mean int) func(r *rand.Rand) int {
	return func(r *rand.Rand) int { return mean/2 + r.IntN(mean) }
}

func fixed(s string) func(*rand.Rand) string { return func(*rand.Rand) string { return s } }

func uuid(r *rand.Rand) string {
	b := make([]byte, 16)
	for i := range b {
		b[i] = byte(r.IntN(256))
	}
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

var words = []string{"shoes", "red dress", "jacket", "socks", "gift card", "sale", "boots", "t-shirt"}

var endpoints = []endpoint{
	{weight: 30, burst: 60, method: "GET", path: func(r *rand.Rand) string {
		return fmt.Sprintf("/products/%d", 1000+int(math.Floor(math.Pow(r.Float64(), 3)*4000)))
	}, median: 0.024, sigma: 0.5, status: ok, size: sized(18000)},
	{weight: 14, burst: 10, method: "GET", path: fixed("/"), median: 0.009, sigma: 0.4, status: ok, size: sized(24000)},
	{weight: 9, burst: 8, method: "GET", path: func(r *rand.Rand) string {
		return "/search?q=" + words[r.IntN(len(words))] + "&page=" + fmt.Sprint(1+r.IntN(3))
	}, median: 0.110, sigma: 0.8, status: ok, size: sized(30000)},
	{weight: 10, burst: 12, method: "GET", path: fixed("/api/cart"), median: 0.015, sigma: 0.4, status: ok, size: sized(900)},
	{weight: 5, burst: 7, method: "POST", path: fixed("/api/cart/items"), median: 0.038, sigma: 0.5, status: func(r *rand.Rand) int {
		if r.IntN(40) == 0 {
			return 409
		}
		return 201
	}, size: sized(400)},
	{weight: 4, burst: 1, method: "GET", path: func(r *rand.Rand) string { return "/users/" + uuid(r) + "/orders" },
		median: 0.060, sigma: 0.6, status: ok, size: sized(5000)},
	{weight: 1.5, burst: 2, method: "POST", path: fixed("/checkout"), median: 0.280, sigma: 0.5, status: ok, size: sized(1200)},
	{weight: 8, method: "GET", path: fixed("/static/app.js"), median: 0.001, sigma: 0.3, static: true, status: func(r *rand.Rand) int {
		if r.IntN(3) == 0 {
			return 304
		}
		return 200
	}, size: sized(90000)},
	{weight: 6, method: "GET", path: fixed("/static/style.css"), median: 0.001, sigma: 0.3, static: true, status: ok, size: sized(20000)},
	{weight: 4, method: "GET", path: func(r *rand.Rand) string {
		return fmt.Sprintf("/images/p%d-%d.jpg", 1000+r.IntN(300), 1+r.IntN(4))
	}, median: 0.002, sigma: 0.5, static: true, status: ok, size: sized(60000)},
	{weight: 0.5, method: "GET", path: fixed("/favicon.ico"), median: 0.0005, sigma: 0.2, static: true, status: func(*rand.Rand) int { return 404 }, size: sized(150)},
}

// rate is the ordinary traffic's arrivals per second at hour h of the day
// (0 to 24): a night lull, a morning ramp, an afternoon and evening peak.
func rate(h float64) float64 {
	day := math.Exp(-math.Pow((h-14.5)/4.5, 2))     // the working day
	evening := math.Exp(-math.Pow((h-20.5)/1.6, 2)) // after dinner
	return 0.08 + 0.95*day + 0.6*evening
}

// The noon burst: ten minutes from 12:00 at this many extra arrivals/s.
const (
	burstStart = 12 * 3600
	burstLen   = 600
	burstRate  = 40.0
)

type line struct {
	done float64 // when nginx logs it: seconds since midnight
	text string
}

func main() {
	out := flag.String("o", "", "write the gzipped log to `FILE`")
	flag.Parse()
	if *out == "" {
		log.Fatal("samplegen: -o FILE is required")
	}
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	if err := write(f); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

func write(w io.Writer) error {
	r := rand.New(rand.NewPCG(2026, 11))
	zone := time.FixedZone("", 3600)
	midnight := time.Date(2026, 11, 30, 0, 0, 0, 0, zone)
	var lines []line
	var ordinary, burst float64
	for _, e := range endpoints {
		ordinary += e.weight
		burst += e.burst
	}
	pick := func(weight func(endpoint) float64, total float64) endpoint {
		x := r.Float64() * total
		for _, e := range endpoints {
			if x -= weight(e); x < 0 {
				return e
			}
		}
		return endpoints[0]
	}
	add := func(at float64, e endpoint, ip, agent string, referred bool) {
		d := e.median * math.Exp(e.sigma*r.NormFloat64())
		d = math.Round(d*1000) / 1000 // nginx logs milliseconds
		upstream := "-"
		if !e.static {
			upstream = fmt.Sprintf("%.3f", max(d-0.001, 0))
		}
		done := at + d
		stamp := midnight.Add(time.Duration(math.Floor(done)) * time.Second).Format("02/Jan/2006:15:04:05 -0700")
		path, referer := e.path(r), "-"
		if referred && path != "/" && r.IntN(2) == 0 {
			referer = "https://shop.example/"
		}
		lines = append(lines, line{done, fmt.Sprintf(`%s - - [%s] "%s %s HTTP/1.1" %d %d "%s" "%s" %.3f %s`,
			ip, stamp, e.method, path, e.status(r), e.size(r), referer, agent, d, upstream)})
	}
	// Ordinary traffic: a Poisson process of rate(h) by thinning; a visitor
	// makes a few requests from one address.
	const peak = 1.8
	for t := r.ExpFloat64() / peak; t < 86400; t += r.ExpFloat64() / peak {
		if r.Float64()*peak < rate(t/3600) {
			add(t, pick(func(e endpoint) float64 { return e.weight }, ordinary), client(r), browser(r), true)
		}
	}
	for t := burstStart + r.ExpFloat64()/burstRate; t < burstStart+burstLen; t += r.ExpFloat64() / burstRate {
		add(t, pick(func(e endpoint) float64 { return e.burst }, burst), client(r), browser(r), true)
	}
	health := endpoint{method: "GET", path: fixed("/healthz"), median: 0.002, sigma: 0.2, status: ok, size: sized(20)}
	for t := 3.0; t < 86400; t += 10 {
		add(t, health, "10.0.0.2", "ELB-HealthChecker/2.0", false)
	}
	// What nginx writes for garbage, and a line cut short by a crash.
	for i, g := range []string{
		`"\x16\x03\x01\x02\x00\x01\x00\x01\xFC\x03\x03" 400 157 "-" "-" 0.001 -`,
		`"-" 400 0 "-" "-" 0.000 -`,
		`"\x16\x03\x01\x00\xEE\x01\x00\x00\xEA\x03\x03" 400 157 "-" "-" 0.002 -`,
		`"-" 408 0 "-" "-" 60.001 -`,
		`"GET /.env HTTP/1.1" 404 153 "-" "curl/8.5.0" 0.000 -`,
	} {
		at := float64(3600*(2+5*i) + r.IntN(3600))
		stamp := midnight.Add(time.Duration(at) * time.Second).Format("02/Jan/2006:15:04:05 -0700")
		lines = append(lines, line{at, client(r) + ` - - [` + stamp + `] ` + g})
	}
	slices.SortStableFunc(lines, func(a, b line) int {
		switch {
		case a.done < b.done:
			return -1
		case a.done > b.done:
			return 1
		}
		return 0
	})
	cut := len(lines) * 2 / 3
	lines[cut].text = lines[cut].text[:len(lines[cut].text)/2]
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(zw)
	for _, l := range lines {
		bw.WriteString(l.text)
		bw.WriteByte('\n')
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return zw.Close()
}
